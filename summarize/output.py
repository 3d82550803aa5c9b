"""Write results as they finish: JSON Lines (the contract), a JSON array, or Markdown for people.

Every writer flushes after each article, so a crash or Ctrl-C never loses a finished result; JSONL
output is always whole lines.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import IO, Any

from summarize.errors import ConfigError
from summarize.records import Result

FORMATS = ("jsonl", "json", "markdown")


class ResultWriter:
    """Streams results to a file or stdout in one of :data:`FORMATS`."""

    def __init__(self, fmt: str = "jsonl", path: str | Path | None = None) -> None:
        if fmt not in FORMATS:
            raise ConfigError(f"unknown output format {fmt!r}; choose one of {', '.join(FORMATS)}")
        self.format = fmt
        self.path = Path(path) if path is not None else None
        self.count = 0
        self._stream: IO[str]
        if self.path is None:
            self._stream = sys.stdout
        else:
            try:
                self._stream = self.path.open("w", encoding="utf-8")
            except OSError as exc:
                raise ConfigError(f"{self.path}: cannot write output: {exc.strerror or exc}") from None
        if fmt == "json":
            self._stream.write("[")

    def write(self, result: Result) -> None:
        data = result.to_dict()
        if self.format == "jsonl":
            self._stream.write(json.dumps(data, ensure_ascii=False) + "\n")
        elif self.format == "json":
            self._stream.write(("," if self.count else "") + "\n" + _indent(json.dumps(data, ensure_ascii=False, indent=2)))
        else:
            self._stream.write(("\n" if self.count else "") + render_markdown(data))
        self._stream.flush()
        self.count += 1

    def close(self) -> None:
        if self.format == "json":
            self._stream.write("\n]\n" if self.count else "]\n")
        self._stream.flush()
        if self.path is not None:
            self._stream.close()

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
