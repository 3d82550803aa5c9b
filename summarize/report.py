"""Render an eval run (the content of report.json) as JSON, Markdown, one HTML page and a terminal summary.

The HTML page is self-contained (inline CSS and SVG, no scripts, fonts or links to fetch), so it reads
the same offline, attached to a ticket or years later; every status is a ✓/✗ glyph as well as a colour.
Beside the gold checks, each article shows its guard verdict (violations the source-only checks found,
action taken); a run with ``--guard-compare`` adds a "without guard" column and what the guard saved.
``write_reports`` never leaves a half-written run folder: all three files are rendered, then written to
a temporary sibling folder, and only then renamed into place.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
from html import escape
from pathlib import Path
from typing import Any

from summarize.report_html import render_html

from summarize.report_parts import (
    CHECKS, _aggregate_row,  # noqa: F401  (re-exported: the display order)
    _SAVED, _WORSE, _baseline_articles, _changes, _check_names, _counts, _delta, _found_checks, _glyph, _guard_cell, _guard_compare, _guard_mode, _guard_overview, _names, _num, _ordered, _pct, _plural, _run_facts, _saved_sentence, _status, _tally_text, _without_aggregates, _without_articles,
)

FILES = ("report.json", "report.md", "report.html")


def write_reports(report: dict[str, Any], folder: Path) -> list[Path]:
    """Write report.json, report.md and report.html into ``folder`` (new or empty), all or nothing."""
    texts = (json.dumps(report, indent=2, ensure_ascii=False) + "\n", render_markdown(report), render_html(report))
    return write_files(folder, dict(zip(FILES, texts)))


def write_files(folder: Path, files: dict[str, str]) -> list[Path]:
    """Write ``files`` (name -> text) into ``folder`` (new or empty), all or nothing."""
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise FileExistsError(f"{folder}: run folder exists and is not empty")
    folder.parent.mkdir(parents=True, exist_ok=True)
    # mkdir (not mkdtemp) so the folder gets the umask's permissions, not 0700, once renamed.
    tmp = folder.parent / f".{folder.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp"
    tmp.mkdir()
    try:
        for name, text in files.items():
            with open(tmp / name, "w", encoding="utf-8", newline="\n") as stream:
                stream.write(text)
                stream.flush()
                os.fsync(stream.fileno())  # the rename must not publish files still in the page cache
        _publish(tmp, folder)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return [folder / name for name in files]


def _publish(tmp: Path, folder: Path) -> None:
    """Rename the finished folder into place in one step (POSIX also replaces an empty folder)."""
    try:
        os.replace(tmp, folder)
    except OSError:
        if not (folder.is_dir() and not any(folder.iterdir())):
            raise FileExistsError(f"{folder}: run folder exists and is not empty") from None
        folder.rmdir()  # Windows will not rename onto an empty folder
        os.replace(tmp, folder)


# --- terminal --------------------------------------------------------------------------------------


def summary_lines(report: dict[str, Any]) -> list[str]:
    """A one-screen plain-text summary for the terminal: run line, one line per check, not-scored ids."""
    facts = dict(_run_facts(report))
    source = facts.get("predictions") or facts.get("suite") or "?"
    model = (report.get("run") or {}).get("model") or {}
    revision = f"@{str(model['revision'])[:12]}" if model.get("revision") else ""
    made_by = facts["engine"] + (f" · {model.get('id') or '?'}{revision}" if model else "")
    lines = [f"eval {facts['created']} · {made_by} · commit {facts['git commit']} · {source}: "
             f"{_status(report.get('passed'))}"]
    baseline = (report.get("baseline") or {}).get("aggregates") if report.get("baseline") else None
    without = _without_aggregates(report)
    header = f"  {'check':<13} {'pass rate':>9} {'mean':>6} {'threshold':>9}  status"
    lines.append(header + ("  no guard" if without is not None else "") + ("  baseline" if baseline is not None else ""))
    for name in _check_names(report):
        row = _aggregate_row(report, name)
        line = f"  {name:<13} {row['pass_rate']:>9} {row['mean']:>6} {row['threshold']:>9}  {_status(row['passed']):<6}"
        line += "".join(f"  {row[column]:>8}" for column in ("without", "baseline") if row[column] is not None)
        lines.append(line.rstrip())
    guard = report.get("guard")
    if guard:
        mode = guard.get("mode") if guard.get("mode") in {"flag", "repair"} else f"{guard.get('mode') or 'none'}, checked after"
        lines.append(f"guard ({mode}): {guard.get('flagged', 0)}/{guard.get('articles', 0)} articles flagged; "
                     f"{_counts(guard.get('actions'))}")
        compare = _guard_compare(report)
        if compare:
            checks = compare.get("checks_passed") or {}
            lines.append(f"guard saved {_plural(compare.get('saved') or 0, 'gold check')}, {compare.get('worse') or 0} worse "
                         f"(passed {(checks.get('without') or {}).get('passed', 0)} without, {(checks.get('with') or {}).get('passed', 0)} with)")
    not_scored = report.get("not_scored") or []
    if not_scored:
        lines.append(f"not scored ({len(not_scored)}): " + ", ".join(map(str, not_scored)))
    return lines


# --- Markdown --------------------------------------------------------------------------------------


def _md(text: Any) -> str:
    """One table cell: lines joined with <br>, markup escaped, ``|`` escaped."""
    lines = [" ".join(line.split()) for line in str(text).splitlines()]
    return "<br>".join(escape(line, quote=False) for line in lines if line).replace("|", "\\|")


def _md_row(cells: list[Any]) -> str:
    return "| " + " | ".join(_md(cell) if cell != "" else "" for cell in cells) + " |"


def _md_table(header: list[str], rows: list[list[Any]]) -> list[str]:
    return [_md_row(header), "|" + "---|" * len(header)] + [_md_row(row) for row in rows] + [""]


def render_markdown(report: dict[str, Any]) -> str:
    """The report in Markdown: run metadata, aggregates table, the guard (and what it saved), then
    one section per article."""
    lines = [f"# Eval report: {_glyph(report.get('passed'))} {_status(report.get('passed'))}", ""]
    lines += [f"- **{label}**: {_md(text)}" for label, text in _run_facts(report)] + ["", "## Aggregates", ""]
    aggregates = report.get("aggregates") or {}
    baseline = (report.get("baseline") or {}).get("aggregates") if report.get("baseline") else None
    without = _without_aggregates(report)
    header = (["Check", "Pass rate", "Mean score", "Threshold", "Status"] + (["Without guard"] if without is not None else [])
              + (["Baseline pass rate"] if baseline is not None else []))
    rows = []
    for name in _check_names(report):
        agg = aggregates.get(name) or {}
        row = [name, _pct(agg.get("pass_rate")), _num(agg.get("mean_score")), _num(agg.get("threshold")),
               f"{_glyph(agg.get('passed'))} {_status(agg.get('passed'))}"]
        row += [_pct((without.get(name) or {}).get("pass_rate"))] if without is not None else []
        rows.append(row + ([_pct((baseline.get(name) or {}).get("pass_rate"))] if baseline is not None else []))
    lines += _md_table(header, rows)
    not_scored = report.get("not_scored") or []
    if not_scored:
        lines += [f"**Not scored** ({len(not_scored)}): " + ", ".join(f"`{i}`" for i in not_scored), ""]
    if report.get("guard"):
        lines += _md_guard(report)
    base_articles = _baseline_articles(report)
    unguarded = _without_articles(report)
    changes = _changes(report)
    for article in report.get("articles") or []:
        title = f" — {_md(article['title'])}" if article.get("title") else ""
        lines += [f"## {_md(article.get('id'))}{title}", ""]
        lines += ["> " + escape(line, quote=False) for line in (article.get("summary") or "(no summary)").splitlines()] + [""]
        base = {c.get("name"): c for c in (base_articles.get(article.get("id")) or {}).get("checks") or []}
        old = unguarded.get(article.get("id"))
        before = {c.get("name"): c for c in (old or {}).get("checks") or []}
        header = ["Check", "Result", "Score", "Detail"] + (["Without guard"] if old is not None else []) + (["Baseline"] if base else [])
        rows = []
        for check in _ordered(article.get("checks") or []):
            row = [check.get("name"), f"{_glyph(check.get('passed'))} {_status(check.get('passed'))}", _num(check.get("score")),
                   check.get("detail") or ""]
            for others, shown in ((before, old is not None), (base, bool(base))):
                if shown:
                    other = others.get(check.get("name"))
                    row.append(f"{_glyph(other.get('passed'))} {_num(other.get('score'))}" if other else "—")
            rows.append(row)
        if rows:
            lines += _md_table(header, rows)
        if "guard" in article:
            lines += _md_article_guard(article, old, changes.get(article.get("id")))
        facts = article.get("facts") or []
        if facts:
            lines += ["Facts:", ""] + [f"- {_glyph(f.get('present'))} `{f.get('id')}` ({f.get('level') or '?'})" for f in facts] + [""]
        qa = article.get("qa") or []
        if qa:
            lines += _md_table(["Question", "Answer", "Expected", "EM", "F1", "Result"], [
                [q.get("question") or "", q["answer"] if q.get("answer") is not None else "(no answer)",
                 " / ".join(q["expected"]) if q.get("expected") else "—", q.get("em", "—"), _num(q.get("f1")),
                 f"{_glyph(q.get('passed'))} {_status(q.get('passed'))}"] for q in qa])
    return "\n".join(lines).rstrip() + "\n"


def _md_guard(report: dict[str, Any]) -> list[str]:
    """The "Guard" section (every article's verdict beside its gold checks) and, for a compared run,
    "What the guard saved"."""
    compare = _guard_compare(report)
    unguarded, changes = _without_articles(report), _changes(report)
    lines = ["## Guard", "", f"Source-only checks of each output against its article (guard: {_md(_guard_mode(report))}): "
             + _md(_guard_overview(report)), ""]
    header = ["Article", "Gold checks", "Guard", "Found"] + (["Without guard", "Saved", "Worse"] if compare else [])
    rows = []
    for article in report.get("articles") or []:
        row = [f"`{article.get('id')}`", _tally_text(article), _guard_cell(article.get("guard")), _found_checks(article.get("guard"))]
        if compare:
            change = changes.get(article.get("id")) or {}
            row += [_tally_text(unguarded.get(article.get("id"))), _names(change.get("saved"), change.get("saved_not_applicable")),
                    _names(change.get("worse"))]
        rows.append(row)
    lines += _md_table(header, rows)
    if compare:
        lines += ["## What the guard saved", "", _md(_saved_sentence(compare)), ""]
        lines += _md_table(["Check", "Without guard", f"With guard ({compare.get('guard') or '?'})", "Change"], [
            [name, _pct(rates.get("without")), _pct(rates.get("with")), _delta(rates.get("with"), rates.get("without"))]
            for name, rates in (compare.get("pass_rates") or {}).items()])
        for key, label in (("saved", _SAVED), ("worse", _WORSE)):
            listed = [c for c in compare.get("articles") or [] if c.get(key)]
            lines += [f"**{label[0]}**: {label[1]}:", ""]
            lines += [f"- `{c.get('id')}` ({c.get('action') or '?'}): {_md(_names(c[key], c.get('saved_not_applicable')))}"
                      for c in listed] or ["- none"]
            lines.append("")
    return lines


def _md_article_guard(article: dict[str, Any], old: dict[str, Any] | None, change: dict[str, Any] | None) -> list[str]:
    guard = article.get("guard")
    lines = [f"Guard: {_md(_guard_cell(guard))}", ""]
    for key, label in (("violations", "Violations"), ("repaired", "Repaired (the model's own output)")):
        found = (guard or {}).get(key) or []
        if found:
            lines += [f"{label}:", ""] + _md_table(["Guard check", "Sentence", "Detail"], [
                [v.get("check") or "?", v.get("sentence") or "(the whole output)", v.get("detail") or ""] for v in found])
    if old is not None and (change or {}).get("summary_changed"):
        lines += ["Without the guard:", ""]
        lines += ["> " + escape(line, quote=False) for line in (old.get("summary") or "(no summary)").splitlines()] + [""]
    return lines
