"""Ingest stage: files, folders, feeds, batches and stdin in; :class:`Article` objects out.

Readers stream articles one at a time. A problem with a whole input (missing, empty, binary, not
UTF-8, unsupported) is an :class:`InputError`; a problem with one record of a readable batch (a bad
JSONL line, an entry with no text) is a :class:`RecordError`. Both go to ``on_error`` when given, so
one bad piece never stops the rest of a batch; without ``on_error`` they are raised.

Ids are unique within one :func:`load_articles` call: a repeated id gets the first free suffix
(``x``, ``x-2``, ``x-3`` …) in input order, so the same inputs always get the same ids and a resumed
run matches them; the renamed article says so in its ``warnings`` and ``on_warning`` hears it.

Nothing here lets an input blow up: JSON nested too deeply is a bad input (not a crash), and a
feed's DOCTYPE is dropped before parsing, so no entity it declares is ever expanded and no external
entity is ever fetched.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from summarize.clean import html_to_text, parse_agency_text
from summarize.errors import InputError
from summarize.records import Article, use_text_reader

TEXT, FEED, JSONL, JSON, CSV, PARQUET = "text", "feed", "jsonl", "json", "csv", "parquet"
EXTENSIONS: dict[str, str] = {
    ".txt": TEXT,
    ".text": TEXT,
    ".md": TEXT,
    ".xml": FEED,
    ".rss": FEED,
    ".atom": FEED,
    ".rdf": FEED,
    ".jsonl": JSONL,
    ".ndjson": JSONL,
    ".json": JSON,
    ".csv": CSV,
    ".parquet": PARQUET,
}
STDIN = "-"

ErrorHandler = Callable[[InputError], None]
WarningHandler = Callable[[str], None]


class RecordError(InputError):
    """One record of a readable batch is unusable; the other records are fine."""


def content_id(text: str) -> str:
    """A stable id for an article that has none: the first 12 hex digits of its sha256."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def article_from_text(
    raw: str, *, source: str, id: str | None = None, title: str | None = None,
    date: str | None = None, dateline: str | None = None, link: str | None = None,
    questions: list[str] | None = None,
) -> Article:
    """Build an article from raw text: date header, dateline, headline and boilerplate parsed out.

    Every container (text file, stdin, feed entry, batch record) goes through here, so none can
    parse differently; a field the container gives wins over one parsed from the text.
    """
    clean = parse_agency_text(raw, title=title or None)
    if not clean.body.strip():
        problem = "no article text" + (" after removing feed boilerplate" if clean.removed else "")
        raise RecordError(source, problem)
    warnings = [f"removed feed boilerplate: {line[:80]!r}" for line in clean.removed]
    return Article(
        id=str(id) if id not in (None, "") else content_id(clean.body),
        text=clean.body,
        source=source,
        title=clean.title,
        date=date or clean.date,
        dateline=dateline or clean.dateline,
        link=link,
        questions=list(questions or []),
        warnings=warnings,
    )


use_text_reader(article_from_text)  # behind Article.from_text; records import nothing from here


class UniqueIds:
    """Gives every article of one run its own id: the first article keeps its id, a repeat gets
    the first free suffix (``x-2``, ``x-3`` …), in input order, so the same inputs always get the
    same ids. Holds one entry per id seen (as a resumed run holds the finished ids)."""

    def __init__(self) -> None:
        self._taken: set[str] = set()
        self._next: dict[str, int] = {}

    def claim(self, article: Article) -> str | None:
        """Make ``article.id`` unique; when it had to be renamed, say so (in its warnings too)."""
        given = article.id
        if given not in self._taken:
            self._taken.add(given)
            return None
        number = self._next.get(given, 2)
        while f"{given}-{number}" in self._taken:  # "x-2" may itself be a given id
            number += 1
        self._next[given] = number + 1
        article.id = f"{given}-{number}"
        self._taken.add(article.id)
        message = f"id {given!r} repeats an earlier article's id; renamed {article.id!r}"
        article.warnings.append(message)
        return f"{article.source}: {message}"


def load_articles(
    sources: str | Path | Iterable[str | Path], *, on_error: ErrorHandler | None = None,
    on_warning: WarningHandler | None = None,
) -> Iterator[Article]:
    """Stream the articles in ``sources``: files, folders (recursive, by extension) or ``-``.

    Supported: agency text (.txt, .text, .md), RSS/Atom (.xml, .rss, .atom, .rdf), JSONL (.jsonl,
    .ndjson), JSON arrays (.json), CSV (.csv) and Parquet (.parquet); batches need a ``text`` field
    and may carry ``id``, ``title``, ``date``, ``dateline``, ``link`` and ``questions``.

    Ids are unique across everything read (see :class:`UniqueIds`); ``on_warning`` gets one line
    per renamed article (default: the ``warning`` method of ``on_error``, when it has one).
    """
    handle = on_error or _raise
    warn = on_warning or getattr(on_error, "warning", None)
    ids = UniqueIds()
    for path, kind in resolve_inputs(sources, on_error=handle):
        try:
            for article in _READERS[kind](path, handle):
                renamed = ids.claim(article)
                if renamed and warn is not None:
                    warn(renamed)
                yield article
        except InputError as exc:
            handle(exc)
        except RecursionError:  # a reader that recursed on a deeply nested input
            handle(InputError("<stdin>" if path == STDIN else str(path), _TOO_DEEP))


def resolve_inputs(
    sources: str | Path | Iterable[str | Path], *, on_error: ErrorHandler | None = None
) -> list[tuple[Path | str, str]]:
    """Expand folders and check every input exists and has a supported type, before any work."""
    handle = on_error or _raise
    if isinstance(sources, (str, Path)):
        sources = [sources]
    resolved: list[tuple[Path | str, str]] = []
    for source in sources:
        if str(source) == STDIN:
            resolved.append((STDIN, "stdin"))
            continue
        path = Path(source)
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in EXTENSIONS
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not found:
                handle(InputError(str(path), f"folder has no supported files ({_known()})"))
            resolved.extend((p, EXTENSIONS[p.suffix.lower()]) for p in found)
        elif not path.exists():
            handle(InputError(str(path), "no such file or folder"))
        elif path.suffix.lower() not in EXTENSIONS:
            handle(InputError(str(path), f"unsupported file type {path.suffix or '(none)'!r}; expected {_known()}"))
        else:
            resolved.append((path, EXTENSIONS[path.suffix.lower()]))
    return resolved


def _known() -> str:
    return ", ".join(EXTENSIONS)


def _raise(error: InputError) -> None:
    raise error


def _read_bytes(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror or exc}") from None
    if not data.strip():
        raise InputError(str(path), "empty file")
    return data


def _decode(data: bytes, source: str) -> str:
    if b"\x00" in data[:8192]:
        raise InputError(source, "binary file, expected UTF-8 text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            source, f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); re-encode it as UTF-8"
        ) from None


def _read_text_file(path: Path, handle: ErrorHandler) -> Iterator[Article]:
    text = _decode(_read_bytes(path), str(path))
    try:
        yield article_from_text(text, source=str(path), id=path.stem)
    except RecordError as exc:
        raise InputError(exc.source, exc.problem) from None


_TOO_DEEP = "nested too deeply to read"

_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
# What matters inside a DOCTYPE: quoted literals, comments, the internal subset's brackets, its end.
_DOCTYPE_TOKEN = re.compile(rb"[\"'\[\]>]|<!--")
_CLOSERS = {b'"': b'"', b"'": b"'", b"<!--": b"-->"}


def without_doctype(data: bytes) -> bytes:
    """``data`` with every ``<!DOCTYPE …>`` declaration, internal subset and all, cut out.

    feedparser drops nested entity declarations but keeps and expands plain ones, so one entity
    referenced many times (the "quadratic blowup") could grow a small feed into gigabytes. With
    the DOCTYPE gone nothing a feed declares is ever expanded and no external entity
    (``SYSTEM "file:///etc/passwd"``) is ever resolved: a reference to one stays as written.
    An unterminated DOCTYPE takes the rest of the data with it.
    """
    kept: list[bytes] = []
    position = 0
    while (start := _DOCTYPE.search(data, position)) is not None:
        kept.append(data[position : start.start()])
        position = _doctype_end(data, start.end())
    kept.append(data[position:])
    return b"".join(kept)


def _doctype_end(data: bytes, position: int) -> int:
    inside = False  # within the internal subset, [ ... ]
    while (token := _DOCTYPE_TOKEN.search(data, position)) is not None:
        mark = token.group()
        if mark in _CLOSERS:
            close = data.find(_CLOSERS[mark], token.end())
            if close < 0:
                break
            position = close + len(_CLOSERS[mark])
            continue
        position = token.end()
        if mark == b"[":
            inside = True
        elif mark == b"]":
            inside = False
        elif not inside:  # ">"
            return position
    return len(data)


def _read_feed(path: Path, handle: ErrorHandler, data: bytes | None = None) -> Iterator[Article]:
    import feedparser

    source = str(path)
    data = _read_bytes(path) if data is None else data
    _decode(data, source)  # reject binary and non-UTF-8 up front, with the same message as text files
    feed = feedparser.parse(without_doctype(data))
    if not feed.entries:
        if feed.get("bozo") and not feed.get("feed"):
            reason = str(feed.get("bozo_exception", "")).splitlines()[0] if feed.get("bozo_exception") else ""
            raise InputError(source, f"not a valid RSS or Atom feed{': ' + reason if reason else ''}")
        raise InputError(source, "feed has no entries")
    for number, entry in enumerate(feed.entries, start=1):
        where = f"{source}#{number}"
        html = entry["content"][0].get("value", "") if entry.get("content") else entry.get("summary", "")
        title = html_to_text(entry.get("title", "")) or None
        parsed = entry.get("published_parsed") or entry.get("updated_parsed")
        try:
            article = article_from_text(
                html_to_text(html or ""),
                source=where,
                id=entry.get("id") or entry.get("link") or None,
                title=title,
                date=time.strftime("%Y-%m-%d", parsed) if parsed else None,
                link=entry.get("link"),
            )
        except InputError as exc:
            handle(RecordError(exc.source, "feed entry has no text"))
            continue
        yield article


def _from_record(record: Any, where: str) -> Article:
    """Validate one batch record (JSONL line, JSON item, CSV/Parquet row) and parse its text."""
    try:
        return _checked_record(record, where)
    except RecursionError:  # a field nested too deeply to turn into text
        raise RecordError(where, _TOO_DEEP) from None


def _checked_record(record: Any, where: str) -> Article:
    if not isinstance(record, dict):
        raise RecordError(where, f"expected an object with a 'text' field, got {type(record).__name__}")
    text = record.get("text")
    if text is None:
        raise RecordError(where, "'text' is empty" if "text" in record else "missing the required 'text' field")
    if not isinstance(text, str):
        raise RecordError(where, f"'text' must be a string, got {type(text).__name__}")
    if not text.strip():
        raise RecordError(where, "'text' is empty")
    return article_from_text(
        text,
        source=where,
        id=record.get("id"),
        title=_optional_str(record.get("title")),
        date=_optional_str(record.get("date")),
        dateline=_optional_str(record.get("dateline")),
        link=_optional_str(record.get("link") or record.get("url")),
        questions=_questions(record.get("questions"), where),
    )


def _optional_str(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and value != value):  # NaN from CSV
        return None
    return str(value)


def _questions(value: Any, where: str) -> list[str]:
    """``questions`` may be a list, a JSON-encoded list, or one string with one question per line."""
    if value is None or value == "" or (isinstance(value, float) and value != value):
        return []
    if isinstance(value, str):
        stripped = value.strip()
        if stripped.startswith("["):
            try:
                value = json.loads(stripped)
            except json.JSONDecodeError:
                raise RecordError(where, "'questions' looks like a JSON list but is not valid JSON") from None
        else:
            value = stripped.splitlines()
    if not isinstance(value, (list, tuple)) or not all(isinstance(q, str) for q in value):
        raise RecordError(where, "'questions' must be a list of strings")
    return [q.strip() for q in value if q.strip()]


def _read_jsonl(path: Path, handle: ErrorHandler, text: str | None = None) -> Iterator[Article]:
    # Line by line rather than through `datasets`: a bad line must fail alone, named by its number.
    # Streamed from the file, so a batch of any size never sits in memory.
    source = str(path)
    lines: Iterable[str] = io.StringIO(text) if text is not None else _stream_lines(path)
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{source}:{number}"
        if line.startswith(_UNDECODABLE):
            handle(RecordError(where, line[len(_UNDECODABLE):]))
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            handle(RecordError(where, f"not valid JSON ({exc.msg} at column {exc.colno})"))
            continue
        except RecursionError:
            handle(RecordError(where, f"not valid JSON ({_TOO_DEEP})"))
            continue
        try:
            yield _from_record(record, where)
        except RecordError as exc:
            handle(exc)


_UNDECODABLE = "\x00undecodable:"


def _stream_lines(path: Path) -> Iterator[str]:
    """The file's lines as text; a line that is not UTF-8 comes back marked, to be reported alone."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror or exc}") from None
    with handle:
        head = handle.read(8192)
        if not head.strip():
            raise InputError(str(path), "empty file")
        if b"\x00" in head:
            raise InputError(str(path), "binary file, expected UTF-8 text")
        handle.seek(0)
        for raw in handle:
            try:
                yield raw.decode("utf-8-sig" if handle.tell() <= len(raw) else "utf-8")
            except UnicodeDecodeError as exc:
                yield f"{_UNDECODABLE}not UTF-8 text (byte 0x{raw[exc.start]:02x} at column {exc.start + 1})"


def _read_json(path: Path, handle: ErrorHandler, text: str | None = None) -> Iterator[Article]:
    source = str(path)
    try:
        data = json.loads(_decode(_read_bytes(path), source) if text is None else text)
    except json.JSONDecodeError as exc:
        raise InputError(source, f"not valid JSON ({exc.msg} at line {exc.lineno})") from None
    except RecursionError:
        raise InputError(source, f"not valid JSON ({_TOO_DEEP})") from None
    if isinstance(data, dict):
        data = data.get("articles", [data]) if "text" not in data else [data]
    if not isinstance(data, list):
        raise InputError(source, "expected a JSON list of articles or an object with 'text'")
    if not data:
        raise InputError(source, "no articles in the JSON list")
    for number, record in enumerate(data, start=1):
        try:
            yield _from_record(record, f"{source}#{number}")
        except RecordError as exc:
            handle(exc)


def _read_table(path: Path, handle: ErrorHandler, kind: str) -> Iterator[Article]:
    """CSV and Parquet through `datasets`, streamed so a large table never sits in memory."""
    import datasets

    datasets.logging.set_verbosity_error()
    datasets.disable_progress_bars()
    source = str(path)
    data = _read_bytes(path)
    options: dict[str, Any] = {}
    if kind == CSV:
        # Every CSV cell as text: type guessing would turn id "007" into 7 and "7" into "7.0".
        header = next(csv.reader(io.StringIO(_decode(data, source))), [])
        options = {"features": datasets.Features({name: datasets.Value("string") for name in header}),
                   "keep_default_na": False}
    # datasets also logs a malformed file's error itself; the one line below says it already.
    logging.getLogger("datasets").setLevel(logging.CRITICAL)
    try:
        table = datasets.load_dataset(kind, data_files=str(path), split="train", streaming=True, **options)
        rows = iter(table)
        first = next(rows, None)
    except Exception as exc:  # pyarrow/datasets raise many types for a malformed file
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(source, f"not a readable {kind.upper()} file: {reason}") from None
    if first is None:
        raise InputError(source, "no rows")
    if "text" not in first:
        raise InputError(source, f"no 'text' column (columns: {', '.join(first) or 'none'})")
    row_offset = 2 if kind == CSV else 1  # CSV rows are numbered as lines, after the header
    for number, row in enumerate(_chain(first, rows)):
        try:
            yield _from_record(row, f"{source}:{number + row_offset}")
        except RecordError as exc:
            handle(exc)


def _chain(first: Any, rest: Iterator[Any]) -> Iterator[Any]:
    yield first
    yield from rest


def _read_stdin(_: Path | str, handle: ErrorHandler) -> Iterator[Article]:
    data = sys.stdin.buffer.read()
    if not data.strip():
        raise InputError("<stdin>", "empty input")
    text = _decode(data, "<stdin>")
    head = text.lstrip()[:1]
    if head == "{":
        yield from _read_jsonl(Path("<stdin>"), handle, text=text)
    elif head == "[":
        yield from _read_json(Path("<stdin>"), handle, text=text)
    elif head == "<":
        yield from _read_feed(Path("<stdin>"), handle, data=data)
    else:
        try:
            yield article_from_text(text, source="<stdin>")
        except RecordError as exc:
            raise InputError(exc.source, exc.problem) from None


_READERS: dict[str, Callable[..., Iterator[Article]]] = {
    TEXT: _read_text_file,
    FEED: _read_feed,
    JSONL: _read_jsonl,
    JSON: _read_json,
    CSV: lambda path, handle: _read_table(path, handle, CSV),
    PARQUET: lambda path, handle: _read_table(path, handle, PARQUET),
    "stdin": _read_stdin,
}
