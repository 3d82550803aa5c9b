"""Eval reports: all three files written atomically, a self-contained escaped HTML page, Markdown tables."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from summarize import report as report_module
from summarize.report import CHECKS, render_html, render_markdown, summary_lines, write_reports

CHROMIUM = Path("/usr/bin/chromium")
DETAIL = 'missing core fact: delivery-claimed\nsummary says <b>&"quotes"</b> | twice'


def _checks(scores: dict[str, float], failing: dict[str, str] | None = None) -> list[dict]:
    failing = failing or {}
    return [{"name": name, "passed": name not in failing, "score": score,
             "detail": failing.get(name, f"{name} ok ({score:.2f})")} for name, score in scores.items()]


def _aggregates(rates: dict[str, float], failing: set[str] = frozenset()) -> dict:
    return {name: {"pass_rate": rate, "mean_score": round(rate * 0.9, 3), "threshold": 0.7, "passed": name not in failing}
            for name, rate in rates.items()}


def make_report() -> dict:
    """A realistic run: two articles, one failing check with a nasty multi-line detail, a baseline."""
    scores = dict(zip(CHECKS, (0.83, 1.0, 0.75, 1.0, 0.92, 1.0, 1.0, 0.67, 0.41)))
    rates = dict(zip(CHECKS, (0.9, 1.0, 0.8, 1.0, 0.95, 1.0, 1.0, 0.6, 0.75)))
    base_rates = dict(zip(CHECKS, (0.7, 0.85, 0.8, 1.0, 1.0, 1.0, 0.9, 0.5, 0.6)))
    seed = {
        "id": "seed", "title": None,
        "summary": 'North Korea denied supplying arms to Russia\'s Wagner group, calling the report "groundless".',
        "checks": _checks(scores, {"coverage": DETAIL}),
        "facts": [{"id": "delivery-claimed", "level": "core", "present": False},
                  {"id": "denial-by-north", "level": "core", "present": True},
                  {"id": "wagner-payment", "level": "detail", "present": True}],
        "qa": [{"question": "Who denied what?", "answer": "North Korea: supplying arms to Wagner",
                "expected": ["North Korea denied arms deliveries to Wagner"], "em": 0, "f1": 0.62, "passed": True},
               {"question": "When was the delivery?", "answer": None, "expected": None, "em": 0, "f1": 0.0, "passed": False}],
    }
    court = {
        "id": "court-senator-bribery-trial", "title": "Senator's trial opens <in> Newark & more",
        "summary": "Prosecutors said the senator took gold bars; his lawyer denied it.",
        "checks": _checks({name: 1.0 for name in CHECKS}),
        "facts": [{"id": "charges", "level": "core", "present": True}],
        "qa": [{"question": "Who denied what?", "answer": "the lawyer: that the senator took bribes",
                "expected": ["his lawyer denied the bribes"], "em": 1, "f1": 1.0, "passed": True}],
    }
    return {
        "run": {"engine": "offline", "model": {"id": "google/flan-t5-base", "revision": "7bcac572ce56db69c1ea7c8af255c5d7c9672fc2"},
                "prompts": {"summary": {"id": "summary", "sha256": "a" * 64}, "answer": {"id": "answer", "sha256": "b" * 64}},
                "git_commit": "abc123", "created": "2026-11-26T22:40:00Z", "suite": "evals/suite.yaml", "predictions": None},
        "articles": [seed, court],
        "aggregates": _aggregates(rates, {"qa"}),
        "not_scored": ["business-job-cuts-denial"],
        "baseline": {"engine": "offline", "aggregates": _aggregates(base_rates, {"qa", "rouge"}),
                     "articles": [{**seed, "checks": _checks(scores)}]},
        "passed": False,
    }


def test_write_reports_writes_three_self_contained_files(tmp_path: Path) -> None:
    report = make_report()
    paths = write_reports(report, tmp_path / "run")
    assert [p.name for p in paths] == ["report.json", "report.md", "report.html"]
    assert all(p.is_file() and p.parent == tmp_path / "run" for p in paths)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]  # no temporary folder left over
    assert json.loads(paths[0].read_text(encoding="utf-8")) == report

    page = paths[1].parent.joinpath("report.html").read_text(encoding="utf-8")
    assert "<script" not in page.lower()
    assert "http://" not in page and "https://" not in page
    assert "src=" not in page and "url(" not in page and "@import" not in page
    assert all(link.startswith("#") for link in re.findall(r'href="([^"]*)"', page))  # in-page anchors only
    assert "<b>" not in page and "&lt;b&gt;&amp;&quot;quotes&quot;&lt;/b&gt;" in page
    assert "Senator&#x27;s trial opens &lt;in&gt; Newark &amp; more" in page
    assert "<svg" in page
    chart = page[page.index("<svg"):page.index("</svg>")]
    assert len(re.findall(r'<rect class="bar bar-', chart)) == len(CHECKS)
    assert len(re.findall(r'<rect class="bar-base"', chart)) == len(CHECKS) + 1  # plus the legend swatch
    assert [m for m in re.findall(r'data-check="([^"]+)"', chart)] == list(CHECKS)
    assert "✗ FAIL" in page and "business-job-cuts-denial" in page

    markdown = paths[1].read_text(encoding="utf-8")
    assert "| Check | Pass rate | Mean score | Threshold | Status | Baseline pass rate |" in markdown
    assert "| coverage | 90% | 0.81 | 0.70 | ✓ PASS | 70% |" in markdown
    assert "| qa | 60% | 0.54 | 0.70 | ✗ FAIL | 50% |" in markdown
    assert markdown.index("## Aggregates") < markdown.index("## seed")
    assert "missing core fact: delivery-claimed<br>summary says &lt;b&gt;&amp;\"quotes\"&lt;/b&gt; \\| twice" in markdown


def test_summary_lines_fit_one_screen() -> None:
    lines = summary_lines(make_report())
    assert lines[0].startswith("eval 2026-11-26T22:40:00Z · offline · google/flan-t5-base@7bcac572ce56 · commit abc123") and lines[0].endswith(": FAIL")
    assert "baseline" in lines[1]
    rows = {line.split()[0]: line.split() for line in lines[2:2 + len(CHECKS)]}
    assert list(rows) == list(CHECKS)
    assert rows["qa"] == ["qa", "60%", "0.54", "0.70", "FAIL", "50%"]
    assert lines[-1] == "not scored (1): business-job-cuts-denial"
    assert len(lines) < 25 and max(map(len, lines[1:])) <= 80


def test_empty_and_null_values_render() -> None:
    report = {"run": {"engine": "offline", "model": None, "prompts": {}, "git_commit": None, "created": "2026-11-26T22:40:00Z",
                      "suite": None, "predictions": "preds.jsonl"},
              "articles": [], "aggregates": {}, "not_scored": [], "baseline": None, "passed": True}
    assert "✓ PASS" in render_html(report) and "<svg" not in render_html(report)
    assert "**predictions**: preds.jsonl" in render_markdown(report)
    assert summary_lines(report)[0].endswith("preds.jsonl: PASS")


def test_existing_nonempty_folder_is_left_untouched(tmp_path: Path) -> None:
    run = tmp_path / "run"
    run.mkdir()
    (run / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(FileExistsError):
        write_reports(make_report(), run)
    assert [p.name for p in run.iterdir()] == ["notes.txt"]
    assert (run / "notes.txt").read_text(encoding="utf-8") == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_existing_empty_folder_is_filled(tmp_path: Path) -> None:
    (tmp_path / "run").mkdir()
    paths = write_reports(make_report(), tmp_path / "run")
    assert all(p.is_file() for p in paths)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_render_failure_leaves_no_run_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(report: dict) -> str:
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(report_module, "render_html", broken)
    with pytest.raises(RuntimeError, match="renderer crashed"):
        write_reports(make_report(), tmp_path / "run")
    assert list(tmp_path.iterdir()) == []


def test_write_failure_leaves_no_run_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(src: object, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(report_module, "_publish", broken)
    with pytest.raises(OSError, match="disk full"):
        write_reports(make_report(), tmp_path / "run")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not CHROMIUM.exists(), reason="optional visual check: needs headless Chromium at /usr/bin/chromium")
def test_html_renders_in_headless_chromium(tmp_path: Path) -> None:
    html = write_reports(make_report(), tmp_path / "run")[2]
    png = tmp_path / "shot.png"
    command = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1200,1600", f"--screenshot={png}", html.as_uri()]
    try:
        subprocess.run(command, capture_output=True, timeout=90, check=False)
    finally:
        shutil.rmtree(tmp_path / "profile", ignore_errors=True)
    assert png.is_file() and png.stat().st_size > 10_000
