"""Content checks: coverage, attribution, balance, faithfulness.

Each check is a plain function ``(output, gold, source) -> CheckResult``: deterministic, no judge
model, and its ``detail`` quotes the sentence that failed so a reader can see why.

Sentences, lemmas and verbs come from the shared spaCy pipeline (:mod:`summarize.offline.nlp`), the
one the offline engine reads with: words match by lemma ("denies", "denied", "deny"; "rocket",
"rockets"), and a stance verb is a token of the reporting-verb lexicon
(:func:`summarize.offline.lexicon.reporting_verbs`) in any inflection.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from summarize.check.gold import Contested, Gold
from summarize.offline import nlp
from summarize.offline.lexicon import reporting_verbs
from summarize.offline.reading import Claim
from summarize.records import Violation


@dataclass
class CheckResult:
    """One check on one output: ``passed`` is None when the check does not apply (nothing to
    check against), and then it counts in no aggregate."""

    name: str
    passed: bool | None
    score: float | None
    detail: str
    #: Each problem with the sentence it is in, for the guard (not in reports: ``detail`` says it).
    violations: list[Violation] = field(default_factory=list, compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "passed": self.passed, "score": self.score, "detail": self.detail}


@dataclass
class Output:
    """What is scored: the summary and answers of one article, in the run output contract."""

    id: str
    summary: str
    answers: list[dict[str, Any]]


#: Parts of speech a lexicon verb must have to count ("the state", "a claim" are no reporting verbs).
_VERB_POS = frozenset({"VERB", "AUX"})
_QUOTES = ('"', "“", "”")


@dataclass(frozen=True)
class VerbMatcher:
    """Finds a verb in text by lemma: a single verb (``lemmas``), a verb with the object or particle
    it needs (``pairs``: "expressed concern", "played down"), or a fixed phrase (``phrases``, regexes:
    "according to"). ``verbs_only`` keeps to tokens tagged as verbs."""

    lemmas: frozenset[str]
    pairs: frozenset[tuple[str, str]] = frozenset()
    phrases: tuple[str, ...] = ()
    verbs_only: bool = True
    #: Also the nouns made from a verb of ``lemmas`` ("approval", "opening", "summons").
    derived: bool = False
    #: Verbs that count only in text with a quotation ('"Why?" he asked', not "asked him to leave").
    quote_only: frozenset[str] = frozenset()

    def search(self, text: str) -> str | None:
        """The words that matched (as written), or None."""
        if not text.strip():
            return None
        doc = nlp.parse(text)
        quoted = any(q in text for q in _QUOTES)
        for token in doc:
            if self.verbs_only and token.pos_ not in _VERB_POS:
                continue
            lemma = token.lemma_.lower()
            if lemma in self.quote_only and not quoted:
                continue
            if lemma in self.lemmas or (self.derived and _derived_from(lemma, self.lemmas)):
                return token.text
            for verb, partner in self.pairs:
                if lemma == verb:
                    near = [*token.children, *doc[token.i + 1 : token.i + 4]]
                    hit = next((t for t in near if t.lemma_.lower() == partner), None)
                    # "pleaded not guilty" is no "plead guilty": a negated pair does not count.
                    if hit is not None and not any(c.dep_ == "neg" for c in (*token.children, *hit.children)):
                        return doc[min(token.i, hit.i) : max(token.i, hit.i) + 1].text
        for phrase in self.phrases:
            found = re.search(phrase, text, re.IGNORECASE)
            if found:
                return found.group(0)
        return None


_NOUN_SUFFIXES = ("al", "ment", "ion", "ation", "ance", "ence", "ing", "s")


def _derived_from(lemma: str, verbs: frozenset[str]) -> bool:
    """Whether ``lemma`` is a noun made from one of ``verbs`` by a suffix: "approval" (approve),
    "opening" (open), "summons" (summon)."""
    for verb in verbs:
        root = verb[:-1] if verb.endswith("e") else verb
        if lemma.startswith(root) and lemma[len(root):] in _NOUN_SUFFIXES:
            return True
    return False


#: Phrases the lemma lexicon cannot hold, by stance class ("pleaded not guilty": a negated pair).
_EXTRA_PHRASES = {
    "reports": (r"\baccording\s+to\b",),
    "denies": (r"\bplead(?:s|ed|ing)?\s+not\s+guilty\b", r"\bpushe[sd]?\s+back\s+(?:on|against)\b",
               r"\bpushing\s+back\s+(?:on|against)\b"),
}


@lru_cache(maxsize=1)
def _stance_classes() -> dict[str, VerbMatcher]:
    """Stance class -> a matcher for its verbs, from the reporting-verb lexicon."""
    lemmas: dict[str, set[str]] = {}
    pairs: dict[str, set[tuple[str, str]]] = {}
    quote_only: set[str] = set()
    for lemma, readings in reporting_verbs().items():
        for reading in readings:
            if reading.partner:
                pairs.setdefault(reading.stance, set()).add((lemma, reading.partner))
            else:
                lemmas.setdefault(reading.stance, set()).add(lemma)
                if reading.frame == "quote":
                    quote_only.add(lemma)
    return {
        stance: VerbMatcher(frozenset(lemmas.get(stance, ())), frozenset(pairs.get(stance, ())),
                            _EXTRA_PHRASES.get(stance, ()), quote_only=frozenset(quote_only))
        for stance in {*lemmas, *pairs}
    }


_STANCE_ALIASES = {
    "said": "asserts", "says": "asserts", "told": "asserts", "asserts": "asserts", "stated": "asserts",
    "announced": "asserts", "denied": "denies", "denies": "denies", "rejected": "denies", "refuted": "denies",
    "dismissed": "denies", "confirmed": "confirms", "confirms": "confirms", "condemned": "condemns",
    "condemns": "condemns", "criticised": "condemns", "criticized": "condemns", "accused": "accuses",
    "accuses": "accuses", "alleged": "accuses", "reported": "reports", "reports": "reports",
    "expressed_concern": "expresses_concern", "expresses_concern": "expresses_concern",
}

#: Attribution cues: reporting verbs in any inflection ("alleges", "insisted"), hedging words, and
#: "according to".
_ATTRIBUTION_VERBS = VerbMatcher(frozenset(
    "say tell allege claim report accuse state insist maintain argue warn add confirm write announce "
    "assert believe estimate suggest acknowledge admit concede".split()
))
_ATTRIBUTION_WORDS = VerbMatcher(frozenset({"alleged", "allegedly", "reportedly"}), phrases=(r"\baccording\s+to\b",), verbs_only=False)


def attribution_cue(sentence: str) -> str | None:
    """The words of ``sentence`` that attribute what it says (a reporting verb, "allegedly",
    "according to"), or None."""
    return _ATTRIBUTION_VERBS.search(sentence) or _ATTRIBUTION_WORDS.search(sentence)


@lru_cache(maxsize=256)
def stance_verbs(stance: str) -> VerbMatcher:
    """A matcher for any verb form of a gold stance: a lexicon class (said, denied, condemned…), or,
    for an event verb (summoned, won, approved), that verb's lemma and the nouns made from it ("won"
    also finds "wins", "approved" finds "approval")."""
    stance_class = _STANCE_ALIASES.get(stance.lower())
    if stance_class:
        return _stance_classes().get(stance_class) or VerbMatcher(frozenset())
    words = [t for t in nlp.parse(f"They {stance.lower().replace('_', ' ')} it.")[1:-2] if not t.is_punct]
    if not words:
        return VerbMatcher(frozenset({stance.lower()}), verbs_only=False, derived=True)
    verb = words[0].lemma_.lower()
    if len(words) > 1:  # "called_for": the verb with its particle or object
        return VerbMatcher(frozenset(), frozenset({(verb, words[1].lemma_.lower())}), verbs_only=False)
    return VerbMatcher(frozenset({verb}), verbs_only=False, derived=True)


def sentences_of(text: str) -> list[str]:
    """The sentences of ``text`` (spaCy's), each parsed once for the lemma and verb look-ups."""
    if not text.strip():
        return []
    found = nlp.sentences(text)
    nlp.parse_many(found)  # one batch; lemmas() and search() then find every sentence parsed
    return found


def lemmas(text: str) -> frozenset[str]:
    """Lower-case lemmas of the content words of ``text`` (:func:`summarize.offline.nlp.lemmas`;
    its parse cache makes a second call on the same text cheap)."""
    return frozenset(nlp.lemmas(text)) if text.strip() else frozenset()


def _party_words(claim: Contested, gold: Gold) -> set[str]:
    """The words that name a claim's parties."""
    return {
        lemma
        for group in (*claim.asserted_by, *claim.denied_by)
        for form in gold.forms(group)
        for lemma in lemmas(form) | {w.lower() for w in re.findall(r"[\w'-]+", form)}
    }


def _claim_terms(claim: Contested, gold: Gold) -> set[str]:
    """The claim's own content words, without the words that name its parties."""
    return set(lemmas(claim.claim)) - _party_words(claim, gold)


def _term_found(sentence: str, alternatives: Any, gold: Gold) -> str | None:
    """The wording of one key term (a group name, a literal, or a tuple of alternatives) in ``sentence``."""
    options = alternatives if isinstance(alternatives, (tuple, list)) else (alternatives,)
    return next((found for option in options if (found := gold.find(sentence, option))), None)


def states_claim(sentence: str, claim: Contested, gold: Gold, share: float = 0.6) -> bool:
    """Whether ``sentence`` carries the claim. With key ``terms`` in the gold, by its parts, so a
    paraphrase counts: every key term in some wording, or the asserting party with a reporting verb
    and most of the terms. Without them, most of the claim's own content words (by lemma)."""
    terms = getattr(claim, "terms", ()) or ()
    if terms:
        found = sum(1 for term in terms if _term_found(sentence, term, gold))
        if found == len(terms):
            return True
        asserter = any(gold.find(sentence, p) for p in claim.asserted_by)
        return bool(asserter and attribution_cue(sentence) and found >= max(1, (len(terms) + 1) // 2) and share < 0.6)
    wanted = _claim_terms(claim, gold)
    if not wanted:
        return False
    words = lemmas(sentence) - _party_words(claim, gold)
    found = wanted & words
    if len(found) >= min(2, len(wanted)) and len(found) / len(wanted) >= share:
        return True
    # A sentence made mostly of the claim's words states it, however much of a long claim it drops.
    return len(found) >= 3 and len(found) / len(words) >= 0.6


def _label(gold: Gold, item: Any) -> str:
    return gold.label(item) if hasattr(gold, "label") else str(item)


_DENIAL_WORDS = re.compile(r"\b(?:untrue|not true|false|groundless|baseless|speculation|rumou?rs?)\b", re.I)


def has_denial(sentence: str, claim: Contested, gold: Gold) -> str | None:
    """The denying party of ``sentence``: one of the claim's deniers that is the speaker of a denial
    the offline reader finds there ("X denied …", "… was rejected by X", '"That is untrue," X said'),
    not merely named beside some denial verb ("a court rejected the claim against X")."""
    from summarize.check.speakers import claims_of

    rejects = stance_verbs("denied")
    # A rejection counts even where the reader calls it a decision ("rejected the compromise offer"):
    # for balance, it is that party's side of the dispute.
    for denial in (c for c in claims_of(sentence) if c.stance == "denies" or rejects.search(c.verb)):
        by_source = getattr(claim, "denials", ())
        if by_source:
            # A gold built from the source: the same party as one of the source's deniers, or one
            # the output describes in its own words ("the firms"), which cannot be told apart.
            from summarize.check.speakers import described_speaker, same_party

            if any(same_party(denial, theirs) for theirs in by_source) or described_speaker(denial, sentence) \
                    or _may_be(denial, claim):
                return denial.mention or denial.speaker
            continue
        for party in claim.denied_by:
            form = next((f for f in (gold.find(t, party) for t in (denial.mention, denial.speaker, denial.party or "")) if f), None)
            if form:
                return form
    if getattr(claim, "denials", ()) and not claim.asserted_by:
        # A claim only its denial reports: the denier saying it in any words is the denial itself
        # ("urged people not to rush to call things anti-Semitic").
        from summarize.check.speakers import same_party

        for said in claims_of(sentence):
            if any(same_party(said, theirs) for theirs in claim.denials):
                return said.mention or said.speaker
    if _DENIAL_WORDS.search(sentence) and not stance_verbs("denied").search(sentence):
        # "… called the reports 'groundless'": a rebuttal without a denial verb, by a named denier
        # (by anyone who speaks there, when the source names none of its deniers).
        found = next((f for f in (gold.find(sentence, p) for p in claim.denied_by) if f), None)
        if found is None:
            found = next((c.mention or c.speaker for c in claims_of(sentence) if _may_be(c, claim)), None)
        return found
    return None


def _may_be(said: Claim, claim: Contested) -> bool:
    """Is the speaker of ``said`` one of those an unnamed source denier of ``claim`` may be ("Mr
    McConnell" for "the first minister" the article never ties to a name)?"""
    names = {w for text in (said.party, said.speaker, said.mention) if text for w in re.findall(r"[\w'-]+", text)}
    return any(name.split()[-1] in names for name in getattr(claim, "may_be", ()))


_QUOTE_MARKS = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})


def _in_quotes(sentence: str, text: str) -> str | None:
    """"quotation" when ``sentence`` is quoted in ``text`` (it opens a quotation, or one is open
    before it): someone's own words, not the summary's statement of fact."""
    plain, whole = sentence.translate(_QUOTE_MARKS), text.translate(_QUOTE_MARKS)
    at = whole.find(plain)
    if plain.lstrip().startswith('"') or (at > 0 and whole[:at].count('"') % 2 == 1):
        return "quotation"
    return None


def verbatim(sentence: str, source: str) -> bool:
    """Whether ``sentence`` occurs word for word in ``source`` (quotation marks and spacing aside)."""
    norm = lambda t: " ".join(t.translate(_QUOTE_MARKS).replace('"', " ").split())  # noqa: E731
    words = norm(sentence)
    return len(words.split()) >= 4 and words in norm(source)


def _reader_attribution(sentence: str, claim: Contested, gold: Gold) -> str | None:
    """The verb of a claim the offline reader finds in ``sentence`` whose content carries the
    contested claim's words ("Wagner called the US view 'gossip'"), or None."""
    from summarize.check.speakers import claims_of

    wanted = _claim_terms(claim, gold)
    for found in claims_of(sentence):
        if wanted and len(wanted & lemmas(found.content)) >= min(2, len(wanted)):
            return found.verb
    return None


def check_coverage(output: Output, gold: Gold, source: str) -> CheckResult:
    """Core and detail facts present: the actor, a verb of the fact's stance and every object item,
    in one sentence (unless the fact says otherwise)."""
    if not gold.facts:
        return CheckResult("coverage", None, None, "no facts in the gold file")
    sentences = sentences_of(output.summary)
    present, missing, matched = [], [], []
    for fact in gold.facts:
        verb = stance_verbs(fact.stance)

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
    lines += [f"missing {f.level} fact {f.id}: {f.actor} {f.stance} {', '.join(_label(gold, o) for o in f.object)}" for f in missing]
    lines += [f"present {m}" for m in matched]
    return CheckResult("coverage", passed, round(score, 4), "\n".join(lines))


def check_attribution(output: Output, gold: Gold, source: str) -> CheckResult:
    """A sentence that states a contested claim must attribute it (the asserting party or a
    reporting verb) or carry its denial; a claim turned into bare fact fails."""
    if not gold.contested:
        return CheckResult("attribution", None, None, "no contested claims in the gold file")
    stating, bare, kept, found = 0, [], [], []
    for sentence in sentences_of(output.summary):
        if gold.from_source and verbatim(sentence, source):
            continue  # the source's own sentence: it says it this way itself
        for claim in gold.contested:
            if not states_claim(sentence, claim, gold):
                continue
            stating += 1
            source_party = next((gold.find(sentence, p) for p in claim.asserted_by if gold.find(sentence, p)), None)
            verb = attribution_cue(sentence) or _reader_attribution(sentence, claim, gold) or _in_quotes(sentence, output.summary)
            denier = has_denial(sentence, claim, gold)
            if not (source_party or verb or denier):
                bare.append(f"claim stated as fact ({claim.claim}): \"{sentence}\"")
                found.append(Violation("attribution", sentence, f"states as fact what the source attributes: {claim.claim}"))
            else:
                how = f"party {source_party!r}" if source_party else f"verb {verb!r}" if verb else f"denial by {denier!r}"
                kept.append(f"attributed by {how}: \"{sentence[:100]}\"")
    score = 1.0 if not stating else (stating - len(bare)) / stating
    detail = f"{stating} sentence(s) state a contested claim, {len(bare)} without attribution"
    return CheckResult("attribution", not bare and score >= gold.thresholds.get("attribution", 1.0),
                       round(score, 4), "\n".join([detail, *bare, *kept]), found)


def check_balance(output: Output, gold: Gold, source: str) -> CheckResult:
    """Where a contested claim appears, a denial of it appears too."""
    disputed = [c for c in gold.contested if c.denied_by]
    if not disputed:
        return CheckResult("balance", None, None, "no denied claims in the gold file")
    sentences = sentences_of(output.summary)
    appearing, unbalanced, balanced, found = 0, [], [], []
    for claim in disputed:
        where = next((
            s for s in sentences
            if states_claim(s, claim, gold) or (any(gold.find(s, p) for p in claim.asserted_by) and states_claim(s, claim, gold, 0.4))
        ), None)
        if where is None:
            continue
        appearing += 1
        denier = next((has_denial(s, claim, gold) for s in sentences if has_denial(s, claim, gold)), None)
        if denier is None:
            who = " or ".join(gold.forms(p)[0] for p in claim.denied_by)
            unbalanced.append(f"\"{claim.claim}\" appears but its denial by {who} does not")
            found.append(Violation("balance", where, f"drops the denial by {who} of: {claim.claim}"))
        else:
            balanced.append(f"\"{claim.claim}\": denial by {denier!r} kept")
    score = 1.0 if not appearing else (appearing - len(unbalanced)) / appearing
    detail = f"{appearing} disputed claim(s) appear, {len(unbalanced)} without their denial"
    return CheckResult("balance", not unbalanced and score >= gold.thresholds.get("balance", 1.0),
                       round(score, 4), "\n".join([detail, *unbalanced, *balanced]), found)
