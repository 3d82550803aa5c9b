"""The eval harness end to end: gold validation, predictions, run folders, gating, compare, and
the checks as evaluate modules."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarize.check import CHECKS, GoldError, load_gold
from summarize.check.suite import load_suite
from summarize.cli import app

from .conftest import ROOT

SUITE = ROOT / "evals" / "suite.yaml"
SEED_GOLD = ROOT / "evals" / "gold" / "000_8d0dd191232a21b1.yaml"


def _eval(*args: str):
    return CliRunner().invoke(app, ["eval", "--suite", str(SUITE), *args])


@pytest.fixture(scope="module")
def offline_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("runs") / "offline"
    result = _eval("--output", str(folder))
    return result, folder


def test_eval_writes_the_three_reports_and_a_one_screen_summary(offline_run):
    result, folder = offline_run
    assert result.exit_code == 0, result.output
    assert {p.name for p in folder.iterdir()} == {"report.json", "report.md", "report.html"}
    report = json.loads((folder / "report.json").read_text())
    assert report["run"]["engine"] == "offline" and report["run"]["created"]
    assert {a["id"] for a in report["articles"]} == {g.id for g in load_suite(SUITE).golds}
    for article in report["articles"]:
        assert [c["name"] for c in article["checks"]] == list(CHECKS)
        assert all({"name", "passed", "score", "detail"} <= set(c) for c in article["checks"])
    assert set(report["aggregates"]) == set(CHECKS) and report["not_scored"] == []
    lines = result.stdout.splitlines()
    assert len(lines) <= 24 and any(l.strip().startswith("attribution") for l in lines)
    html = (folder / "report.html").read_text()
    assert "<svg" in html and "<script" not in html


def _predictions(tmp_path: Path, records: list[dict]) -> Path:
    path = tmp_path / "predictions.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def test_predictions_from_another_system_are_scored_and_missing_ids_listed(tmp_path):
    gold = load_gold(SEED_GOLD)
    good = {"id": gold.id, "summary": gold.reference_summary,
            "answers": [{"question": "Who owns the Wagner Group?", "answer": "Yevgeny Prigozhin"}]}
    result = _eval("--predictions", str(_predictions(tmp_path, [good])), "--output", str(tmp_path / "run"))
    report = json.loads((tmp_path / "run" / "report.json").read_text())
    assert [a["id"] for a in report["articles"]] == [gold.id]
    assert len(report["not_scored"]) == len(load_suite(SUITE).golds) - 1
    checks = {c["name"]: c for c in report["articles"][0]["checks"]}
    assert checks["attribution"]["passed"] and checks["balance"]["passed"] and checks["faithfulness"]["passed"]
    assert report["run"]["predictions"].endswith("predictions.jsonl")
    assert "not scored" in result.stdout


@pytest.mark.parametrize(
    "lines, problem",
    [
        (['{"summary": "x"}'], ":1: prediction has no 'id'"),
        (['{"id": "000_8d0dd191232a21b1", "summary": "x"}'] * 2, ":2: duplicate id '000_8d0dd191232a21b1'"),
        (['{"id": "no-such-article", "summary": "x"}'], ":1: id 'no-such-article' is not in the suite"),
        (["not json"], ":1: not valid JSON"),
    ],
)
def test_bad_predictions_exit_2_with_one_line_and_no_run_folder(tmp_path, lines, problem):
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(lines) + "\n")
    result = _eval("--predictions", str(path), "--output", str(tmp_path / "run"))
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert str(path) in line and problem in line
    assert not (tmp_path / "run").exists()


GOOD_GOLD = """id: {id}
article: {article}
aliases:
  mayor: [The mayor, Ann Lee]
facts:
  - id: f1
    actor: mayor
    stance: said
    object: [bridge]
qa:
  - question: Who spoke?
    answers: [mayor]
"""


@pytest.mark.parametrize(
    "edit, problem",
    [
        (lambda g: g.replace("facts:", "facts: [oops"), "invalid YAML at line"),
        (lambda g: g.replace("    level", "    levl").replace("    stance: said", "    stance: said\n    levl: core"), "facts[0]: unknown field 'levl'"),
        (lambda g: g.replace("actor: mayor", "actor: governor"), "facts[0]: actor: alias group 'governor' is used but not defined"),
        (lambda g: g.replace("question: Who spoke?", "question: ''"), "qa[0]: question: empty question"),
        (lambda g: g.replace("id: mini", "id: other"), "does not match the file name"),
    ],
)
def test_bad_gold_files_name_file_entry_and_field(tmp_path, edit, problem):
    article = tmp_path / "mini.txt"
    article.write_text("The mayor said the bridge will reopen.")
    gold = tmp_path / "mini.yaml"
    gold.write_text(edit(GOOD_GOLD.format(id="mini", article="mini.txt")))
    with pytest.raises(GoldError) as error:
        load_gold(gold)
    message = str(error.value)
    assert message.startswith(str(gold)) and problem in message and "\n" not in message

    suite = tmp_path / "suite.yaml"
    suite.write_text("name: t\ngold: [mini.yaml]\n")
    result = CliRunner().invoke(app, ["eval", "--suite", str(suite), "--output", str(tmp_path / "run")])
    assert result.exit_code == 2 and problem in result.stderr
    assert not (tmp_path / "run").exists()


def test_gate_exits_1_when_an_aggregate_falls_below_its_threshold(tmp_path):
    suite = tmp_path / "strict.yaml"
    suite.write_text(f"name: strict\ngold: ['{ROOT}/evals/gold/*.yaml']\nthresholds:\n  coverage: 1.0\n")
    result = CliRunner().invoke(app, ["eval", "--suite", str(suite), "--output", str(tmp_path / "run")])
    assert result.exit_code == 1
    assert json.loads((tmp_path / "run" / "report.json").read_text())["passed"] is False
    assert any("coverage" in l and "FAIL" in l for l in result.stdout.splitlines())


def test_compare_shows_a_planted_regression(offline_run, tmp_path):
    _, old = offline_run
    report = json.loads((old / "report.json").read_text())
    seed = next(a for a in report["articles"] if a["id"] == "000_8d0dd191232a21b1")
    # The same outputs, except the seed's summary loses its denials.
    records = [{"id": a["id"], "summary": a["summary"], "answers": [{"question": q["question"], "answer": q["answer"]} for q in a["qa"]]}
               for a in report["articles"]]
    for record in records:
        if record["id"] == seed["id"]:
            record["summary"] = "The White House said North Korea has delivered an arms shipment to the Wagner Group for use in the Ukraine war."
    new = tmp_path / "new"
    _eval("--predictions", str(_predictions(tmp_path, records)), "--output", str(new))
    result = CliRunner().invoke(app, ["eval", "compare", str(old), str(new), "--fail-on-regression"])
    assert result.exit_code == 1
    assert f"{seed['id']}: check balance" in result.stdout
    assert "regressed" in result.stdout and "fixed (0)" in result.stdout
    same = CliRunner().invoke(app, ["eval", "compare", str(old), str(old), "--fail-on-regression"])
    assert same.exit_code == 0 and "regressed (0)" in same.stdout


def test_compare_bad_report_is_one_line_exit_2(tmp_path):
    result = CliRunner().invoke(app, ["eval", "compare", str(tmp_path / "nope"), str(tmp_path / "nope2")])
    assert result.exit_code == 2 and "cannot read report" in result.stderr


@pytest.mark.parametrize("name", list(CHECKS))
def test_each_check_loads_as_a_local_evaluate_module(name, tmp_path):
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_EVALUATE_OFFLINE": "1", "HF_HOME": str(tmp_path)}
    gold = load_gold(SEED_GOLD)
    script = (
        "import evaluate, json, sys\n"
        f"m = evaluate.load({str(ROOT / 'evals' / 'metrics' / name)!r})\n"
        f"out = m.compute(predictions=[json.dumps({{'summary': {gold.reference_summary!r}, 'answers': []}})], references=[{str(SEED_GOLD)!r}])\n"
        "print(json.dumps(out))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-800:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert set(out) == {"score", "pass_rate", "passed", "scores", "details"} and len(out["details"]) == 1


def test_a_model_is_evaluated_beside_the_offline_baseline(tiny_model, tmp_path):
    result = _eval("--engine", "seq2seq", "--model", str(tiny_model), "--device", "cpu", "--output", str(tmp_path / "run"))
    assert result.exit_code in (0, 1), result.output  # a random model may well fail the gates
    report = json.loads((tmp_path / "run" / "report.json").read_text())
    assert report["run"]["engine"] == "seq2seq" and report["run"]["model"]["id"] == str(tiny_model)
    assert report["baseline"]["engine"] == "offline"
    assert set(report["baseline"]["aggregates"]) == set(CHECKS)
    assert "baseline" in (tmp_path / "run" / "report.html").read_text().lower()
