"""``summarize eval``: score the summarizer (or any system's predictions) against the gold suite,
write the run folder, gate on thresholds; ``summarize eval compare OLD NEW`` diffs two runs.

Every article's report also shows the guard's verdict on its output (:mod:`summarize.guard`): what
the engine's guard found and did, or, for outputs no guard saw, the source-only checks run after the
fact. ``--guard-compare`` runs a model with the guard off and on and reports what the guard saved.

Exit codes: 0 all aggregates at or above their thresholds; 1 an aggregate below its threshold (or a
regression with --fail-on-regression); 2 a bad suite, gold or predictions file, or a bad option
(nothing written).
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from summarize.cli_common import one_line_errors, say
from summarize.errors import ConfigError
from summarize.eval.dispute import is_dispute_suite

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
    gen: Annotated[Optional[list[str]], typer.Option("--gen", metavar="KEY=VALUE", help="Generation setting for a model, repeatable, as in `summarize run`: num_beams=2, summary.max_new_tokens=64.")] = None,
    guard: Annotated[Optional[str], typer.Option("--guard", metavar="off|flag|repair", help="The engine's guard: off, flag (record violations) or repair (replace failing summaries and answers) [default: repair for a model, off for the offline engine]. Outputs no guard saw are checked after the fact, so every article shows its violations.")] = None,
    guard_compare: Annotated[bool, typer.Option("--guard-compare", help="Run the model twice, guard off and --guard (default repair), and report what the guard saved: the gold checks that fail without it and pass with it. Needs a model engine.")] = False,
    guard_candidates: Annotated[int, typer.Option("--guard-candidates", min=1, metavar="N", help="Beam alternatives --guard repair tries before repairing sentences.")] = 4,
) -> None:
    """Run the eval suite and write report.json, report.md and report.html to a new run folder.

    With --predictions, score outputs another system produced; suite articles they lack are listed
    as not scored. Gold files that name a dataset record (`source`) read its text from the data
    folder: --data, else $SUMMARIZE_DATA, else the suite's `data:`.

    Each article shows its guard verdict beside the gold checks: the violations the source-only
    checks found and the action taken. --guard sets the engine's guard; outputs no guard saw
    (guard off, the offline engine, --predictions) are checked after the fact (action "checked").
    --guard-compare scores a model with the guard off and on, and shows what the guard saved.

    Exit codes: 0 all aggregates pass their thresholds, 1 one falls below (or a compare
    regression), 2 bad suite, gold or predictions file, a dataset not found, or a bad option.
    """
    if ctx.invoked_subcommand is not None:
        return
    one_line_errors(_evaluate)(suite, engine, model, output, predictions, device, baseline, data,
                               gen=gen, guard=guard, guard_compare=guard_compare, guard_candidates=guard_candidates)


def _evaluate(suite_path: Path, engine: str | None, model: str | None, output: Path | None,
              predictions: Path | None, device: str, with_baseline: bool, data: Path | None = None, *,
              gen: list[str] | None = None, guard: str | None = None, guard_compare: bool = False,
              guard_candidates: int = 4) -> None:
    from summarize.check.suite import (
        check_outputs, compare_guard, generate_outputs, guard_summary, load_predictions, load_suite, run_metadata, score,
    )
    from summarize.guard import check_guard_options
    from summarize.report import summary_lines, write_reports

    if guard is not None:
        check_guard_options(guard, guard_candidates)
    if is_dispute_suite(suite_path):
        return _evaluate_dispute(suite_path, engine, model, output, predictions, device, data, gen=gen, guard=guard,
                                 guard_candidates=guard_candidates, guard_compare=guard_compare)
    if predictions is not None and (guard is not None or guard_compare):
        raise ConfigError("--guard and --guard-compare run an engine; --predictions outputs are checked as they are (flag mode)")
    if guard_compare and guard == "off":
        raise ConfigError("--guard-compare compares the guard off with --guard flag or repair; drop --guard off")
    suite = load_suite(suite_path, data)
    if predictions is None:
        engine = engine or suite.engine
        if guard_compare and engine == "offline":
            raise ConfigError("--guard-compare needs a model (--engine seq2seq or auto): the offline engine is not guarded")
    folder = output or Path("runs") / datetime.now(timezone.utc).strftime("%Y-%m-%dT%H-%M-%SZ")
    if folder.exists() and any(folder.iterdir()):
        raise ConfigError(f"{folder}: run folder exists and is not empty; pass a new --output")
    unguarded: dict[str, Any] | None = None
    if predictions is not None:
        outputs = load_predictions(predictions, suite)
        meta: dict[str, Any] = {"engine": "predictions", "model": None, "prompts": {}, "guard": None, "guards": {}}
    else:
        assert engine is not None
        options: dict[str, Any] = {"guard": guard, "guard_candidates": guard_candidates}
        if engine != "offline":
            from summarize.cli import parse_generation  # loaded already: the eval command hangs off its app

            options.update(model=model, device=device, generation=parse_generation(gen))
        if guard_compare:
            off_outputs, off_meta = generate_outputs(suite, engine, **{**options, "guard": "off"})
            if off_meta.get("engine") == "offline":
                raise ConfigError(f"--guard-compare needs a model: the offline engine is not guarded ({off_meta.get('notice') or 'no model loaded'})")
            unguarded = score(suite, off_outputs, check_outputs(suite, off_outputs))
            unguarded.pop("dataset")
        outputs, meta = generate_outputs(suite, engine, **options)
        if meta.get("notice"):
            say(f"summarize: {meta['notice']}")
    scored = score(suite, outputs, check_outputs(suite, outputs, meta.get("guards")))
    scored.pop("dataset")
    report: dict[str, Any] = {"run": run_metadata(suite, meta, predictions), **scored, "baseline": None,
                              "guard": guard_summary(scored["articles"], meta.get("guard"))}
    if unguarded is not None:
        report["guard"]["compare"] = compare_guard(unguarded, scored, meta["guard"])
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


def _evaluate_dispute(suite_path: Path, engine: str | None, model: str | None, output: Path | None,
                      predictions: Path | None, device: str, data: Path | None, *, gen: list[str] | None,
                      guard: str | None, guard_candidates: int, guard_compare: bool) -> None:
    """A dispute suite (``format: dispute``): run or read the outputs, grade them as score_gold.py
    does, write report.json, report.md and report.html, gate on the suite's thresholds."""
    import json

    from summarize.check.suite import load_predictions_file, run_metadata
    from summarize.eval.dispute import generate_outputs, headline, load_dispute_suite, score_outputs
    from summarize.eval.render import render
    from summarize.report import write_files

    if guard_compare:
        raise ConfigError("--guard-compare scores the YAML gold suites; a dispute suite reports QA, facts and denials")
    suite = load_dispute_suite(suite_path, data)
    folder = output or Path("runs") / datetime.now(timezone.utc).strftime("%Y-%m-%dT%H-%M-%SZ")
    if folder.exists() and any(folder.iterdir()):
        raise ConfigError(f"{folder}: run folder exists and is not empty; pass a new --output")
    ids = {a.gold.id for a in suite.articles} | {a.gold.corpus_id for a in suite.articles}
    if predictions is not None:
        by_corpus = {a.gold.corpus_id: a.gold.id for a in suite.articles}
        outputs = {by_corpus.get(k, k): v for k, v in load_predictions_file(predictions, ids).items()}
        meta: dict[str, Any] = {"engine": "predictions", "model": None, "prompts": {}, "guard": None}
    else:
        engine = engine or suite.engine
        options: dict[str, Any] = {"guard": guard, "guard_candidates": guard_candidates}
        if engine != "offline":
            from summarize.cli import parse_generation  # loaded already: the eval command hangs off its app

            options.update(model=model, device=device, generation=parse_generation(gen))
        outputs, meta = generate_outputs(suite, engine, **options)
        if meta.get("notice"):
            say(f"summarize: {meta['notice']}")
    scored = score_outputs(suite, outputs)
    report: dict[str, Any] = {"run": run_metadata(None, meta, predictions),
                              "suite": {"name": suite.name, "path": str(suite_path), "gold": str(suite.gold_file),
                                        "corpus": str(suite.corpus_file), "thresholds": suite.thresholds},
                              "headline": headline(scored["totals"]), **scored}
    write_files(folder, {"report.json": json.dumps(report, indent=2, ensure_ascii=False) + "\n", **render(report)})
    typer.echo(f"eval {report['run']['created']} · {meta.get('engine')} · {suite.path}: {'PASS' if report['passed'] else 'FAIL'}")
    typer.echo(f"  gold: {report['headline']}")
    for name, row in report["gate"].items():
        if row["threshold"] is not None:
            status = "pass" if row["passed"] else "FAIL"
            typer.echo(f"  {name:<8} {row['share'] if row['share'] is not None else 'n/a':>6} >= {row['threshold']:.2f}  {status}")
    if report["not_scored"]:
        typer.echo(f"  not scored: {', '.join(report['not_scored'])}")
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
