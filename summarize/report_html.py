"""report.html: the eval report as one self-contained page (inline CSS and SVG chart, no script)."""

from __future__ import annotations

from html import escape
from typing import Any

from summarize.report_parts import (
    _aggregate_row, _glyph, _check_names, _ordered, _baseline_articles, _pct, _num, _status, _run_facts, _guard_compare, _without_aggregates, _without_articles, _changes, _guard_mode, _guard_overview, _guard_cell, _found_checks, _gold_tally, _tally_text, _names, _delta, _saved_sentence, _SAVED, _WORSE,
)


_CSS = """
:root{--pass:#1a7f37;--fail:#cf222e;--base:#8c959f;--ink:#1f2328;--muted:#59636e;--line:#d1d9e0;--soft:#f6f8fa}
*{box-sizing:border-box}
body{margin:0;background:#fff;color:var(--ink);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1100px;margin:0 auto;padding:28px 28px 56px}
header{border-bottom:1px solid var(--line);padding-bottom:16px}
h1{font-size:1.7rem;margin:0 0 10px;display:flex;align-items:center;gap:14px}
h2{font-size:1.3rem;margin:36px 0 10px}
h3{font-size:1rem;margin:18px 0 6px;color:var(--muted)}
.badge{font-size:.95rem;padding:3px 14px;border-radius:999px;font-weight:600;letter-spacing:.04em}
.badge.pass,.badge.fail{color:#fff}.badge.pass{background:var(--pass)}.badge.fail{background:var(--fail)}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:3px 18px;margin:0;font-size:14px}
dl.meta dt{color:var(--muted)}dl.meta dd{margin:0;overflow-wrap:anywhere}.muted{color:var(--muted)}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:.9em}
table{border-collapse:collapse;width:100%;margin:6px 0 14px;font-size:14px}
th,td{border-bottom:1px solid var(--line);padding:6px 10px;text-align:left;vertical-align:top}
th{background:var(--soft);font-weight:600;border-top:1px solid var(--line)}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.status{white-space:nowrap;font-weight:600}
.pass{color:var(--pass)}.fail{color:var(--fail)}.none{color:var(--muted)}
.detail{white-space:pre-wrap;overflow-wrap:anywhere}
.muted{color:var(--muted)}
.chart-wrap{overflow-x:auto}svg.chart{display:block;width:100%;min-width:720px;height:auto;margin:4px 0 8px}
svg.chart text{font-family:inherit;font-size:13px;fill:var(--ink)}
svg.chart .tick,svg.chart .legend{fill:var(--muted);font-size:12px}
svg.chart .track{fill:var(--soft);stroke:var(--line)}
svg.chart .grid{stroke:var(--line);stroke-dasharray:2 3}
svg.chart .bar-pass{fill:var(--pass)}svg.chart .bar-fail{fill:var(--fail)}svg.chart .bar-none{fill:var(--base)}
svg.chart .bar-base{fill:var(--base)}svg.chart .threshold{stroke:var(--ink);stroke-width:2.5}
svg.chart text.value-pass{fill:var(--pass);font-weight:600}svg.chart text.value-fail{fill:var(--fail);font-weight:600}
svg.chart text.base-value{fill:var(--muted);font-size:12px}
section.article{border-top:2px solid var(--line);margin-top:40px}
section.article h2 .title{font-weight:400;color:var(--muted)}
.summary{background:var(--soft);border-left:4px solid var(--line);padding:10px 14px;margin:8px 0 12px;white-space:pre-wrap}
ul.facts{list-style:none;padding:0;margin:4px 0 12px;display:flex;flex-wrap:wrap;gap:4px 28px}
table.checks th:nth-child(1){width:120px}table.checks th:nth-child(2){width:96px}table.checks th:nth-child(3){width:70px}
table.checks th:nth-child(5){width:90px}
.level{display:inline-block;font-size:11px;padding:0 6px;border:1px solid var(--line);border-radius:4px;color:var(--muted)}
nav ol{margin:4px 0;padding-left:22px}nav a{color:inherit}
p.verdict{margin:4px 0 8px;font-weight:600}p.lede{margin:4px 0 10px}
table.guard td:nth-child(1){white-space:nowrap}table.violations th:nth-child(1){width:120px}
.summary.unguarded{border-left-color:var(--base)}
footer{margin-top:48px;font-size:12px;color:var(--muted)}
@media print{main{max-width:none;padding:0}section.article{break-inside:avoid-page}}
"""


def _h(value: Any) -> str:
    return escape(str(value), quote=True)


def _cls(passed: bool | None) -> str:
    return "none" if passed is None else "pass" if passed else "fail"


def _status_cell(passed: bool | None) -> str:
    return f'<td class="status {_cls(passed)}">{_glyph(passed)} {_status(passed)}</td>'


def _html_table(header: list[str], rows: list[str], numeric: frozenset[int] = frozenset(), cls: str = "") -> str:
    heads = "".join(f'<th{" class=num" if i in numeric else ""}>{_h(h)}</th>' for i, h in enumerate(header))
    return f"<table{f' class={cls}' if cls else ''}><thead><tr>{heads}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _chart(report: dict[str, Any], names: list[str]) -> str:
    """A horizontal bar per check: pass rate, threshold marker and, with a baseline, a thinner bar."""
    aggregates = report.get("aggregates") or {}
    baseline = (report.get("baseline") or {}).get("aggregates") if report.get("baseline") else None
    left, width, total = 140, 700, 1000
    row = 44 if baseline is not None else 30
    top, bottom = 34, 22
    height = top + row * len(names) + bottom

    def x(rate: float) -> str:
        return f"{left + max(0.0, min(1.0, rate)) * width:.1f}"

    out = [f'<svg class="chart" viewBox="0 0 {total} {height}" role="img" aria-labelledby="chart-title">',
           '<title id="chart-title">Pass rate per check</title>']
    legend = [("bar-pass", "passed"), ("bar-fail", "failed")] + ([("bar-base", "baseline")] if baseline is not None else [])
    lx = left
    for cls, label in legend:
        tall = 6 if cls == "bar-base" else 12
        out.append(f'<rect class="{cls}" x="{lx}" y="{13 - tall / 2}" width="22" height="{tall}" rx="2"/>'
                   f'<text class="legend" x="{lx + 28}" y="17">{label}</text>')
        lx += 110
    out.append(f'<line class="threshold" x1="{lx + 10}" y1="5" x2="{lx + 10}" y2="21"/><text class="legend" x="{lx + 20}" y="17">threshold</text>')
    for tick in (0, 0.25, 0.5, 0.75, 1):
        out.append(f'<line class="grid" x1="{x(tick)}" y1="{top - 6}" x2="{x(tick)}" y2="{height - bottom + 2}"/>'
                   f'<text class="tick" x="{x(tick)}" y="{height - 5}" text-anchor="middle">{tick * 100:.0f}%</text>')
    for i, name in enumerate(names):
        agg = aggregates.get(name) or {}
        rate, passed, y = agg.get("pass_rate"), agg.get("passed"), top + i * row
        tip = f"{name}: pass rate {_pct(rate)}, threshold {_num(agg.get('threshold'))}, {_status(passed)}"
        out.append(f'<g data-check="{_h(name)}"><title>{_h(tip)}</title>'
                   f'<text x="{left - 12}" y="{y + 14}" text-anchor="end">{_h(name)}</text>'
                   f'<rect class="track" x="{left}" y="{y}" width="{width}" height="18" rx="3"/>'
                   f'<rect class="bar bar-{_cls(passed)}" x="{left}" y="{y}" '
                   f'width="{float(x(rate or 0)) - left:.1f}" height="18" rx="3"/>'
                   f'<text class="value-{_cls(passed)}" x="{left + width + 12}" y="{y + 14}">{_glyph(passed)} {_pct(rate) if rate is not None else "n/a"}</text>')
        if baseline is not None:
            base_rate = (baseline.get(name) or {}).get("pass_rate")
            out.append(f'<rect class="bar-base" x="{left}" y="{y + 22}" width="{float(x(base_rate or 0)) - left:.1f}" height="7" rx="2"/>'
                       f'<text class="base-value" x="{left + width + 12}" y="{y + 30}">baseline {_pct(base_rate)}</text>')
        if agg.get("threshold") is not None:
            reach = 33 if baseline is not None else 22
            out.append(f'<line class="threshold" x1="{x(agg["threshold"])}" y1="{y - 3}" x2="{x(agg["threshold"])}" y2="{y + reach}"/>')
        out.append("</g>")
    return "".join(out) + "</svg>"


def _aggregates_table(report: dict[str, Any], names: list[str]) -> str:
    baseline = (report.get("baseline") or {}).get("aggregates") if report.get("baseline") else None
    without = _without_aggregates(report)
    rows = []
    for name in names:
        row = _aggregate_row(report, name)
        cells = (f"<td>{_h(name)}</td><td class=num>{row['pass_rate']}</td><td class=num>{row['mean']}</td>"
                 f"<td class=num>{row['threshold']}</td>{_status_cell(row['passed'])}")
        cells += "".join(f"<td class=num>{row[column]}</td>" for column in ("without", "baseline") if row[column] is not None)
        rows.append(f"<tr>{cells}</tr>")
    header = (["Check", "Pass rate", "Mean score", "Threshold", "Status"] + (["Without guard"] if without is not None else [])
              + (["Baseline pass rate"] if baseline is not None else []))
    return _html_table(header, rows, frozenset(range(1, len(header))) - {4})


def _guard_html(report: dict[str, Any]) -> str:
    """The "Guard" section: every article's verdict beside its gold checks; for a compared run,
    "What the guard saved" (pass rates with and without, and the checks each article gained or lost)."""
    compare = _guard_compare(report)
    unguarded, changes = _without_articles(report), _changes(report)
    rows = []
    for i, article in enumerate(report.get("articles") or [], 1):
        guard = article.get("guard")
        ok, applied = _gold_tally(article)
        cells = (f'<td><a href="#article-{i}"><code>{_h(article.get("id"))}</code></a></td>'
                 f'<td class="num {_cls(ok == applied if applied else None)}">{_h(_tally_text(article))}</td>'
                 f'<td class="status {_cls(guard.get("passed") if guard else None)}">{_h(_guard_cell(guard))}</td>'
                 f"<td>{_h(_found_checks(guard))}</td>")
        if compare:
            change = changes.get(article.get("id")) or {}
            old = unguarded.get(article.get("id"))
            old_ok, old_applied = _gold_tally(old)
            cells += (f'<td class="num {_cls(old_ok == old_applied if old and old_applied else None)}">{_h(_tally_text(old))}</td>'
                      f'<td class="{"pass" if change.get("saved") else "none"}">{_h(_names(change.get("saved"), change.get("saved_not_applicable")))}</td>'
                      f'<td class="{"fail" if change.get("worse") else "none"}">{_h(_names(change.get("worse")))}</td>')
        rows.append(f"<tr>{cells}</tr>")
    header = ["Article", "Gold checks", "Guard", "Found"] + (["Without guard", "Saved", "Worse"] if compare else [])
    out = [f'<h2 id="guard">Guard</h2><p class="lede">Source-only checks of each output against its article '
           f'(guard: {_h(_guard_mode(report))}): {_h(_guard_overview(report))}</p>'
           + _html_table(header, rows, frozenset({1, 4}) if compare else frozenset({1}), "guard")]
    if compare:
        rates = "".join(f"<tr><td>{_h(name)}</td><td class=num>{_pct(r.get('without'))}</td><td class=num>{_pct(r.get('with'))}</td>"
                        f"<td class=num>{_h(_delta(r.get('with'), r.get('without')))}</td></tr>"
                        for name, r in (compare.get("pass_rates") or {}).items())
        out.append(f'<h2 id="guard-saved">What the guard saved</h2><p class="lede">{_h(_saved_sentence(compare))}</p>'
                   + _html_table(["Check", "Without guard", f"With guard ({compare.get('guard') or '?'})", "Change"], [rates],
                                 frozenset({1, 2, 3})))
        for key, label, cls in (("saved", _SAVED, "pass"), ("worse", _WORSE, "fail")):
            listed = [c for c in compare.get("articles") or [] if c.get(key)]
            items = "".join(f'<li><code>{_h(c.get("id"))}</code> <span class="muted">({_h(c.get("action") or "?")})</span>: '
                            f'<span class="{cls}">{_h(_names(c[key], c.get("saved_not_applicable")))}</span></li>' for c in listed)
            out.append(f'<h3>{_h(label[0])} ({len(listed)})</h3><p class="muted">{_h(label[1])}</p>'
                       + (f"<ul>{items}</ul>" if items else ""))
    return "".join(out)


def _article_guard_html(article: dict[str, Any], old: dict[str, Any] | None, change: dict[str, Any] | None) -> str:
    guard = article.get("guard")
    out = [f'<h3>Guard</h3><p class="verdict {_cls(guard.get("passed") if guard else None)}">{_h(_guard_cell(guard))}</p>']
    for key, label in (("violations", "Violations"), ("repaired", "Repaired: the model's own output")):
        found = (guard or {}).get(key) or []
        if found:
            rows = [f"<tr><td>{_h(v.get('check') or '?')}</td><td class=detail>{_h(v.get('sentence') or '(the whole output)')}</td>"
                    f"<td class=detail>{_h(v.get('detail') or '')}</td></tr>" for v in found]
            out.append(f'<p class="muted">{_h(label)}</p>' + _html_table(["Guard check", "Sentence", "Detail"], rows, cls="violations"))
    if old is not None and (change or {}).get("summary_changed"):
        summary = old.get("summary")
        out.append('<p class="muted">Without the guard</p>'
                   + (f'<div class="summary unguarded">{_h(summary)}</div>' if summary else '<p class="muted">(no summary)</p>'))
    return "".join(out)


def _article_html(index: int, article: dict[str, Any], base: dict[str, Any] | None,
                  old: dict[str, Any] | None = None, change: dict[str, Any] | None = None) -> str:
    title = f' <span class="title">— {_h(article["title"])}</span>' if article.get("title") else ""
    out = [f'<section class="article" id="article-{index}"><h2><code>{_h(article.get("id"))}</code>{title}</h2>']
    summary = article.get("summary")
    out.append(f'<div class="summary">{_h(summary)}</div>' if summary else '<p class="muted">(no summary)</p>')
    base_checks = {c.get("name"): c for c in (base or {}).get("checks") or []}
    before = {c.get("name"): c for c in (old or {}).get("checks") or []}
    columns = [(before, "Without guard")] if old is not None else []
    columns += [(base_checks, "Baseline")] if base_checks else []
    rows = []
    for check in _ordered(article.get("checks") or []):
        cells = (f"<td>{_h(check.get('name'))}</td>{_status_cell(check.get('passed'))}<td class=num>{_num(check.get('score'))}</td>"
                 f"<td class=detail>{_h(check.get('detail') or '')}</td>")
        for others, _ in columns:
            other = others.get(check.get("name"))
            cells += (f'<td class="num {_cls(other.get("passed"))}">{_glyph(other.get("passed"))} {_num(other.get("score"))}</td>'
                      if other else "<td class=num>—</td>")
        rows.append(f"<tr>{cells}</tr>")
    if rows:
        header = ["Check", "Result", "Score", "Detail"] + [label for _, label in columns]
        out.append("<h3>Checks</h3>" + _html_table(header, rows, frozenset({2, *range(4, len(header))}), "checks"))
    if "guard" in article:
        out.append(_article_guard_html(article, old, change))
    facts = article.get("facts") or []
    if facts:
        items = "".join(f'<li class="{_cls(f.get("present"))}">{_glyph(f.get("present"))} <code>{_h(f.get("id"))}</code> '
                        f'<span class="level">{_h(f.get("level") or "?")}</span></li>' for f in facts)
        out.append(f'<h3>Facts ({sum(1 for f in facts if f.get("present"))}/{len(facts)} present)</h3><ul class="facts">{items}</ul>')
    qa = article.get("qa") or []
    if qa:
        rows = []
        for q in qa:
            answer = _h(q["answer"]) if q.get("answer") is not None else '<span class="muted">(no answer)</span>'
            expected = "<br>".join(_h(e) for e in q.get("expected") or []) or '<span class="muted">—</span>'
            rows.append(f"<tr><td>{_h(q.get('question') or '')}</td><td class=detail>{answer}</td><td>{expected}</td>"
                        f"<td class=num>{_h(q.get('em', '—'))}</td><td class=num>{_num(q.get('f1'))}</td>{_status_cell(q.get('passed'))}</tr>")
        out.append("<h3>Questions</h3>" + _html_table(["Question", "Answer", "Expected", "EM", "F1", "Result"], rows, frozenset({3, 4})))
    return "".join(out) + "</section>"


def render_html(report: dict[str, Any]) -> str:
    """The report as one self-contained HTML page (inline CSS and SVG, no scripts or external links)."""
    names = _check_names(report)
    passed = report.get("passed")
    facts = "".join(f"<dt>{_h(label)}</dt><dd>{_h(text)}</dd>" for label, text in _run_facts(report))
    body = [f'<header><h1>Eval report <span class="badge {_cls(passed)}">{_glyph(passed)} {_status(passed)}</span></h1>'
            f'<dl class="meta">{facts}</dl></header>']
    if names:
        body.append(f'<h2>Pass rate per check</h2><div class="chart-wrap">{_chart(report, names)}</div>{_aggregates_table(report, names)}')
    not_scored = report.get("not_scored") or []
    if not_scored:
        ids = ", ".join(f"<code>{_h(i)}</code>" for i in not_scored)
        body.append(f'<h2>Not scored ({len(not_scored)})</h2><p>{ids}</p>')
    if report.get("guard"):
        body.append(_guard_html(report))
    articles = report.get("articles") or []
    if articles:
        links = []
        for i, article in enumerate(articles, 1):
            checks = [c for c in article.get("checks") or [] if c.get("passed") is not None]  # n/a checks count nowhere
            ok = sum(1 for c in checks if c.get("passed"))
            cls = _cls(ok == len(checks)) if checks else "none"
            title = f" — {_h(article['title'])}" if article.get("title") else ""
            skipped = len(article.get("checks") or []) - len(checks)
            guard = article.get("guard")
            links.append(f'<li><a href="#article-{i}"><code>{_h(article.get("id"))}</code>{title}</a> '
                         f'<span class="{cls}">{_glyph(ok == len(checks) if checks else None)} {ok}/{len(checks)} checks</span>'
                         + (f' <span class="muted">({skipped} n/a)</span>' if skipped else "")
                         + (f' · <span class="{_cls(guard.get("passed"))}">guard {_h(_guard_cell(guard))}</span>' if guard else "") + "</li>")
        body.append(f'<nav><h2>Articles ({len(articles)})</h2><ol>{"".join(links)}</ol></nav>')
        base_articles, unguarded, changes = _baseline_articles(report), _without_articles(report), _changes(report)
        body += [_article_html(i, a, base_articles.get(a.get("id")), unguarded.get(a.get("id")), changes.get(a.get("id")))
                 for i, a in enumerate(articles, 1)]
    body.append('<footer>Generated by summarize from report.json.</footer>')
    run = report.get("run") or {}
    title = f"Eval report {_status(passed)} · {run.get('engine') or '?'} · {run.get('created') or ''}"
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{_h(title)}</title><style>{_CSS}</style></head>\n<body><main>\n" + "\n".join(body) + "\n</main></body></html>\n")
