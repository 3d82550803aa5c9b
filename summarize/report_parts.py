"""The pieces every renderer of the eval report shares (:mod:`summarize.report` writes report.json,
report.md and the terminal summary, :mod:`summarize.report_html` report.html): check order, number
formats, the run's facts, and the guard's verdict per article, the run's overview and (with
``--guard-compare``) what the guard saved, as plain text each puts into its own format."""

from __future__ import annotations

from typing import Any

from summarize.check.gold import CHECK_NAMES as CHECKS  # report order = check order


def _glyph(passed: bool | None) -> str:
    return "–" if passed is None else "✓" if passed else "✗"


def _check_names(report: dict[str, Any]) -> list[str]:
    seen: dict[str, None] = {}
    for aggregates in (report.get("aggregates"), (report.get("baseline") or {}).get("aggregates")):
        seen.update(dict.fromkeys(aggregates or {}))
    for article in report.get("articles") or []:
        seen.update(dict.fromkeys(c.get("name") for c in article.get("checks") or []))
    known = [name for name in CHECKS if name in seen]
    return known + [name for name in seen if name not in CHECKS and name]


def _ordered(checks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rank = {name: i for i, name in enumerate(CHECKS)}
    return sorted(checks, key=lambda c: rank.get(c.get("name"), len(rank)))


def _baseline_articles(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {a.get("id"): a for a in (report.get("baseline") or {}).get("articles") or []}


def _pct(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value * 100:.1f}".rstrip("0").rstrip(".") + "%"


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _status(passed: bool | None) -> str:
    return "n/a" if passed is None else "PASS" if passed else "FAIL"


def _run_facts(report: dict[str, Any]) -> list[tuple[str, str]]:
    """The run's metadata as (label, text) pairs, shared by every renderer."""
    run = report.get("run") or {}
    model = run.get("model") or {}
    model_text = "none" if not model else str(model.get("id") or "?") + (f" @ {model['revision']}" if model.get("revision") else "")
    facts = [("engine", str(run.get("engine") or "?")), ("model", model_text), ("git commit", str(run.get("git_commit") or "unknown")),
             ("created", str(run.get("created") or "?"))]
    facts += [(label, str(run[key])) for key, label in (("suite", "suite"), ("predictions", "predictions")) if run.get(key)]
    prompts = run.get("prompts") or {}
    if prompts:
        facts.append(("prompts", ", ".join(f"{name} {str((p or {}).get('sha256') or '?')[:12]}" for name, p in prompts.items())))
    if report.get("guard"):
        facts.append(("guard", _guard_mode(report)))
    if report.get("baseline"):
        facts.append(("baseline", f"{report['baseline'].get('engine') or '?'} engine"))
    return facts


# --- guard pieces -----------------------------------------------------------------------------


def _guard_compare(report: dict[str, Any]) -> dict[str, Any] | None:
    """The with/without comparison of a ``--guard-compare`` run, else None."""
    return (report.get("guard") or {}).get("compare") or None


def _without_aggregates(report: dict[str, Any]) -> dict[str, Any] | None:
    compare = _guard_compare(report)
    return ((compare.get("without") or {}).get("aggregates") or {}) if compare else None


def _without_articles(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    compare = _guard_compare(report)
    return {a.get("id"): a for a in ((compare or {}).get("without") or {}).get("articles") or []}


def _changes(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c.get("id"): c for c in (_guard_compare(report) or {}).get("articles") or []}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _guard_mode(report: dict[str, Any]) -> str:
    """The run's guard in words: its mode, or who checked the outputs when no guard ran."""
    guard = report.get("guard") or {}
    mode = guard.get("mode")
    if mode in {"flag", "repair"}:
        return mode + (", compared with the guard off" if guard.get("compare") else "")
    return ("off" if mode == "off" else "none (predictions)") + ", outputs checked after the fact in flag mode"


def _counts(counts: dict[str, int] | None) -> str:
    return ", ".join(f"{name} ({count})" for name, count in (counts or {}).items()) or "none"


def _guard_overview(report: dict[str, Any]) -> str:
    """One sentence: articles flagged and passing, actions taken, violations found by check."""
    guard = report.get("guard") or {}
    total = guard.get("articles") or 0
    return (f"{guard.get('flagged', 0)} of {_plural(total, 'article')} flagged, {guard.get('passed', 0)} of {total} pass as written; "
            f"actions: {_counts(guard.get('actions'))}; violations found: {_counts(guard.get('violations'))}.")


def _guard_cell(guard: dict[str, Any] | None) -> str:
    """A guard object in a few words: verdict, action and, after a repair, what was repaired."""
    if not guard:
        return "—"
    found = len(guard.get("violations") or [])
    verdict = "passed" if guard.get("passed") else _plural(found, "violation")
    repaired = len(guard.get("repaired") or [])
    return f"{_glyph(guard.get('passed'))} {verdict} · {guard.get('action') or '?'}" + (f" ({repaired} repaired)" if repaired else "")


def _found_checks(guard: dict[str, Any] | None) -> str:
    """The source-only checks that found something, before any repair."""
    found = (guard or {}).get("repaired") or (guard or {}).get("violations") or []
    return ", ".join(dict.fromkeys(v.get("check") or "?" for v in found)) or "—"


def _gold_tally(article: dict[str, Any] | None) -> tuple[int, int]:
    checks = [c for c in (article or {}).get("checks") or [] if c.get("passed") is not None]
    return sum(1 for c in checks if c.get("passed")), len(checks)


def _tally_text(article: dict[str, Any] | None) -> str:
    if article is None:
        return "—"
    ok, applied = _gold_tally(article)
    return f"{_glyph(ok == applied if applied else None)} {ok}/{applied}"


def _names(names: list[str] | None, not_applicable: list[str] | None = None) -> str:
    """Check names; those in ``not_applicable`` marked "(n/a)" (saved: they no longer apply)."""
    return ", ".join(n + (" (n/a)" if n in (not_applicable or []) else "") for n in names or []) or "—"


def _delta(new: float | None, old: float | None) -> str:
    if new is None or old is None:
        return "—"
    points = round((new - old) * 100, 1)
    return "±0" if points == 0 else f"{points:+.1f}".rstrip("0").rstrip(".") + " pts"


_SAVED = ("Saved", "failed without the guard, pass with it (or no longer apply: n/a)")
_WORSE = ("Worse", "fail with the guard, not without it")


def _saved_sentence(compare: dict[str, Any]) -> str:
    checks = compare.get("checks_passed") or {}
    without, with_guard = checks.get("without") or {}, checks.get("with") or {}
    return (f"The same model with the guard off and with --guard {compare.get('guard') or '?'}: "
            f"{with_guard.get('passed', 0)} of {with_guard.get('applied', 0)} gold checks pass with the guard, "
            f"{without.get('passed', 0)} of {without.get('applied', 0)} without; "
            f"{_plural(compare.get('saved') or 0, 'check')} saved, {compare.get('worse') or 0} worse.")


def _aggregate_row(report: dict[str, Any], name: str) -> dict[str, Any]:
    """One check's aggregate as display texts: pass rate, mean, threshold, status (``passed``), and
    the pass rates without the guard and of the baseline (None when the run has no such column)."""
    agg = (report.get("aggregates") or {}).get(name) or {}
    without = _without_aggregates(report)
    baseline = (report.get("baseline") or {}).get("aggregates") if report.get("baseline") else None
    return {
        "pass_rate": _pct(agg.get("pass_rate")), "mean": _num(agg.get("mean_score")), "threshold": _num(agg.get("threshold")),
        "passed": agg.get("passed"),
        "without": None if without is None else _pct((without.get(name) or {}).get("pass_rate")),
        "baseline": None if baseline is None else _pct((baseline.get(name) or {}).get("pass_rate")),
    }
