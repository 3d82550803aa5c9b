"""Never redo, never lose: the result cache, --resume, a SIGKILL mid-run, and Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarize import Summarizer, load_articles
from summarize.cache import ResultCache
from summarize.cli import app

from .conftest import FAST, ROOT, SEED

ARTICLES = [ROOT / "seeds", ROOT / "evals" / "articles"]


def _batch(path: Path, count: int) -> list[str]:
    """``count`` distinct JSONL records made from the test articles."""
    texts = [a.text for a in load_articles(ARTICLES)]
    ids = []
    with path.open("w", encoding="utf-8") as handle:
        for i in range(count):
            text = texts[i % len(texts)] + f"\n\nThe agency said it filed note {i}."
            handle.write(json.dumps({"id": f"a{i:05d}", "text": text}) + "\n")
            ids.append(f"a{i:05d}")
    return ids


def _lines(path: Path) -> list[dict]:
    data = path.read_text(encoding="utf-8")
    assert data.endswith("\n"), "the output ends with a whole line"
    return [json.loads(line) for line in data.splitlines()]


def test_cache_serves_finished_articles_and_ignores_bad_entries(tiny_model, tmp_path):
    articles = list(load_articles(ARTICLES))[:4]
    first = Summarizer(model=str(tiny_model), device="cpu", generation=FAST, cache=tmp_path)
    fresh = [r.to_dict() for r in first.run(articles)]
    assert (first.cache.hits, first.cache.misses) == (0, 4)

    again = Summarizer(model=str(tiny_model), device="cpu", generation=FAST, cache=tmp_path)
    assert [r.to_dict() for r in again.run(articles)] == fresh
    assert (again.cache.hits, again.cache.misses) == (4, 0)

    other = Summarizer(model=str(tiny_model), device="cpu", generation={**FAST, "max_new_tokens": 5}, cache=tmp_path)
    list(other.run(articles[:1]))
    assert other.cache.misses == 1, "other generation settings are another key"

    entries = sorted(tmp_path.rglob("*.json"))
    entries[0].write_text("{ torn")
    entries[1].write_text(json.dumps({"key": "someone-else", "value": {}}))
    checked = Summarizer(model=str(tiny_model), device="cpu", generation=FAST, cache=tmp_path)
    assert [r.to_dict() for r in checked.run(articles)] == fresh
    assert checked.cache.misses >= 1


def test_output_is_not_overwritten_without_asking_and_resume_skips_finished(tmp_path):
    out = tmp_path / "out.jsonl"
    runner = CliRunner()
    args = ["run", str(SEED), str(ROOT / "evals" / "articles"), "-e", "offline", "-o", str(out)]
    assert runner.invoke(app, args).exit_code == 0
    finished = _lines(out)
    again = runner.invoke(app, args)
    assert again.exit_code == 2 and "--resume" in again.stderr and "--overwrite" in again.stderr
    resumed = runner.invoke(app, [*args, "--resume"])
    assert resumed.exit_code == 0 and f"skipped {len(finished)}" in resumed.stderr
    assert _lines(out) == finished
    assert runner.invoke(app, [*args, "--overwrite"]).exit_code == 0 and _lines(out) == finished
    assert runner.invoke(app, [*args[:-2], "--resume"]).exit_code == 2


def _start(batch: Path, out: Path, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "summarize.cli", "run", str(batch), "-e", "offline", "--no-cache", "-o", str(out), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )


def _wait_for_lines(out: Path, count: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if out.exists() and out.read_bytes().count(b"\n") >= count:
            return
        if process.poll() is not None:
            pytest.fail("the run finished before it could be interrupted")
        time.sleep(0.01)
    pytest.fail("no output in time")


def _interrupted_run(tmp_path: Path, after_lines: int, signum: int, count: int = 4000) -> tuple[Path, Path, list[str], subprocess.Popen]:
    """A ``count``-article run, sent ``signum`` once ``after_lines`` results are written."""
    batch, out = tmp_path / "batch.jsonl", tmp_path / "out.jsonl"
    ids = _batch(batch, count)
    process = _start(batch, out)
    _wait_for_lines(out, after_lines, process)
    process.send_signal(signum)
    return batch, out, ids, process


def test_sigkill_mid_run_leaves_whole_lines_and_resume_writes_each_article_once(tmp_path):
    # 500 articles: the kill lands after 100, and the resumed run finishes the other ~400 well within its limit.
    batch, out, ids, process = _interrupted_run(tmp_path, 100, signal.SIGKILL, count=500)
    process.wait(timeout=30)
    killed = _lines(out)
    assert 100 <= len(killed) < len(ids)
    assert [r["id"] for r in killed] == ids[: len(killed)]

    resumed = _start(batch, out, "--resume")
    _, stderr = resumed.communicate(timeout=300)
    assert resumed.returncode == 0, stderr
    final = [r["id"] for r in _lines(out)]
    assert sorted(final) == ids and len(set(final)) == len(final), "each article exactly once"


def test_ctrl_c_stops_after_the_current_batch_and_says_how_to_resume(tmp_path):
    _, out, ids, process = _interrupted_run(tmp_path, 50, signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    assert "interrupted" in stderr and "--resume" in stderr and "Traceback" not in stderr
    stopped = _lines(out)
    assert len(stopped) % 32 == 0 and len(stopped) < len(ids), "stopped at a batch boundary"


def test_a_torn_last_line_is_cut_before_resuming(tmp_path):
    from summarize.batch import finished_ids

    out = tmp_path / "out.jsonl"
    out.write_text('{"id": "a"}\n{"id": "b"}\n{"id": "c", "summ')
    assert finished_ids(out) == {"a", "b"}
    assert out.read_text() == '{"id": "a"}\n{"id": "b"}\n'


def test_two_records_with_one_id_are_both_written_when_a_run_is_resumed(tmp_path):
    """Two records share id "x": a run stopped after the first line, then resumed, still writes the
    second (as "x-2"), and says which article was renamed."""
    batch, out = tmp_path / "batch.jsonl", tmp_path / "out.jsonl"
    batch.write_text('{"id": "x", "text": "The mayor said the bridge will reopen on Monday."}\n'
                     '{"id": "x", "text": "Police denied the report. They said it was false."}\n')
    runner = CliRunner()
    args = ["run", str(batch), "-e", "offline", "--no-cache", "-o", str(out)]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.stderr
    complete = _lines(out)
    assert [(r["id"], r["source"]) for r in complete] == [("x", f"{batch}:1"), ("x-2", f"{batch}:2")]
    out.write_text(out.read_text().splitlines(keepends=True)[0])  # as if stopped after the first line

    resumed = runner.invoke(app, [*args, "--resume"])
    assert resumed.exit_code == 0, resumed.stderr
    assert "skipped 1 articles already in" in resumed.stderr and "wrote 1 articles" in resumed.stderr
    assert f"{batch}:2: id 'x' repeats an earlier article's id; renamed 'x-2'" in resumed.stderr
    assert _lines(out) == complete


def test_repeated_ids_survive_a_killed_run_and_resume_writes_each_article_once(tmp_path):
    """A real run, killed with SIGKILL once its first line is out, over a batch in which every id
    comes three times; the resumed run finds the same ids and writes every article exactly once."""
    batch, out = tmp_path / "batch.jsonl", tmp_path / "out.jsonl"
    texts = [a.text for a in load_articles(ARTICLES)]
    count = 240
    with batch.open("w", encoding="utf-8") as handle:
        for i in range(count):
            text = texts[i % len(texts)] + f"\n\nThe agency said it filed note {i}."
            handle.write(json.dumps({"id": f"d{i // 3}", "text": text}) + "\n")
    expected = {f"{batch}:{i + 1}": f"d{i // 3}" + (f"-{i % 3 + 1}" if i % 3 else "") for i in range(count)}

    process = _start(batch, out)
    _wait_for_lines(out, 1, process)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    killed = _lines(out)
    assert 1 <= len(killed) < count
    assert all(expected[r["source"]] == r["id"] for r in killed)

    resumed = _start(batch, out, "--resume")
    _, stderr = resumed.communicate(timeout=300)
    assert resumed.returncode == 0, stderr
    assert f"skipped {len(killed)} articles already in" in stderr and "Traceback" not in stderr
    assert f"{batch}:2: id 'd0' repeats an earlier article's id; renamed 'd0-2'" in stderr
    final = _lines(out)
    assert len(final) == count and {r["source"]: r["id"] for r in final} == expected, "each article exactly once"
