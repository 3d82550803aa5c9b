"""Denials as structure: who denies what, and which claim, by whom, the denial answers.

The shapes of real news all become one :class:`~summarize.offline.reading.Denial`: "X denied (that)
Y", "X denies Y-ing", "X denied reports / claims / allegations that Y", "Y, a charge X denies", "Y
was denied by X", "X, which denies Y", rejected / dismissed / refuted, "X said Y was untrue", and a
party speaking through an agent ("X's spokesman denied …": the denier is X). What is denied loses
its reporting frame ("allegations that they had planted the device" -> "they had planted the
device"); the claim it answers is named by the denial itself ("Ms Villalba's claims", "His claims",
"reports by the BBC") or is the other party's claim that shares most of its words.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from summarize.offline.coref import Resolver
from summarize.offline.lexicon import ACCUSATIONS
from summarize.offline.reading import Claim, Denial
from summarize.offline.units import text_of

#: Stances of the claims a denial may answer.
ANSWERABLE = {"asserts", "accuses", "reports", "confirms"}


def find_denials(doc: Doc, claims: list[Claim], resolver: Resolver) -> list[Denial]:
    """The denials among ``claims``."""
    return [_denial(doc, claim, claims, resolver) for claim in claims if claim.stance == "denies"]


def content_lemmas(doc: Doc, start: int, end: int) -> set[str]:
    return {t.lemma_.lower() for t in doc[start:end] if t.is_alpha and not t.is_stop}


#: A denial of "this", "the claims", "the allegations": what it denies is the claim it answers.
_POINTING = {"this", "that", "it", "them", "these", "those", "claim", "allegation", "accusation", "report", "charge",
             "suggestion", "story", "rumour", "rumor", "speculation"}


def _denial(doc: Doc, claim: Claim, claims: list[Claim], resolver: Resolver) -> Denial:
    span = doc[claim.content_span[0]:claim.content_span[1]]
    content, named_by = _unframed(span, resolver)
    accusation = answered_by(doc, claim, claims)
    claimant = named_by or (_who(accusation) if accusation is not None else None)
    words = [t for t in span if t.is_alpha and t.dep_ not in {"det", "poss", "amod", "predet"}]
    if accusation is not None and len(words) == 1 and words[0].lemma_.lower() in _POINTING:
        content = accusation.content  # "But Mr Forgeard has denied this": what "this" is
    return Denial(claim=claim, denier=claim.party or claim.speaker, content=content, accusation=accusation, claimant=claimant)


def _unframed(span: Span, resolver: Resolver) -> tuple[str, str | None]:
    """What a denial's content denies, without "that" or "the allegations that", and who the content
    says made the claim ("Ms Villalba's claims", "reports by the BBC"), if anyone."""
    root = span.root
    who = None
    if root.lemma_.lower() in ACCUSATIONS:
        owner = next((c for c in root.children if c.dep_ == "poss"), None)
        owner = owner or next((g for c in root.children if c.dep_ == "prep" and c.lower_ in {"by", "from"}
                               for g in c.children if g.dep_ == "pobj"), None)
        if owner is not None:
            found = resolver.resolve(owner)
            who = found.party or (text_of(owner.subtree) if found.how == "description" else None)
        clause = next((c for c in root.children if c.dep_ in {"acl", "ccomp", "relcl"} and c.i > root.i
                       and c.pos_ in {"VERB", "AUX"} and span.start <= c.i < span.end), None)
        if clause is not None:
            tokens = [t for t in clause.subtree if span.start <= t.i < span.end]
            if clause.tag_ == "VBG" and clause.lemma_.lower() in {"claim", "say", "suggest", "allege"}:
                # "reports claiming they were set to launch …": what the reports claim
                inner = next((c for c in clause.children if c.dep_ in {"ccomp", "xcomp"}), None)
                tokens = [t for t in inner.subtree] if inner is not None else tokens
            return _text(tokens), who
    tokens = list(span)
    return _text(tokens), who


def _text(tokens: list[Token]) -> str:
    while tokens and (tokens[0].lower_ == "that" and tokens[0].dep_ == "mark" or tokens[0].is_punct):
        tokens = tokens[1:]
    return text_of(tokens).strip(" ,;:")


def _who(claim: Claim) -> str | None:
    return claim.party or (claim.speaker if claim.mention.lower() not in {"he", "she", "it", "they"} else None)


def answered_by(doc: Doc, denial: Claim, claims: list[Claim]) -> Claim | None:
    """The claim a denial answers: another party's assertion, accusation or report sharing most
    content words with it (an earlier one wins a tie); for a short denial ("denied that account")
    the latest such claim before it."""
    def key(claim: Claim) -> str:
        return claim.party or claim.speaker

    others = [c for c in claims if key(c) != key(denial) and c.stance in ANSWERABLE and c.index != denial.index]
    wanted = content_lemmas(doc, *denial.content_span)
    if len(wanted) <= 1:
        earlier = [c for c in others if c.index < denial.index]
        return earlier[-1] if earlier else None
    best, best_key = None, (1, 0)
    for claim in others:
        found = (len(wanted & content_lemmas(doc, *claim.content_span)), -claim.index)
        if found > best_key:
            best, best_key = claim, found
    return best
