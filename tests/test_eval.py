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


# --- Gold files that read their article from a dataset record (`source`), alternatives, lemmas ---

SOURCE_GOLD = """id: mayor
source: {{dataset: {dataset}, id: {record}}}
aliases:
  mayor: [The mayor, Ann Lee, Ms Lee]
  council: [the council, councillors]
facts:
  - id: denied-closure
    actor: mayor
    stance: denied
    object: [[bridge closure, closing the bridge, closure], council]
contested:
  - claim: the bridge will close for a year
    terms: [[close, closure, shut], [year, twelve months]]
    asserted_by: [council]
    denied_by: [mayor]
  - claim: the repairs were botched
    asserted_by: []
    denied_by: [mayor]
qa:
  - question: Who denied what?
    per_party:
      - speaker: mayor
        denied: [the closure]
reference_summary: {{from: dataset}}
"""

RECORDS = [
    {"id": "bridge-1", "title": "Mayor denies bridge closure",
     "text": "The mayor denied that the council will close the bridge for a year.\n\nCouncillors said repairs would take twelve months.",
     "reference_summary": "The mayor denied the council's plan to close the bridge."},
    {"id": "other", "title": "Other", "text": "Nothing to see."},
]


def _dataset(folder: Path, name: str = "tiny.jsonl") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text("".join(json.dumps(r) + "\n" for r in RECORDS))
    return folder


def _source_gold(folder: Path, dataset: str = "tiny.jsonl", record: str = "bridge-1", edit=lambda g: g) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "mayor.yaml"
    path.write_text(edit(SOURCE_GOLD.format(dataset=dataset, record=record)))
    return path


def test_a_gold_file_reads_its_article_from_a_dataset_record(tmp_path):
    data = _dataset(tmp_path / "data")
    gold = load_gold(_source_gold(tmp_path / "gold"), data)
    assert gold.article is None and gold.source.id == "bridge-1" and gold.source.path == (data / "tiny.jsonl").resolve()
    article = gold.load_article()
    assert article.id == "mayor" and article.title == "Mayor denies bridge closure"
    assert article.text.startswith("The mayor denied that the council will close the bridge")
    assert gold.reference_summary == RECORDS[0]["reference_summary"]
    # list alternatives are one object item; terms are alternatives per key term; asserted_by may be empty
    assert gold.facts[0].object == (("bridge closure", "closing the bridge", "closure"), "council")
    assert gold.contested[0].terms == (("close", "closure", "shut"), ("year", "twelve months"))
    assert gold.contested[1].asserted_by == () and gold.contested[1].terms == ()


def test_the_data_folder_comes_from_summarize_data_when_none_is_given(tmp_path, monkeypatch):
    monkeypatch.setenv("SUMMARIZE_DATA", str(_dataset(tmp_path / "elsewhere")))
    gold = load_gold(_source_gold(tmp_path / "gold"))
    assert gold.source.path == (tmp_path / "elsewhere" / "tiny.jsonl").resolve()


def test_a_dataset_is_read_once_per_run(tmp_path, monkeypatch):
    from summarize.check import gold as gold_module

    data = _dataset(tmp_path / "data")
    path = _source_gold(tmp_path / "gold")
    reads = []
    real = gold_module.json.loads
    monkeypatch.setattr(gold_module.json, "loads", lambda s: reads.append(s) or real(s))
    for _ in range(3):
        load_gold(path, data)
    assert len(reads) == len(RECORDS)


@pytest.mark.parametrize(
    "dataset, record, edit, problem",
    [
        ("missing.jsonl", "bridge-1", lambda g: g, "source: dataset missing.jsonl not found in"),
        ("tiny.jsonl", "no-such-id", lambda g: g, "source.id: no record with id 'no-such-id' in"),
        ("tiny.jsonl", "other", lambda g: g, "reference_summary: record 'other' of"),
        ("tiny.jsonl", "bridge-1", lambda g: "article: x.txt\n" + g, "give exactly one of 'article'"),
        ("tiny.jsonl", "bridge-1", lambda g: g.replace("source: {dataset: tiny.jsonl, id: bridge-1}\n", ""), "give exactly one of 'article'"),
        ("tiny.jsonl", "bridge-1", lambda g: g.replace("id: bridge-1}", "id: bridge-1, file: x}"), "source: unknown field 'file'"),
        ("tiny.jsonl", "bridge-1", lambda g: g.replace("[year, twelve months]", "{year: 1}"), "contested[0]: terms[1]: expected text or a list of alternatives"),
        ("tiny.jsonl", "bridge-1", lambda g: g.replace("[[bridge closure", "[[[bridge], closure"), "facts[0]: object[0]: alternatives must be text"),
        ("tiny.jsonl", "bridge-1", lambda g: g.replace("closing the bridge, closure]", "closing the bridge, city_hall]"), "facts[0]: object[0]: alias group 'city_hall' is used but not defined"),
        ("tiny.jsonl", "bridge-1", lambda g: g.replace("object: [[bridge closure, closing the bridge, closure], council]", "object: [[], council]"), "facts[0]: object[0]: empty list of alternatives"),
    ],
)
def test_bad_sources_and_alternatives_are_one_line_naming_file_entry_and_field(tmp_path, dataset, record, edit, problem):
    data = _dataset(tmp_path / "data")
    path = _source_gold(tmp_path / "gold", dataset, record, edit)
    with pytest.raises(GoldError) as error:
        load_gold(path, data)
    message = str(error.value)
    assert message.startswith(str(path)) and problem in message and "\n" not in message
    if "not found" in problem:
        assert str(data.resolve()) in message and "SUMMARIZE_DATA" in message


def _source_suite(tmp_path: Path, data: str = "data") -> Path:
    _source_gold(tmp_path / "gold")
    suite = tmp_path / "suite.yaml"
    suite.write_text(f"name: tiny\ndata: {data}\ngold: [gold/*.yaml]\n")
    return suite


def test_eval_of_a_suite_whose_dataset_is_missing_is_one_line_exit_2(tmp_path, monkeypatch):
    monkeypatch.delenv("SUMMARIZE_DATA", raising=False)
    suite = _source_suite(tmp_path)
    result = CliRunner().invoke(app, ["eval", "--suite", str(suite), "--output", str(tmp_path / "run")])
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert f"{suite}: dataset tiny.jsonl not found in {(tmp_path / 'data').resolve()} (set --data DIR or SUMMARIZE_DATA)" in line
    assert not (tmp_path / "run").exists()


def test_eval_reads_dataset_articles_from_the_suite_data_folder_or_data_option(tmp_path, monkeypatch):
    monkeypatch.delenv("SUMMARIZE_DATA", raising=False)
    suite = _source_suite(tmp_path, data="nowhere")
    _dataset(tmp_path / "data")
    record = {"id": "mayor", "summary": "The mayor denied that the council will close the bridge for a year.",
              "answers": [{"question": "Who denied what?", "answer": "The mayor: the closure of the bridge"}]}
    predictions = _predictions(tmp_path, [record])
    result = CliRunner().invoke(app, ["eval", "--suite", str(suite), "--data", str(tmp_path / "data"),
                                      "--predictions", str(predictions), "--output", str(tmp_path / "run")])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "run" / "report.json").read_text())
    (article,) = report["articles"]
    assert article["title"] == "Mayor denies bridge closure"
    checks = {c["name"]: c for c in article["checks"]}
    assert checks["coverage"]["passed"] and checks["balance"]["passed"] and checks["rouge"]["passed"] is not None
    assert "Mayor denies bridge closure" in (tmp_path / "run" / "report.html").read_text()
    # the environment variable points at the data too
    monkeypatch.setenv("SUMMARIZE_DATA", str(tmp_path / "data"))
    again = CliRunner().invoke(app, ["eval", "--suite", str(suite), "--predictions", str(predictions), "--output", str(tmp_path / "run2")])
    assert again.exit_code == 0, again.output


def test_matching_runs_on_lemmas_and_reports_the_words_that_matched(tmp_path):
    gold = load_gold(_source_gold(tmp_path / "gold"), _dataset(tmp_path / "data"))
    assert gold.find("North Korea denies the claim.", "denied") == "denies"
    assert gold.find("It denied it.", "denies") == "denied"
    assert gold.find("They fired rockets at the town.", "rocket") == "rockets"
    assert gold.find("Russia supplied the shells.", "supply") == "supplied"
    assert gold.find("Ms Lee denies any closure.", "mayor") == "Ms Lee"
    # a list of alternatives: any one counts, group names included; the matched words come back
    closure = gold.facts[0].object[0]
    assert gold.find("The mayor rejected closing the bridge.", closure) == "closing the bridge"
    assert gold.find("Two closures were planned.", closure) == "closures"
    assert gold.find("Councillors voted.", ("mayor", "council")) == "Councillors"
    assert gold.find("The bridge stays open.", closure) is None
    assert gold.forms(("closure", "council")) == ("closure", "the council", "councillors")
    assert gold.label(closure) == "bridge closure / closing the bridge / closure"
    # never inside a longer word or a hyphenated one; not across a noun-verb lemma clash
    assert gold.find("The closured area.", "closure") is None
    assert gold.find("A pre-closure survey.", "closure") is None
    assert gold.find("Customers reported burns.", "customer reports") is None


def test_alias_groups_match_longest_form_first_across_groups():
    gold = load_gold(SEED_GOLD)
    sentence = "South Korea's foreign ministry condemned the arms trade."
    assert gold.find(sentence, "south_korea") == "South Korea's foreign ministry"
    assert gold.find(sentence, "north_korea") is None  # "Korea" inside "South Korea" is not the North
    assert gold.find("Pyongyang denies arms sales to Wagner.", "north_korea") == "Pyongyang"


BBC_DEV = ROOT / "evals" / "bbc-dev.yaml"
BBC_DATA = ROOT.parent / "shared" / "data" / "bbc_news_summary_dev.jsonl"


@pytest.mark.skipif(not BBC_DATA.is_file(), reason=f"the bbc-dev texts live outside the repository and {BBC_DATA} is absent")
def test_the_bbc_dev_suite_loads_every_gold_file_from_the_shared_data(monkeypatch):
    monkeypatch.delenv("SUMMARIZE_DATA", raising=False)
    suite = load_suite(BBC_DEV)
    assert len(suite.golds) >= 15 and suite.data is not None
    for gold in suite.golds:
        assert gold.source is not None and gold.source.path == BBC_DATA.resolve(), gold.id
        assert gold.load_article().text.strip()  # rouge is off here: the references are 40-50% extracts
        questions = [q.question for q in gold.qa]
        assert 5 <= len(questions) <= 7 and "Who denied what?" in questions, gold.id
    assert suite.thresholds and set(suite.thresholds) <= set(CHECKS)  # gated at the offline engine's level
    # no text of the dataset is stored in the repository
    texts = [json.loads(line)["text"] for line in BBC_DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    stored = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "evals").rglob("*") if p.is_file() and p.suffix in {".yaml", ".txt", ".md"})
    assert not any(t.split("\n")[0][:120] in stored for t in texts)
