"""Property-based tests: whatever goes in (random bytes, random JSON / JSONL / CSV / XML, random
text), ingest and the CLI end in a known way.

- ``load_articles`` yields articles or reports :class:`InputError`\\ s of one line each, never
  anything else;
- ``summarize run`` (in process, offline engine) exits 0, 1 or 2, with every stderr line one
  ``summarize: …`` line (no traceback, no "unexpected error"), and ``--output`` holds only whole
  JSON lines with unique ids.

Bounded so the file runs in well under a minute: few examples, small inputs, no subprocesses.
Under CI (``CI=true``) the examples are derandomized, so a run is reproducible; locally each run
draws new ones, and ``SUMMARIZE_PROPERTY_SCALE=20`` draws twenty times as many.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from summarize.cli import app
from summarize.errors import InputError
from summarize.ingest import load_articles

CHECKS = dict(
    deadline=None,
    database=None,  # no example database (the .hypothesis folder Hypothesis makes ignores itself)
    derandomize=os.environ.get("CI", "").lower() in {"1", "true", "yes"},
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


SCALE = float(os.environ.get("SUMMARIZE_PROPERTY_SCALE", "1"))  # 20: explore longer, when hunting a bug


def examples(count: int):
    return settings(max_examples=max(1, round(count * SCALE)), **CHECKS)


# --- strategies ----------------------------------------------------------------------------------
# Words that mean something to the readers, mixed into random text so it reaches deeper code.
TOKENS = st.sampled_from([
    "date 2023-01-02", "WASHINGTON (Reuters) -", "Seoul, Dec 23", "said", "denied", '"', "\u201c", "\n", "\n\n",
    "&amp;", "&amp;amp;", "&lol9;", "&#233;", "<p>", "</p>", "<![CDATA[", "]]>", "<!DOCTYPE x [", "]>", "{", "[",
    "Disclaimer: This post has been auto-published", "The ministry denied the report.", "He said it was false.",
])
TEXT = st.lists(st.one_of(st.text(max_size=40), TOKENS), max_size=12).map(" ".join)

JSON_SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT
JSON_VALUES = st.recursive(JSON_SCALARS, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12)
FIELDS = st.sampled_from(["id", "title", "date", "dateline", "link", "url", "questions"])
RECORDS = st.one_of(
    JSON_VALUES,
    st.builds(lambda text, extra: {"text": text, **extra}, TEXT | JSON_VALUES,
              st.dictionaries(FIELDS, JSON_VALUES | TEXT | st.lists(TEXT, max_size=3), max_size=4)),
)
# Ids drawn from a small set, so repeated ids are common.
IDS = st.sampled_from(["x", "x-2", "y", "7"])


@st.composite
def jsonl_documents(draw) -> bytes:
    lines = draw(st.lists(st.one_of(
        RECORDS.map(json.dumps),
        st.builds(lambda i, t: json.dumps({"id": i, "text": t}), IDS, TEXT),
        TEXT,  # not JSON at all
        st.integers(1, 3000).map(lambda depth: "[" * depth),  # nested past any recursion limit
    ), max_size=6))
    return "\n".join(lines).encode("utf-8")


@st.composite
def json_documents(draw) -> bytes:
    value = draw(st.one_of(st.lists(RECORDS, max_size=5), RECORDS,
                           st.builds(lambda items: {"articles": items}, st.lists(RECORDS, max_size=4))))
    text = json.dumps(value)
    if draw(st.booleans()):
        text = text[: draw(st.integers(0, len(text)))]  # torn
    if draw(st.booleans()):
        depth = draw(st.integers(1, 3000))
        text = "[" * depth + text + "]" * depth
    return text.encode("utf-8")


@st.composite
def csv_documents(draw) -> bytes:
    header = draw(st.lists(st.sampled_from(["id", "text", "title", "date", "questions", "body"]), min_size=1,
                           max_size=4, unique=True))
    rows = draw(st.lists(st.lists(TEXT | IDS, min_size=len(header), max_size=len(header)), max_size=4))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


@st.composite
def xml_documents(draw) -> bytes:
    def item() -> str:
        parts = [f"<guid>{draw(IDS)}</guid>" if draw(st.booleans()) else "",
                 f"<title>{draw(TEXT)}</title>" if draw(st.booleans()) else "",
                 f"<description>{draw(TEXT)}</description>" if draw(st.booleans()) else "",
                 f"<description><![CDATA[{draw(TEXT)}]]></description>" if draw(st.booleans()) else ""]
        return "<item>" + "".join(parts) + "</item>"

    doctype = draw(st.sampled_from([
        "", '<!DOCTYPE rss [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>',
        '<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', "<!DOCTYPE rss [", "<!DOCTYPE html>",
    ]))
    body = "".join(item() for _ in range(draw(st.integers(0, 3))))
    text = f'<?xml version="1.0"?>{doctype}<rss version="2.0"><channel><title>{draw(TEXT)}</title>{body}</channel></rss>'
    if draw(st.booleans()):
        text = text[: draw(st.integers(0, len(text)))]  # torn
    return text.encode("utf-8")


DOCUMENTS = {
    ".txt": TEXT.map(lambda t: t.encode("utf-8")),
    ".jsonl": jsonl_documents(),
    ".json": json_documents(),
    ".csv": csv_documents(),
    ".xml": xml_documents(),
}
ANY_FILE = st.one_of(
    *[st.tuples(st.just(ext), docs) for ext, docs in DOCUMENTS.items()],
    st.tuples(st.sampled_from([*DOCUMENTS, ".md", ".rss", ".atom", ".ndjson", ".parquet"]), st.binary(max_size=300)),
)


# --- ingest --------------------------------------------------------------------------------------
def _ingest(ext: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"input{ext}"
        path.write_bytes(data)
        errors: list[InputError] = []
        articles = list(load_articles(path, on_error=errors.append))
    for error in errors:
        assert isinstance(error, InputError)
        assert "\n" not in str(error) and str(error).startswith(str(path)), str(error)
    for article in articles:
        assert article.text.strip() and article.id and isinstance(article.id, str)
        assert article.source.startswith(str(path))
    assert len({a.id for a in articles}) == len(articles), "ids are unique within a run"


@examples(100)
@given(ANY_FILE)
def test_ingest_yields_articles_or_one_line_input_errors(case):
    _ingest(*case)


# --- the CLI -------------------------------------------------------------------------------------
RUNNER = CliRunner()


def _run(args: list[str], stdin: bytes | None = None) -> None:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "out.jsonl"
        result = RUNNER.invoke(app, ["run", *args, "--engine", "offline", "--no-cache", "-q", "Who denied what?",
                                     "-o", str(out)], input=stdin)
        written = out.read_bytes() if out.exists() else b""
    stderr = result.stderr
    assert result.exit_code in (0, 1, 2), (result.exit_code, stderr, result.exception)
    event(f"exit {result.exit_code}, {'some' if written else 'no'} output")
    assert "Traceback" not in result.output and "unexpected error" not in stderr, stderr
    lines = stderr.splitlines()
    assert all(line.startswith("summarize: ") for line in lines), stderr
    if result.exit_code != 0:
        assert any(" error: " in line or "skipped " in line or "failed " in line for line in lines), stderr
    assert written == b"" or written.endswith(b"\n"), "never a partial line in --output"
    records = [json.loads(line) for line in written.decode("utf-8").splitlines()]
    assert all(isinstance(r, dict) and r["summary"] is not None for r in records)
    assert len({r["id"] for r in records}) == len(records)


@examples(60)
@given(ANY_FILE)
def test_cli_on_any_file_exits_0_1_or_2_with_one_line_errors(case):
    ext, data = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"input{ext}"
        path.write_bytes(data)
        _run([str(path)])


@examples(40)
@given(st.one_of(TEXT.map(lambda t: t.encode("utf-8")), jsonl_documents(), json_documents(), xml_documents(),
                 st.binary(max_size=200)))
def test_cli_on_any_stdin_exits_0_1_or_2_with_one_line_errors(data):
    _run(["-"], stdin=data)


@examples(20)
@given(st.lists(st.tuples(st.sampled_from([".txt", ".jsonl", ".json"]), st.one_of(
    DOCUMENTS[".txt"], DOCUMENTS[".jsonl"], DOCUMENTS[".json"])), min_size=2, max_size=3))
def test_cli_on_several_inputs_keeps_ids_unique(cases):
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for number, (ext, data) in enumerate(cases):
            path = Path(folder) / f"input{number}{ext}"
            path.write_bytes(data)
            paths.append(str(path))
        _run(paths)


def test_a_known_repeat_is_renamed_on_the_cli(tmp_path):
    # A fixed example beside the random ones: the same id from two inputs.
    (tmp_path / "x.txt").write_text("The ministry denied the report.")
    (tmp_path / "x.jsonl").write_text('{"id": "x", "text": "Police said it was false."}\n')
    result = RUNNER.invoke(app, ["run", str(tmp_path / "x.txt"), str(tmp_path / "x.jsonl"), "--engine", "offline",
                                 "--no-cache", "-q", "Who denied what?"])
    assert result.exit_code == 0, result.stderr
    assert [json.loads(l)["id"] for l in result.stdout.splitlines()] == ["x", "x-2"]
