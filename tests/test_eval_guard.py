"""The guard in eval reports: each article's guard verdict beside its gold checks (for predictions,
checked after the fact), and ``--guard-compare``: a model with the guard off and on, and what the
guard saved."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarize.check import CHECKS, load_gold
from summarize.cli import app

from .conftest import FAST, ROOT

SEED_ID = "000_8d0dd191232a21b1"
SEED_GOLD = ROOT / "evals" / "gold" / f"{SEED_ID}.yaml"
#: The Wagner Group's "gossip and speculation" denial given to North Korea.
MISATTRIBUTED = ('The White House said North Korea has delivered an arms shipment to the Wagner Group. '
                 'North Korea denied the US view as "gossip and speculation".')
GEN = [arg for key, value in FAST.items() for arg in ("--gen", f"{key}={value}")]


def _eval(*args: str, suite: Path = ROOT / "evals" / "suite.yaml"):
    return CliRunner().invoke(app, ["eval", "--suite", str(suite), *args])


def _predict(tmp_path: Path, summary: str, name: str) -> tuple[dict, str, str]:
    """Score one prediction for the seed article; the run's report.json, report.md and report.html."""
    predictions = tmp_path / f"{name}.jsonl"
    predictions.write_text(json.dumps({"id": SEED_ID, "summary": summary, "answers": []}) + "\n")
    run = tmp_path / name
    result = _eval("--predictions", str(predictions), "--no-baseline", "--output", str(run))
    assert result.exit_code in (0, 1), result.output
    return (json.loads((run / "report.json").read_text()), (run / "report.md").read_text(),
            (run / "report.html").read_text())


def _seed_section(markdown: str) -> str:
    return markdown[markdown.index(f"## {SEED_ID}"):]


def test_predictions_with_a_misattributed_quote_show_the_guard_violation(tmp_path):
    report, markdown, html = _predict(tmp_path, MISATTRIBUTED, "planted")
    article = report["articles"][0]
    guard = article["guard"]
    assert guard["passed"] is False and guard["action"] == "checked"
    speakers = [v for v in guard["violations"] if v["check"] == "speakers"]
    assert speakers and speakers[0]["sentence"] == 'North Korea denied the US view as "gossip and speculation".'
    assert "given to North Korea" in speakers[0]["detail"] and "Wagner Group" in speakers[0]["detail"]
    # the gold check agrees, and the top-level summary counts the flagged article
    assert next(c for c in article["checks"] if c["name"] == "speakers")["passed"] is False
    assert report["guard"]["mode"] is None and report["guard"]["flagged"] == 1 and report["guard"]["passed"] == 0
    assert report["guard"]["actions"] == {"checked": 1} and report["guard"]["violations"]["speakers"] == 1
    assert report["run"]["guard"] is None
    # Markdown: the Guard overview row and the article's own guard verdict with the violating sentence
    count = len(guard["violations"])
    assert f"| `{SEED_ID}` | ✗ " in markdown and f"✗ {count} violation{'s' if count > 1 else ''} · checked" in markdown
    section = _seed_section(markdown)
    assert section.index("| speakers | ✗ FAIL") < section.index("Guard: ✗") < section.index("Facts:")
    assert '| speakers | North Korea denied the US view as "gossip and speculation". | a quotation given to North Korea' in section
    assert "**guard**: none (predictions), outputs checked after the fact in flag mode" in markdown
    assert "given to North Korea" in html and 'class="verdict fail"' in html and "<script" not in html


def test_a_faithful_prediction_passes_the_guard(tmp_path):
    report, markdown, html = _predict(tmp_path, load_gold(SEED_GOLD).reference_summary, "faithful")
    guard = report["articles"][0]["guard"]
    assert guard == {"passed": True, "violations": [], "action": "checked"}
    assert report["guard"]["flagged"] == 0 and report["guard"]["passed"] == 1
    section = _seed_section(markdown)
    assert "Guard: ✓ passed · checked" in section and "Violations:" not in section
    assert 'class="verdict pass"' in html


def test_guard_violations_render_escaped_in_every_report(tmp_path):
    from summarize.report import render_html, render_markdown, summary_lines, write_reports

    violation = {"check": "speakers", "sentence": 'X said <b>"a | b"</b>.', "detail": "given to X & not Y"}
    report = {"run": {"engine": "predictions", "model": None, "prompts": {}, "git_commit": None, "created": "2026-11-30T00:00:00Z",
                      "suite": None, "predictions": "p.jsonl", "guard": None},
              "articles": [{"id": "a1", "title": None, "score": 0.5, "summary": "X said it.",
                            "checks": [{"name": "speakers", "passed": False, "score": 0.0, "detail": "wrong party"}],
                            "guard": {"passed": False, "violations": [violation], "action": "checked"}, "facts": [], "qa": []}],
              "aggregates": {}, "not_scored": [], "passed": True, "baseline": None,
              "guard": {"mode": None, "articles": 1, "flagged": 1, "passed": 0, "actions": {"checked": 1}, "violations": {"speakers": 1}}}
    markdown, html = render_markdown(report), render_html(report)
    assert '| speakers | X said &lt;b&gt;"a \\| b"&lt;/b&gt;. | given to X &amp; not Y |' in markdown
    assert "| `a1` | ✗ 0/1 | ✗ 1 violation · checked | speakers |" in markdown
    assert "X said &lt;b&gt;&quot;a | b&quot;&lt;/b&gt;." in html and "<b>" not in html
    assert summary_lines(report)[-1] == "guard (none, checked after): 1/1 articles flagged; checked (1)"
    assert json.loads(write_reports(report, tmp_path / "run")[0].read_text()) == report


def test_every_engine_run_has_a_guard_column_even_the_unguarded_offline_engine(tmp_path):
    result = _eval("--output", str(tmp_path / "run"))
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "run" / "report.json").read_text())
    assert report["run"]["guard"] == "off" and report["guard"]["mode"] == "off"
    assert all(a["guard"]["action"] == "checked" for a in report["articles"])
    assert report["guard"]["articles"] == len(report["articles"])
    assert any(line.startswith("guard (off, checked after): ") for line in result.stdout.splitlines())
    assert "## Guard" in (tmp_path / "run" / "report.md").read_text()


@pytest.fixture()
def seed_suite(tmp_path: Path) -> Path:
    """The seed article alone (it fits the tiny model's window), gated on attribution."""
    suite = tmp_path / "suite.yaml"
    suite.write_text(f"name: seed\ngold: ['{SEED_GOLD}']\nthresholds: {{attribution: 1.0}}\n")
    return suite


def test_guard_compare_runs_a_model_with_the_guard_off_and_on(tiny_model, seed_suite, tmp_path):
    run = tmp_path / "run"
    result = _eval("--engine", "seq2seq", "--model", str(tiny_model), "--device", "cpu", *GEN, "--no-baseline",
                   "--guard-compare", "--output", str(run), suite=seed_suite)
    assert result.exit_code in (0, 1), result.output
    report = json.loads((run / "report.json").read_text())
    assert report["run"]["engine"] == "seq2seq" and report["run"]["guard"] == "repair"
    article = report["articles"][0]
    assert article["guard"]["action"] in {"kept", "candidate 1", "candidate 2", "candidate 3", "candidate 4",
                                          "repaired sentences", "offline summary", "answers replaced"}
    compare = report["guard"]["compare"]
    assert compare["guard"] == "repair"
    assert set(compare["pass_rates"]) == set(CHECKS)
    assert all(compare["pass_rates"][n]["with"] == report["aggregates"][n]["pass_rate"] for n in CHECKS)
    assert all(compare["pass_rates"][n]["without"] == compare["without"]["aggregates"][n]["pass_rate"] for n in CHECKS)
    unguarded = compare["without"]["articles"][0]
    assert compare["without"]["guard"] == "off" and unguarded["guard"]["action"] == "checked"
    # saved: failing without the guard, not with it; worse: failing with it, not without
    was = {c["name"]: c["passed"] for c in unguarded["checks"]}
    now = {c["name"]: c["passed"] for c in article["checks"]}
    change = compare["articles"][0]
    assert change["id"] == SEED_ID and change["action"] == article["guard"]["action"]
    assert change["saved"] == [n for n in CHECKS if was[n] is False and now[n] is not False]
    assert change["saved_not_applicable"] == [n for n in change["saved"] if now[n] is None]
    assert change["worse"] == [n for n in CHECKS if was[n] is not False and now[n] is False]
    assert change["summary_changed"] == (unguarded["summary"] != article["summary"])
    assert compare["checks_passed"]["with"]["passed"] == sum(1 for v in now.values() if v)
    # both columns: with the guard (the run's own) and without it, in every report and on the terminal
    markdown = (run / "report.md").read_text()
    assert "| Check | Pass rate | Mean score | Threshold | Status | Without guard |" in markdown
    assert "| Article | Gold checks | Guard | Found | Without guard | Saved | Worse |" in markdown
    assert "## What the guard saved" in markdown and "| Check | Without guard | With guard (repair) | Change |" in markdown
    assert "| Check | Result | Score | Detail | Without guard |" in _seed_section(markdown)
    html = (run / "report.html").read_text()
    assert "What the guard saved" in html and html.count(">Without guard</th>") >= 3 and "<script" not in html
    lines = result.stdout.splitlines()
    assert "no guard" in lines[1] and any(line.startswith("guard saved ") for line in lines)


def test_guard_compare_shows_what_the_guard_saved(tiny_model, seed_suite, tmp_path, monkeypatch):
    """The tiny model, made to write the misattribution: without the guard the speakers check
    fails; with it the summary is repaired and passes, and the report says so."""
    from summarize import generate
    from summarize.records import Summary

    real = generate.create_engine

    def planting(*args, **kwargs):
        engine = real(*args, **kwargs)
        if engine.name != "offline":
            monkeypatch.setattr(engine, "summarize", lambda articles: [Summary(MISATTRIBUTED) for _ in articles])
            monkeypatch.setattr(engine, "summary_candidates", lambda articles, n: [[] for _ in articles])
            monkeypatch.setattr(engine, "summarize_and_answer", None)  # summaries go through the planted summarize
        return engine

    monkeypatch.setattr(generate, "create_engine", planting)
    run = tmp_path / "run"
    result = _eval("--engine", "seq2seq", "--model", str(tiny_model), "--device", "cpu", *GEN, "--no-baseline",
                   "--guard-compare", "--output", str(run), suite=seed_suite)
    assert result.exit_code in (0, 1), result.output
    report = json.loads((run / "report.json").read_text())
    article = report["articles"][0]
    unguarded = report["guard"]["compare"]["without"]["articles"][0]
    assert unguarded["summary"] == MISATTRIBUTED and not unguarded["guard"]["passed"]
    assert article["guard"]["passed"] and article["guard"]["action"] in {"repaired sentences", "offline summary"}
    assert any(v["check"] == "speakers" for v in article["guard"]["repaired"])
    assert article["summary"] != MISATTRIBUTED and "The Wagner Group" in article["summary"]
    assert next(c for c in unguarded["checks"] if c["name"] == "speakers")["passed"] is False
    speakers = next(c for c in article["checks"] if c["name"] == "speakers")["passed"]
    change = report["guard"]["compare"]["articles"][0]
    assert "speakers" in change["saved"] and change["summary_changed"]
    assert ("speakers" in change["saved_not_applicable"]) == (speakers is None)
    assert report["guard"]["compare"]["saved"] >= 1 and report["guard"]["flagged"] == 1
    markdown = (run / "report.md").read_text()
    saved = markdown[markdown.index("## What the guard saved"):markdown.index(f"## {SEED_ID}")]
    assert f"- `{SEED_ID}` ({article['guard']['action']}): " in saved and "speakers" in saved
    section = _seed_section(markdown)
    assert "Repaired (the model's own output):" in section and "Without the guard:" in section
    assert "> " + MISATTRIBUTED in section


def test_guard_compare_with_the_offline_engine_is_a_one_line_usage_error(tmp_path):
    result = _eval("--guard-compare", "--output", str(tmp_path / "run"))
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "summarize: error: --guard-compare needs a model (--engine seq2seq or auto): the offline engine is not guarded"]
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize("args, problem", [
    (["--guard", "sometimes"], "unknown guard mode 'sometimes'"),
    (["--guard-compare", "--guard", "off", "--engine", "seq2seq"], "--guard-compare compares the guard off with --guard flag or repair"),
    (["--guard", "flag", "--predictions", "x.jsonl"], "--predictions outputs are checked as they are"),
])
def test_bad_guard_options_are_one_line_usage_errors(tmp_path, args, problem):
    result = _eval(*args, "--output", str(tmp_path / "run"))
    assert result.exit_code == 2 and problem in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "run").exists()
