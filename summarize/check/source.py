"""Source-only checks: the eval checks run against an article's own claims instead of hand-written gold.

A model's summary can be checked at generation time, with no gold and no judge model, because the
offline reader (spaCy, coreference, attribution: :mod:`summarize.offline`) finds who says what in the
source. :func:`source_gold` turns that reading into a :class:`~summarize.check.gold.Gold`, so the very
check functions of the eval suite run on it:

- **aliases**: one group per party of the source, with every form the article uses for it (and a
  person's surname), so "Kirby" and "John Kirby" are one speaker;
- **contested claims**: every claim the source attributes to someone is one the output may not state
  as bare fact (``attribution``); a claim is *denied* (``balance``, and ``faithfulness``' inverted
  stances) when another party of the source denies it: the denier is named in the claim ("the White
  House said North Korea delivered arms"; "North Korea denied…") and both speak of the same thing,
  or the claim is a charge (an accusation, a report, a condemnation) whose words the denial shares. A denial also stands for the claim it denies even where
  the source gives that claim to nobody ("denied allegations that it sold arms").

A sentence states a claim when it holds most of the claim's words, or is made mostly of them (by
lemma, party names aside), so a paraphrase that keeps a claim's words is recognised. Gold-free
checks run on top: ``speakers`` (every attribution made by that party in the source) and stance
inversions. ``coverage``, ``qa`` and ``rouge`` need gold and are not run here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from summarize.check.checks import CheckResult, Output, check_attribution, check_balance
from summarize.check.faithfulness import check_faithfulness
from summarize.check.gold import Contested, Gold
from summarize.check.speakers import check_speakers, own_claims
from summarize.check.style import check_hygiene, check_neutrality
from summarize.offline.reading import Claim, Reading, ReadingCache
from summarize.records import Violation

#: The checks that need no gold, in report order.
SOURCE_CHECKS = {
    "attribution": check_attribution,
    "balance": check_balance,
    "speakers": check_speakers,  # with a source-built gold, it judges speakers by name
    "faithfulness": check_faithfulness,
    "neutrality": check_neutrality,
    "hygiene": check_hygiene,
}
#: Verbs that carry no claim of their own ("has", "is", "made") and so are no key term.
_LIGHT_VERBS = frozenset({"be", "have", "do", "make", "get", "go", "take", "come", "give", "put", "seem", "appear", "become"})
_TERM_POS = frozenset({"NOUN", "PROPN", "VERB", "NUM", "ADJ"})
#: Stances of a claim another party may deny without being named in it.
_CHARGES = frozenset({"accuses", "reports", "condemns", "expresses_concern"})
#: Contents sharing this many content words (and 40% of the shorter's) speak of the same thing.
_SHARED_WORDS = 3
_readings = ReadingCache(size=64)


@dataclass(frozen=True)
class SourceContested(Contested):
    """A contested claim read from the source, with the source's denials of it: an output's
    denial keeps the balance when its speaker is the same party as one of them (by name, as the
    ``speakers`` check judges), however the output words the denier ("Pyongyang", "North Korea's
    foreign ministry")."""

    denials: tuple[Claim, ...] = ()
    #: Who the source's deniers may be where the reader tied them to no party ("the first minister":
    #: the people it names who hold no other role).
    may_be: tuple[str, ...] = ()


def read_source(text: str) -> Reading:
    """The offline reader's reading of ``text`` (cached: the checks and the guard share it)."""
    return _readings.get(text)


def source_gold(text: str, *, id: str = "source", max_words: int | None = None) -> Gold:
    """A :class:`Gold` built from the source alone (see the module docstring). ``max_words``
    bounds the output's length for ``hygiene``; None: no length limit."""
    reading = read_source(text)
    aliases, group_of = _aliases(reading)
    contested: list[Contested] = []
    claims = own_claims(reading)
    denials = [c for c in claims if c.stance == "denies"]
    for n, claim in enumerate(claims):
        if claim.stance == "denies" or len(_content_words(claim, reading)) < _SHARED_WORDS:
            continue  # a denial is its own entry below; "called it 'a disgrace'" is too little to find
        against = [d for d in denials if group_of(d) != group_of(claim) and _disputes(d, claim, reading)]
        contested.append(SourceContested(claim=claim.content, asserted_by=(group_of(claim),),
                                         denied_by=tuple(dict.fromkeys(group_of(d) for d in against)),
                                         id=f"c{n}", denials=tuple(against), may_be=_may_be(against, reading)))
    for n, denial in enumerate(denials):
        # What is denied, without the denier's own words for it ('denied the US view as "gossip"').
        denied = " ".join(re.sub(r'["“][^"”]*["”]?', " ", denial.content).split())
        if len(_content_words(denial, reading, quoted=False)) >= _SHARED_WORDS:
            contested.append(SourceContested(claim=denied, asserted_by=(), denied_by=(group_of(denial),), id=f"d{n}",
                                             denials=(denial,), may_be=_may_be([denial], reading)))
    return Gold(id=id, path=Path("<source>"), article=None, aliases=aliases, facts=[], contested=contested, qa=[],
                max_words=max_words or 10**9, thresholds={}, from_source=True)


def _may_be(denials: Sequence[Claim], reading: Reading) -> tuple[str, ...]:
    """Who the unnamed deniers among ``denials`` may be (see ``SourceContested.may_be``)."""
    found: list[str] = []
    for denial in denials:
        if denial.party is None and denial.mention_span[1] > denial.mention_span[0] and reading.resolver is not None:
            found += reading.resolver.candidates(reading.doc[denial.mention_span[1] - 1])
    return tuple(dict.fromkeys(found))


def check_against_source(summary: str, source: str, *, max_words: int | None = None,
                         checks: Sequence[str] = tuple(SOURCE_CHECKS)) -> list[CheckResult]:
    """The source-only checks of ``summary`` against ``source``, in report order."""
    gold = source_gold(source, max_words=max_words)
    output = Output(id=gold.id, summary=summary, answers=[])
    return [SOURCE_CHECKS[name](output, gold, source) for name in checks]


def violations(results: Sequence[CheckResult]) -> list[Violation]:
    """Every violation of the failed checks, one per problem."""
    found: list[Violation] = []
    for result in results:
        if result.passed is False:
            found += result.violations or [Violation(result.name, None, result.detail.splitlines()[0])]
    return found


# -- aliases -----------------------------------------------------------------------------------

def _aliases(reading: Reading):  # type: ignore[no-untyped-def]
    """Alias groups for the source's parties, and a function giving a claim's group (its party's;
    an unresolved speaker is its own literal group, "the North's foreign ministry")."""
    aliases: dict[str, tuple[str, ...]] = {}
    by_party: dict[str, str] = {}
    for n, party in enumerate(reading.parties):
        forms = [party.name, *party.forms]
        if party.label == "PERSON" and len(party.name.split()) > 1:
            forms.append(party.name.split()[-1])
        forms = [re.sub(r"^(?:the|The)\s+|['’]s$", "", f).strip() for f in forms]
        name = f"p{n}_" + re.sub(r"[^a-z0-9]+", "_", party.name.lower()).strip("_")
        aliases[name] = tuple(dict.fromkeys(f for f in forms if f))
        by_party[party.name] = name

    def group_of(claim: Claim) -> str:
        if claim.party and claim.party in by_party:
            return by_party[claim.party]
        speaker = re.sub(r"^(?:the|The)\s+", "", claim.speaker).strip()
        if speaker not in aliases:
            aliases[speaker] = (speaker,)
        return speaker

    return aliases, group_of


# -- what a claim is about ---------------------------------------------------------------------

def _content_tokens(claim: Claim, reading: Reading, quoted: bool = True) -> list:  # type: ignore[type-arg]
    """The words of a claim's content (``quoted=False``: outside quotation marks)."""
    start, end = claim.content_span
    tokens, inside = [], False
    for t in reading.doc[start:end]:
        if t.text in {'"', "“", "”"}:
            inside = not inside if t.text == '"' else t.text == "“"
            continue
        if (t.is_alpha or t.like_num) and (quoted or not inside):
            tokens.append(t)
    return tokens


def _content_words(claim: Claim, reading: Reading, quoted: bool = True) -> set[str]:
    return {t.lemma_.lower() for t in _content_tokens(claim, reading, quoted)
            if not t.is_stop and t.pos_ in _TERM_POS and t.lemma_.lower() not in _LIGHT_VERBS}


def _named(claim: Claim, reading: Reading) -> set[str]:
    """The parties named inside a claim's content."""
    start, end = claim.content_span
    return {reading.owner[i] for i in range(start, end) if i in reading.owner}


def _disputes(denial: Claim, claim: Claim, reading: Reading) -> bool:
    """Whether ``denial`` denies ``claim``: the denier is named in the claim and they share a word
    of substance, or the two contents share several words."""
    party_words = {w.lower() for p in _named(claim, reading) | _named(denial, reading) for w in p.split()}
    denied, claimed = _content_words(denial, reading) - party_words, _content_words(claim, reading) - party_words
    shared = denied & claimed
    accused = denial.party is not None and denial.party in _named(claim, reading)
    # By shared words alone only a charge can be what is denied: two parties' assertions on one
    # subject are as often on the same side ("the Executive insisted…", "he denied…").
    charge = claim.stance in _CHARGES and len(shared) >= _SHARED_WORDS and len(shared) >= 0.4 * min(len(denied), len(claimed))
    return (accused and bool(shared)) or charge
