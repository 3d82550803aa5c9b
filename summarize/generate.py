"""Generate stage: the :class:`Summarizer`, the Python API other services import.

It owns one engine (model loaded once), groups articles into windows so the engine can batch across
them, asks each article the right questions, and turns engine output into :class:`Result` records in
input order. A failure is confined to the article that caused it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from summarize.engines import Engine, create_engine
from summarize.errors import ConfigError, SummarizeError
from summarize.ingest import article_from_text
from summarize.prompts import load_prompts
from summarize.cache import ResultCache, code_fingerprint
from summarize.offline.reading import Claim, ReadingCache
from summarize.guard import DEFAULT_CANDIDATES, Guard, check_guard_options
from summarize.records import Answer, Article, GuardReport, Result, Summary

ArticleLike = str | Article


class Summarizer:
    """Neutral summaries and answers for news articles.

    ``engine`` is ``auto`` (seq2seq when its weights load, else offline), ``seq2seq`` or ``offline``
    (no weights: claim-based summaries and answers); ``model`` a hub id or local folder (default
    ``google/flan-t5-base``); ``device`` ``auto``, ``cpu``, ``cuda[:N]`` or ``mps``. ``generation``
    overrides decoding settings (``{"num_beams": 2, "summary.max_new_tokens": 96}``); ``prompts`` is
    a folder of prompt files to use instead of the shipped ones; ``max_words`` bounds offline
    summaries; ``spacy_model`` names the offline reader's spaCy pipeline (default: the pinned one);
    ``with_claims`` adds each article's claims to its result; ``backend`` runs a seq2seq model on
    ``auto`` (default: CTranslate2 when the model converts, else torch), ``torch`` or ``ctranslate2``
    (int8 on CPU); ``model_profile`` is ``auto`` (default: decided from the model id and config),
    ``instruct`` (the model follows the prompts and answers questions) or ``summarizer`` (a
    summary-only model such as bart-large-cnn: it summarizes the bare text and the offline reader
    answers; see :mod:`summarize.engines.profiles`); ``cache`` (a folder or a :class:`ResultCache`)
    serves results already computed with the same text, questions, engine, model, prompts and settings;
    ``guard`` (``off``, ``flag``, ``repair``; default ``repair`` for a model, ``off`` for the offline
    engine) checks every summary and "who denied" answer against its source before it is returned
    (:mod:`summarize.guard`), trying up to ``guard_candidates`` beam alternatives in ``repair``.

    The engine and its weights load once, in the constructor; reuse the instance. It is safe to share
    across threads: calls are serialized by an internal lock, since the model runs one batch at a
    time anyway. For parallel throughput use several processes.
    """

    def __init__(
        self,
        engine: str = "auto",
        model: str | None = None,
        device: str = "auto",
        *,
        revision: str | None = None,
        prompts: str | Path | None = None,
        generation: Mapping[str, Any] | None = None,
        batch_size: int = 8,
        max_input_tokens: int | None = None,
        max_words: int | None = None,
        spacy_model: str | None = None,
        with_claims: bool = False,
        backend: str = "auto",
        cache: ResultCache | str | Path | None = None,
        model_profile: str = "auto",
        guard: str | None = None,
        guard_candidates: int = DEFAULT_CANDIDATES,
    ) -> None:
        if guard is not None:
            check_guard_options(guard, guard_candidates)  # before any weights load
        self.prompts = load_prompts(prompts)
        self.engine: Engine = create_engine(
            engine,
            model=model,
            revision=revision,
            device=device,
            prompts=self.prompts,
            generation=generation,
            batch_size=batch_size,
            max_input_tokens=max_input_tokens,
            max_words=max_words,
            backend=backend,
            spacy_model=spacy_model,
            model_profile=model_profile,
        )
        self.with_claims = with_claims
        self.batch_size = batch_size
        # The guard: repair for a model's summaries by default; the offline engine writes source
        # sentences, so it is only guarded when asked.
        mode = guard or ("off" if self.engine.name == "offline" else "repair")
        self.guard = Guard(mode, guard_candidates, max_words=max_words) if mode != "off" else None
        self._analyses: ReadingCache = getattr(self.engine, "analyses", None) or ReadingCache()
        self.cache = cache if isinstance(cache, ResultCache) or cache is None else ResultCache(cache)
        self._fingerprint = {
            "engine": self.engine.name, "model": self.engine.model, "prompts": self.engine.prompts_meta(self.prompts),
            "generation": self.engine.generation, "claims": with_claims, "code": code_fingerprint(),
            "guard": self.guard.settings if self.guard else None,
        }
        self._lock = threading.Lock()

    @property
    def default_questions(self) -> list[str]:
        return self.prompts.default_questions

    @property
    def notice(self) -> str | None:
        """Why the engine in use is not the one asked for (``auto`` fell back), else None."""
        return getattr(self.engine, "notice", None)

    def claims(self, article: ArticleLike) -> list[Claim]:
        """Who said what in ``article``: attributed claims with stance and evidence sentence."""
        with self._lock:
            return self._claims_of(_as_article(article))

    def summarize(self, article: ArticleLike) -> Summary:
        """A neutral summary of one article (raw text or :class:`Article`)."""
        article = _as_article(article)
        with self._lock:
            summary = self.engine.summarize([article])[0]
            if self.guard is not None:
                summary = self.guard.apply(self.engine, [article], [summary], [], [])[0][0]
            return summary

    def answer(self, article: ArticleLike, question: str) -> Answer:
        """One answer, with its evidence sentences, to ``question`` about ``article``."""
        question = check_question(question)
        pair = (_as_article(article), question)
        with self._lock:
            return self.guarded_answers([pair], self.engine.answer([pair]))[0]

    def guarded_answers(self, pairs: Sequence[tuple[Article, str]], answers: list[Answer]) -> list[Answer]:
        """``answers`` after the guard (in ``repair``, a "who denied" answer naming a party the
        source does not show denying is replaced by the offline reader's)."""
        if self.guard is None:
            return answers
        return self.guard.apply(self.engine, [], [], pairs, answers)[1]

    def run(
        self,
        articles: Iterable[ArticleLike],
        questions: Sequence[str] | None = None,
        *,
        should_stop: Callable[[], bool] | None = None,
    ) -> Iterator[Result]:
        """Summarize and answer questions for every article, yielding results in input order.

        ``questions`` replaces the default question set; questions an article brings with it (a
        ``questions`` field in a batch) are asked too. Articles are processed in windows of a few
        batches, so the engine can sort by length and batch across articles while results stream;
        ``should_stop`` is asked before each window, so a run can end cleanly between batches.
        """
        asked = [check_question(q) for q in questions] if questions is not None else None
        window: list[Article] = []
        for item in articles:
            if should_stop is not None and not window and should_stop():
                return
            window.append(_as_article(item))
            if len(window) >= self.batch_size * 4:
                yield from self._cached_window(window, asked)
                window = []
        if window and not (should_stop is not None and should_stop()):
            yield from self._cached_window(window, asked)

    def _cached_window(self, articles: list[Article], questions: list[str] | None) -> Iterator[Result]:
        """Serve what the cache holds, compute the rest, store what finished."""
        if self.cache is None:
            yield from self._run_window(articles, questions)
            return
        keys = [self.cache.key(a.text, self._questions_for(a, questions), self._fingerprint) for a in articles]
        found = {i: self.cache.get(k) for i, k in enumerate(keys)}
        todo = [a for i, a in enumerate(articles) if found[i] is None]
        fresh = iter(self._run_window(todo, questions) if todo else [])
        for i, article in enumerate(articles):
            if found[i] is not None:
                yield self._from_cache(article, found[i])
                continue
            result = next(fresh)
            if result.ok:
                self.cache.put(keys[i], _cacheable(result))
            yield result

    def _from_cache(self, article: Article, value: dict[str, Any]) -> Result:
        result = self._result(article, Summary(value["summary"], value["chunked"], value["engine_warnings"]),
                              [Answer(**a) for a in value["answers"]])
        result.claims = value.get("claims")
        if value.get("guard") is not None:
            result.guard = GuardReport.from_dict(value["guard"])
        return result

    def _run_window(self, articles: list[Article], questions: list[str] | None) -> Iterator[Result]:
        try:
            with self._lock:
                results = self._process(articles, questions)
        except SummarizeError:
            raise
        except Exception:
            if len(articles) == 1:
                raise
            # Something in the window broke the batch: redo it one article at a time so the failure
            # stays with the article that caused it.
            results = [self._process_alone(a, questions) for a in articles]
        yield from results

    def _process_alone(self, article: Article, questions: list[str] | None) -> Result:
        try:
            with self._lock:
                return self._process([article], questions)[0]
        except Exception as exc:  # reported per article, never fatal to the batch
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            return self._result(article, None, [], error=f"{type(exc).__name__}: {reason}")

    def _process(self, articles: list[Article], questions: list[str] | None) -> list[Result]:
        pairs = [(a, q) for a in articles for q in self._questions_for(a, questions)]
        together = getattr(self.engine, "summarize_and_answer", None)  # one generate pass where it can
        summaries, answers = together(articles, pairs) if together else (self.engine.summarize(articles), self.engine.answer(pairs))
        by_article: dict[int, list[Answer]] = {id(a): [] for a in articles}
        for (article, _), answer in zip(pairs, answers):
            by_article[id(article)].append(answer)
        reports: list[GuardReport | None] = [None] * len(articles)
        if self.guard is not None:
            summaries, answers, reports = self.guard.apply(self.engine, articles, summaries, pairs, answers)
            by_article = {id(a): [] for a in articles}
            for (article, _), answer in zip(pairs, answers):
                by_article[id(article)].append(answer)
        results = [self._result(a, s, by_article[id(a)]) for a, s in zip(articles, summaries)]
        for result, report in zip(results, reports):
            result.guard = report
        if self.with_claims:
            for article, result in zip(articles, results):
                result.claims = [c.to_dict() for c in self._claims_of(article)]
        return results

    def _claims_of(self, article: Article) -> list[Claim]:
        # The offline engine has read the article already; any other engine reads it here.
        return list(self._analyses.get(article.text).claims)

    def _questions_for(self, article: Article, questions: list[str] | None) -> list[str]:
        base = questions if questions is not None else self.default_questions
        return list(dict.fromkeys([*base, *article.questions]))

    def _result(
        self, article: Article, summary: Summary | None, answers: list[Answer], error: str | None = None
    ) -> Result:
        warnings = [*article.warnings, *(summary.warnings if summary else [])]
        warnings[:0] = [*([self.notice] if self.notice else []), *self.engine.warnings]
        if any(a.chunked for a in answers) and not (summary and summary.chunked):
            warnings.append("article is over the input window: answers use its most relevant passages")
        return Result(
            id=article.id,
            source=article.source,
            title=article.title,
            date=article.date,
            dateline=article.dateline,
            engine=self.engine.name,
            model=self.engine.model,
            prompts=self.engine.prompts_meta(self.prompts),
            generation={**self.engine.generation, **({"guard": self.guard.settings} if self.guard else {})},
            summary=summary.text if summary else None,
            answers=answers,
            chunked=bool(summary and summary.chunked) or any(a.chunked for a in answers),
            warnings=warnings,
            error=error,
            engine_summary=summary,
        )


def _cacheable(result: Result) -> dict[str, Any]:
    """What a result owes to the engine (not to the article's id, source or title)."""
    summary = result.engine_summary or Summary(result.summary or "")
    return {
        "summary": summary.text,
        "chunked": summary.chunked,
        "engine_warnings": list(summary.warnings),
        "answers": [{**a.to_dict(), "chunked": a.chunked} for a in result.answers],
        "claims": result.claims,
        "guard": result.guard.to_dict() if result.guard is not None else None,
    }


def check_question(question: str) -> str:
    """A question must have words in it; surrounding whitespace is dropped."""
    if not isinstance(question, str) or not question.strip():
        raise ConfigError("question is empty; ask something, e.g. -q 'Who denied what?'")
    return " ".join(question.split())


def _as_article(item: ArticleLike) -> Article:
    if isinstance(item, Article):
        return item
    if isinstance(item, str):
        if not item.strip():
            raise ConfigError("article text is empty")
        return article_from_text(item, source="<text>")
    raise TypeError(f"expected article text or an Article, got {type(item).__name__}")
