"""The offline engine: neutral, attributed summaries and answers with no model weights.

Everything is built from the article's claims (:mod:`summarize.claims`): the summary keeps the
lede, every party's denial, the accusation it answers and other parties' reactions, each as the
source's own sentence lightly compressed, so no word enters that the source did not use and every
contested statement keeps its "X said" / "Y denied". Deterministic, and fast enough for bulk runs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from summarize.analysis import Analysis, AnalysisCache
from summarize.answering import answer_question
from summarize.claims import Claim
from summarize.entities import PRONOUNS
from summarize.engines.base import Engine
from summarize.errors import ConfigError
from summarize.records import Answer, Article, Summary
from summarize.relevance import terms

DEFAULT_MAX_WORDS = 90
NO_ATTRIBUTION = "no attributions (reporting verbs or quotes) were found: the summary is the article's leading sentences"

_PARENTHETICAL = re.compile(r"\s*\([^()]{0,80}\)")
_INTRO = re.compile(
    r"^(?:Meanwhile|However|In response|In reply|Separately|Earlier|Later|In addition|At the same time|"
    r"For (?:its|his|her|their) part|By contrast|Instead|Still|Also),\s+"
)
# ", who …," / ", owned by …," / ", the company's spokesman," — but not ", the Wagner Group,": a
# name in apposition may be the only place the summary names that party.
# The aside may not run into a coordinated subject ("Kenteris, 31, who won … and Thanou, 30, …").
_NONRESTRICTIVE = re.compile(
    r",\s+(?:who|which|whose|owned by|led by|based in|known as|(?:a|an|the)(?!\s+[A-Z]))\s+"
    r"(?:(?!\band\s+[A-Z])[^,\"“”]){2,80},"
)
_PARTICIPLE_TAIL = re.compile(r",\s+(?:saying|adding|calling|expressing|noting|arguing|urging)\b[^\"“”]*$")
_PRONOUN_START = re.compile(r"^(He|She|They|It)\b")
_CONNECTIVE = re.compile(r"^(?:However|But|And|Yet|Also|Meanwhile|Instead|Still|Nevertheless|Moreover|Furthermore|Separately|In response|In reply),?\s+")
_SHORT_NAME = re.compile(r"^(?:(?:Mr|Mrs|Ms|Miss|Dr|Sir|Lord|Lady|Prof)\.?\s+)?[A-Z][\w'’-]+$")
_POINTS_BACK = re.compile(r"\b(?:this|these|those|such)\s+(?!year|week|month|morning|afternoon|evening|time|summer|winter|spring|autumn)[a-z]+", re.I)
_DANGLING = re.compile(r"^(?:He|She|It|They|This|These|That|Those|His|Her|Its|Their|The same|Such)\b")
_QUOTE_ATTRIBUTION = re.compile(r"([,?!][\"”]\s+)(he|she|they|it)(\s+(?:said|told|added|says))\b")


class OfflineEngine(Engine):
    """Claim-based extractive summaries and rule-based answers; no weights, no network."""

    name = "offline"

    def __init__(self, *, max_words: int = DEFAULT_MAX_WORDS, notice: str | None = None) -> None:
        if max_words < 10:
            raise ConfigError(f"max words must be at least 10, got {max_words}")
        self.max_words = max_words
        #: Why this engine is used (auto fell back to it); the Summarizer adds it to every result.
        self.notice = notice
        #: Articles read so far (shared with the Summarizer, so --claims reads nothing twice).
        self.analyses = AnalysisCache()

    @property
    def generation(self) -> dict[str, Any]:
        return {"max_words": self.max_words}

    def analyze(self, article: Article) -> Analysis:
        return self.analyses.get(article.text)

    def summarize(self, articles: list[Article]) -> list[Summary]:
        return [self._summarize(a) for a in articles]

    def answer(self, questions: list[tuple[Article, str]]) -> list[Answer]:
        return [answer_question(self.analyze(article), article, question) for article, question in questions]

    # -- summaries -------------------------------------------------------------------------

    def _summarize(self, article: Article) -> Summary:
        analysis = self.analyze(article)
        warnings: list[str] = []
        if not analysis.units:
            return Summary(text="", warnings=[*warnings, "the article has no sentences to summarize"])
        if not analysis.claims:
            warnings.append(NO_ATTRIBUTION)
            text, cut = self._compose(analysis, list(range(len(analysis.units))), contiguous=True)
        else:
            order, core = self._select(analysis, article.title)
            text, cut = self._compose(analysis, order, core)
        if cut:
            warnings.append(f"the summary was cut to {self.max_words} words")
        return Summary(text=text, warnings=warnings)

    def _select(self, analysis: Analysis, title: str | None = None) -> tuple[list[int], set[int]]:
        """Unit indices in priority order, and the core ones among them: the lede, each party's
        first denial with the claim it answers and the denier's own account right after it; then
        other parties' reactions (accusations, condemnations, concern, confirmations, reports)."""
        claims = analysis.claims
        order: list[int] = [0]
        seen_parties: set[str] = set()
        for claim in (c for c in claims if c.stance == "denies"):
            key = claim.party or claim.speaker
            if key in seen_parties:
                continue
            seen_parties.add(key)
            self._add(order, self._accusation_for(claim, claims))
            order.append(claim.index)
            follow = [c for c in claims if c.index == claim.index + 1 and (c.party or c.speaker) == key]
            if follow and follow[0].stance in {"asserts", "reports"}:
                order.append(follow[0].index)  # the denier's own version, often in the next sentence
        order += self._replies(analysis, set(order))
        core = set(order)
        spoken = {c.party or c.speaker for c in claims if c.index in core}
        for stance in ("accuses", "condemns", "expresses_concern", "confirms", "reports", "asserts"):
            for claim in claims:
                key = claim.party or claim.speaker
                if claim.stance == stance and key not in spoken:
                    spoken.add(key)
                    order.append(claim.index)
        order.extend(self._context(analysis, title, set(order)))
        return list(dict.fromkeys(order)), core

    @staticmethod
    def _context(analysis: Analysis, title: str | None, taken: set[int]) -> list[int]:
        """Other sentences that may fill the budget, most important first (close to the top, sharing
        words with the title). Excluded: sentences that state a denied claim without attribution,
        and sentences that lean on a previous one ("This …", "He …")."""
        denied = [set(terms(c.content)) for c in analysis.claims if c.stance == "denies"]
        attributed = {c.index for c in analysis.claims}
        title_terms = set(terms(title or ""))
        scored = []
        for index, unit in enumerate(analysis.units):
            if index in taken or _DANGLING.match(unit) or _CONNECTIVE.match(unit):
                continue
            if index not in attributed and re.search(r"[\"“]", unit):
                continue  # a quotation whose speaker this sentence does not name
            words = set(terms(unit))
            if index not in attributed and any(d and len(d & words) / len(d) >= 0.5 for d in denied):
                continue  # a contested claim stated as bare fact must not enter the summary
            scored.append((-(len(words & title_terms) * 2) + index * 0.5, index))
        return [index for _, index in sorted(scored)]

    @staticmethod
    def _replies(analysis: Analysis, taken: set[int]) -> list[int]:
        """Right of reply: a party that the lede or an accusation or criticism targets, and that
        speaks later in the article, gets its first statement in, so the summary is not one-sided."""
        claims = analysis.claims
        targeted = [c for c in claims if c.index == 0 or c.stance in {"accuses", "condemns"}]
        replies = []
        for attack in targeted:
            for entity in analysis.entities.entities:
                if entity.name == attack.party or entity.kind not in {"person", "org", "place"}:
                    continue
                if not analysis.entities.find_in(attack.content, entity):
                    continue
                answer = next((c for c in claims if c.party == entity.name and c.index > attack.index), None)
                if answer is not None and answer.index not in taken and answer.index not in replies:
                    replies.append(answer.index)
        return replies

    @staticmethod
    def _add(order: list[int], index: int | None) -> None:
        if index is not None:
            order.append(index)

    @staticmethod
    def _accusation_for(denial: Claim, claims: list[Claim]) -> int | None:
        """The sentence that makes the claim a denial answers: the assertion, accusation or report
        by another party that shares most words with the denial; an earlier one wins a tie (a
        lede that leads with the denial puts the report it denies after it)."""
        wanted = set(terms(denial.content))
        if len(denial.content.split()) <= 3 or re.match(r"(?:that|this|these|those|the|such)\s+\w+$", denial.content, re.I):
            # "Dodoma refuted that account": the account is the latest other party's claim before it.
            earlier = [c for c in claims if c.index < denial.index and (c.party or c.speaker) != (denial.party or denial.speaker)
                       and c.stance in {"asserts", "accuses", "reports", "confirms"}]
            return earlier[-1].index if earlier else None
        best, best_key = None, (1, 0)
        for claim in claims:
            if claim.index == denial.index or (claim.party or claim.speaker) == (denial.party or denial.speaker):
                continue
            if claim.stance not in {"asserts", "accuses", "reports", "confirms"}:
                continue
            key = (len(wanted & set(terms(claim.content))), -claim.index)
            if key[0] > best_key[0] or (key[0] == best_key[0] and best is not None and key[1] > best_key[1]):
                best, best_key = claim.index, key
        return best

    def _compose(
        self, analysis: Analysis, order: list[int], core: set[int] | None = None, contiguous: bool = False
    ) -> tuple[str, bool]:
        """Fit units into the word budget in priority order, then print them in article order.

        Each unit is tried as written, then more and more compressed. Only a core unit (lede,
        denials) may squeeze the units already in, and never past removing asides, so the lede
        does not lose its substance to make room for a side remark. ``contiguous`` stops at the
        first unit that does not fit (a lead-sentences summary must not skip)."""
        core = core if core is not None else {order[0]}
        renders: dict[int, str] = {}
        for index in order:
            unit = analysis.units[index]
            if index not in core and index - 1 not in renders and (
                _DANGLING.match(unit) or _POINTS_BACK.search(_QUOTED.sub("", unit))
            ):
                continue  # "It was widely criticised…", "… this sale …" need the sentence before
            placed = False
            for level in range(5):
                text = self._render(analysis, index, level)
                if text and _words({**renders, index: text}) <= self.max_words:
                    renders[index], placed = text, True
                    break
            if not placed and index in core and renders:
                squeezed = {i: self._render(analysis, i, 2) for i in renders}
                text = self._render(analysis, index, 3)
                if _words({**squeezed, index: text}) <= self.max_words:
                    renders, placed = {**squeezed, index: text}, True
            if contiguous and not placed and renders:
                break
            if _words(renders) >= self.max_words - 5:
                break
        cut = False
        if not renders:  # even the lede alone is over budget: one huge sentence
            words = self._render(analysis, order[0], 3).split()
            renders, cut = {order[0]: " ".join(words[: self.max_words]).rstrip(",;:") + " …"}, True
        text = self._assemble(analysis, sorted(renders), renders)
        while len(text.split()) > self.max_words and len(renders) > 1:
            # Naming speakers added words: drop the least important unit and try again.
            del renders[next(i for i in reversed(order) if i in renders and i != order[0])]
            text = self._assemble(analysis, sorted(renders), renders)
        return text, cut

    def _render(self, analysis: Analysis, index: int, level: int) -> str:
        """A unit at compression ``level``: 0 as written; 1 without parentheticals and discourse
        openers; 2 also without non-restrictive clauses; 3 also without a trailing participle;
        4 only its main claim, as "speaker verb content" (empty when that cannot be said in the
        source's own words)."""
        if level >= 4:
            return self._claim_sentence(analysis, index)
        text = analysis.units[index]
        if level >= 1:
            text = _outside_quotes(text, lambda part: _PARENTHETICAL.sub("", part))
            text = _INTRO.sub("", text)
            text = text[:1].upper() + text[1:]
        if level >= 2:
            text = _outside_quotes(text, lambda part: _NONRESTRICTIVE.sub("", part))
        if level >= 3:
            trimmed = _PARTICIPLE_TAIL.sub("", text.rstrip("."))
            if trimmed != text.rstrip(".") and len(trimmed.split()) >= 8:
                text = trimmed + "."
        return text

    @staticmethod
    def _claim_sentence(analysis: Analysis, index: int) -> str:
        """"John Kirby said North Korea completed an initial shipment …": a long sentence cut down
        to its claim. Quotations stay whole and keep their marks; the verb must be a finite form
        the article itself uses, so no word enters that the source did not use."""
        claims = [
            c for c in analysis.claims
            if c.index == index and c.party and c.speaker.lower() not in PRONOUNS and not c.quoted
            and re.search(re.escape(c.mention) + r"\s+(?:\w+ly\s+|has\s+|have\s+|had\s+)*" + re.escape(c.verb), c.sentence)
        ]  # active voice only ("X said …", "X has denied …"), where "speaker verb content" is what the source says
        if not claims or claims[0].content[:1].isupper() or claims[0].content[:1] in "\"“'‘":
            return ""  # a quotation is given whole, as the article gives it, or not at all
        claim = claims[0]
        source_words = set(re.findall(r"[\w'’-]+", " ".join(analysis.units).lower()))
        verb = claim.verb.split()[0]
        if verb.endswith("ing") or verb in {"told", "tells", "telling"} or claim.verb == "according to":
            finite = {"asserts": "said", "denies": "denied", "condemns": "condemned", "accuses": "accused",
                      "confirms": "confirmed", "reports": "reported"}.get(claim.stance)
            if claim.stance == "expresses_concern" or finite is None or finite not in source_words:
                return ""
            verb = finite
        elif " " in claim.verb:
            return ""
        content = claim.content.rstrip(" ,")
        if len(content.split()) < 3 or content.count('"') % 2 or content.count("“") != content.count("”"):
            return ""
        return f"{claim.speaker} {verb} {content.rstrip('.')}."

    def _assemble(self, analysis: Analysis, kept: list[int], renders: dict[int, str]) -> str:
        """Join the kept units in article order so they read on their own: a connective that
        pointed at a dropped sentence goes, and a speaker named by pronoun or surname gets the full
        name at its first appearance in the summary (its introduction may have been dropped)."""
        spoken: dict[int, list[Claim]] = {}
        for claim in analysis.claims:
            spoken.setdefault(claim.index, []).append(claim)
        parts: list[str] = []
        for index in kept:
            text = renders[index]
            if index - 1 not in renders:
                stripped = _CONNECTIVE.sub("", text)
                text = stripped[:1].upper() + stripped[1:]
            for claim in spoken.get(index, []):
                text = self._name_speaker(analysis, claim, text, " ".join(parts))
            parts.append(text)
        return " ".join(parts)

    @staticmethod
    def _name_speaker(analysis: Analysis, claim: Claim, text: str, before: str) -> str:
        entity = analysis.entities.lookup(claim.party) if claim.party else None
        mention = claim.mention
        if entity is None or not mention or mention == entity.name or entity.name in before and mention.lower() not in PRONOUNS:
            return text
        if mention.lower() not in PRONOUNS and (entity.kind != "person" or not _SHORT_NAME.match(mention)):
            return text  # only a bare surname ("Mr Thomas", "Kirby") is swapped: roles and possessives stay
        label = entity.short if entity.name in before or entity.short in before and mention.lower() in PRONOUNS else entity.name
        if mention.lower() in PRONOUNS:
            replaced = _QUOTE_ATTRIBUTION.sub(lambda m: m.group(1) + label + m.group(3), text, count=1)
            return replaced if replaced != text else _PRONOUN_START.sub(label, text, count=1)
        # "Mr Thomas said" -> "Richard Thomas said", outside quotations only.
        pattern = re.compile(r"(?<![\w-])" + re.escape(mention) + r"(?![\w-])")
        done = [False]

        def swap(part: str) -> str:
            if done[0]:
                return part
            new = pattern.sub(label, part, count=1)
            done[0] = new != part
            return new

        return _outside_quotes(text, swap)


_QUOTED = re.compile(r"([\"“][^\"”]*[\"”])")


def _outside_quotes(text: str, edit: Callable[[str], str]) -> str:
    """Apply ``edit`` to the unquoted parts of ``text`` only: a quotation is never shortened."""
    return "".join(part if _QUOTED.fullmatch(part) else edit(part) for part in _QUOTED.split(text))


def _words(renders: dict[int, str]) -> int:
    return sum(len(t.split()) for t in renders.values())
