"""Content checks: coverage, attribution, balance, faithfulness.

Each check is a plain function ``(output, gold, source) -> CheckResult``: deterministic, no judge
model, and its ``detail`` quotes the sentence that failed so a reader can see why.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

from summarize.check.gold import Contested, Gold
from summarize.claims import reporting_verbs
from summarize.relevance import stem, terms
from summarize.sentences import split_sentences


@dataclass
class CheckResult:
    """One check on one output: ``passed`` is None when the check does not apply (nothing to
    check against), and then it counts in no aggregate."""

    name: str
    passed: bool | None
    score: float | None
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Output:
    """What is scored: the summary and answers of one article, in the run output contract."""

    id: str
    summary: str
    answers: list[dict[str, Any]]


@lru_cache(maxsize=1)
def _stance_forms() -> dict[str, frozenset[str]]:
    """Stance class -> verb forms, from the reporting-verb lexicon."""
    classes: dict[str, set[str]] = {}
    for form, stance in reporting_verbs().items():
        classes.setdefault(stance, set()).add(form)
    classes["denies"] |= {"deny", "denying"}
    classes["confirms"] |= {"confirm", "admitted", "acknowledged"}
    return {k: frozenset(v) for k, v in classes.items()}


_STANCE_ALIASES = {
    "said": "asserts", "says": "asserts", "told": "asserts", "asserts": "asserts", "stated": "asserts",
    "announced": "asserts", "denied": "denies", "denies": "denies", "rejected": "denies", "refuted": "denies",
    "dismissed": "denies", "confirmed": "confirms", "confirms": "confirms", "condemned": "condemns",
    "condemns": "condemns", "criticised": "condemns", "criticized": "condemns", "accused": "accuses",
    "accuses": "accuses", "alleged": "accuses", "reported": "reports", "reports": "reports",
    "expressed_concern": "expresses_concern", "expresses_concern": "expresses_concern",
}
_ATTRIBUTION = re.compile(
    r"\b(?:said|says|say|told|tells|according to|alleged|allegedly|claimed|claims|reported|reportedly|"
    r"accused|accuses|stated|insisted|maintained|argued|warned|added|confirmed|wrote|announced|asserted|"
    r"believes?|believed|estimated|suggested)\b",
    re.IGNORECASE,
)


def verb_pattern(stance: str) -> re.Pattern[str]:
    """A regex for any verb form of a gold stance: a lexicon class (said, denied, condemned…) or,
    for event verbs (summoned, won, detained), the word's stem."""
    stance_class = _STANCE_ALIASES.get(stance.lower())
    if stance_class:
        forms = sorted(_stance_forms().get(stance_class, {stance}), key=len, reverse=True)
        return re.compile(r"\b(?:" + "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in forms) + r")\b", re.I)
    word = stance.lower().replace("_", " ")
    root = stem(word)
    root = root[:-1] if root.endswith("e") and len(root) > 4 else root
    return re.compile(r"\b" + re.escape(root) + r"\w*\b", re.IGNORECASE)


def sentences_of(text: str) -> list[str]:
    return split_sentences(text) if text.strip() else []


def _claim_terms(claim: Contested, gold: Gold) -> set[str]:
    """The claim's own content words, without the words that name its parties."""
    party_words = {
        stem(w.lower())
        for group in (*claim.asserted_by, *claim.denied_by)
        for form in gold.forms(group)
        for w in re.findall(r"[\w'-]+", form)
    }
    return {t for t in terms(claim.claim) if t not in party_words}


def states_claim(sentence: str, claim: Contested, gold: Gold, share: float = 0.6) -> bool:
    """Whether ``sentence`` carries the claim: most of its content words are there."""
    wanted = _claim_terms(claim, gold)
    if not wanted:
        return False
    found = wanted & set(terms(sentence))
    return len(found) >= min(2, len(wanted)) and len(found) / len(wanted) >= share


def has_denial(sentence: str, claim: Contested, gold: Gold) -> str | None:
    """The denying party named in ``sentence`` with a denial verb, if any."""
    denial = verb_pattern("denied")
    if not denial.search(sentence) and not re.search(r"\b(?:untrue|not true|false|groundless|baseless|speculation|rumou?rs?)\b", sentence, re.I):
        return None
    for party in claim.denied_by:
        form = gold.find(sentence, party)
        if form:
            return form
    return None


def check_coverage(output: Output, gold: Gold, source: str) -> CheckResult:
    """Core and detail facts present: the actor, a verb of the fact's stance and every object item,
    in one sentence (unless the fact says otherwise)."""
    if not gold.facts:
        return CheckResult("coverage", None, None, "no facts in the gold file")
    sentences = sentences_of(output.summary)
    present, missing, matched = [], [], []
    for fact in gold.facts:
        verb = verb_pattern(fact.stance)

        def holds(text: str) -> bool:
            return bool(gold.find(text, fact.actor) and verb.search(text) and all(gold.find(text, o) for o in fact.object))

        where = next((s for s in sentences if holds(s)), None) if fact.same_sentence else (output.summary if holds(output.summary) else None)
        if where is not None:
            present.append(fact)
            matched.append(f"{fact.id}: {fact.actor} matched as {gold.find(where, fact.actor)!r}")
        else:
            missing.append(fact)
    weight = lambda facts: sum(2 if f.level == "core" else 1 for f in facts)  # noqa: E731
    score = weight(present) / weight(gold.facts)
    core_missing = [f for f in missing if f.level == "core"]
    threshold = gold.thresholds.get("coverage", 0.5)
    passed = not core_missing and score >= threshold
    lines = [f"{len(present)}/{len(gold.facts)} facts present (core weighs 2), score {score:.2f}, threshold {threshold:.2f}"]
    lines += [f"missing {f.level} fact {f.id}: {f.actor} {f.stance} {', '.join(f.object)}" for f in missing]
    lines += [f"present {m}" for m in matched]
    return CheckResult("coverage", passed, round(score, 4), "\n".join(lines))


def check_attribution(output: Output, gold: Gold, source: str) -> CheckResult:
    """A sentence that states a contested claim must attribute it (the asserting party or a
    reporting verb) or carry its denial; a claim turned into bare fact fails."""
    if not gold.contested:
        return CheckResult("attribution", None, None, "no contested claims in the gold file")
    stating, bare, kept = 0, [], []
    for sentence in sentences_of(output.summary):
        for claim in gold.contested:
            if not states_claim(sentence, claim, gold):
                continue
            stating += 1
            source = next((gold.find(sentence, p) for p in claim.asserted_by if gold.find(sentence, p)), None)
            verb = _ATTRIBUTION.search(sentence)
            denier = has_denial(sentence, claim, gold)
            if not (source or verb or denier):
                bare.append(f"claim stated as fact ({claim.claim}): \"{sentence}\"")
            else:
                how = f"party {source!r}" if source else f"verb {verb.group(0)!r}" if verb else f"denial by {denier!r}"
                kept.append(f"attributed by {how}: \"{sentence[:100]}\"")
    score = 1.0 if not stating else (stating - len(bare)) / stating
    detail = f"{stating} sentence(s) state a contested claim, {len(bare)} without attribution"
    return CheckResult("attribution", not bare and score >= gold.thresholds.get("attribution", 1.0),
                       round(score, 4), "\n".join([detail, *bare, *kept]))


def check_balance(output: Output, gold: Gold, source: str) -> CheckResult:
    """Where a contested claim appears, a denial of it appears too."""
    disputed = [c for c in gold.contested if c.denied_by]
    if not disputed:
        return CheckResult("balance", None, None, "no denied claims in the gold file")
    sentences = sentences_of(output.summary)
    appearing, unbalanced, balanced = 0, [], []
    for claim in disputed:
        appears = any(
            states_claim(s, claim, gold) or (any(gold.find(s, p) for p in claim.asserted_by) and states_claim(s, claim, gold, 0.4))
            for s in sentences
        )
        if not appears:
            continue
        appearing += 1
        denier = next((has_denial(s, claim, gold) for s in sentences if has_denial(s, claim, gold)), None)
        if denier is None:
            who = " or ".join(gold.forms(p)[0] for p in claim.denied_by)
            unbalanced.append(f"\"{claim.claim}\" appears but its denial by {who} does not")
        else:
            balanced.append(f"\"{claim.claim}\": denial by {denier!r} kept")
    score = 1.0 if not appearing else (appearing - len(unbalanced)) / appearing
    detail = f"{appearing} disputed claim(s) appear, {len(unbalanced)} without their denial"
    return CheckResult("balance", not unbalanced and score >= gold.thresholds.get("balance", 1.0),
                       round(score, 4), "\n".join([detail, *unbalanced, *balanced]))


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
    problems = []
    text = output.summary
    for number in sorted(_numbers(text) - _numbers(source)):
        problems.append(f"number {number} is not in the source")
    for day in sorted({m.group(0) for m in _CALENDAR.finditer(text)} - {m.group(0) for m in _CALENDAR.finditer(source)}):
        problems.append(f"date word {day} is not in the source")
    source_lower = source.lower()
    alias_words = {w.lower() for forms in gold.aliases.values() for f in forms for w in re.findall(r"[\w'’.-]+", f)}
    for sentence in sentences_of(text):
        for match in _NAME.finditer(sentence):
            word = match.group(0).removesuffix("'s").removesuffix("’s")
            if re.search(r"(?<![\w-])" + re.escape(word.lower()) + r"(?![\w-])", source_lower):
                continue
            opening = not sentence[: match.start()].strip(" \"“‘'(") or re.search(r"[:;]\s*[\"“]?$", sentence[: match.start()])
            if opening or word.lower() in alias_words:
                continue  # a sentence- or clause-initial common word, or a party's listed alias
            problems.append(f"name {word!r} is not in the source: \"{sentence}\"")
    problems += _inversions(text, gold)
    checked = len(_numbers(text)) + len(_NAME.findall(text)) + 1
    score = max(0.0, 1 - len(problems) / checked)
    passed = not problems
    detail = "every number, date and name is in the source; no stance inverted" if passed else "\n".join(problems)
    return CheckResult("faithfulness", passed, round(score, 4), detail)


def _inversions(text: str, gold: Gold) -> list[str]:
    """Sentences that give a party the opposite stance to the one the gold records."""
    found = []
    confirm = verb_pattern("confirmed")
    for sentence in sentences_of(text):
        for claim in gold.contested:
            for party in claim.denied_by:
                form = gold.find(sentence, party)
                if form and confirm.search(sentence) and states_claim(sentence, claim, gold, 0.5) \
                        and not verb_pattern("denied").search(sentence):
                    found.append(f"stance inverted: {form} denied \"{claim.claim}\" but the output says it confirmed: \"{sentence}\"")
        for fact in gold.facts:
            opposite = _OPPOSITE.get(_STANCE_ALIASES.get(fact.stance.lower(), ""))
            if opposite is None:
                continue
            if gold.find(sentence, fact.actor) and verb_pattern(opposite).search(sentence) \
                    and not verb_pattern(fact.stance).search(sentence) and all(gold.find(sentence, o) for o in fact.object):
                found.append(f"stance inverted for fact {fact.id}: {fact.actor} {fact.stance}, output: \"{sentence}\"")
    return list(dict.fromkeys(found))
