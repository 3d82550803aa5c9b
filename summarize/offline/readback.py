"""A drafted summary read as its reader reads it: each speaker must still be the source's.

Sentences kept from the source land in a new context. "He again rejected …" kept after a sentence
about another man reads as that man's rejection; "The bank also blamed …" kept after a sentence
about HSBC reads as HSBC's. So the draft is parsed and read with the same reader as the article, and
each of its claims is compared with the source claim it was copied from: a speaker the reader now
takes for another party, or can no longer resolve, must be named; a speaker the source itself never
resolved must not become someone in the summary, and its sentence goes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from summarize.offline.lexicon import FAMILY
from summarize.offline.reading import Claim, Reading


@dataclass
class Part:
    """One summary sentence: source unit ``index``, its token range, the names put in, its text."""

    index: int
    start: int
    end: int
    text: str
    named: dict[tuple[int, int], str] = field(default_factory=dict)


@dataclass
class Misread:
    """A summary speaker that reads as another party: ``fix`` is "name" (put the name in at the
    source mention ``mention``) or "drop" (leave the sentence out)."""

    index: int
    mention: tuple[int, int]
    fix: str
    detail: str


def needs_reading(source: Reading, parts: list[Part]) -> bool:
    """Does any kept sentence point elsewhere for its speaker or subject ("he", "the bank")? If
    not, the summary reads as the article does and need not be parsed again."""
    for part in parts:
        for claim in source.claims:
            if claim.index == part.index and claim.verb and part.start <= claim.mention_span[0] < part.end \
                    and claim.mention_span not in part.named and _refers(claim):
                return True
        if any(_pointing(t, source) for t in source.doc[part.start:part.end]):
            return True
    return False


def misreadings(source: Reading, parts: list[Part], summary: Reading) -> list[Misread]:
    """Compare every claim of the summary's reading with the source claim it was copied from."""
    offsets, at = [], 0
    for part in parts:
        offsets.append((at, at + len(part.text), part))
        at += len(part.text) + 1
    used: set[int] = set()
    found: list[Misread] = []
    for claim in summary.claims:
        if not claim.verb or not _refers(claim):
            continue  # a name reads as itself; a continued quotation follows its first sentence
        if any(other is not claim and other.content_span[0] <= claim.verb_token < other.content_span[1] for other in summary.claims):
            continue  # "Mrs Howard said she often criticised …": inside another's words, it is theirs
        verb = summary.doc[claim.verb_token]
        part = next((p for s, e, p in offsets if s <= verb.idx < e), None)
        if part is None:
            continue
        original = _original(source, part, verb.text, used)
        if original is None:
            continue
        used.add(id(original))
        if original.party is None:
            if claim.party is not None:
                found.append(Misread(part.index, original.mention_span, "drop",
                                     f"'{claim.mention}' reads as {claim.party}; the source does not say who it is"))
        elif claim.party is None or not same_party(claim.party, original.party):
            fix = "name" if original.mention_span not in part.named and part.start <= original.mention_span[0] else "drop"
            read = claim.party or "nobody the summary names"
            found.append(Misread(part.index, original.mention_span, fix, f"'{claim.mention}' reads as {read}, not {original.party}"))
    return found


def misread_subjects(source: Reading, parts: list[Part], summary: Reading) -> list[Misread]:
    """The same for "he", "it", "the bank" as the subject of a kept sentence that is no claim ("But
    he was suspended after …"): the reader of the summary must take it for the source's party."""
    offsets, at = [], 0
    for part in parts:
        offsets.append((at, at + len(part.text), part))
        at += len(part.text) + 1
    found: list[Misread] = []
    for start, end, part in offsets:
        ours = [t for t in summary.doc if start <= t.idx < end and _pointing(t, summary)]
        theirs = [t for t in source.doc[part.start:part.end] if _pointing(t, source)
                  and not any(s <= t.i < e for s, e in part.named)]
        if len(ours) != len(theirs):
            continue  # the parse differs; nothing sure to compare
        for mine, original in zip(ours, theirs):
            want = _party(original, source)
            got = _party(mine, summary)
            if want is None and got is not None:
                found.append(Misread(part.index, (original.i, original.i + 1), "drop",
                                     f"'{mine.text}' reads as {got}; the source does not say who it is"))
            elif want is not None and (got is None or not same_party(got, want)):
                span = (original.left_edge.i, original.i + 1)
                found.append(Misread(part.index, span, "name", f"'{mine.text}' reads as {got or 'nobody named'}, not {want}"))
    return found


def _pointing(token, reading: Reading) -> bool:  # type: ignore[no-untyped-def]
    """A subject of a main clause that points elsewhere: a pronoun ("it" may be no one: "it is
    unlikely …") or "the" + a role."""
    if token.dep_ not in {"nsubj", "nsubjpass"} or token.head.dep_ != "ROOT" or reading.doc._.quoted[token.i]:
        return False
    if any(c.mention_span[0] <= token.i < c.mention_span[1] for c in reading.claims if c.verb):
        return False  # a claim's speaker: compared by :func:`misreadings`
    return token.lower_ in {"he", "she", "they"} or token.i not in reading.owner and bool(
        reading.resolver is not None and reading.resolver._role(token))


def _party(token, reading: Reading) -> str | None:  # type: ignore[no-untyped-def]
    found = reading.refer(token)
    return found.party if found is not None else None


def _refers(claim: Claim) -> bool:
    """Does the summary's mention point elsewhere ("he", "the bank") rather than name its speaker
    ("The Lib Dems", "Mr Howard")?"""
    if claim.mention.lower() in FAMILY:
        return True
    if any(word[:1].isupper() for word in claim.mention.split()[1:]) or claim.mention[:1].isupper() and " " not in claim.mention:
        return False
    return not claim.resolution.startswith(("name", "description", "speaks for"))


def _original(source: Reading, part: Part, verb: str, used: set[int]) -> Claim | None:
    for claim in source.claims:
        if claim.index == part.index and claim.verb and part.start <= claim.verb_token < part.end \
                and source.doc[claim.verb_token].text == verb and id(claim) not in used:
            return claim
    return None


def same_party(a: str, b: str) -> bool:
    """"Howard" and "Michael Howard" are one party; "Matt Williams" and "Nigel Williams" are not."""
    x, y = _words(a), _words(b)
    if not x or not y:
        return False
    if x == y or set(x) <= set(y) or set(y) <= set(x):
        return True
    return False


def _words(name: str) -> list[str]:
    return [w for w in re.findall(r"[a-z0-9]+", name.lower()) if w not in {"the", "mr", "mrs", "ms", "dr", "s"}]
