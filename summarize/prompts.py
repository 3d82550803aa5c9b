"""Prompt templates are files, not string literals, so they can be read, diffed and swapped.

A prompt folder holds ``summary.txt`` (``{text}``), ``combine.txt`` (``{text}``: the joined chunk
summaries of a long article), ``answer.txt`` (``{text}`` and ``{question}``) and ``questions.txt``
(the default question set, one per line, ``#`` for comments). Every output records each prompt's id
(its file stem) and the sha256 of its bytes, so a result can always be traced to the exact wording.
"""

from __future__ import annotations

import hashlib
import string
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from summarize.errors import ConfigError

PROMPT_NAMES: dict[str, set[str]] = {
    "summary": {"text"},
    "combine": {"text"},
    "answer": {"text", "question"},
    "questions": set(),
}


@dataclass(frozen=True)
class Prompt:
    """One prompt file: its id, its hash and its template text."""

    id: str
    sha256: str
    template: str

    def render(self, **fields: str) -> str:
        return self.template.format_map(fields)

    def meta(self) -> dict[str, str]:
        return {"id": self.id, "sha256": self.sha256}


@dataclass(frozen=True)
class PromptSet:
    """The prompts a run uses, loaded once."""

    summary: Prompt
    combine: Prompt
    answer: Prompt
    questions: Prompt

    @property
    def default_questions(self) -> list[str]:
        return [
            line.strip()
            for line in self.questions.template.splitlines()
            if line.strip() and not line.lstrip().startswith("#")
        ]

    def meta(self) -> dict[str, dict[str, str]]:
        return {name: getattr(self, name).meta() for name in PROMPT_NAMES}


def default_prompt_dir() -> Path:
    """The packaged prompts (wheel installs) or the repository's ``prompts/`` (source checkouts)."""
    packaged = Path(str(files("summarize"))) / "prompts"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "prompts"


def load_prompts(folder: str | Path | None = None) -> PromptSet:
    """Load and validate the prompt files in ``folder`` (default: the shipped prompts)."""
    folder = Path(folder) if folder is not None else default_prompt_dir()
    if not folder.is_dir():
        raise ConfigError(f"{folder}: prompt folder not found")
    loaded = {}
    for name, needed in PROMPT_NAMES.items():
        path = folder / f"{name}.txt"
        try:
            data = path.read_bytes()
        except OSError:
            raise ConfigError(f"{path}: prompt file missing (a prompt folder needs {', '.join(PROMPT_NAMES)})") from None
        try:
            template = data.decode("utf-8")
        except UnicodeDecodeError:
            raise ConfigError(f"{path}: prompt file is not UTF-8 text") from None
        if needed:
            try:
                used = {f for _, f, _, _ in string.Formatter().parse(template) if f is not None}
            except ValueError as exc:
                raise ConfigError(f"{path}: bad template ({exc}); write literal braces as {{{{ }}}}") from None
            if used != needed:
                raise ConfigError(
                    f"{path}: template must use exactly {sorted(needed)} as fields, found {sorted(used)}"
                )
        loaded[name] = Prompt(id=name, sha256=hashlib.sha256(data).hexdigest(), template=template.strip())
    prompts = PromptSet(**loaded)
    if not prompts.default_questions:
        raise ConfigError(f"{folder / 'questions.txt'}: no questions in the default question set")
    return prompts
