"""Rule-based answers from an article's claims and sentences, with evidence and a confidence.

Questions about speech acts ("Who denied what?", "Who said X?", "What did X deny?", "How did X
describe Y?") are answered from claims; who/what/when/where/which/how many/why questions from the
most relevant sentence, by extracting a span of the right type. When the article does not support an
answer, the answer is None with a reason: never a guess.
"""

from __future__ import annotations

import re

from summarize.analysis import Analysis
from summarize.claims import Claim, reporting_verbs
from summarize.entities import _NAME_RUN, PRONOUNS, demonyms, places
from summarize.records import Answer, Article
from summarize.relevance import rank, terms

_WH = re.compile(r"^(who|whom|whose|what|when|where|which|why|how)\b", re.IGNORECASE)
_AUX = re.compile(r"^(is|are|was|were|do|does|did|has|have|had|can|could|will|would|should)\b", re.IGNORECASE)
_STANCE_VERB = re.compile(
    r"\b(deny|denied|denies|reject|rejected|refute|refuted|dismiss|dismissed|dispute|disputed|"
    r"accuse|accused|condemn|condemned|criticised|criticized|confirm|confirmed|say|said|says|report|"
    r"reported|claim|claimed|express(?:ed)? concern|warn|warned|allege|alleged|announce|announced)\b",
    re.IGNORECASE,
)
_STANCE_OF = {
    "deny": "denies", "denied": "denies", "denies": "denies", "reject": "denies", "rejected": "denies",
    "refute": "denies", "refuted": "denies", "dismiss": "denies", "dismissed": "denies",
    "dispute": "denies", "disputed": "denies", "accuse": "accuses", "accused": "accuses",
    "allege": "accuses", "alleged": "accuses", "condemn": "condemns", "condemned": "condemns",
    "criticised": "condemns", "criticized": "condemns", "confirm": "confirms", "confirmed": "confirms",
    "report": "reports", "reported": "reports", "express concern": "expresses_concern",
    "expressed concern": "expresses_concern",
}
_GENERIC = {"happen", "happened", "happening", "did", "do", "does", "say", "said", "says", "tell", "told",
            "article", "story", "report", "news", "according"}
_MONTHS = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?"
_WHEN = re.compile(
    rf"\b(?:(?:on|by|until|since|from|before|after|in|during|early|late)\s+)?(?:"
    rf"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?:,?\s+{_MONTHS}\s+\d{{1,2}})?"
    rf"|{_MONTHS}\s+\d{{1,2}}(?:,?\s+\d{{4}})?|\d{{1,2}}\s+{_MONTHS}(?:\s+\d{{4}})?|{_MONTHS}(?:\s+\d{{4}})?"
    rf"|(?:19|20)\d{{2}}|last\s+(?:week|month|year|night)|(?:this|next)\s+(?:week|month|year)"
    rf"|the previous day|yesterday|today|tomorrow|overnight)\b"
)
_NUMBER = re.compile(
    r"(?:(?:an estimated|about|around|nearly|almost|more than|less than|at least|up to|over|some)\s+)?"
    r"(?:[$€£¥]|A\$|US\$)?\d[\d,.]*(?:\s*(?:%|percent|per cent|million|billion|trillion|thousand))?"
    r"(?:-[a-z]+)?(?:\s+(?!(?:have|has|had|were|was|are|is|and|or|to|in|on|at|by|of|that|who|which)\b)[a-z][\w-]*)?"
)
_MONEY = re.compile(r"[$€£¥]|\b(?:euros?|dollars?|pounds?|yen|yuan|francs?|rupees?|shillings?|pesos?|rubles?|roubles?|won)\b", re.IGNORECASE)
_MONEY_QUESTION = re.compile(r"\b(?:cost|costs|pay|paid|fine|fined|worth|price|spend|spent|prize|money|salary|raised?|invest\w*|budget)\b", re.IGNORECASE)
_CALENDAR = re.compile(rf"^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|{_MONTHS}|The|A|An|In|On|At)$")
_WORD_NUMBER = re.compile(r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?|hundreds?|thousands?)\s+[a-z][\w-]*")
_WHERE = re.compile(
    rf"\b(?:in|at|near|from|across|outside|inside|off|on)\s+(?!(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|{_MONTHS})\b)"
    r"((?:the\s+)?[A-Z][\w’'.-]*(?:\s+(?:of\s+)?[A-Z][\w’'.-]*)*"
    r"|(?:the|a|an)\s+[\w-]+(?:\s+[\w-]+){0,6}?\s+(?:of|in|off)\s+(?:\w+\s+)?[A-Z][\w’'.-]*)"
)
_WHY = re.compile(r"\b(?:because(?: of)?|due to|amid|as a result of|over|citing|after|for)\s+([^.;]+)")
_MIN_RELEVANCE = 0.5


def answer_question(analysis: Analysis, article: Article, question: str) -> Answer:
    """Answer ``question`` about the analysed ``article``."""
    q = " ".join(question.split())
    if not (_WH.match(q) or _AUX.match(q) or q.endswith("?")):
        return Answer(q, None, [], reason="not a question: ask with who, what, when, where, which, how or why", confidence=0.0)
    if not analysis.units:
        return Answer(q, None, [], reason="the article has no sentences", confidence=0.0)
    missing = _unknown_names(q, article.text, analysis)
    if missing:
        return Answer(q, None, [], reason=f"the article does not mention {missing}", confidence=0.9)
    lowered = q.lower()
    wh = (_WH.match(q).group(1).lower() if _WH.match(q) else "")
    stance_match = _STANCE_VERB.search(q)
    stance = _stance(stance_match.group(1)) if stance_match else None

    if stance and wh == "who" and re.search(r"\bwhat\s*\??$", lowered):
        return _list_by_stance(q, analysis, stance)
    if stance and wh == "what" and stance_match:
        found = _what_did_x(q, analysis, stance, stance_match)
        if found:
            return found
    if stance and wh in {"who", "which"}:
        found = _who_did(q, analysis, stance, stance_match.end())
        if found:
            return found
    if wh == "how" and re.search(r"\b(describe|described|call|called|characteri[sz]e)\b", lowered):
        found = _how_described(q, analysis)
        if found:
            return found
    if re.fullmatch(r"what (?:happened|is (?:this|the article|the story) about|is the news)\??", lowered):
        return Answer(q, analysis.units[0], [analysis.units[0]], confidence=0.7)
    if re.fullmatch(r"who (?:was|is|were|are) involved\??", lowered):
        return _involved(q, analysis)
    if wh == "when" and re.fullmatch(r"when did (?:it|this|that) happen\??", lowered):
        return _when_generic(q, analysis, article)
    if wh == "where" and re.fullmatch(r"where did (?:it|this|that) happen\??", lowered):
        return _where_generic(q, analysis, article)
    return _from_best_sentence(q, analysis, wh)


def _stance(verb: str) -> str:
    return _STANCE_OF.get(" ".join(verb.lower().split()), "asserts")


def _confidence(value: float) -> float:
    return round(max(0.0, min(1.0, value)), 2)


def _unknown_names(question: str, text: str, analysis: Analysis) -> str | None:
    """A proper name in the question that the article never mentions (in any known form)."""
    body = question[0].lower() + question[1:]
    for run in _NAME_RUN.findall(body):
        name = run.rstrip("?.").removesuffix("'s").removesuffix("’s")
        if not name or name.lower() in text.lower():
            continue
        if analysis.entities.lookup(name) is not None or name.lower() in demonyms():
            continue
        return name
    return None


def _party(claim: Claim) -> str:
    return claim.party if claim.party and claim.party.lower() in claim.speaker.lower() else claim.speaker


def _list_by_stance(question: str, analysis: Analysis, stance: str) -> Answer:
    """"Who denied what?": one line per party, what it denied."""
    claims = [c for c in analysis.claims if c.stance == stance]
    if not claims:
        verb = {"denies": "denial", "accuses": "accusation", "condemns": "condemnation"}.get(stance, "such statement")
        return Answer(question, None, [], reason=f"the article reports no {verb}", confidence=0.8)
    grouped: dict[str, list[Claim]] = {}
    for claim in claims:
        grouped.setdefault(claim.party or claim.speaker, []).append(claim)
    lines = []
    for party, items in grouped.items():
        label = party if all(party.lower() in c.speaker.lower() or c.party == party for c in items) else items[0].speaker
        lines.append(f"{label}: " + "; ".join(dict.fromkeys(c.content for c in items)))
    evidence = list(dict.fromkeys(c.sentence for c in claims))
    return Answer(question, "\n".join(lines), evidence, confidence=0.85)


def _what_did_x(question: str, analysis: Analysis, stance: str, verb: re.Match[str]) -> Answer | None:
    """"What did X deny?" / "What did the ministry say about Y?"."""
    subject = re.sub(r"^what\s+(?:did|does|do|has|have|had)\s+", "", question[: verb.start()].strip(), flags=re.IGNORECASE)
    if not subject or subject.lower() == "what":
        return None
    entity = analysis.entities.resolve(subject, len(analysis.units))
    wanted = {entity.name} if entity else set()
    matches = [
        c for c in analysis.claims
        if (c.party in wanted or subject.lower() in c.speaker.lower() or subject.lower() in c.mention.lower())
        and (c.stance == stance or stance == "asserts")
    ]
    if not matches:
        return None
    rest = question[verb.end():]
    if terms(rest):
        scored = rank(rest, [c.content for c in matches])
        matches = [matches[scored[0][0]]] if scored[0][1] > 0 else matches
    content = "; ".join(dict.fromkeys(c.content for c in matches))
    return Answer(question, content, list(dict.fromkeys(c.sentence for c in matches)), confidence=0.8)


def _who_did(question: str, analysis: Analysis, stance: str, after: int) -> Answer | None:
    """"Who said X?" / "Who confirmed …?" / "Who expressed concern over …?"."""
    candidates = [c for c in analysis.claims if c.stance == stance or (stance == "asserts" and c.stance in {"asserts", "reports"})]
    if not candidates:
        return None
    rest = question[after:]
    if terms(rest):
        scored = rank(rest, [c.sentence for c in candidates])
        if scored[0][1] <= 0:
            return None
        best = candidates[scored[0][0]]
        confidence = 0.6 + 0.1 * min(scored[0][1], 3)
    else:
        best, confidence = candidates[0], 0.6
    return Answer(question, _party(best), [best.sentence], confidence=_confidence(confidence))


def _how_described(question: str, analysis: Analysis) -> Answer | None:
    """"How did X describe Y?": the characterisation X gave, usually a quote after "as"/"calling"."""
    best_claims = analysis.claims
    scored = rank(question, [c.sentence for c in best_claims]) if best_claims else []
    for index, score in scored[:3]:
        claim = best_claims[index]
        found = re.search(r"(?:\bas|calling\s+\w+(?:\s+\w+)?|\bcalled\s+\w+(?:\s+\w+)?)\s+[\"“]([^\"”]+?)[,.]?[\"”]", claim.sentence)
        if score > 0 and found:
            return Answer(question, found.group(1), [claim.sentence], confidence=0.75)
    return None


def _involved(question: str, analysis: Analysis) -> Answer:
    """The article's parties: the people, organisations and places that speak or are named in the
    lede, most present first. Only resolved names, never raw speaker phrases."""
    counts: dict[str, int] = {}
    for claim in analysis.claims:
        if claim.party:
            counts[claim.party] = counts.get(claim.party, 0) + 2
    for entity in analysis.entities.entities:
        if entity.kind in {"person", "org", "place"} and (0 in entity.mentions or entity.name in counts):
            counts[entity.name] = counts.get(entity.name, 0) + len(entity.mentions)
    top = [name for name, _ in sorted(counts.items(), key=lambda kv: -kv[1])[:5]]
    if not top:
        return Answer(question, None, [], reason="the article names no parties", confidence=0.5)
    evidence = [u for u in analysis.units if any(name in u for name in top)][:2]
    return Answer(question, ", ".join(top), evidence, confidence=0.6)


def _unquoted(unit: str, pattern: re.Pattern[str]) -> list[re.Match[str]]:
    """Matches of ``pattern`` outside quotations: a date or place inside a quote is the speaker's."""
    quoted = [(m.start(), m.end()) for m in re.finditer(r"[\"“][^\"”]*[\"”]", unit)]
    return [m for m in pattern.finditer(unit) if not any(a <= m.start() < b for a, b in quoted)]


def _when_generic(question: str, analysis: Analysis, article: Article) -> Answer:
    """When the reported event happened: a time in the lede (not a deadline such as "by 2007"),
    else the article's date, else no answer: a date further down usually belongs to something else."""
    dated = f" (article dated {article.date})" if article.date else ""
    lede = analysis.units[0]
    for found in _unquoted(lede, _WHEN):
        if re.match(r"(?:by|until|since|before|from)\b", found.group(0), re.IGNORECASE):
            continue  # a deadline or a span, not when the reported event happened
        return Answer(question, found.group(0) + dated, [lede], confidence=0.6)
    if article.date:
        return Answer(question, article.date, [], confidence=0.5)
    return Answer(question, None, [], reason="the article gives no date or time for the event", confidence=0.5)


def _is_place(name: str, analysis: Analysis) -> bool:
    entity = analysis.entities.lookup(name)
    if entity is not None:
        return entity.kind == "place"
    return name.lower() in places()


def _where_generic(question: str, analysis: Analysis, article: Article) -> Answer:
    """Where it happened: the dateline, else a place named in the lede, else the first place named."""
    if article.dateline:
        return Answer(question, re.split(r",", article.dateline)[0].strip(), [], confidence=0.6)
    for number, unit in enumerate(analysis.units):
        for found in _unquoted(unit, _WHERE):
            name = re.sub(r"^the\s+", "", found.group(1).strip(" ,."), flags=re.IGNORECASE)
            if not name.endswith(("'s", "’s")) and _is_place(name, analysis):
                return Answer(question, found.group(1).strip(" ,."), [unit], confidence=0.6 if number == 0 else 0.4)
    for entity in analysis.entities.entities:
        if entity.kind == "place" and entity.mentions:
            unit = analysis.units[entity.mentions[0]]
            return Answer(question, entity.name, [unit], confidence=0.35)
    return Answer(question, None, [], reason="the article does not say where it happened", confidence=0.5)


def _from_best_sentence(question: str, analysis: Analysis, wh: str) -> Answer:
    """The most relevant sentence, and the span in it that fits the question type."""
    query_terms = [t for t in terms(question) if t not in _GENERIC and t not in {"many", "much", "who", "how"}]
    if not query_terms:
        return Answer(question, None, [], reason="the question names nothing to look for in the article", confidence=0.3)
    lowered = question.lower()
    units = analysis.units
    said_by = re.search(r"\b(?:does|do|did)\s+(.+?)\s+(?:say|said|claim|report|estimate)\b", question, re.IGNORECASE)
    if said_by:  # "How many beds does the ministry say …": only that party's sentences
        speaker = analysis.entities.resolve(said_by.group(1), len(units))
        own = sorted({c.index for c in analysis.claims if speaker is not None and c.party == speaker.name})
        if own:
            units = [analysis.units[i] for i in own]
    scored = rank(query_terms, units)
    wanted = set(query_terms)
    # The best of the few most relevant sentences that holds an answer of the asked type.
    for index, score in scored[:3]:
        unit = units[index]
        covered = len(wanted & set(terms(unit))) / len(wanted)
        if score < _MIN_RELEVANCE or covered < 0.3:
            break
        span = _span(unit, question, lowered, wh, analysis, analysis.units.index(unit), query_terms)
        if span:
            return Answer(question, span, [unit], confidence=_confidence(0.4 + 0.5 * covered))
    best = units[scored[0][0]]
    covered = len(wanted & set(terms(best))) / len(wanted)
    if scored[0][1] < _MIN_RELEVANCE or covered < 0.3:
        return Answer(question, None, [], reason="no sentence in the article answers this", confidence=_confidence(1 - covered))
    return Answer(question, None, [best], reason=f"the most relevant sentences hold no {wh or 'such'} answer", confidence=0.4)


def _span(unit: str, question: str, lowered: str, wh: str, analysis: Analysis, index: int, query_terms: list[str]) -> str | None:
    """The part of ``unit`` that answers a question of type ``wh``, or None."""
    if wh == "how" and re.match(r"how (many|much|large|big|long|far|old|tall|high|deep|fast|heavy)\b", lowered):
        numbers = [m for m in _NUMBER.finditer(unit)] + [m for m in _WORD_NUMBER.finditer(unit)]
        if re.match(r"how much\b", lowered) and _MONEY_QUESTION.search(lowered):
            numbers = [m for m in numbers if _MONEY.search(unit[max(0, m.start() - 4) : m.end() + 12])]
        counted = re.match(r"how (?:many|much)\s+(?!is\b|are\b|was\b|were\b|did\b|does\b|do\b|has\b|have\b)([\w-]+)", lowered)
        if counted:
            # "How many people remain missing?": the number followed by most of the question's words
            # ("27 people have died and 11 remain missing" -> 11); it must count something asked.
            def fit(match: re.Match[str]) -> int:
                after = set(terms(unit[match.start() : match.end() + 30]))
                return sum(1 for t in query_terms if t in after)

            numbers = [m for m in numbers if fit(m) > 0]
            if not numbers:
                return None
            top = max(fit(m) for m in numbers)
            numbers = [m for m in numbers if fit(m) == top]
        return _nearest(unit, numbers, query_terms)
    if wh == "when":
        return _nearest(unit, list(_WHEN.finditer(unit)), query_terms)
    if wh == "where":
        return _nearest(unit, list(_WHERE.finditer(unit)), query_terms, group=1)
    if wh == "why":
        return _nearest(unit, list(_WHY.finditer(unit)), query_terms, group=0)
    if wh in {"who", "whom", "whose"} or (wh == "which" and not re.match(r"which\s+\w+\s+(?:was|were|is|are)\s+chosen", lowered)):
        return _who_in(unit, question, analysis, index, query_terms)
    return _what_in(unit, question)


def _nearest(unit: str, matches: list[re.Match[str]], query_terms: list[str], group: int = 0) -> str | None:
    """The candidate span closest to where the question's words occur in the sentence."""
    if not matches:
        return None
    lowered = unit.lower()
    anchors = [m.start() for t in query_terms for m in re.finditer(re.escape(t), lowered)] or [0]
    best = min(matches, key=lambda m: min(abs(m.start() - a) for a in anchors))
    return best.group(group).strip(" ,.")


def _who_in(unit: str, question: str, analysis: Analysis, index: int, query_terms: list[str]) -> str | None:
    asked = question.lower()
    verb = re.match(r"(?:who|whom|which \w+)\s+(?:did\s+(?P<subject>.+?)\s+)?(?P<verb>[a-z]+)", asked)
    if verb:
        stem = re.sub(r"(?:ing|ed|es|s)$", "", verb.group("verb"))
        stem = stem if len(stem) >= 3 else verb.group("verb")
        found = re.search(rf"\b{re.escape(stem)}\w*\b", unit)
        if found and stem not in {"was", "were", "is", "are", "has", "have", "had"}:
            after, before = unit[found.end() :], unit[: found.start()]
            if re.match(r"\s+by\s+", after):  # "owned by Yevgeny Prigozhin"
                return _first_name(after[after.index("by") + 2 :], analysis) or None
            if verb.group("subject"):  # "Who did Kenya summon?": the object
                obj = re.match(r"\s+((?:[A-Z][\w’'.-]*\s*)+(?:[a-z][\w-]*\s+){0,2}?[a-z][\w-]*?(?=[,.;]|\s+(?:on|in|at|after|over|for|to)\b))", after)
                if obj:
                    return obj.group(1).strip()
            else:  # "Who rejected the request?": the subject
                subject = _subject_before(before, analysis, index)
                if subject:
                    return subject
    candidates = []
    for match in _NAME_RUN.finditer(unit):
        run = match.group(0).rstrip(".").removesuffix("'s").removesuffix("’s")
        words = run.split()
        while words and words[0].lower() in {"the", "a", "an", "in", "on", "meanwhile", "however"}:
            words = words[1:]
        run = " ".join(words)
        if not run or run.lower() in asked or run.lower() in demonyms() or _CALENDAR.match(run) \
                or run.lower() in PRONOUNS or run.lower() in {"this", "that", "these", "those", "there"}:
            continue
        entity = analysis.entities.lookup(run)
        if entity is not None and any(a.lower() in asked for a in entity.aliases):
            continue
        candidates.append((match, entity.name if entity else run))
    if not candidates:
        claims = [c for c in analysis.claims if c.index == index]
        return _party(claims[0]) if claims else None
    lowered = unit.lower()
    anchors = [m.start() for t in query_terms for m in re.finditer(re.escape(t), lowered)] or [0]
    best = min(candidates, key=lambda pair: min(abs(pair[0].start() - a) for a in anchors))
    return best[1]


def _first_name(text: str, analysis: Analysis) -> str | None:
    match = _NAME_RUN.search(text)
    if not match or match.start() > 12:
        return None
    entity = analysis.entities.lookup(match.group(0).rstrip("."))
    return entity.name if entity else match.group(0).rstrip(".,")


def _subject_before(before: str, analysis: Analysis, index: int) -> str | None:
    """The doer named just before a verb: a name, or a pronoun resolved through the sentence's claim."""
    clause = re.split(r"[;,]\s+|\bthat\s+|\band\s+", before.strip())[-1].strip()
    clause = re.sub(r"\s+(?:has|have|had|also|on \w+|\w+day|will|would|was|were)$", "", clause).strip()
    if not clause:
        return None
    if clause.lower() in {"it", "he", "she", "they"}:
        claims = [c for c in analysis.claims if c.index == index]
        return _party(claims[0]) if claims else None
    entity = analysis.entities.resolve(clause, index)
    if entity is not None:
        return entity.name
    return clause if len(clause.split()) <= 8 and clause[:1].isupper() else None


def _what_in(unit: str, question: str) -> str:
    """The object of the question's verb in the sentence, else the sentence itself. The verb is
    usually the question's last word ("What deficit does the budget foresee?"), so look from the end."""
    words = [w for w in re.findall(r"[A-Za-z]+", question.lower()) if len(w) > 3]
    for word in reversed(words[1:]):
        stem = word[:5]
        found = re.search(rf"\b{re.escape(stem)}\w*\s+(?:(?:to|on|for|of|that|about)\s+)?([^,.;]+)", unit, re.IGNORECASE)
        if found and stem not in {"which", "where", "there"} and len(found.group(1).split()) >= 2:
            return found.group(1).strip()
    return unit
