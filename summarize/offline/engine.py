"""The offline engine: neutral, attributed summaries and typed answers with no model weights.

It reads each article once with spaCy (:mod:`.reading`), then writes the summary (:mod:`.summary`)
and the answers (:mod:`.answers`) from that reading. Deterministic; the baseline of every eval report.
"""

from __future__ import annotations

from typing import Any

from summarize.engines.base import Engine
from summarize.errors import ConfigError
from summarize.offline import nlp
from summarize.offline.answers import answer_question
from summarize.offline.reading import Reading, ReadingCache
from summarize.offline.summary import Summarizer
from summarize.records import Answer, Article, Summary

DEFAULT_MAX_WORDS = 90
NO_ATTRIBUTION = "no attributions (reporting verbs or quotes) were found: the summary is the article's leading sentences"


class OfflineEngine(Engine):
    """Claim-based extractive summaries and typed answers; no weights, no network."""

    name = "offline"

    def __init__(self, *, max_words: int = DEFAULT_MAX_WORDS, notice: str | None = None, spacy_model: str | None = None) -> None:
        if max_words < 10:
            raise ConfigError(f"max words must be at least 10, got {max_words}")
        self.max_words = max_words
        #: Why this engine is used (auto fell back to it); the Summarizer adds it to every result.
        self.notice = notice
        if spacy_model:
            nlp.use(spacy_model)
        #: Articles read so far (shared with the Summarizer, so --claims reads nothing twice).
        self.analyses = ReadingCache()
        self._pipeline: str | None = None

    @property
    def generation(self) -> dict[str, Any]:
        if self._pipeline is None:
            self._pipeline = nlp.pipeline_name()
        return {"max_words": self.max_words, "spacy": self._pipeline}

    def analyze(self, article: Article) -> Reading:
        return self.analyses.get(article.text)

    def summarize(self, articles: list[Article]) -> list[Summary]:
        readings = self.analyses.get_many([a.text for a in articles])
        return [self._summarize(article, reading) for article, reading in zip(articles, readings)]

    def answer(self, questions: list[tuple[Article, str]]) -> list[Answer]:
        readings = self.analyses.get_many([a.text for a, _ in questions])
        return [answer_question(reading, article, question) for (article, question), reading in zip(questions, readings)]

    def _summarize(self, article: Article, reading: Reading) -> Summary:
        if not reading.units:
            return Summary(text="", warnings=["the article has no sentences to summarize"])
        warnings = [] if reading.claims else [NO_ATTRIBUTION]
        drafted = Summarizer(reading, self.max_words, article.title).draft()
        if drafted.cut:
            warnings.append(f"the summary was cut to {self.max_words} words")
        return Summary(text=drafted.text, warnings=warnings)
