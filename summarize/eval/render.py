"""Render a dispute-suite report (report.json's content) as Markdown and one self-contained HTML page,
from the Jinja2 templates in ``templates/`` (autoescaped HTML; no scripts, fonts or links to fetch)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from summarize.eval.dispute import METRICS


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(loader=PackageLoader("summarize.eval", "templates"), autoescape=select_autoescape(["html", "html.j2"]),
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["md"] = lambda text: " ".join(str(text).replace("|", "\\|").split())
    return env


def render(report: dict[str, Any]) -> dict[str, str]:
    """report.md and report.html for ``report``."""
    figures = report["totals"]

    def value(name: str) -> str:
        row = figures[name]
        return f"{row['share']:.2f}" if name == "qa_f1" else f"{row['passed']}/{row['total']}"

    context = {"report": report, "metrics": METRICS, "value": value}
    return {name: _environment().get_template(f"dispute.{name.split('.')[1]}.j2").render(**context)
            for name in ("report.md", "report.html")}
