"""What every engine provides. Engines work on lists so they can batch; the Summarizer decides
what goes into a list."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from summarize.prompts import PromptSet
from summarize.records import Answer, Article, Summary


class Engine(ABC):
    """A way to write summaries and answers for articles."""

    #: Name recorded in every output's ``engine`` field.
    name: str

    @property
    def model(self) -> dict[str, str | None] | None:
        """``{"id", "revision"}`` of the weights used, or None for an engine without weights."""
        return None

    @property
    def generation(self) -> dict[str, Any]:
        """The settings that determine the output, recorded in every result."""
        return {}

    @property
    def warnings(self) -> list[str]:
        """What every result of this engine tells its reader (e.g. where its answers come from)."""
        return []

    def prompts_meta(self, prompts: PromptSet) -> dict[str, dict[str, str]]:
        """The prompts recorded in each result: by default all of ``prompts``."""
        return prompts.meta()

    @abstractmethod
    def summarize(self, articles: list[Article]) -> list[Summary]:
        """One summary per article, in the same order."""

    @abstractmethod
    def answer(self, questions: list[tuple[Article, str]]) -> list[Answer]:
        """One answer per (article, question) pair, in the same order."""
