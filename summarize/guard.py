"""Guard stage: no model summary is written before it is checked against its own source.

A seq2seq model paraphrases, and a paraphrase can drop a denial, state a claim as fact, invent a
number or give a quotation to the wrong party. Between generate and output, every summary (and
every answer to a "who denied…" question) goes through the source-only checks
(:mod:`summarize.check.source`: the eval checks, with the article's own claims standing in for
gold). What happens to one that fails depends on the mode:

- ``flag``: it is written as it is, with its violations in ``guard`` and a warning;
- ``repair``: the model's next-best candidates (beam alternatives) are checked in turn and the first
  that passes is kept; if none does, each failing sentence is replaced by the source's own sentence
  that carries the same claim (a dropped denial is put back after the claim), and if that still
  fails, the offline engine's summary (source sentences, faithful by construction) replaces it
  whole. An answer naming a party the source does not show denying is replaced by the offline
  reader's answer. ``guard.action`` and a warning say what was done.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from summarize.check.checks import sentences_of, states_claim
from summarize.check.source import check_against_source, read_source, source_gold, violations
from summarize.errors import ConfigError
from summarize.offline.places import country
from summarize.records import Answer, Article, GuardReport, Summary, Violation

GUARD_MODES = ("off", "flag", "repair")
DEFAULT_CANDIDATES = 4
#: Question lemmas that ask who denied something: their answers must name deniers only.
_DENIAL_QUESTION = frozenset({"deny", "reject", "refute", "dismiss", "rebut", "dispute"})


def check_guard_options(mode: str, candidates: int) -> str:
    if mode not in GUARD_MODES:
        raise ConfigError(f"unknown guard mode {mode!r}; choose one of {', '.join(GUARD_MODES)}")
    if candidates < 1:
        raise ConfigError(f"guard candidates must be at least 1, got {candidates}")
    return mode


class Guard:
    """Checks (and in ``repair`` mode mends) an engine's summaries and answers against their
    articles. ``max_words`` bounds summaries for ``hygiene`` (None: no length limit)."""

    def __init__(self, mode: str = "repair", candidates: int = DEFAULT_CANDIDATES, max_words: int | None = None) -> None:
        self.mode = check_guard_options(mode, candidates)
        self.candidates = candidates
        self.max_words = max_words
        self._offline: Any = None

    @property
    def settings(self) -> dict[str, Any]:
        """What the guard adds to each result's ``generation`` (and so to its cache key)."""
        return {"mode": self.mode, "candidates": self.candidates if self.mode == "repair" else None}

    def check(self, summary: str, source: str) -> list[Violation]:
        """The source-only checks' violations of ``summary``."""
        return violations(check_against_source(summary, source, max_words=self.max_words))

    def check_answer(self, answer: Answer, source: str) -> list[Violation]:
        """An answer to a "who denied…" question may name only parties the source shows denying."""
        if not answer.answer or not _asks_who_denied(answer.question):
            return []
        from summarize.check.speakers import claims_of, own_claims, same_party
        from summarize.offline import nlp

        deniers = [c for c in own_claims(read_source(source)) if c.stance == "denies"]
        named = [c for c in claims_of(answer.answer) if c.stance == "denies"]
        if named:
            wrong = [c for c in named if not any(same_party(c, d) for d in deniers)]
            names = [c.mention or c.speaker for c in wrong]
        else:
            # "Party: what it denied" lines (the offline reader's form), else a bare name: its first party.
            heads = [line.split(":", 1)[0] for line in answer.answer.splitlines() if ":" in line]
            if not heads:
                heads = [e.text for e in nlp.parse(answer.answer).ents if e.label_ in {"PERSON", "ORG", "GPE", "NORP"}][:1]
            names = [h for h in heads if not any(_names_party(h, d) for d in deniers)]
        return [Violation("answers", answer.answer, f"the answer to {answer.question!r} names {n}, whom the source does not show denying anything")
                for n in names]

    # -- the stage ---------------------------------------------------------------------------

    def apply(
        self, engine: Any, articles: Sequence[Article], summaries: list[Summary],
        pairs: Sequence[tuple[Article, str]], answers: list[Answer],
    ) -> tuple[list[Summary], list[Answer], list[GuardReport]]:
        """Guard one batch: the summaries and answers to write, and a report per article."""
        readable = [_readable(a.text) for a in articles]
        found = [self.check(s.text, a.text) if ok else [] for a, s, ok in zip(articles, summaries, readable)]
        answer_problems = [self.check_answer(answer, article.text) if _readable(article.text) else []
                           for (article, _), answer in zip(pairs, answers)]
        reports = [GuardReport(passed=not v, violations=list(v), action="kept" if not v else "flagged") for v in found]
        summaries, answers = list(summaries), list(answers)
        for i, ok in enumerate(readable):
            if not ok:  # the reader cannot take it whole, so neither can the checks: said, not hidden
                reason = "the article is over the reader's length limit, so its summary was not checked"
                reports[i] = GuardReport(passed=False, violations=[Violation("guard", None, reason)], action="unchecked")
                summaries[i] = _warn(summaries[i], f"guard: {reason}")
        if self.mode == "repair":
            self._repair_summaries(engine, articles, summaries, found, reports)
            self._repair_answers(pairs, answers, answer_problems)
        by_article: dict[int, list[Violation]] = {}
        for (article, _), problems in zip(pairs, answer_problems):
            by_article.setdefault(id(article), []).extend(problems)
        for i, (article, report) in enumerate(zip(articles, reports)):
            problems = by_article.get(id(article), [])
            if problems and self.mode == "repair":
                report.repaired += problems
                report.action = "answers replaced" if report.action == "kept" else report.action
                summaries[i] = _warn(summaries[i], f"guard: {len(problems)} answer(s) named a party the source does not "
                                                   "show denying and were replaced by the offline reader's answers")
            elif problems:
                report.violations += problems
                report.passed = False
            if self.mode == "flag" and report.violations:
                checks = ", ".join(dict.fromkeys(v.check for v in report.violations))
                summaries[i] = _warn(summaries[i], f"guard: {len(report.violations)} violation(s) of source-only checks ({checks})")
        return summaries, answers, reports

    def _repair_summaries(self, engine: Any, articles: Sequence[Article], summaries: list[Summary],
                          found: list[list[Violation]], reports: list[GuardReport]) -> None:
        failing = [i for i, v in enumerate(found) if v]
        if not failing:
            return
        options: list[list[str]] = [[] for _ in failing]
        if hasattr(engine, "summary_candidates"):
            options = engine.summary_candidates([articles[i] for i in failing], self.candidates)
        for i, candidates in zip(failing, options):
            article, original = articles[i], summaries[i]
            report = reports[i]
            report.repaired, report.violations = found[i], []
            for rank, candidate in enumerate(candidates, start=1):
                if candidate != original.text and candidate.strip() and not self.check(candidate, article.text):
                    summaries[i] = _warn(replace(original, text=candidate),
                                         f"guard: the summary failed source-only checks; candidate {rank} of {len(candidates)} passed")
                    report.passed, report.action = True, f"candidate {rank}"
                    break
            else:
                self._repair_sentences(article, summaries, i, found[i], report)

    def _repair_sentences(self, article: Article, summaries: list[Summary], i: int,
                          problems: list[Violation], report: GuardReport) -> None:
        original = summaries[i]
        mended = _mend(original.text, problems, article.text) if all(v.sentence for v in problems) else None
        if mended and not (left := self.check(mended, article.text)):
            summaries[i] = _warn(replace(original, text=mended), f"guard: {len(problems)} violation(s) repaired with the source's own sentences")
            report.passed, report.action = True, "repaired sentences"
            return
        fallback = self._offline_engine().summarize([article])[0]
        left = self.check(fallback.text, article.text)
        summaries[i] = Summary(fallback.text, original.chunked, [
            *original.warnings, *fallback.warnings,
            "guard: no candidate or sentence repair passed the source-only checks; the offline summary is used"])
        report.passed, report.violations, report.action = not left, left, "offline summary"

    def _repair_answers(self, pairs: Sequence[tuple[Article, str]], answers: list[Answer], problems: list[list[Violation]]) -> None:
        todo = [j for j, p in enumerate(problems) if p]
        if todo:
            fixed = self._offline_engine().answer([pairs[j] for j in todo])
            for j, answer in zip(todo, fixed):
                answers[j] = replace(answer, chunked=answers[j].chunked)

    def _offline_engine(self) -> Any:
        if self._offline is None:
            from summarize.offline.engine import OfflineEngine

            self._offline = OfflineEngine(max_words=self.max_words)
        return self._offline


def _readable(text: str) -> bool:
    """Whether the offline reader (so the checks) can parse ``text`` whole."""
    from summarize.offline import nlp

    return len(text) <= nlp.get().max_length


def _warn(summary: Summary, warning: str) -> Summary:
    return replace(summary, warnings=[*summary.warnings, warning])


def _asks_who_denied(question: str) -> bool:
    """A question whose answer is the deniers ("Who denied what?", "Which party rejected it?"), not
    what was denied ("What did Labour deny?")."""
    from summarize.offline import nlp

    words = {w.lower() for w in question.replace("?", " ").split()}
    return bool(words & {"who", "whom", "which"}) and bool(set(nlp.lemmas(question)) & _DENIAL_QUESTION)


def _names_party(name: str, claim: Any) -> bool:
    words = {w.lower() for w in re.findall(r"[\w'-]+", name)} - {"the"}
    theirs = {w.lower() for text in (claim.party, claim.speaker, claim.mention) for w in re.findall(r"[\w'-]+", text or "")}
    return bool(words & theirs) or (country(name) is not None and country(name) in {country(t) for t in (claim.party, claim.speaker)})


def _mend(summary: str, problems: list[Violation], source: str) -> str | None:
    """``summary`` with each failing sentence replaced by the source sentence that carries the same
    claim (written as the offline summary writes a sentence: whole, its speaker named), and, for a
    dropped denial, the source's denial put back after it; a failing sentence no source sentence
    carries is dropped. None when nothing is left."""
    from summarize.offline.summary import Summarizer as Writer

    reading = read_source(source)
    writer = Writer(reading, max_words=10**6)
    claimed = {c.index for c in reading.claims}
    gold = source_gold(source)
    sentences = sentences_of(summary)
    bad = {v.sentence for v in problems}
    out: list[str] = []
    used: set[int] = set()
    for sentence in sentences:
        if sentence not in bad:
            out.append(sentence)
            continue
        unit = _carrier(sentence, reading, claimed)
        if unit is not None and unit not in used:
            used.add(unit)
            out.append(writer.sentence(unit))
        if any(v.check == "balance" and v.sentence == sentence for v in problems):
            for claim in gold.contested:
                if getattr(claim, "denials", ()) and states_claim(sentence, claim, gold):
                    for denial in claim.denials:
                        if denial.index not in used:
                            used.add(denial.index)
                            out.append(writer.sentence(denial.index))
    text = " ".join(out).strip()
    return text or None


def _carrier(sentence: str, reading: Any, claimed: set[int]) -> int | None:
    """The source unit (with a claim) whose words best cover ``sentence``'s, if it covers a third."""
    from summarize.offline import nlp

    words = set(nlp.lemmas(sentence))
    if not words:
        return None
    best, score = None, 0.0
    for index in sorted(claimed):
        share = len(words & set(nlp.lemmas(reading.texts[index]))) / len(words)
        if share > score:
            best, score = index, share
    return best if score >= 1 / 3 else None
