"""``summarize check``: run the source-only checks on any system's outputs, matched to their articles.

No gold and no model: each output's summary (and its answers to "who denied…" questions) is checked
against its own article with the guard's checks (:mod:`summarize.guard`). One line per output on
stdout; ``--output`` gets each output record with a ``guard`` object added.

Exit codes: 0 every output passed; 1 some output failed a check; 2 a bad outputs file, unreadable
articles, or an output whose article is not among them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from summarize.cli_common import EXIT_FAILED, EXIT_USAGE, InputProblems, one_line_errors, say
from summarize.output import read_output_records
from summarize.records import Answer, GuardReport


def check_record(record: dict[str, Any], source: str, guard: Any) -> GuardReport:
    """The guard's verdict on one output record against its article's text."""
    found = guard.check(record["summary"], source)
    for item in record.get("answers") or []:
        question, answer = item.get("question"), item.get("answer")
        if isinstance(question, str) and isinstance(answer, str):
            found += guard.check_answer(Answer(question, answer), source)
    return GuardReport(passed=not found, violations=found, action="checked")


def check(
    outputs: Annotated[Path, typer.Argument(metavar="OUTPUTS.jsonl", help="Outputs to check: the summarize run contract, or just id and summary per line.")],
    articles: Annotated[list[str], typer.Option("--articles", "-a", metavar="INPUT", help="The articles the outputs summarize (files, folders or -; the ingest of summarize run, so ids match). Repeatable; more inputs may follow it: --articles A B.")],
    more: Annotated[Optional[list[str]], typer.Argument(metavar="[INPUT]...", help="More article inputs, as in --articles A B.", show_default=False)] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write each output record with its guard object here (JSONL).")] = None,
    max_words: Annotated[Optional[int], typer.Option(min=10, help="Fail a summary longer than this [default: no limit].")] = None,
) -> None:
    """Check OUTPUTS.jsonl against their articles with the source-only checks.

    Speakers, attribution, balance, faithfulness, neutrality and hygiene, with the
    contested claims read from each article itself (no gold, no judge model). Prints one
    line per output with its violations. Exit codes: 0 all passed, 1 some output failed,
    2 bad input.
    """
    from summarize.guard import Guard
    from summarize.ingest import load_articles

    records = [record for _, record in read_output_records(outputs)]
    problems = InputProblems()
    texts = {a.id: a.text for a in load_articles([*articles, *(more or [])], on_error=problems)}
    if problems.unreadable or not texts:
        if not problems.unreadable:
            say("summarize: error: no articles to check against")
        raise typer.Exit(EXIT_USAGE)
    guard = Guard("flag", max_words=max_words)
    failed = unmatched = 0
    sink = output.open("w", encoding="utf-8") if output else None
    try:
        for record in records:
            article_id = str(record["id"])
            if article_id not in texts:
                unmatched += 1
                say(f"summarize: error: output {article_id!r}: no article with this id in --articles")
                continue
            report = check_record(record, texts[article_id], guard)
            failed += not report.passed
            if report.passed:
                typer.echo(f"{article_id}: pass")
            else:
                listed = "; ".join(f"{v.check}: {v.detail}" + (f' in "{v.sentence}"' if v.sentence else "") for v in report.violations)
                typer.echo(f"{article_id}: FAIL ({len(report.violations)}) {listed}")
            if sink is not None:
                guard_dict = {k: v for k, v in report.to_dict().items() if k != "action"}
                sink.write(json.dumps({**record, "guard": guard_dict}, ensure_ascii=False) + "\n")
                sink.flush()
    finally:
        if sink is not None:
            sink.close()
    say(f"summarize: checked {len(records) - unmatched} outputs: {failed} failed")
    if unmatched:
        raise typer.Exit(EXIT_USAGE)
    if failed:
        raise typer.Exit(EXIT_FAILED)


check_command = one_line_errors(check)
