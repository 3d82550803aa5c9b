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

#: With no word limit given, a summary gets about this share of its article's words, within
#: MIN_WORDS..MAX_WORDS: a 300-word story gets 90, a long feature at most 150.
SUMMARY_SHARE = 0.3
MIN_WORDS, MAX_WORDS = 60, 150
NO_ATTRIBUTION = "no attributions (reporting verbs or quotes) were found: the summary is the article's leading sentences"


class OfflineEngine(Engine):
    """Claim-based extractive summaries and typed answers; no weights, no network."""

    name = "offline"

    def __init__(self, *, max_words: int | None = None, notice: str | None = None, spacy_model: str | None = None) -> None:
        if max_words is not None and max_words < 10:
            raise ConfigError(f"max words must be at least 10, got {max_words}")
        #: A fixed word limit, or None for about 30% of each article (see :meth:`budget`).
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
        limit = self.max_words or f"{SUMMARY_SHARE:.0%} of the article, {MIN_WORDS} to {MAX_WORDS}"
        return {"max_words": limit, "spacy": self._pipeline}

    def budget(self, article: Article) -> int:
        """The word limit of ``article``'s summary: the fixed one, or about 30% of the article."""
        if self.max_words:
            return self.max_words
        return max(MIN_WORDS, min(MAX_WORDS, round(SUMMARY_SHARE * len(article.text.split()))))

    def analyze(self, article: Article) -> Reading:
        return self.analyses.get(article.text)

    def summarize(self, articles: list[Article]) -> list[Summary]:
        readings = self.analyses.get_many([a.text for a in articles])
        writers = [Summarizer(reading, self.budget(article), article.title) for article, reading in zip(articles, readings)]
        # Titles and the first drafts that need reading back, parsed in one batch (then read from the cache).
        nlp.parse_many([a.title for a in articles if a.title] + [w.first_draft().text for w in writers if w.needs_reading()])
        return [self._summarize(article, reading, writer) for article, reading, writer in zip(articles, readings, writers)]

    def answer(self, questions: list[tuple[Article, str]]) -> list[Answer]:
        readings = self.analyses.get_many([a.text for a, _ in questions])
        return [answer_question(reading, article, question) for (article, question), reading in zip(questions, readings)]

    def _summarize(self, article: Article, reading: Reading, writer: Summarizer) -> Summary:
        if not reading.units:
            return Summary(text="", warnings=["the article has no sentences to summarize"])
        warnings = [] if reading.claims else [NO_ATTRIBUTION]
        drafted = writer.draft()
        if drafted.cut:
            warnings.append(f"the summary was cut to {writer.max_words} words")
        return Summary(text=drafted.text, warnings=warnings)
