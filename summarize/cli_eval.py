"""``summarize eval``: score the summarizer (or any system's predictions) against the gold suite,
write the run folder, gate on thresholds; ``summarize eval compare OLD NEW`` diffs two runs.

Exit codes: 0 all aggregates at or above their thresholds; 1 an aggregate below its threshold (or a
regression with --fail-on-regression); 2 a bad suite, gold or predictions file (nothing written).
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from summarize.cli_common import one_line_errors, say
from summarize.errors import ConfigError

eval_app = typer.Typer(
    help="Score outputs against hand-written gold facts and write report.json, report.md and report.html.",
    invoke_without_command=True,
    no_args_is_help=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@eval_app.callback()
def evaluate(
    ctx: typer.Context,
    suite: Annotated[Path, typer.Option(help="Suite config listing gold files and thresholds.")] = Path("evals/suite.yaml"),
    engine: Annotated[Optional[str], typer.Option("--engine", "-e", help="Engine to evaluate [default: the suite's, offline].")] = None,
    model: Annotated[Optional[str], typer.Option("--model", "-m", envvar="SUMMARIZE_MODEL", help="Hub id or local folder for seq2seq.")] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Run folder to create [default: runs/<UTC time>].")] = None,
    predictions: Annotated[Optional[Path], typer.Option(help="Score these outputs (summarize run JSONL contract: id, summary, answers) instead of running an engine.")] = None,
    device: Annotated[str, typer.Option(help="Device for seq2seq: auto, cpu, cuda[:N], mps.")] = "auto",
    baseline: Annotated[bool, typer.Option(help="When a model is evaluated, also score the offline engine as the baseline column.")] = True,
    data: Annotated[Optional[Path], typer.Option("--data", envvar="SUMMARIZE_DATA", help="Folder holding the datasets that gold `source` entries name [default: the suite's `data:` folder].")] = None,
) -> None:
    """Run the eval suite and write report.json, report.md and report.html to a new run folder.

    With --predictions, score outputs another system produced; suite articles they lack are listed
    as not scored. Gold files that name a dataset record (`source`) read its text from the data
    folder: --data, else $SUMMARIZE_DATA, else the suite's `data:`. Exit codes: 0 all aggregates
    pass their thresholds, 1 one falls below (or a compare regression), 2 bad suite, gold or
    predictions file, or a dataset not found.
    """
    if ctx.invoked_subcommand is not None:
        return
    one_line_errors(_evaluate)(suite, engine, model, output, predictions, device, baseline, data)


def _evaluate(suite_path: Path, engine: str | None, model: str | None, output: Path | None,
              predictions: Path | None, device: str, with_baseline: bool, data: Path | None = None) -> None:
    from summarize.check.suite import generate_outputs, load_predictions, load_suite, run_metadata, score
    from summarize.report import summary_lines, write_reports

    suite = load_suite(suite_path, data)
    folder = output or Path("runs") / datetime.now(timezone.utc).strftime("%Y-%m-%dT%H-%M-%SZ")
    if folder.exists() and any(folder.iterdir()):
        raise ConfigError(f"{folder}: run folder exists and is not empty; pass a new --output")
    if predictions is not None:
        outputs = load_predictions(predictions, suite)
        meta: dict[str, Any] = {"engine": "predictions", "model": None, "prompts": {}}
    else:
        engine = engine or suite.engine
        options = {"model": model, "device": device} if engine != "offline" else {}
        outputs, meta = generate_outputs(suite, engine, **options)
        if meta.get("notice"):
            say(f"summarize: {meta['notice']}")
    scored = score(suite, outputs)
    scored.pop("dataset")
    report: dict[str, Any] = {"run": run_metadata(suite, meta, predictions), **scored, "baseline": None}
    if with_baseline and meta.get("engine") not in {"offline"}:
        base_outputs, _ = generate_outputs(suite, "offline")
        base = score(suite, base_outputs)
        report["baseline"] = {"engine": "offline", "aggregates": base["aggregates"], "articles": base["articles"]}
    write_reports(report, folder)
    for line in summary_lines(report):
        typer.echo(line)
    typer.echo(f"report: {folder / 'report.html'}")
    if not report["passed"]:
        raise typer.Exit(1)


@eval_app.command("compare")
def compare(
    old: Annotated[Path, typer.Argument(help="Earlier run folder (or its report.json).")],
    new: Annotated[Path, typer.Argument(help="Later run folder (or its report.json).")],
    fail_on_regression: Annotated[bool, typer.Option("--fail-on-regression", help="Exit 1 if any check, fact or question regressed.")] = False,
) -> None:
    """List every check, gold fact and question whose result changed between two runs (fixed,
    regressed), with aggregate deltas."""
    one_line_errors(_compare)(old, new, fail_on_regression)


def _compare(old: Path, new: Path, fail_on_regression: bool) -> None:
    from summarize.check.compare import compare_reports, load_report

    comparison = compare_reports(load_report(old), load_report(new))
    for line in comparison.lines():
        typer.echo(line)
    if fail_on_regression and comparison.regressed:
        raise typer.Exit(1)
