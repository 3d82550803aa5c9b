"""Write results as they finish: JSON Lines (the contract), a JSON array, or Markdown for people.

Every writer hands each article to the operating system as it finishes (one unbuffered write per
article into a file), so a crash, a kill or Ctrl-C never loses a finished result; JSONL output is
whole lines.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import IO, Any

from summarize.errors import ConfigError, InputError
from summarize.records import Result

FORMATS = ("jsonl", "json", "markdown")


class ResultWriter:
    """Streams results to a file or stdout in one of :data:`FORMATS`."""

    def __init__(self, fmt: str = "jsonl", path: str | Path | None = None, *, append: bool = False) -> None:
        if fmt not in FORMATS:
            raise ConfigError(f"unknown output format {fmt!r}; choose one of {', '.join(FORMATS)}")
        self.format = fmt
        self.path = Path(path) if path is not None else None
        self.count = 0
        self._file: IO[bytes] | None = None
        if self.path is not None:
            try:  # unbuffered: each article is one write call, so a kill never tears a line
                self._file = self.path.open("ab" if append else "wb", buffering=0)
            except OSError as exc:
                raise ConfigError(f"{self.path}: cannot write output: {exc.strerror or exc}") from None
        if fmt == "json":
            self._emit("[")

    def _emit(self, text: str) -> None:
        if self._file is None:
            sys.stdout.write(text)
            sys.stdout.flush()
            return
        data = memoryview(text.encode("utf-8"))
        while data:
            written = self._file.write(data)
            data = data[written or 0 :]

    def write(self, result: Result) -> None:
        data = result.to_dict()
        if self.format == "jsonl":
            self._emit(json.dumps(data, ensure_ascii=False) + "\n")
        elif self.format == "json":
            self._emit(("," if self.count else "") + "\n" + _indent(json.dumps(data, ensure_ascii=False, indent=2)))
        else:
            self._emit(("\n" if self.count else "") + render_markdown(data))
        self.count += 1

    def close(self) -> None:
        if self.format == "json":
            self._emit("\n]\n" if self.count else "]\n")
        if self._file is not None:
            self._file.close()

    def __enter__(self) -> ResultWriter:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())


def render_markdown(data: dict[str, Any]) -> str:
    """One article's result as a Markdown section."""
    heading = data.get("title") or data["id"]
    meta = [m for m in (data.get("date"), data.get("dateline"), data.get("source")) if m]
    model = data.get("model") or {}
    made_by = data["engine"] + (f" · {model.get('id')}" if model.get("id") else "")
    lines = [f"## {heading}", "", f"*{' · '.join(meta)}* — id `{data['id']}`, {made_by}", ""]
    lines += [data.get("summary") or "_(no summary)_", ""]
    if data.get("answers"):
        lines += ["| Question | Answer | Evidence |", "|---|---|---|"]
        for answer in data["answers"]:
            text = answer["answer"] if answer["answer"] is not None else f"_none: {answer.get('reason', 'not in the article')}_"
            evidence = " ".join(f"“{e}”" for e in answer.get("evidence", []))
            lines.append(f"| {_cell(answer['question'])} | {_cell(text)} | {_cell(evidence)} |")
        lines.append("")
    notes = (["chunked: the article exceeded the model's input window"] if data.get("chunked") else []) + data.get("warnings", [])
    lines += [f"> note: {n}" for n in notes]
    if notes:
        lines.append("")
    return "\n".join(lines)


def _cell(text: str) -> str:
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "<br>".join(line for line in lines if line).replace("|", "\\|")


def read_output_records(path: str | Path, noun: str = "output") -> list[tuple[str, dict[str, Any]]]:
    """Output records of any system, one JSON object per line in the contract (at least ``id`` and a
    string ``summary``; ``answers``, a list of {question, answer}, optional), each with where it is
    (``path:line``). A bad line raises :class:`InputError` naming it; ``noun`` names the records in
    the messages ("prediction has no 'id'")."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(str(path), f"cannot read {noun}s: {getattr(exc, 'strerror', None) or exc}") from None
    records = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(where, f"not valid JSON ({exc.msg})") from None
        except RecursionError:
            raise InputError(where, "not valid JSON (nested too deeply to read)") from None
        if not isinstance(record, dict) or not record.get("id"):
            raise InputError(where, f"{noun} has no 'id'")
        if not isinstance(record.get("summary"), str):
            raise InputError(where, "'summary' must be a string")
        answers = record.get("answers") or []
        if not isinstance(answers, list) or not all(isinstance(a, dict) for a in answers):
            raise InputError(where, "'answers' must be a list of {question, answer} objects")
        records.append((where, record))
    if not records:
        raise InputError(str(path), f"no {noun}s")
    return records
