"""One article read once: its parse, sentence units, parties and claims, shared by summary and answers.

A :class:`Reading` is what the offline engine's summary (:mod:`.summary`) and answers (:mod:`.answers`)
are built from. It comes from one spaCy parse of the article (:mod:`.nlp`) with the project's two
components on top: coreference (:mod:`.coref`, ``Token._.refers_to``) and attribution
(:mod:`.claims`, ``Doc._.claims``).
"""

from __future__ import annotations

import math
from collections import Counter, OrderedDict
from dataclasses import asdict, dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

    from summarize.offline.coref import Resolution, Resolver


@dataclass
class Party:
    """A person, organisation or place the article names, under one canonical name
    ("Bernie Ebbers" for "Mr Ebbers", "Ebbers" and "Bernard Ebbers")."""

    name: str
    label: str  # spaCy entity label: PERSON, ORG, GPE, NORP, LOC, FAC
    #: "m", "f" or None: from a title the article uses ("Mr", "Mrs"), a role noun it ties to the
    #: person ("chairwoman"), or a first name that census lists give to one sex almost always.
    gender: str | None = None
    #: Where ``gender`` comes from: "title", "role", "name" (the weakest) or None.
    gender_from: str | None = None
    #: Every surface form the article uses for it.
    forms: list[str] = field(default_factory=list)
    #: Roles the article ties to it, as lemmas with the role noun last ("chief", "executive"),
    #: each with the token offset where the article first ties it.
    roles: dict[tuple[str, ...], int] = field(default_factory=dict)


@dataclass
class Claim:
    """One attributed statement: who (``speaker``) said what (``content``) with which ``stance``.

    ``mention`` is the speaker as the sentence names it ("he", "the firm", "Mr Ebbers");
    ``speaker`` is who that is, readable ("Bernie Ebbers"), or the mention itself when it could not
    be resolved; ``party`` is the canonical :class:`Party` name, or None. ``resolution`` says how the
    mention was resolved ("name", "pronoun: subject of sentence 3", "unresolved: …")."""

    speaker: str
    party: str | None
    stance: str
    verb: str
    content: str
    sentence: str
    index: int
    quoted: bool = False
    mention: str = ""
    resolution: str = "name"
    #: Token offsets in the article's Doc: [start, end) of the speaker mention and of the content,
    #: and the reporting verb's first token. Not part of the output contract.
    mention_span: tuple[int, int] = field(default=(0, 0), repr=False)
    content_span: tuple[int, int] = field(default=(0, 0), repr=False)
    verb_token: int = field(default=0, repr=False)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for private in ("mention_span", "content_span", "verb_token"):
            del data[private]
        return data


@dataclass
class Denial:
    """A denial as structure: who denies (``denier``, the party, or the speaker as the article
    names them), what (``content``, without the reporting frame: "the pair were involved in the
    chase", not "denied that …"), and, when the article gives it, the claim it answers
    (``accusation``) and who made that claim (``claimant``; None when the article names nobody)."""

    claim: Claim
    denier: str
    content: str
    accusation: Claim | None = None
    claimant: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"denier": self.denier, "content": self.content, "claimant": self.claimant,
                "accusation": self.accusation.content if self.accusation is not None else None,
                "sentence": self.claim.sentence}


@dataclass
class Reading:
    """An article as the offline engine sees it."""

    doc: Doc
    #: Sentence units: spaCy sentences, except that a quotation running over several sentences is one unit.
    units: list[Span]
    parties: list[Party]
    claims: list[Claim]
    #: Token index -> the party whose mention holds that token.
    owner: dict[int, str] = field(default_factory=dict)
    #: The claims whose stance is "denies", as structure (see :class:`Denial`), in article order.
    denials: list[Denial] = field(default_factory=list)
    #: Who any other mention is ("the chancellor", "he" as an object's possessor…): :meth:`refer`.
    resolver: Resolver | None = field(default=None, repr=False)

    def refer(self, head: Token) -> Resolution | None:
        """What the noun phrase headed by ``head`` refers to (its name, or how it stayed unresolved)."""
        return self.resolver.resolve(head) if self.resolver is not None else None

    @cached_property
    def texts(self) -> list[str]:
        """The units as whitespace-normalised text."""
        return [" ".join(u.text.split()) for u in self.units]

    @cached_property
    def words(self) -> frozenset[str]:
        """Every word of the article, lower-cased."""
        return frozenset(t.lower_ for t in self.doc)

    @cached_property
    def rarity(self) -> dict[str, float]:
        """Inverse unit frequency of each content lemma ("Yeo" tells more about a sentence than "plan")."""
        counts: Counter[str] = Counter()
        for unit in self.units:
            counts.update({t.lemma_.lower() for t in unit if not (t.is_stop or t.is_punct or t.is_space or t.tag_ == "POS")})
        size = len(self.units) or 1
        return {lemma: math.log(1 + size / n) for lemma, n in counts.items()}

    @cached_property
    def mentions(self) -> Counter[str]:
        """How often the article mentions each party."""
        return Counter(party for i, party in self.owner.items() if self.owner.get(i - 1) != party)

    def unit_of(self, token_index: int) -> int:
        """The index of the unit holding the token at ``token_index``."""
        for number, unit in enumerate(self.units):
            if unit.start <= token_index < unit.end:
                return number
        return len(self.units) - 1

    def party(self, name: str | None) -> Party | None:
        return next((p for p in self.parties if p.name == name), None) if name else None


class ReadingCache:
    """Readings of the last few article texts, so a summary and its answers read the text once."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._items: OrderedDict[str, Reading] = OrderedDict()

    def get(self, text: str) -> Reading:
        return self.get_many([text])[0]

    def get_many(self, texts: list[str]) -> list[Reading]:
        """Readings for ``texts``, parsing the missing ones together in batches."""
        from summarize.offline import nlp

        missing = [t for t in dict.fromkeys(texts) if t not in self._items]
        for text, doc in zip(missing, nlp.parse_many(missing)):
            self._put(text, read_doc(doc))
        out = []
        for text in texts:
            reading = self._items.get(text)
            if reading is None:  # evicted by a huge batch
                reading = read_doc(nlp.parse(text))
                self._put(text, reading)
            self._items.move_to_end(text)
            out.append(reading)
        return out

    def _put(self, text: str, reading: Reading) -> None:
        self._items[text] = reading
        if len(self._items) > self.size:
            self._items.popitem(last=False)


def read_doc(doc: Doc) -> Reading:
    """The Reading of a parsed article (the components have already run on ``doc``)."""
    return Reading(doc=doc, units=list(doc._.units), parties=list(doc._.parties), claims=list(doc._.claims),
                   owner=dict(doc._.owner), resolver=doc._.resolver, denials=list(doc._.denials or []))
