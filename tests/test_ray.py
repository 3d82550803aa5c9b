"""The Ray executor writes exactly what the default executor writes, from every input type."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

ray = pytest.importorskip("ray")
pa = pytest.importorskip("pyarrow")
import pyarrow.parquet as pq  # noqa: E402

from summarize import Summarizer, load_articles  # noqa: E402
from summarize.errors import InputError, ModelNotFoundError  # noqa: E402
from summarize.executors.ray_executor import PARQUET_SCHEMA, run_with_ray  # noqa: E402
from summarize.ingest import content_id  # noqa: E402

from .conftest import ROOT, SEED  # noqa: E402

ARTICLES = sorted((ROOT / "evals" / "articles").glob("*.txt"))
OFFLINE = {"engine": "offline"}


@pytest.fixture(scope="module", autouse=True)
def local_ray():
    """One local Ray (2 CPUs) for the module; run_with_ray reuses it and leaves it running."""
    started = not ray.is_initialized()
    if started:
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level=logging.WARNING)
    yield
    if started:
        ray.shutdown()


def default_executor(inputs: list[str], options: dict, questions: list[str] | None = None) -> list[dict]:
    """What `summarize run` writes: every Result of one Summarizer over load_articles, in order."""
    articles = load_articles(inputs, on_error=lambda error: None)
    return [r.to_dict() for r in Summarizer(**options).run(articles, questions) if r.ok]


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_offline_engine_matches_default_executor(tmp_path: Path) -> None:
    inputs = [str(SEED), *map(str, ARTICLES)]
    output = tmp_path / "out.jsonl"
    stats = run_with_ray(inputs, output, summarizer_options=OFFLINE, questions=None)
    expected = default_executor(inputs, OFFLINE)
    assert len(expected) == 11
    assert read_jsonl(output) == expected
    assert (stats.written, stats.failed) == (11, [])
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]  # the temp file was renamed away


def test_seq2seq_engine_matches_default_executor(tmp_path: Path, tiny_model: Path) -> None:
    options = {"engine": "seq2seq", "model": str(tiny_model), "device": "cpu",
               "generation": {"max_new_tokens": 4, "min_new_tokens": 4, "num_beams": 1}}
    inputs = [str(SEED), *map(str, ARTICLES[:3])]
    output = tmp_path / "out.jsonl"
    stats = run_with_ray(inputs, output, summarizer_options=options, questions=None, batch_size=2)
    expected = default_executor(inputs, options)
    assert [d["engine"] for d in expected] == ["seq2seq"] * 4
    assert read_jsonl(output) == expected
    assert (stats.written, stats.failed) == (4, [])


def test_jsonl_and_parquet_inputs_parquet_output(tmp_path: Path) -> None:
    texts = [p.read_text(encoding="utf-8") for p in ARTICLES[:5]]
    batch = tmp_path / "batch.jsonl"
    lines = [
        json.dumps({"id": "given-1", "text": texts[0], "title": "First"}),
        "",  # a blank line: skipped, later lines keep their numbers
        json.dumps({"text": texts[1], "questions": ["Who said what?"]}),  # no id: content hash
        "{not json",
        json.dumps({"title": "no text"}),
    ]
    batch.write_text("\n".join(lines) + "\n", encoding="utf-8")
    table = tmp_path / "batch.parquet"
    pq.write_table(pa.table({"id": [None, "given-2", None], "text": texts[2:5],
                             "date": ["2024-01-02", None, None]}), table)
    inputs = [str(batch), str(table)]
    output = tmp_path / "out.parquet"
    questions = ["Who denied what?"]

    stats = run_with_ray(inputs, output, summarizer_options=OFFLINE, questions=questions, fmt="parquet")

    expected = default_executor(inputs, OFFLINE, questions)
    written = pq.read_table(output)
    assert written.schema.names == PARQUET_SCHEMA.names
    assert written.schema.names == ["id", "source", "title", "date", "summary", "engine", "chunked", "result_json"]
    rows = written.to_pylist()
    assert [json.loads(r["result_json"]) for r in rows] == expected
    assert [r["source"] for r in rows] == [f"{batch}:1", f"{batch}:3", f"{table}:1", f"{table}:2", f"{table}:3"]
    columns = PARQUET_SCHEMA.names[:-1]
    for row in rows:  # the columns are the contract's fields
        assert {k: row[k] for k in columns} == {k: json.loads(row["result_json"])[k] for k in columns}
    articles = {a.source: a for a in load_articles(inputs, on_error=lambda error: None)}
    ids = [r["id"] for r in rows]
    assert ids[0] == "given-1" and ids[3] == "given-2"
    for i in (1, 2, 4):  # no id given: the content hash, as the default executor gives
        assert ids[i] == content_id(articles[rows[i]["source"]].text) and len(ids[i]) == 12
    assert rows[2]["date"] == "2024-01-02"
    assert [a["question"] for a in json.loads(rows[1]["result_json"])["answers"]] == ["Who denied what?", "Who said what?"]
    assert stats.written == 5
    assert stats.failed == [(f"{batch}:4", "not valid JSON (Expecting property name enclosed in double quotes at column 2)"),
                            (f"{batch}:5", "missing the required 'text' field")]

    # The same inputs as JSONL: the contract, line for line.
    stats = run_with_ray(inputs, tmp_path / "out.jsonl", summarizer_options=OFFLINE, questions=questions)
    assert read_jsonl(tmp_path / "out.jsonl") == expected


def test_bad_model_is_one_error_and_nothing_written(tmp_path: Path) -> None:
    output = tmp_path / "out.jsonl"
    options = {"engine": "seq2seq", "model": str(tmp_path / "no-model"), "device": "cpu"}
    with pytest.raises(ModelNotFoundError, match="no-model"):
        run_with_ray([str(SEED)], output, summarizer_options=options, questions=None)
    assert not list(tmp_path.iterdir())  # no output, no temp file


def test_missing_input_stops_before_ray_runs(tmp_path: Path) -> None:
    output = tmp_path / "out.jsonl"
    with pytest.raises(InputError, match="no such file"):
        run_with_ray([str(tmp_path / "missing.jsonl")], output, summarizer_options=OFFLINE, questions=None)
    assert not list(tmp_path.iterdir())


def test_cli_executor_ray_matches_the_default_executor(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from summarize.cli import app

    inputs = [str(ROOT / "seeds"), str(ROOT / "evals" / "articles")]
    local, distributed = tmp_path / "local.jsonl", tmp_path / "ray.jsonl"
    runner = CliRunner()
    assert runner.invoke(app, ["run", *inputs, "-e", "offline", "--no-cache", "-o", str(local)]).exit_code == 0
    result = runner.invoke(app, ["run", *inputs, "-e", "offline", "--executor", "ray", "-o", str(distributed)])
    assert result.exit_code == 0, result.output
    assert distributed.read_text() == local.read_text()
