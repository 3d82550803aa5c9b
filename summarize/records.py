"""The plain dataclasses passed between stages: ingest -> generate -> output.

``Result.to_dict()`` is the output contract documented in the README; every writer and every
downstream consumer (eval suite, cache, other services) reads that shape and nothing else.

This module imports nothing from the stages: they import it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Article:
    """One news article, cleaned of feed boilerplate, ready for an engine."""

    id: str
    text: str
    source: str
    title: str | None = None
    date: str | None = None
    dateline: str | None = None
    link: str | None = None
    questions: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def from_text(cls, text: str, *, id: str | None = None, source: str = "<text>") -> Article:
        """Wrap raw text (agency header, dateline and boilerplate are parsed out).

        The parsing is the ingest stage's (:func:`summarize.ingest.article_from_text`, which
        registers itself through :func:`use_text_reader` when it loads; ``import summarize`` loads
        it), so that these records import nothing from the stages.
        """
        if _text_reader is None:
            raise RuntimeError("no text reader registered: import summarize (or summarize.ingest) first")
        return _text_reader(text, source=source, id=id)


#: Builds an :class:`Article` from raw text; set by the ingest stage (see ``Article.from_text``).
_text_reader: Callable[..., Article] | None = None


def use_text_reader(reader: Callable[..., Article]) -> None:
    """Make ``reader(text, source=..., id=...)`` the parser behind :meth:`Article.from_text`."""
    global _text_reader
    _text_reader = reader


@dataclass
class Answer:
    """An answer with the source sentences that support it; ``answer`` is None when the
    article does not say (``reason`` then explains)."""

    question: str
    answer: str | None
    evidence: list[str] = field(default_factory=list)
    reason: str | None = None
    #: How sure the engine is (0..1), when it can say; engines that cannot leave it None.
    confidence: float | None = None
    #: True when the article was too long and the answer came from its most relevant passages.
    chunked: bool = field(default=False, compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        del data["chunked"]
        for optional in ("reason", "confidence"):
            if data[optional] is None:
                del data[optional]
        return data


@dataclass
class Summary:
    """A summary and how it was made (``chunked`` is True when the article exceeded the
    model's input window and was summarized chunk by chunk)."""

    text: str
    chunked: bool = False
    warnings: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return self.text


@dataclass
class Violation:
    """One thing an output says that its source does not back: which check found it, in which
    sentence (None: the output as a whole, e.g. its length), and why."""

    check: str
    sentence: str | None
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class GuardReport:
    """What the guard found in a summary (and its answers) checked against the source, and what it
    did: ``action`` is "kept" (passed as written), "flagged" (written with its violations),
    "candidate N" (the Nth alternative passed), "repaired sentences" (failing sentences replaced by
    the source's own), "offline summary" (replaced whole), "answers replaced" (only answers
    failed; the offline reader's replaced them) or "unchecked" (an article over the reader's length
    limit: written as it is, not passed). ``violations`` are those of what was written;
    ``repaired`` those of what the model wrote, when a repair replaced it."""

    passed: bool
    violations: list[Violation] = field(default_factory=list)
    action: str = "kept"
    #: Violations of the summary first written, when a repair replaced it.
    repaired: list[Violation] = field(default_factory=list)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GuardReport:
        return cls(passed=data["passed"], violations=[Violation(**v) for v in data.get("violations", [])],
                   action=data.get("action", "kept"), repaired=[Violation(**v) for v in data.get("repaired", [])])

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"passed": self.passed, "violations": [v.to_dict() for v in self.violations],
                                "action": self.action}
        if self.repaired:
            data["repaired"] = [v.to_dict() for v in self.repaired]
        return data


@dataclass
class Result:
    """Everything produced for one article: the output contract, one object per article."""

    id: str
    source: str
    title: str | None
    date: str | None
    dateline: str | None
    engine: str
    model: dict[str, str | None] | None
    prompts: dict[str, dict[str, str]]
    generation: dict[str, Any]
    summary: str | None
    answers: list[Answer] = field(default_factory=list)
    chunked: bool = False
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    #: Who said what (``--claims``): claim dicts, or None when not asked for.
    claims: list[dict[str, Any]] | None = None
    #: The source-only checks' verdict on the summary and answers (``--guard flag|repair``), or None.
    guard: GuardReport | None = None
    #: The summary as the engine returned it (kept for the result cache; not in the contract).
    engine_summary: Summary | None = field(default=None, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "source": self.source,
            "title": self.title,
            "date": self.date,
            "dateline": self.dateline,
            "engine": self.engine,
            "model": self.model,
            "prompts": self.prompts,
            "generation": self.generation,
            "summary": self.summary,
            "answers": [a.to_dict() for a in self.answers],
            "chunked": self.chunked,
            "warnings": list(self.warnings),
        }
        if self.claims is not None:
            data["claims"] = self.claims
        if self.guard is not None:
            data["guard"] = self.guard.to_dict()
        if self.error is not None:
            data["error"] = self.error
        return data
