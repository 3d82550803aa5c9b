"""The `faithfulness` check: every number, date and name of the output is in its source, and no
stance is inverted (a party "confirmed" what it denied, or "denied" what it said)."""

from __future__ import annotations

import re

from summarize.check.checks import _STANCE_ALIASES, CheckResult, Output, sentences_of, stance_verbs, states_claim
from summarize.check.gold import Gold
from summarize.records import Violation

_NUMBER = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?")
_CALENDAR = re.compile(
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Monday|Tuesday|Wednesday|Thursday|Friday|"
    r"Saturday|Sunday)\b"
)
_NAME = re.compile(r"(?<![\w'’-])[A-Z][\w'’.-]*[\w]")
_OPPOSITE = {"denies": "confirmed", "confirms": "denied"}


def _numbers(text: str) -> set[str]:
    return {m.group(0).replace(",", "").rstrip(".") for m in _NUMBER.finditer(text)}


def check_faithfulness(output: Output, gold: Gold, source: str) -> CheckResult:
    """Every number, date and name in the output occurs in the source (any alias form of a party
    counts), and no stance is inverted ("confirmed" where the source's party denied)."""
    found: list[Violation] = []
    text = output.summary
    sentences = sentences_of(text)
    where = lambda part: next((s for s in sentences if part in s), None)  # noqa: E731
    for number in sorted(_numbers(text) - _numbers(source)):
        found.append(Violation("faithfulness", next((s for s in sentences if number in _numbers(s)), None),
                               f"number {number} is not in the source"))
    for day in sorted({m.group(0) for m in _CALENDAR.finditer(text)} - {m.group(0) for m in _CALENDAR.finditer(source)}):
        found.append(Violation("faithfulness", where(day), f"date word {day} is not in the source"))
    source_lower = source.lower()
    alias_words = {w.lower() for forms in gold.aliases.values() for f in forms for w in re.findall(r"[\w'’.-]+", f)}
    for sentence in sentences:
        for match in _NAME.finditer(sentence):
            word = match.group(0).removesuffix("'s").removesuffix("’s")
            if re.search(r"(?<![\w-])" + re.escape(word.lower()) + r"(?![\w-])", source_lower):
                continue
            opening = not sentence[: match.start()].strip(" \"“‘'(") or re.search(r"[:;]\s*[\"“]?$", sentence[: match.start()])
            if opening or word.lower() in alias_words or _initials_in(word, source):
                continue  # a sentence- or clause-initial common word, a party's alias, or an acronym
            found.append(Violation("faithfulness", sentence, f"name {word!r} is not in the source"))
    found += _inversions(text, sentences, gold, source)
    problems = [f"{v.detail}: \"{v.sentence}\"" if v.sentence and v.detail.startswith("name") else v.detail for v in found]
    checked = len(_numbers(text)) + len(_NAME.findall(text)) + 1
    score = max(0.0, 1 - len(problems) / checked)
    passed = not problems
    detail = "every number, date and name is in the source; no stance inverted" if passed else "\n".join(problems)
    return CheckResult("faithfulness", passed, round(score, 4), detail, found)


def _initials_in(word: str, source: str) -> bool:
    """Whether ``word`` is an acronym of a name the source spells out ("SNP": Scottish National Party)."""
    if not (2 <= len(word) <= 6 and word.isupper() and word.isalpha()):
        return False
    pattern = r"\b" + r"\S*\s+(?:(?:of|the|and|for)\s+)*".join(re.escape(c) for c in word) + r"\w*"
    return re.search(pattern, source) is not None


def _inversions(text: str, sentences: list[str], gold: Gold, source: str) -> list[Violation]:
    """Sentences that give a party the opposite stance to the one the gold records, or (with or
    without gold) the opposite of what the source shows that party saying: a denial where it
    asserted, an assertion or confirmation where it denied."""
    found: dict[str, Violation] = {}
    confirm = stance_verbs("confirmed")
    for sentence in sentences:
        for claim in gold.contested:
            for party in claim.denied_by:
                form = gold.find(sentence, party)
                if form and confirm.search(sentence) and states_claim(sentence, claim, gold, 0.5) \
                        and not stance_verbs("denied").search(sentence):
                    detail = f"stance inverted: {form} denied \"{claim.claim}\" but the output says it confirmed"
                    found.setdefault(detail, Violation("faithfulness", sentence, detail))
        for fact in gold.facts:
            opposite = _OPPOSITE.get(_STANCE_ALIASES.get(fact.stance.lower(), ""))
            if opposite is None:
                continue
            if gold.find(sentence, fact.actor) and stance_verbs(opposite).search(sentence) \
                    and not stance_verbs(fact.stance).search(sentence) and all(gold.find(sentence, o) for o in fact.object):
                detail = f"stance inverted for fact {fact.id}: {fact.actor} {fact.stance}"
                found.setdefault(detail, Violation("faithfulness", sentence, detail))
    from summarize.check.speakers import inverted_stances

    for sentence, detail in inverted_stances(text, source, None if gold.from_source else gold):
        found.setdefault(detail, Violation("faithfulness", sentence, detail))
    return list(found.values())
