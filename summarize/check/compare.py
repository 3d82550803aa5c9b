"""Compare two eval runs: every check, gold fact and question whose result changed, and the
aggregate deltas, so a change to a prompt, model or rule shows exactly what it fixed and broke."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from summarize.check.gold import GoldError


@dataclass
class Comparison:
    fixed: list[str] = field(default_factory=list)
    regressed: list[str] = field(default_factory=list)
    deltas: dict[str, dict[str, float | None]] = field(default_factory=dict)
    only_old: list[str] = field(default_factory=list)
    only_new: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = ["aggregate         pass rate            mean score"]
        for name, delta in self.deltas.items():
            out.append(f"{name:<16}  {_fmt(delta['old_pass_rate'])} -> {_fmt(delta['new_pass_rate'])} ({_sign(delta['pass_rate'])})"
                       f"   {_fmt(delta['old_mean_score'])} -> {_fmt(delta['new_mean_score'])} ({_sign(delta['mean_score'])})")
        out.append(f"regressed ({len(self.regressed)}):")
        out += [f"  - {r}" for r in self.regressed] or ["  none"]
        out.append(f"fixed ({len(self.fixed)}):")
        out += [f"  + {f}" for f in self.fixed] or ["  none"]
        if self.only_old or self.only_new:
            out.append(f"only in old: {', '.join(self.only_old) or 'none'}; only in new: {', '.join(self.only_new) or 'none'}")
        return out


def load_report(path: str | Path) -> dict[str, Any]:
    """A run folder or its report.json."""
    path = Path(path)
    file = path / "report.json" if path.is_dir() else path
    try:
        report = json.loads(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise GoldError(f"{file}: cannot read report: {exc.strerror or exc}") from None
    except json.JSONDecodeError as exc:
        raise GoldError(f"{file}: not a valid report.json ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(report, dict) or not isinstance(report.get("articles"), list) or "aggregates" not in report:
        raise GoldError(f"{file}: not a summarize eval report (no articles or aggregates)")
    return report


def compare_reports(old: dict[str, Any], new: dict[str, Any]) -> Comparison:
    result = Comparison()
    old_articles = {a["id"]: a for a in old["articles"]}
    new_articles = {a["id"]: a for a in new["articles"]}
    result.only_old = sorted(set(old_articles) - set(new_articles))
    result.only_new = sorted(set(new_articles) - set(old_articles))
    for article_id in sorted(set(old_articles) & set(new_articles)):
        before, after = old_articles[article_id], new_articles[article_id]
        for kind, key, status in (("check", "name", "passed"), ("fact", "id", "present"), ("question", "question", "passed")):
            section = {"check": "checks", "fact": "facts", "question": "qa"}[kind]
            was = {item[key]: item.get(status) for item in before.get(section, [])}
            for item in after.get(section, []):
                old_status, new_status = was.get(item[key]), item.get(status)
                if old_status is None or new_status is None or old_status == new_status:
                    continue
                label = f"{article_id}: {kind} {item[key]}"
                (result.fixed if new_status else result.regressed).append(label)
    for name in dict.fromkeys([*old["aggregates"], *new["aggregates"]]):
        a, b = old["aggregates"].get(name, {}), new["aggregates"].get(name, {})
        result.deltas[name] = {
            "old_pass_rate": a.get("pass_rate"), "new_pass_rate": b.get("pass_rate"),
            "pass_rate": _diff(a.get("pass_rate"), b.get("pass_rate")),
            "old_mean_score": a.get("mean_score"), "new_mean_score": b.get("mean_score"),
            "mean_score": _diff(a.get("mean_score"), b.get("mean_score")),
        }
    return result


def _diff(old: float | None, new: float | None) -> float | None:
    return None if old is None or new is None else round(new - old, 4)


def _fmt(value: float | None) -> str:
    return "  n/a" if value is None else f"{value:5.2f}"


def _sign(value: float | None) -> str:
    return "n/a" if value is None else f"{value:+.2f}"
