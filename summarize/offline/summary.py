"""Neutral extractive summaries, faithful by construction.

Which units: the lede; each party's first denial, with the claim it answers and the denier's own
account right after it; a party the lede or an accusation targets gets its reply in; then other
parties' reactions (accusations, condemnations, concern, confirmations, reports); then the units
closest to the top and to the title, never one that states a denied claim as bare fact, needs the
sentence before it, or quotes someone it does not name.

How they are written: every summary sentence is a source unit or a contiguous part of one (a
leading "However," or a trailing ", saying …" may go; a long unit may be cut to its claim, "X said
…"), with every quotation whole. The one change of words allowed: a speaker pronoun whose
resolution is unambiguous becomes the name, when the sentence it pointed back to is not right
before it in the summary; a bare surname becomes the full name at its first appearance.
"""

from __future__ import annotations

from dataclasses import dataclass

from summarize.offline import nlp
from summarize.offline.lexicon import PRONOUNS, speaker_nouns, titles
from summarize.offline.readback import Part, misread_subjects, misreadings, needs_reading
from summarize.offline.reading import Claim, Reading, read_doc

_QUOTES = {'"', "“", "”", "``", "''"}
_ANSWERING = {"asserts", "accuses", "reports", "confirms"}
_REACTIONS = ("accuses", "condemns", "expresses_concern", "confirms", "reports", "asserts")
_POINTING = {"this", "these", "those", "such", "that"}
#: Last words of organisation names that take "the" ("the Bank of England" aside, "the … Council").
_INSTITUTIONS = {"council", "commission", "office", "institute", "foundation", "trust", "service", "fund", "society",
                 "organisation", "organization", "centre", "center", "forum", "alliance", "exchange", "tribunal", "inquiry"}
#: Words over which a unit after the lede is cut to its claim when it can be.
_LONG = 25
#: Titles that only say how to address someone ("Mr"); any other ("Judge", "Gen") is a post and stays.
_HONORIFICS = {"mr", "mrs", "ms", "miss", "mister", "madam"}
#: Drafts read back and mended at most this many times.
_READBACKS = 3
#: Openers that only connect a sentence to the one before it; anything else (a time frame, a
#: condition, "to some extent", "reportedly") scopes the claim and stays.
_CONNECTIVES = {"however", "meanwhile", "nevertheless", "nonetheless", "furthermore", "moreover", "additionally",
                "separately", "also", "still", "yet", "instead", "similarly", "likewise", "indeed", "besides", "now",
                "but", "and", "so", "though", "although", "then"}


@dataclass
class Drafted:
    text: str
    cut: bool
    units: list[int]


def _key(claim: Claim) -> str:
    return claim.party or claim.speaker


def _content_lemmas(reading: Reading, start: int, end: int) -> set[str]:
    return {t.lemma_.lower() for t in reading.doc[start:end] if t.is_alpha and not t.is_stop}


class Summarizer:
    """Writes the offline summary of one Reading within ``max_words``."""

    def __init__(self, reading: Reading, max_words: int, title: str | None = None) -> None:
        self.reading, self.max_words, self.title = reading, max_words, title
        self.by_unit: dict[int, list[Claim]] = {}
        for claim in reading.claims:
            self.by_unit.setdefault(claim.index, []).append(claim)
        #: Speaker mentions the read-back found misread: always named (see :mod:`.readback`).
        self.force: set[tuple[int, int]] = set()
        #: Units the read-back found misread with no name to give: left out.
        self.dropped: set[int] = set()
        self._first: Drafted | None = None
        self._selected: tuple[list[int], set[int]] = ([], set())
        self._first_ranges: dict[int, tuple[int, int]] = {}
        self._ranges: dict[int, tuple[int, int]] = {}

    # -- what goes in ----------------------------------------------------------------------

    def select(self) -> tuple[list[int], set[int]]:
        """Unit indices in priority order, and the core ones among them."""
        claims = self.reading.claims
        order: list[int] = [0]
        seen: set[str] = set()
        later: list[int] = []
        for denial in self.reading.denials:
            claim = denial.claim
            if _key(claim) in seen:
                later.append(claim.index)  # the same party's other denials, after every party's first
                continue
            seen.add(_key(claim))
            if denial.accusation is not None and (len(_content_lemmas(self.reading, *claim.content_span)) > 1
                                                  or denial.accusation.index < claim.index):
                order.append(denial.accusation.index)
            order.append(claim.index)
            follow = [c for c in claims if c.index == claim.index + 1 and _key(c) == _key(claim)]
            if follow and follow[0].stance in {"asserts", "reports"}:
                order.append(follow[0].index)
        order += self._replies(set(order))
        core = set(order)
        order += later
        spoken = {_key(c) for c in claims if c.index in core}
        for stance in _REACTIONS:
            for claim in claims:
                if claim.stance == stance and _key(claim) not in spoken:
                    spoken.add(_key(claim))
                    order.append(claim.index)
        order += self._context(set(order))
        return list(dict.fromkeys(order)), core

    def _replies(self, taken: set[int]) -> list[int]:
        """Right of reply: a party named in the lede or in an accusation, that speaks later, gets
        its first statement in."""
        replies = []
        for attack in (c for c in self.reading.claims if c.index == 0 or c.stance in {"accuses", "condemns"}):
            content = self.reading.doc[attack.content_span[0]:attack.content_span[1]]
            named = {self.reading.owner.get(t.i) or t._.refers_to for t in content} - {None, attack.party}
            for party in sorted(named):
                answer = next((c for c in self.reading.claims if c.party == party and c.index > attack.index), None)
                if answer is not None and answer.index not in taken and answer.index not in replies:
                    replies.append(answer.index)
        return replies

    def _context(self, taken: set[int]) -> list[int]:
        """Other units that may fill the budget, top and title first."""
        denied = [_content_lemmas(self.reading, *c.content_span) for c in self.reading.claims if c.stance == "denies"]
        attributed = set(self.by_unit)
        title: set[str] = set()
        if self.title:
            title = {t.lemma_.lower() for t in nlp.parse(self.title) if t.is_alpha and not t.is_stop}
        scored = []
        for index, unit in enumerate(self.reading.units):
            if index in taken or self._leans_back(index):
                continue
            if index not in attributed and any(t.text in _QUOTES for t in unit):
                continue  # a quotation whose speaker this unit does not name
            words = {t.lemma_.lower() for t in unit if t.is_alpha and not t.is_stop}
            if index not in attributed and any(d and len(d & words) / len(d) >= 0.5 for d in denied):
                continue  # a contested claim stated as bare fact
            scored.append((-2 * len(words & title) + 0.5 * index, index))
        return [index for _, index in sorted(scored)]

    def _eligible(self, index: int) -> bool:
        """Can the unit stand as a summary sentence? It must be a sentence (a subject and a finite
        verb; a relative clause alone, or a paragraph the parser split mid-sentence, is not) whose
        quotations close."""
        unit = self.reading.units[index]
        words = [t for t in unit if not (t.is_punct or t.is_space)]
        if not words or words[0].is_lower and not words[0].like_num:
            return False  # "was delighted to be paired …": the rest of a sentence
        if not self._whole_quotes(unit.start, unit.end):
            return False  # a quotation that runs on into the next paragraph
        root = unit.root
        if root.pos_ not in {"VERB", "AUX"}:
            return any(self.reading.doc._.quoted[t.i] for t in words) or index == 0 and len(self.reading.units) == 1
        subject = next((c for c in root.children if c.dep_ in {"nsubj", "nsubjpass", "expl", "csubj"}), None)
        if subject is None and not any(c.dep_ in {"ccomp", "parataxis"} for c in root.children):
            return False  # "Was delighted to be paired with United, …"
        return subject is None or subject.tag_ not in {"WDT", "WP"}  # "…, who he says asked for …"

    def _needs(self, index: int) -> int | None:
        """The unit a denial needs before it: "But he denied this" is only clear after what "this" is."""
        for denial in self.reading.denials:
            claim = denial.claim
            if claim.index == index and denial.accusation is not None and denial.accusation.index < index:
                content = [t for t in self.reading.doc[claim.content_span[0]:claim.content_span[1]] if t.is_alpha]
                if len(content) <= 2 and content and content[-1].lower_ in {"this", "that", "it", "them", "claim", "claims",
                                                                            "allegation", "allegations", "report", "reports",
                                                                            "charge", "charges", "suggestion", "suggestions"}:
                    return denial.accusation.index
        return None

    def _leans_back(self, index: int) -> bool:
        """Does the unit need the one before it: an unresolved pronoun subject, "this …", "such …"?"""
        if index == 0:
            return False  # nothing comes before the lede to lean on
        unit = self.reading.units[index]
        first = next((t for t in unit if not t.is_punct), None)
        if first is None:
            return True
        if any(not claim.verb for claim in self.by_unit.get(index, [])):
            return True  # a quotation that goes on from the unit before
        if first.lower_ in _POINTING and first.dep_ in {"det", "nsubj", "nsubjpass"}:
            return True
        for token in unit:
            if token.dep_ in {"nsubj", "nsubjpass"} and token.lower_ in PRONOUNS and not self.reading.doc._.quoted[token.i]:
                if token._.refers_to is None and token.head.dep_ == "ROOT":
                    return True
        return False

    # -- how it is written -----------------------------------------------------------------

    def first_draft(self) -> Drafted:
        """The summary before it is read back (cheap; :meth:`draft` starts from it). Many articles'
        first drafts can then be parsed in one batch before each is read back."""
        if self._first is None:
            if not self.reading.units:
                self._first = Drafted("", False, [])
            elif not self.reading.claims:
                self._first = self._compose(list(range(len(self.reading.units))), {0}, contiguous=True)
            else:
                self._selected = self.select()
                self._first = self._compose(*self._selected)
            self._first_ranges = dict(self._ranges)
        return self._first

    def needs_reading(self) -> bool:
        """Must the first draft be read back (see :func:`~summarize.offline.readback.needs_reading`)?"""
        drafted = self.first_draft()
        return bool(drafted.text) and bool(self.reading.claims) and needs_reading(self.reading, self._parts(self._first_ranges))

    def draft(self) -> Drafted:
        drafted = self.first_draft()
        if not self.reading.units or not self.reading.claims:
            return drafted
        self._ranges = dict(self._first_ranges)
        order, core = self._selected
        for _ in range(_READBACKS):
            parts = self._parts(self._ranges)
            if not needs_reading(self.reading, parts):
                break
            summary = read_doc(nlp.parse(drafted.text))
            problems = misreadings(self.reading, parts, summary) + misread_subjects(self.reading, parts, summary)
            if not problems:
                break
            for problem in problems:
                if problem.fix == "name" and problem.mention not in self.force:
                    self.force.add(problem.mention)
                elif problem.index != 0:  # the lede reads as in the article: nothing comes before it
                    self.dropped.add(problem.index)
            drafted = self._compose([i for i in order if i not in self.dropped], core - self.dropped)
        return drafted

    def sentence(self, index: int) -> str:
        """Unit ``index`` on its own, as a summary would write it: whole, its speaker named."""
        unit = self.reading.units[index]
        return self._assemble({index: (unit.start, unit.end)})

    def _compose(self, order: list[int], core: set[int], contiguous: bool = False) -> Drafted:
        """Fit units into the word budget in priority order, each as written or shorter; print them
        in article order. Only a core unit may squeeze those already in."""
        ranges: dict[int, tuple[int, int]] = {}
        self._ranges = ranges
        for index in order:
            if index in self.dropped or not self._eligible(index):
                continue
            if index - 1 not in ranges and self._leans_back(index):
                if index not in core:
                    continue
                # A core unit that points back ("He told Ms Sturgeon: …") brings the unit it points to.
                before = index - 1
                if before < 0 or before in self.dropped or not self._eligible(before) or \
                        self._words({**ranges, before: self._options(before)[-1], index: self._options(index)[-1]}) > self.max_words:
                    continue
                option = next(o for o in self._options(before) if self._words({**ranges, before: o}) <= self.max_words)
                ranges[before] = option
            needed = self._needs(index)
            if needed is not None and needed not in ranges:
                continue  # "But he denied this": only after what "this" is
            placed = False
            options = self._options(index)
            if index != order[0] and self._words({index: options[0]}) > _LONG and len(options) > 1:
                options = options[1:] + options[:1]  # a long sentence gives its claim, and leaves room for others
            for option in options:
                if self._words({**ranges, index: option}) <= self.max_words:
                    ranges[index], placed = option, True
                    break
            if not placed and index in core and ranges:
                squeezed = {i: self._options(i)[-1] for i in ranges}
                option = self._options(index)[-1]
                if self._words({**squeezed, index: option}) <= self.max_words:
                    ranges, placed = {**squeezed, index: option}, True
            if contiguous and not placed and ranges:
                break
            if self._words(ranges) >= self.max_words - 5:
                break
        cut = False
        if not ranges:  # the lede alone is over budget
            start, end = self._options(order[0])[-1]
            tokens = [t for t in self.reading.doc[start:end] if not t.is_space][: self.max_words]
            text = "".join(t.text_with_ws for t in tokens).strip().rstrip(",;:") + " …"
            return Drafted(text, True, [order[0]])
        text = self._assemble(ranges)
        while len(text.split()) > self.max_words and len(ranges) > 1:
            del ranges[next(i for i in reversed(order) if i in ranges and i != order[0])]
            text = self._assemble(ranges)
        self._ranges = ranges
        return Drafted(text, cut, sorted(ranges))

    def _options(self, index: int) -> list[tuple[int, int]]:
        """Token ranges for a unit, longest first: as written; without a leading connective or
        adverbial; also without a trailing participle aside; its claim alone ("X said …")."""
        unit = self.reading.units[index]
        start, end = unit.start, unit.end
        options = [(start, end)]
        opener = self._opener_end(index)
        if opener is not None:
            options.append((opener, end))
        aside = self._aside_start(index)
        if aside is not None and aside - options[-1][0] >= 8:
            options.append((options[-1][0], aside))
        for claim in self.by_unit.get(index, []):
            if self._cuttable(claim, start):
                options.append((claim.mention_span[0], claim.content_span[1]))
                break
        return options

    def _cuttable(self, claim: Claim, start: int) -> bool:
        """Can the unit be cut to "speaker verb content" in its own words? Only for a speaker named
        right before its own verb ("X has denied …", not a participle's inherited speaker), whose
        claim is nobody else's content, with its quotations whole."""
        first, last = claim.mention_span[0], claim.content_span[1]
        doc = self.reading.doc
        between = doc[claim.mention_span[1]:claim.verb_token]
        if not (start < first and claim.mention_span[1] <= claim.verb_token < claim.content_span[0]) or last - first < 5:
            return False
        if len(between) > 3 or any(t.pos_ not in {"AUX", "ADV", "PART"} for t in between):
            return False
        verb = doc[claim.verb_token]
        if not (verb.dep_ == "ROOT" or verb.dep_ == "conj" and verb.head.dep_ == "ROOT"):
            return False  # "… after it pledged …": a subordinate clause is not the unit's claim
        if any(other is not claim and other.content_span[0] <= claim.verb_token < other.content_span[1] for other in self.reading.claims):
            return False
        return self._whole_quotes(first, last)

    def _opener_end(self, index: int) -> int | None:
        """"However, …", "But …": where the unit's main clause starts after a word that only links it
        to the sentence before. An opener that scopes the claim ("In the year to March 2004,", "To
        some extent,", "Reportedly,") is part of what was said and stays."""
        tokens = [t for t in self.reading.units[index]]
        if len(tokens) < 5 or tokens[0].lower_ not in _CONNECTIVES:
            return None
        if tokens[0].dep_ == "cc" or tokens[0].dep_ == "advmod" and tokens[1].text == ",":
            return tokens[2].i if tokens[1].text == "," else tokens[1].i
        return None

    def _aside_start(self, index: int) -> int | None:
        unit = self.reading.units[index]
        root = unit.root
        for child in root.children:
            if child.i > root.i and child.dep_ == "advcl" and child.tag_ == "VBG":
                comma = child.left_edge.i - 1
                if comma > root.i and self.reading.doc[comma].text == "," and self._whole_quotes(unit.start, comma):
                    return comma
        return None

    def _whole_quotes(self, start: int, end: int) -> bool:
        marks = [t for t in self.reading.doc[start:end] if t.text in _QUOTES]
        return len(marks) % 2 == 0

    def _words(self, ranges: dict[int, tuple[int, int]]) -> int:
        doc = self.reading.doc
        return sum(sum(1 for t in doc[s:e] if not (t.is_punct or t.is_space)) for s, e in ranges.values())

    def _assemble(self, ranges: dict[int, tuple[int, int]]) -> str:
        return " ".join(part.text for part in self._parts(ranges))

    def _parts(self, ranges: dict[int, tuple[int, int]]) -> list[Part]:
        """Render the kept ranges in article order, naming speakers the reader of the summary
        could not otherwise identify."""
        parts: list[Part] = []
        for index in sorted(ranges):
            start, end = ranges[index]
            names = {}
            before = " ".join(p.text for p in parts)
            for claim in self.by_unit.get(index, []):
                if claim.verb and start <= claim.mention_span[0] and claim.mention_span[1] <= end:
                    name = self._naming(claim, index, ranges, before)
                    if name:
                        names[claim.mention_span] = name
            claimed = {c.mention_span for c in self.by_unit.get(index, [])}
            for span in self.force - claimed:  # a claim's speaker is named by _naming, with its rules
                party = self.reading.party(self.reading.refer(self.reading.doc[span[1] - 1]).party) if start <= span[0] < end else None
                if party is not None and _nameable(party) and span not in names and not any(a <= span[0] < b for a, b in names):
                    names[span] = self._label(party, before)  # "he" the read-back found misread
            parts.append(Part(index, start, end, self._render(start, end, names), names))
        return parts

    def _naming(self, claim: Claim, index: int, ranges: dict[int, tuple[int, int]], before: str) -> str | None:
        """The name to put in place of a claim's mention, or None to keep it as written."""
        party = self.reading.party(claim.party)
        embedded = any(other is not claim and other.index == index and other.content_span[0] <= claim.mention_span[0] < other.content_span[1]
                       for other in self.by_unit.get(index, []))
        if claim.mention_span in self.force and party is not None and _nameable(party) and not embedded:
            return self._label(party, before)  # the read-back found it misread
        described = party is None and claim.mention.lower() in PRONOUNS and claim.speaker != claim.mention
        if not described and (party is None or claim.speaker != party.name):
            return None
        if any(other is not claim and other.index == index and other.content_span[0] <= claim.mention_span[0] < other.content_span[1]
               for other in self.by_unit.get(index, [])):
            return None  # the pronoun is inside what someone else said: it stays theirs
        mention = claim.mention
        verb = self.reading.doc[claim.verb_token]
        if not (verb.dep_ == "ROOT" or verb.dep_ == "conj" and verb.head.dep_ == "ROOT"):
            return None  # "…, though he admitted …": only the sentence's own speaker is named
        if described:
            # "He told …" after a dropped "The first minister said …": the article's own description,
            # when it is a whole role ("the first minister", not a fragment of a misparse).
            words = claim.speaker.split()
            if index - 1 in ranges or len(words) < 2 or speaker_nouns().get(words[-1].lower()) != "person":
                return None
            return words[0].lower() + " " + " ".join(words[1:]) if words[0] in {"The", "A", "An"} else claim.speaker
        if mention.lower() in PRONOUNS:
            source = claim.resolution.rsplit(" ", 1)[-1]
            antecedent = int(source) - 1 if source.isdigit() else None
            if antecedent is not None and antecedent in ranges and all(i in ranges for i in range(antecedent, index)):
                return None  # the sentence it points back to is right there
            return self._label(party, before)
        if party.label == "PERSON" and party.name not in before and mention != party.name and mention.split()[-1] == party.name.split()[-1] \
                and len(mention.split()) <= 2 and len(party.name.split()) > len(mention.split()) - (mention.split()[0].lower().rstrip(".") in titles()):
            title = mention.split()[0]
            if title.lower().rstrip(".") in titles() and title.lower().rstrip(".") not in _HONORIFICS \
                    and not party.name.lower().startswith(title.lower()):
                return f"{title} {party.name}"  # "Judge Clark" -> "Judge Letitia Clark": a post stays
            return party.name  # "Mr Kirby" -> "John Kirby"; never "Lord Falconer" -> "Falconer"
        return None

    def _label(self, party, before: str) -> str:
        """The full name at a party's first appearance; afterwards a person's surname, unless
        another person in the article shares it or the name carries a title ("Mrs Blair"). An
        organisation named by a common noun keeps its article: "the Economic Social Research Council"."""
        if party.label != "PERSON":
            last = party.name.split()[-1].lower()
            return f"the {party.name}" if len(party.name.split()) > 1 and (last in speaker_nouns() or last in _INSTITUTIONS) \
                and not party.name.lower().startswith("the ") else party.name
        if party.name not in before:
            return party.name
        surname = party.name.split()[-1]
        shared = any(p is not party and p.label == "PERSON" and p.name.split()[-1] == surname for p in self.reading.parties)
        if shared or party.name.split()[0].lower().rstrip(".") in titles():
            return party.name
        return surname

    def _render(self, start: int, end: int, names: dict[tuple[int, int], str]) -> str:
        doc = self.reading.doc
        out: list[str] = []
        position = start
        for (m_start, m_end), name in sorted(names.items()):
            out.append(doc[position:m_start].text_with_ws)
            out.append(name + doc[m_end - 1].whitespace_)
            position = m_end
        out.append(doc[position:end].text)
        text = " ".join("".join(out).split())
        if text and text[-1] not in ".!?\"”’'":
            text = text.rstrip(",;:") + "."
        elif len(text) > 1 and text[-1] in "\"”" and text[:-1].rstrip()[-1:] not in ".!?,;:":
            text += "."  # a unit cut after a quotation ('sent his "warmest congratulations"'): end it
        # "iDefence says …" keeps its own case; "the Wagner Group said …" starts with a capital
        own_case = any(m_start == start and name[:1].islower() and not name.startswith("the ") for (m_start, _), name in names.items())
        return text if own_case else text[:1].upper() + text[1:]


def _nameable(party) -> bool:  # type: ignore[no-untyped-def]
    """A party whose name can stand for a speaker in a sentence: not a capitalised common noun
    the recognizer took for a name ("Government")."""
    words = party.name.split()
    return not (len(words) == 1 and words[0].lower() in speaker_nouns())
