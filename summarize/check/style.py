"""Style checks: neutrality against the source, and hygiene (boilerplate, length)."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib.resources import files

from summarize.check.checks import CheckResult, Output, attribution_cue, verbatim, lemmas, sentences_of
from summarize.check.gold import Gold
from summarize.clean import is_boilerplate
from summarize.records import Violation

DEFAULT_MAX_WORDS = 90
_HEDGES = re.compile(
    r"\b(?:allegedly|alleged|reportedly|purportedly|apparently|claimed|claims|unconfirmed|according to|said to be|suspected)\b",
    re.IGNORECASE,
)
_FEED_MARKERS = re.compile(r"auto-?published|auto-?generated|syndicated feed|not been (?:reviewed|edited)|appeared first on", re.I)


@lru_cache(maxsize=1)
def charged_words() -> tuple[str, ...]:
    """The charged-word lexicon, ``data/charged_words.txt``."""
    text = files("summarize").joinpath("data/charged_words.txt").read_text(encoding="utf-8")
    return tuple(l.strip().lower() for l in text.splitlines() if l.strip() and not l.startswith("#"))


def _uses(text: str, phrase: str) -> bool:
    return bool(re.search(r"(?<![\w-])" + re.escape(phrase).replace(r"\ ", r"\s+") + r"(?![\w-])", text, re.IGNORECASE))


def check_neutrality(output: Output, gold: Gold, source: str) -> CheckResult:
    """No charged word the source does not use; no hedge the source used ("allegedly", "claimed")
    dropped from a sentence that restates it (most of its content words, by lemma)."""
    summary_sentences = sentences_of(output.summary)
    found = [
        Violation("neutrality", next((s for s in summary_sentences if _uses(s, word)), None),
                  f"charged word {word!r} is not used by the source")
        for word in charged_words()
        if _uses(output.summary, word) and not _uses(source, word)
    ]
    source_sentences = sentences_of(source)
    source_terms = [lemmas(s) for s in source_sentences]
    for sentence in summary_sentences:
        if _HEDGES.search(sentence) or attribution_cue(sentence) or verbatim(sentence, source):
            continue
        words = lemmas(sentence)
        if len(words) < 4:
            continue
        for original, original_terms in zip(source_sentences, source_terms):
            hedge = _HEDGES.search(original)
            if hedge and len(words & original_terms) / len(words) >= 0.6:
                found.append(Violation("neutrality", sentence, f"hedge {hedge.group(0)!r} of the source dropped"))
                break
    problems = [f"{v.detail}: \"{v.sentence}\"" if v.detail.startswith("hedge") else v.detail for v in found]
    novel = sorted({w for w in re.findall(r"[a-z][a-z'-]+", output.summary.lower())} - set(re.findall(r"[a-z][a-z'-]+", source.lower())))
    sentences = max(1, len(sentences_of(output.summary)))
    score = max(0.0, 1 - len(problems) / sentences)
    note = f"{len(novel)} word(s) not in the source" + (f": {', '.join(novel[:12])}" if novel else "")
    detail = "\n".join(problems + [note]) if problems else f"no charged words or dropped hedges; {note}"
    return CheckResult("neutrality", not problems, round(score, 4), detail, found)


def check_hygiene(output: Output, gold: Gold, source: str) -> CheckResult:
    """No feed boilerplate in the output, and no more than ``max_words`` words."""
    found = []
    sentences = sentences_of(output.summary)
    for line in [*output.summary.splitlines(), *sentences]:
        if line.strip() and (is_boilerplate(line) or _FEED_MARKERS.search(line)):
            # The sentence to repair is the one holding the boilerplate line.
            at = next((s for s in sentences if line.strip() in s or s in line), line.strip())
            found.append(Violation("hygiene", at, f"feed boilerplate: \"{line.strip()[:120]}\""))
            break
    limit = gold.max_words or DEFAULT_MAX_WORDS
    words = len(output.summary.split())
    if words > limit:
        found.append(Violation("hygiene", None, f"{words} words, over the limit of {limit}"))
    if not output.summary.strip():
        found.append(Violation("hygiene", None, "empty summary"))
    problems = [v.detail for v in found]
    score = (2 - len(problems)) / 2 if len(problems) <= 2 else 0.0
    detail = "\n".join(problems) if problems else f"no boilerplate; {words}/{limit} words"
    return CheckResult("hygiene", not problems, max(0.0, score), detail, found)
