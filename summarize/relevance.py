"""Lexical relevance: which passage answers a question, which sentence supports an answer.

Plain IDF-weighted word overlap. It needs no model, is deterministic, and is what the seq2seq engines
use to pick passages of long articles and evidence sentences for answers.

Words are a regex and a light suffix strip, not spaCy lemmas (:mod:`summarize.offline.nlp`, which the
eval checks match on): ranking scores every passage of a long article against each question, and
parsing them all would cost more than the ranking saves; the strip is enough for "owns"/"owned".
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

_WORD = re.compile(r"[\w’'-]+", re.UNICODE)
STOPWORDS = frozenset(
    """a an and are as at be been being but by did do does for from had has have he her his how i if
    in into is it its of on or our she so than that the their them then there these they this to
    was we were what when where which who whom whose why will with would you your""".split()
)


def stem(word: str) -> str:
    """A light suffix strip so "owns", "owned" and "owning" meet ("own"); not a real stemmer."""
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            return word[: -len(suffix)]
    return word


def terms(text: str) -> list[str]:
    """Lower-cased, lightly stemmed content words of ``text`` (stopwords and possessives dropped)."""
    words = (w.lower().removesuffix("'s").removesuffix("’s").strip("'’-") for w in _WORD.findall(text))
    return [stem(w) for w in words if w and w not in STOPWORDS]


def rank(query: str | Sequence[str], candidates: Sequence[str]) -> list[tuple[int, float]]:
    """Candidate indices by descending relevance to ``query`` (text, or terms already made by
    :func:`terms`); ties keep document order."""
    query_terms = set(terms(query)) if isinstance(query, str) else set(query)
    bags = [Counter(terms(c)) for c in candidates]
    count = len(candidates)
    document_freq = Counter(t for bag in bags for t in set(bag))
    scores = []
    for index, bag in enumerate(bags):
        score = sum(
            math.log(1 + count / document_freq[t]) * (1 + math.log(bag[t])) for t in query_terms if t in bag
        )
        scores.append((index, score))
    return sorted(scores, key=lambda pair: (-pair[1], pair[0]))


def best_evidence(answer: str, question: str, sentences: Sequence[str], limit: int = 2) -> list[str]:
    """The sentences that best support ``answer`` to ``question`` (the answer's words count most)."""
    if not sentences:
        return []
    needle = answer.strip().lower()
    verbatim = [s for s in sentences if needle and needle in s.lower()]
    if verbatim:
        return verbatim[:limit]
    by_answer = {i: s for i, s in rank(answer, sentences)}
    by_question = {i: s for i, s in rank(question, sentences)}
    combined = sorted(
        range(len(sentences)), key=lambda i: (-(2 * by_answer[i] + by_question[i]), i)
    )
    return [sentences[i] for i in combined[:limit] if 2 * by_answer[i] + by_question[i] > 0]
