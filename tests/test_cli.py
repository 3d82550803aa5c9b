"""The `summarize` command line: output formats, exit codes, one-line errors, help texts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarize.cli import app

from .conftest import SEED

GEN = ["--max-new-tokens", "6", "--min-new-tokens", "1", "--num-beams", "1", "--gen", "answer.max_new_tokens=6"]
ASK_GEN = ["--gen", "num_beams=1", "--gen", "answer.max_new_tokens=6"]


@pytest.fixture
def cli(tiny_model):
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):
        fast = ASK_GEN if args[0] == "ask" else GEN
        return runner.invoke(app, [*args, "--model", str(tiny_model), *fast], input=input)

    return invoke


def _lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_run_console_script_prints_the_contract(tiny_model, tmp_path):
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "summarize.cli", "run", str(SEED), "--model", str(tiny_model), *GEN],
        capture_output=True, text=True, env=env, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    (record,) = _lines(done.stdout)
    assert record["id"] == SEED.stem and record["engine"] == "seq2seq"
    assert record["prompts"]["summary"]["sha256"] and record["answers"]
    assert done.stderr == "", "no progress bar or chatter when stderr is not a terminal"


def test_formats_and_output_file(cli, tmp_path):
    out = tmp_path / "out.json"
    result = cli("run", str(SEED), str(SEED), "--format", "json", "--output", str(out))
    assert result.exit_code == 0, result.output
    records = json.loads(out.read_text())
    assert [r["id"] for r in records] == [SEED.stem, SEED.stem + "-2"], "ids are unique within a run"
    assert "wrote 2 articles" in result.stderr
    assert f"warning: {SEED}: id {SEED.stem!r} repeats an earlier article's id; renamed {SEED.stem + '-2'!r}" \
        in result.stderr

    result = cli("run", str(SEED), "--format", "markdown")
    assert result.exit_code == 0
    assert result.stdout.startswith("## ") and "| Question | Answer | Evidence |" in result.stdout
    assert "Who denied what?" in result.stdout

    result = cli("run", str(SEED), "--format", "yaml")
    assert result.exit_code == 2 and "yaml" in result.stderr


def test_questions_option_replaces_the_default_set(cli):
    result = cli("run", str(SEED), "-q", "Who denied what?", "-q", "Who owns Wagner?")
    (record,) = _lines(result.stdout)
    assert [a["question"] for a in record["answers"]] == ["Who denied what?", "Who owns Wagner?"]


def test_bad_jsonl_line_fails_alone_with_exit_1(cli, tmp_path):
    batch = tmp_path / "batch.jsonl"
    batch.write_text(
        '{"id": "good-1", "text": "The mayor said the bridge will reopen on Monday."}\n'
        "this is not json\n"
        '{"id": "no-text", "title": "Missing"}\n'
        '{"id": "good-2", "text": "Police denied the report. They said it was false."}\n'
    )
    result = cli("run", str(batch))
    assert result.exit_code == 1
    assert [r["id"] for r in _lines(result.stdout)] == ["good-1", "good-2"]
    errors = result.stderr.strip().splitlines()
    assert any(f"{batch}:2" in e and "not valid JSON" in e for e in errors)
    assert any(f"{batch}:3" in e and "'text'" in e for e in errors)
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "name, content, problem",
    [
        ("missing.txt", None, "no such file"),
        ("empty.txt", b"", "empty file"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
        ("latin1.txt", "Le ministre a dément\xe9 l'information.".encode("latin-1"), "not UTF-8"),
        ("report.docx", b"PK\x03\x04", "unsupported file type"),
        ("empty.rss", b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>', "no entries"),
    ],
)
def test_unreadable_input_is_one_line_exit_2_and_others_still_run(cli, tmp_path, name, content, problem):
    bad = tmp_path / name
    if content is not None:
        bad.write_bytes(content)
    result = cli("run", str(bad), str(SEED))
    assert result.exit_code == 2
    assert [r["id"] for r in _lines(result.stdout)] == [SEED.stem], "the good input is still summarized"
    (line,) = [l for l in result.stderr.splitlines() if l.strip()]
    assert str(bad) in line and problem in line


def test_only_bad_inputs_exit_2_before_loading_a_model(tmp_path):
    result = CliRunner().invoke(app, ["run", str(tmp_path / "nope.txt"), "--engine", "seq2seq", "--model", "nobody/none"])
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()  # one line per error, and this input is the only error
    assert "no such file" in line and "nope.txt" in line
    assert "nobody/none" not in result.stderr


def test_unknown_model_without_network_is_one_line_exit_2():
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "summarize.cli", "run", str(SEED), "--engine", "seq2seq", "--model", "nobody/no-such-model"],
        capture_output=True, text=True, env=env, timeout=120,
    )
    assert done.returncode == 2 and done.stdout == ""
    (line,) = done.stderr.strip().splitlines()
    assert "nobody/no-such-model" in line and "--model" in line


def test_stdin_input(cli, seed_text):
    result = cli("run", "-", input=seed_text)
    assert result.exit_code == 0, result.stderr
    (record,) = _lines(result.stdout)
    assert record["source"] == "<stdin>" and record["dateline"] == "Seoul/Washington, Dec 23"


def test_ask_prints_answer_and_evidence(cli):
    result = cli("ask", str(SEED), "Who denied what?")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines and not lines[0].startswith("  evidence")
    assert all(l.startswith("  evidence: ") for l in lines[1:])

    result = cli("ask", str(SEED), "Who denied what?", "--json")
    record = json.loads(result.stdout)
    assert record["id"] == SEED.stem and record["question"] == "Who denied what?"

    result = cli("ask", str(SEED), "   ")
    assert result.exit_code == 2 and "question is empty" in result.stderr


def test_bad_generation_setting_is_a_usage_error(cli):
    result = cli("run", str(SEED), "--gen", "beams=3")
    assert result.exit_code == 2 and "unknown generation setting 'beams'" in result.stderr
    result = cli("run", str(SEED), "--gen", "oops")
    assert result.exit_code == 2 and "KEY=VALUE" in result.stderr


def test_failed_article_exits_1_and_the_rest_are_written(cli, tmp_path, monkeypatch):
    from summarize.engines.seq2seq import Seq2SeqEngine

    real = Seq2SeqEngine.summarize

    def flaky(self, articles):
        if any("POISON" in a.text for a in articles):
            raise RuntimeError("simulated failure")
        return real(self, articles)

    monkeypatch.setattr(Seq2SeqEngine, "summarize", flaky)
    monkeypatch.setattr(Seq2SeqEngine, "summarize_and_answer", None)  # summaries go through the faked summarize
    batch = tmp_path / "batch.jsonl"
    batch.write_text('{"id": "a", "text": "One fine sentence."}\n{"id": "b", "text": "POISON here."}\n'
                     '{"id": "c", "text": "Another sentence."}\n')
    out = tmp_path / "out.jsonl"
    result = cli("run", str(batch), "-o", str(out))
    assert result.exit_code == 1
    assert [r["id"] for r in _lines(out.read_text())] == ["a", "c"]
    assert "failed b" in result.stderr and "simulated failure" in result.stderr


@pytest.mark.parametrize("command", [[], ["run"], ["ask"]])
def test_help_texts(command):
    result = CliRunner().invoke(app, [*command, "--help"])
    assert result.exit_code == 0
    text = result.stdout
    assert "Usage:" in text
    if command == ["run"]:
        for option in ("--question", "--model", "--engine", "--format", "--output", "--batch-size", "--device", "--gen"):
            assert option in text
        assert "google/flan-t5-base" in text and "Exit codes" in text
    if not command:
        assert "run" in text and "ask" in text


def _offline(*args: str, input: str | bytes | None = None):
    return CliRunner().invoke(app, ["run", *args, "--engine", "offline", "--no-cache", "-q", "Who denied what?"],
                              input=input)


@pytest.mark.parametrize("name", ["deep.json", "-"])
def test_deeply_nested_json_is_bad_input_exit_2_in_one_line(tmp_path, name):
    deep = "[" * 100_000 + "]" * 100_000
    if name == "-":
        result = _offline("-", input=deep)
        where = "<stdin>"
    else:
        (tmp_path / name).write_text(deep)
        result = _offline(str(tmp_path / name))
        where = str(tmp_path / name)
    assert result.exit_code == 2 and result.stdout == ""
    assert "Traceback" not in result.output and "RecursionError" not in result.output
    [line] = [l for l in result.stderr.splitlines() if where in l]
    assert line == f"summarize: error: {where}: not valid JSON (nested too deeply to read)"


def test_deeply_nested_jsonl_line_is_skipped_alone(tmp_path):
    batch = tmp_path / "deep.jsonl"
    batch.write_text('{"id": "good", "text": "Police denied the report on Monday."}\n' + "[" * 100_000 + "\n")
    result = _offline(str(batch))
    assert result.exit_code == 1 and [r["id"] for r in _lines(result.stdout)] == ["good"]
    assert result.stderr.splitlines() == [f"summarize: skipped {batch}:2: not valid JSON (nested too deeply to read)"]


def test_repeated_ids_are_renamed_with_one_warning_line_each(tmp_path):
    batch = tmp_path / "dup.jsonl"
    batch.write_text('{"id": "x", "text": "The mayor said the bridge will reopen."}\n'
                     '{"id": "x", "text": "Police denied the report on Monday."}\n')
    result = _offline(str(batch))
    assert result.exit_code == 0, result.stderr
    records = _lines(result.stdout)
    assert [r["id"] for r in records] == ["x", "x-2"]
    assert "id 'x' repeats an earlier article's id; renamed 'x-2'" in records[1]["warnings"]
    assert result.stderr.splitlines() == [
        f"summarize: warning: {batch}:2: id 'x' repeats an earlier article's id; renamed 'x-2'"]


def test_shared_cli_helpers_live_in_their_own_module():
    import ast

    import summarize.cli as cli
    import summarize.cli_common as common

    tree = ast.parse(Path(common.__file__).read_text(encoding="utf-8"))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not imported & {"summarize.cli", "summarize.cli_eval"}, "the shared helpers import no command"
    # The CLI uses (and still re-exports, for summarize.cli_eval) the shared ones.
    assert cli.one_line_errors is common.one_line_errors and cli._say is common.say
    assert cli.InputProblems is common.InputProblems
    assert (cli.EXIT_OK, cli.EXIT_FAILED, cli.EXIT_USAGE) == (common.EXIT_OK, common.EXIT_FAILED, common.EXIT_USAGE) == (0, 1, 2)
