"""Answers to questions about one article, by entity type, from its spaCy parse and its claims.

A question says what kind of span answers it: "how much" wants MONEY, "which city" a GPE, "who" the
PERSON or ORG that fills the role of the question's verb. So the answer is a short span of that type
from the sentence that best matches the question (IDF-weighted lemma overlap), never a sentence and
never a span of another type. Speech-act questions ("Who denied what?", "What did X deny?", "Who
described Y as …?") are answered from the Reading's claims. When the relevant sentences hold no span
of the right type the answer is None with a reason: abstaining is better than guessing.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from summarize.offline import nlp
from summarize.offline.reading import Claim, Reading
from summarize.records import Answer, Article

WH = {"who", "whom", "whose", "what", "when", "where", "which", "why", "how"}
_AUX = {"is", "are", "was", "were", "do", "does", "did", "has", "have", "had", "can", "could", "will", "would", "should"}
NAME_LABELS = {"PERSON", "ORG", "GPE", "LOC", "FAC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW"}
_GENERIC = {"do", "be", "have", "happen", "much", "many", "article", "story"}
#: Which entity labels answer which kind of question.
LABELS = {
    "money": ("MONEY",), "amount": ("MONEY", "PERCENT", "QUANTITY"), "count": ("CARDINAL", "QUANTITY"),
    "measure": ("QUANTITY", "PERCENT", "CARDINAL"), "duration": ("DATE", "TIME", "QUANTITY"),
    "age": ("DATE", "CARDINAL"), "percent": ("PERCENT",), "time": ("DATE", "TIME"), "place": ("GPE", "LOC", "FAC"),
    "org": ("ORG",), "press": ("ORG", "WORK_OF_ART"), "person": ("PERSON",), "agent": ("PERSON", "ORG"),
    "thing": tuple(sorted(NAME_LABELS | {"NORP"})),
}
_WHAT = {"money": "sum of money", "amount": "amount", "count": "number", "measure": "measurement", "duration": "duration",
         "age": "age", "percent": "percentage", "time": "date or time", "place": "place", "org": "organisation",
         "press": "publication", "person": "person", "agent": "person or organisation", "thing": "name"}
_NOUN_KIND = {
    **dict.fromkeys("fine value price cost sum fee salary prize penalty bill budget compensation damages payout bonus "
                    "wage revenue profit loss bribe funding investment tax debt".split(), "money"),
    **dict.fromkeys("city country town state region nation province capital village county place area district "
                    "venue stadium island continent location port".split(), "place"),
    **dict.fromkeys("group company firm broadcaster organisation organization agency bank club team party union "
                    "network channel station airline ministry department body regulator charity university "
                    "institution manufacturer retailer insurer brand studio website watchdog".split(), "org"),
    **dict.fromkeys("newspaper paper magazine journal publication tabloid daily outlet".split(), "press"),
    **dict.fromkeys("post job title position role office rank".split(), "title"),
    **dict.fromkeys("year day date month week".split(), "time"),
    **dict.fromkeys("time".split(), "duration"),
    **dict.fromkeys("percentage proportion rate".split(), "percent"),
    **dict.fromkeys("person man woman player minister official leader politician executive spokesman "
                    "spokeswoman judge manager coach athlete".split(), "person"),
    **dict.fromkeys("number total figure score amount".split(), "count"),
}
_MONEY_CUES = set("lose pay cost spend raise earn fine worth invest owe charge price fee salary money prize bribe sell "
                  "buy value budget fund compensation award wage revenue profit tax loan bid".split())
_STANCE_OF = {
    **dict.fromkeys("deny reject refute dismiss dispute rebut".split(), "denies"),
    **dict.fromkeys("accuse allege blame".split(), "accuses"),
    **dict.fromkeys("condemn criticise criticize denounce".split(), "condemns"),
    "confirm": "confirms", "report": "reports", "concern": "expresses_concern",
    **dict.fromkeys("say tell claim state insist argue warn announce add describe call".split(), "asserts"),
}
_NOUN_OF_STANCE = {"denies": "denial", "accuses": "accusation", "condemns": "condemnation", "confirms": "confirmation"}
_DESCRIBE = {"describe", "call", "dismiss", "brand", "label", "term", "characterise", "characterize", "hail"}
#: Words before a name that make a title ("Lt Col", "Chancellor"); honorifics (Mr, Dr) are not posts.
TITLE_WORDS = set("lt col gen maj capt sgt adm cpl brig cmdr lieutenant colonel general major captain sergeant admiral "
                  "president chancellor senator sen rep gov governor judge justice minister secretary chairman "
                  "chairwoman chair chief inspector supt det officer prof professor bishop archbishop pope king queen "
                  "prince princess mayor ambassador commissioner coach manager director sheriff attorney mp mep "
                  "premier speaker prosecutor editor spokesman spokeswoman ceo".split())
HONORIFICS = {"mr", "mrs", "ms", "miss", "dr", "sir", "dame", "lord", "lady", "mr.", "mrs.", "ms.", "dr."}
_QUALIFIERS = {"about", "around", "nearly", "almost", "over", "roughly", "approximately", "some", "more than",
               "less than", "fewer than", "up to", "at least", "as many as", "as much as"}
_CAUSES = ("because", "due", "owing", "citing", "amid", "after", "over")


@dataclass
class _Ask:
    """The question, parsed: its wh word, the kind of span it wants and the words it looks for."""

    text: str
    doc: Doc
    wh: str
    kind: str
    noun: Token | None  # the type noun ("which *city*") or the counted noun ("how many *people*")
    verb: Token | None
    lemmas: list[str]
    object_role: bool  # "Who did Kenya summon?": the wh word is the verb's object


def answer_question(reading: Reading, article: Article, question: str) -> Answer:
    """Answer ``question`` about ``article`` from its ``reading``."""
    q = " ".join(question.split())
    first = q.split()[0].lower().strip("?,") if q else ""
    if not (first in WH or first in _AUX or q.endswith("?")):
        return Answer(q, None, [], reason="not a question: ask with who, what, when, where, which, how or why", confidence=0.0)
    if not reading.units:
        return Answer(q, None, [], reason="the article has no sentences", confidence=0.0)
    ask = _read(q)
    missing = _unknown_name(ask.doc, reading)
    if missing:
        return Answer(q, None, [], reason=f"the article does not mention {missing}", confidence=0.9)
    for route in (_canned, _speech_act, _title):
        found = route(ask, reading, article)
        if found is not None:
            return found
    return _typed(ask, reading)


def _read(q: str) -> _Ask:
    doc = nlp.parse(q)
    wh_tok = next((t for t in doc[:3] if t.lower_ in WH), None)
    wh = wh_tok.lower_ if wh_tok is not None else ""
    verbs = [t for t in doc if t.pos_ == "VERB" and t.lemma_ not in ("be", "do", "have")]
    verb = next((t for t in verbs if t.dep_ == "ROOT"), verbs[0] if verbs else None)
    lemmas = [t.lemma_.lower() for t in doc if _content(t) and t.lower_ not in WH and t.lemma_.lower() not in _GENERIC]
    kind, noun = _kind(doc, wh_tok)
    after = doc[wh_tok.i + 1] if wh_tok is not None and wh_tok.i + 1 < len(doc) else None
    passive = verb is not None and any(c.dep_ == "auxpass" for c in verb.children)
    object_role = wh in {"who", "whom"} and (passive or (after is not None and after.lemma_ == "do"))
    return _Ask(q, doc, wh, kind, noun, verb, lemmas, object_role)


def _kind(doc: Doc, wh_tok: Token | None) -> tuple[str, Token | None]:
    """The kind of span the question wants, and the noun that says so."""
    if wh_tok is None:
        return "what", None
    wh, rest = wh_tok.lower_, doc[wh_tok.i + 1 :]
    nxt = rest[0].lower_ if len(rest) else ""
    if wh == "how":
        if nxt == "much":
            return ("money" if any(t.lemma_.lower() in _MONEY_CUES for t in doc) else "amount"), None
        if nxt == "many":
            many = rest[0]
            of = [c for p in many.children if p.lower_ == "of" for c in p.children if c.dep_ == "pobj"]
            return "count", (many.head if many.head.pos_ == "NOUN" else of[0] if of else None)
        return {"long": "duration", "old": "age"}.get(nxt, "measure" if rest and rest[0].pos_ in ("ADJ", "ADV") else "how"), None
    if wh in {"when", "where", "why"}:
        return {"when": "time", "where": "place", "why": "why"}[wh], None
    if wh in {"who", "whom", "whose"}:
        names = [t for t in rest if t.pos_ == "PROPN" or t.tag_ == "POS" or t.is_punct]
        is_who_x = len(rest) > 1 and rest[0].lemma_ == "be" and len(names) == len(rest) - 1
        return ("title" if is_who_x else "agent"), None
    noun = None
    if len(rest) and rest[0].lemma_ == "be":  # "What is the estimated cost of …?", "What is X's job?"
        head = next((t for t in rest[1:] if t.pos_ == "NOUN" and not any(c.dep_ == "case" for c in t.children)), None)
        chunk = next((c for c in doc.noun_chunks if head is not None and c.start <= head.i < c.end), None)
        noun = chunk.root if chunk is not None and chunk.root.pos_ == "NOUN" else head
    else:
        for t in rest:
            if t.pos_ not in ("NOUN", "PROPN", "ADJ"):
                break
            noun = t if t.pos_ == "NOUN" else noun
    kind = _NOUN_KIND.get(noun.lemma_.lower(), "thing") if noun is not None else "what"
    if kind == "title" and not _names(doc):
        kind = "thing"
    return kind, noun


def _content(t: Token) -> bool:
    return not (t.is_stop or t.is_punct or t.is_space or t.tag_ == "POS")


def _names(doc: Doc) -> list[Span]:
    """Proper names in a question: its named entities, and runs of proper nouns outside them."""
    spans = [e for e in doc.ents if e.label_ in NAME_LABELS]
    taken = {i for e in doc.ents for i in range(e.start, e.end)}
    start = None
    for t in list(doc) + [None]:
        inside = t is not None and t.pos_ == "PROPN" and t.i not in taken and t.lower_ not in WH
        if inside and start is None:
            start = t.i
        elif not inside and start is not None:
            spans.append(doc[start : t.i if t is not None else len(doc)])
            start = None
    return spans


def _surname(span: Span) -> str:
    words = [t.text for t in span if not t.is_punct and t.tag_ != "POS" and t.lower_ not in HONORIFICS]
    return words[-1] if words else span.text


def _unknown_name(doc: Doc, reading: Reading) -> str | None:
    """A name in the question the article never uses (not even its surname): an answer would be a guess."""
    text = reading.doc.text.lower()
    words = {t.lower_ for t in reading.doc}
    forms = {f.lower() for p in reading.parties for f in [p.name, *p.forms]}
    for span in _names(doc):
        name = " ".join(t.text for t in span if t.tag_ != "POS").strip()
        if name.lower() not in text and _surname(span).lower() not in words and name.lower() not in forms:
            return name
    return None


def _rank(ask: _Ask, reading: Reading, lemmas: list[str] | None = None) -> list[tuple[int, float]]:
    """Units by IDF-weighted overlap with the question's content lemmas; the first has coverage attached."""
    bags = [{t.lemma_.lower() for t in unit if _content(t)} for unit in reading.units]
    df = Counter(lemma for bag in bags for lemma in bag)
    wanted = set(lemmas if lemmas is not None else ask.lemmas)
    idf = {lemma: math.log(1 + len(bags) / (df[lemma] or 0.5)) for lemma in wanted}
    scored = [(i, sum(idf[lemma] for lemma in wanted & bag) / (sum(idf.values()) or 1)) for i, bag in enumerate(bags)]
    return sorted((s for s in scored if s[1] > 0), key=lambda s: (-s[1], s[0]))


def _quoted(unit: Span) -> set[int]:
    """Token indices inside quotation marks: a date or a place inside a quote is the speaker's."""
    inside, out, opened = False, set(), False
    for t in unit:
        if t.is_quote:
            opened = (t.text in "“‘") or (t.text not in "”’" and not inside)
            inside = opened
            continue
        if inside:
            out.add(t.i)
    return out


def _canonical(text: str, reading: Reading) -> str:
    party = next((p for p in reading.parties if text == p.name or text in p.forms), None)
    return party.name if party is not None else text


def _canned(ask: _Ask, reading: Reading, article: Article) -> Answer | None:
    """The questions every article gets: what happened, who was involved, when and where it happened."""
    plain = ask.text.lower().rstrip("?").strip()
    lede = reading.units[0]
    if plain in {"what happened", "what is this about", "what is the article about", "what is the story about", "what is the news"}:
        return Answer(ask.text, reading.texts[0], [reading.texts[0]], confidence=0.7)
    if plain in {"who was involved", "who is involved", "who were involved", "who are involved"}:
        return _involved(ask, reading)
    if plain in {"when did it happen", "when did this happen", "when did that happen"}:
        quoted = _quoted(lede)
        for ent in lede.ents:
            before = reading.doc[ent.start - 1].lower_ if ent.start > lede.start else ""
            if ent.label_ in ("DATE", "TIME") and ent.start not in quoted and before not in {"by", "until", "since", "before", "from"}:
                dated = f" (article dated {article.date})" if article.date else ""
                return Answer(ask.text, ent.text + dated, [reading.texts[0]], confidence=0.6)
        if article.date:
            return Answer(ask.text, article.date, [], confidence=0.5)
        return Answer(ask.text, None, [], reason="the article gives no date or time for the event", confidence=0.5)
    if plain in {"where did it happen", "where did this happen", "where did that happen"}:
        if article.dateline:
            return Answer(ask.text, article.dateline.split(",")[0].strip(), [], confidence=0.6)
        for number, unit in enumerate(reading.units):
            quoted = _quoted(unit)
            place = next((e for e in unit.ents if e.label_ in LABELS["place"] and e.start not in quoted), None)
            if place is not None:
                return Answer(ask.text, place.text, [reading.texts[number]], confidence=0.6 if number == 0 else 0.4)
        return Answer(ask.text, None, [], reason="the article does not say where it happened", confidence=0.5)
    return None


def _involved(ask: _Ask, reading: Reading) -> Answer:
    """The parties that speak or are named most, resolved names only (never "a spokesman")."""
    counts: Counter[str] = Counter(c.party for c in reading.claims if c.party)
    counts = Counter({k: 2 * v for k, v in counts.items()})
    if reading.parties:
        for party in reading.parties:
            if party.label in {"PERSON", "ORG", "GPE"}:
                counts[party.name] += sum(reading.doc.text.count(f) for f in set(party.forms) | {party.name})
    else:
        counts.update(e.text for e in reading.doc.ents if e.label_ in {"PERSON", "ORG", "GPE"})
    top = [name for name, _ in counts.most_common(5)]
    if not top:
        return Answer(ask.text, None, [], reason="the article names no parties", confidence=0.5)
    evidence = [t for t in reading.texts if any(name in t for name in top)][:2]
    return Answer(ask.text, ", ".join(top), evidence, confidence=0.6)


def _speech_act(ask: _Ask, reading: Reading, article: Article) -> Answer | None:
    """Who denied what, what X denied or said, who said or described something, how X described Y."""
    verb = next((t for t in ask.doc if t.pos_ == "VERB" and t.lemma_.lower() in _STANCE_OF), None)
    if ask.wh == "how" and verb is not None and verb.lemma_.lower() in _DESCRIBE:
        return _described(ask, reading, verb)
    concern = any(t.lemma_.lower() in {"concern", "worry"} for t in ask.doc)
    if verb is None and not concern:
        return None
    stance = "expresses_concern" if concern else _STANCE_OF[verb.lemma_.lower()]
    fits = [c for c in reading.claims if stance == "asserts" or c.stance == stance]
    listing = ask.wh == "who" and any(t.lower_ == "what" for t in ask.doc[1:])
    if listing:
        if not fits:
            return Answer(ask.text, None, [], reason=f"the article reports no {_NOUN_OF_STANCE.get(stance, 'such statement')}", confidence=0.8)
        grouped: dict[str, list[Claim]] = {}
        for claim in fits:
            grouped.setdefault(claim.party or claim.speaker, []).append(claim)
        lines = [f"{party}: " + "; ".join(dict.fromkeys(c.content for c in items)) for party, items in grouped.items()]
        return Answer(ask.text, "\n".join(lines), list(dict.fromkeys(c.sentence for c in fits)), confidence=0.85)
    rest = [t.lemma_.lower() for t in ask.doc if verb is None or t.i > verb.i]
    rest = [lemma for lemma in rest if lemma in ask.lemmas]
    if ask.wh == "what" and ask.kind == "what" and verb is not None:
        subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subject is None:
            return None
        key = _surname(ask.doc[subject.left_edge.i : subject.i + 1]).lower()
        mine = [c for c in fits if any(key in (s or "").lower() for s in (c.party, c.speaker, c.mention))]
        if not mine:
            return None
        best = _best_claims(mine, rest, reading)
        return Answer(ask.text, "; ".join(dict.fromkeys(c.content for c in best)), list(dict.fromkeys(c.sentence for c in best)), confidence=0.8)
    if ask.kind in {"agent", "person", "org", "press"} and not ask.object_role and fits:
        lemma = verb.lemma_.lower() if verb is not None else ""
        same_verb = [c for c in fits if c.verb and nlp.parse(c.verb)[0].lemma_.lower() == lemma] or fits
        best = _best_claims(same_verb, rest, reading, require=bool(rest))
        if best:
            return Answer(ask.text, best[0].party or best[0].speaker, [best[0].sentence], confidence=0.75)
    return None


def _best_claims(claims: list[Claim], lemmas: list[str], reading: Reading, require: bool = False) -> list[Claim]:
    """The claims whose sentence best matches ``lemmas`` (all of them when nothing is asked about)."""
    if not lemmas:
        return claims
    scores = [len(set(lemmas) & {t.lemma_.lower() for t in nlp.parse(c.sentence) if _content(t)}) for c in claims]
    top = max(scores)
    if top == 0:
        return [] if require else claims
    return [c for c, s in zip(claims, scores) if s == top]


def _described(ask: _Ask, reading: Reading, verb: Token) -> Answer | None:
    """"How did X describe Y?": the phrase after "as" (or the object complement of "called")."""
    for number, _ in _rank(ask, reading)[:4]:
        for t in reading.units[number]:
            if t.lemma_.lower() not in _DESCRIBE:
                continue
            target = [g for c in t.children if c.lower_ == "as" for g in c.children if g.dep_ == "pobj"]
            target += [c for c in t.children if c.dep_ in ("oprd", "xcomp")]
            if target:
                span = _compact(target[0], limit=12)
                return Answer(ask.text, span.strip(" \"“”‘’,."), [reading.texts[number]], confidence=0.75)
    return None


def _title(ask: _Ask, reading: Reading, article: Article) -> Answer | None:
    """"What post does X hold?": X's apposition ("the company's chief executive"), the complement of
    "X is …", or the title words before the name ("Lt Col", "Trade Secretary")."""
    if ask.kind != "title":
        return None
    names = sorted(_names(ask.doc), key=lambda n: n.label_ not in ("PERSON", ""))
    surname, asked = _surname(names[0]), {t.lower_ for t in names[0]}
    doc = reading.doc
    for t in doc:
        if t.text != surname or t.pos_ != "PROPN":
            continue
        found = None
        appos = [c for c in t.children if c.dep_ == "appos" and c.pos_ == "NOUN"]
        attr = [c for c in t.head.children if c.dep_ == "attr"] if t.dep_ == "nsubj" and t.head.lemma_ == "be" else []
        if appos or attr:
            found = _compact((appos or attr)[0], limit=10)
        elif t.dep_ == "appos" and t.head.pos_ == "NOUN":
            found = doc[t.head.left_edge.i : t.head.i + 1].text
        else:
            left = t.i
            while left > 0 and doc[left - 1].pos_ in ("PROPN", "NOUN", "CCONJ") and doc[left - 1].dep_ in ("compound", "nmod", "cc", "conj", "amod"):
                left -= 1
            marks = [i for i in range(left, t.i) if doc[i].lower_.rstrip(".") in TITLE_WORDS or (doc[i].pos_ == "NOUN" and doc[i].is_lower)]
            while marks and left < marks[-1] and (doc[left].lower_ in HONORIFICS or doc[left].pos_ == "CCONJ"):
                left += 1
            if marks and doc[left].lower_ not in asked:
                found = doc[left : marks[-1] + 1].text
        if found:
            return Answer(ask.text, found.strip(" ,"), [reading.texts[reading.unit_of(t.i)]], confidence=0.7)
    return Answer(ask.text, None, [], reason=f"the article gives no post or title for {names[0].text}", confidence=0.6)


def _compact(token: Token, limit: int = 10) -> str:
    """``token``'s phrase, dropping trailing clauses (relative, adverbial, appositive) until it is short."""
    drop = [c for c in token.rights if c.dep_ in ("relcl", "acl", "advcl", "appos", "conj", "cc", "punct")]
    end = min([c.left_edge.i for c in drop] + [token.right_edge.i + 1])
    span = token.doc[token.left_edge.i : end]
    while len(span) > limit and any(c.i < span.end for c in token.rights if c.dep_ == "prep"):
        last = max(c for c in token.rights if c.dep_ == "prep" and c.i < span.end)
        span = token.doc[span.start : last.i]
    return span.text.strip(" ,;:")


def _typed(ask: _Ask, reading: Reading) -> Answer:
    """The span of the asked type in the best-matching sentences, else None with the reason."""
    ranked = _rank(ask, reading)
    if not ranked or ranked[0][1] < 0.25:
        return Answer(ask.text, None, [], reason="no sentence in the article answers this", confidence=0.6)
    top = ranked[:4]
    if ask.kind in {"what", "thing", "how"}:  # no entity type: the object of the question's verb, or the asked noun
        for number, score in top:
            found = _object(ask, reading.units[number])
            if found:
                return Answer(ask.text, found, [reading.texts[number]], confidence=round(0.3 + 0.5 * score, 2))
        if ask.kind != "thing":
            return Answer(ask.text, None, [reading.texts[top[0][0]]], reason="the most relevant sentences do not say", confidence=0.4)
    if ask.kind == "why":
        for number, score in top:
            found = _cause(reading.units[number])
            if found:
                return Answer(ask.text, found, [reading.texts[number]], confidence=round(0.3 + 0.5 * score, 2))
        return Answer(ask.text, None, [reading.texts[top[0][0]]], reason="the most relevant sentences give no reason", confidence=0.4)
    if ask.kind in {"agent", "person", "org", "press"} and ask.verb is not None:
        for number, score in top:
            found = _role(ask, reading.units[number], reading)
            if found:
                return Answer(ask.text, found, [reading.texts[number]], confidence=round(0.4 + 0.5 * score, 2))
    for allow_quoted in (False, True):
        for number, score in top:
            found = _entity(ask, reading.units[number], allow_quoted)
            if found:
                return Answer(ask.text, _canonical(found, reading), [reading.texts[number]], confidence=round(0.4 + 0.5 * score, 2))
    return Answer(ask.text, None, [reading.texts[top[0][0]]], reason=f"the most relevant sentences name no {_WHAT[ask.kind]}", confidence=0.5)


def _entity(ask: _Ask, unit: Span, allow_quoted: bool) -> str | None:
    """The entity of the asked type in ``unit``, closest to (or governed by) the words the question shares."""
    labels, quoted, asked = LABELS[ask.kind], _quoted(unit), ask.text.lower()
    words = {t.lower_ for t in ask.doc}
    spans = [e for e in unit.ents if e.label_ in labels]
    if ask.kind == "count":  # numbers the recognizer missed
        spans += [unit.doc[t.i : t.i + 1] for t in unit if t.pos_ == "NUM" and not t.ent_type_ and t.like_num]
    spans = [s for s in spans if not _in_question(s, words)]
    spans = [s for s in spans if allow_quoted or s.start not in quoted]
    if not spans:
        return None
    anchors = [t for t in unit if t.lemma_.lower() in ask.lemmas] or [unit[0]]

    def key(span: Span) -> tuple:
        governed = any(a in span.root.ancestors for a in anchors)
        distance = min(abs(span.root.i - a.i) for a in anchors)
        fit = _count_fit(ask, span) if ask.kind == "count" else 0
        near_noun = ask.noun is not None and any(t.lemma_ == ask.noun.lemma_ for t in unit.doc[max(unit.start, span.start - 3) : span.end + 3])
        return (-fit, not near_noun, not governed, distance)

    best = min(spans, key=key)
    if ask.kind == "count" and ask.noun is not None and key(best)[0] == 0:
        return None  # a number of something else
    return _with_qualifier(best, ask.kind)


def _in_question(span: Span, words: set[str]) -> bool:
    """Whether the question itself names ``span`` (its number, or all its content words)."""
    content = [t.lower_ for t in span if _content(t) or t.like_num]
    return any(t.like_num and t.lower_ in words for t in span) or bool(content) and all(w in words for w in content)


def _count_fit(ask: _Ask, span: Span) -> int:
    """How well a number fits "how many N … V": its noun is N (2), its verb is V (1)."""
    number = span.root
    of = [g for c in number.children if c.lower_ == "of" for g in c.children if g.dep_ == "pobj"]
    noun = number.head if number.dep_ == "nummod" else of[0] if of else number if number.pos_ == "NOUN" else None
    verb = next((a for a in number.ancestors if a.pos_ == "VERB"), None)
    fit = 2 * bool(noun is not None and ask.noun is not None and noun.lemma_.lower() == ask.noun.lemma_.lower())
    return fit + bool(verb is not None and ask.verb is not None and verb.lemma_ == ask.verb.lemma_)


def _with_qualifier(span: Span, kind: str) -> str:
    """The entity with a qualifier spaCy left outside ("more than" $380,000), without "only"; a counted
    number with its noun ("six counts")."""
    doc, start, end = span.doc, span.start, span.end
    for width in (3, 2, 1):
        if start - width >= span.sent.start and doc[start - width : start].text.lower() in _QUALIFIERS:
            start -= width
            break
    while start < end - 1 and doc[start].lower_ in {"only", "just", "mere"}:
        start += 1
    root = span.root
    if kind == "count" and root.dep_ == "nummod" and 0 < root.head.i - end + 1 <= 4:
        end = root.head.i + 1
    return doc[start:end].text


def _role(ask: _Ask, unit: Span, reading: Reading) -> str | None:
    """Who fills the question's role in ``unit``: the subject (or "by" agent) of the same verb, or its
    object for "Who did X summon?"; a name, a resolved pronoun, or a short noun phrase."""
    lemma = ask.verb.lemma_.lower()
    for verb in unit:
        if verb.lemma_.lower() != lemma or verb.pos_ != "VERB":
            continue
        if ask.object_role:
            filler = next((c for c in verb.children if c.dep_ in ("dobj", "nsubjpass")), None)
        else:
            filler = next((g for c in verb.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"), None)
            head = verb
            while filler is None and head is not None:
                filler = next((c for c in head.children if c.dep_ == "nsubj"), None)
                head = head.head if head.dep_ in ("conj", "xcomp") and head.head is not head else None
            if filler is not None and filler.tag_ in ("WDT", "WP") and verb.dep_ == "relcl":
                filler = verb.head
        name = _name(filler, unit, reading) if filler is not None else None
        if name and (ask.kind == "agent" or _label_of(filler) in LABELS[ask.kind]):
            return name
    return None


def _label_of(token: Token) -> str:
    return token.ent_type_ or ""


def _name(token: Token, unit: Span, reading: Reading) -> str | None:
    """A readable name for a role filler: its entity, its resolved referent, or a short noun phrase."""
    ent = next((e for e in unit.ents if e.start <= token.i < e.end), None)
    if ent is not None and ent.label_ in NAME_LABELS | {"NORP"}:
        return _canonical(ent.text.removesuffix("'s").removesuffix("’s"), reading)
    if token.pos_ == "PRON":
        referent = token._.refers_to if Token.has_extension("refers_to") else None
        if referent is not None:
            return _canonical(getattr(referent, "name", None) or getattr(referent, "text", None) or str(referent), reading)
        claim = next((c for c in reading.claims if c.mention_span[0] <= token.i < c.mention_span[1]), None)
        return claim.party or claim.speaker if claim is not None else None
    if token.pos_ in ("NOUN", "PROPN"):
        appos = next((c for c in token.children if c.dep_ == "appos" and c.ent_type_ in ("PERSON", "ORG")), None)
        if appos is not None:
            return _name(appos, unit, reading)
        phrase = _compact(token, limit=10)
        return phrase if len(phrase.split()) <= 10 else None
    return None


def _object(ask: _Ask, unit: Span) -> str | None:
    """For "what" questions: the object of the question's verb, or the phrase of the asked noun."""
    for t in unit:
        if ask.verb is not None and t.lemma_ == ask.verb.lemma_ and t.pos_ == "VERB":
            obj = next((c for c in t.children if c.dep_ in ("ccomp", "dobj", "xcomp", "attr")), None)
            if obj is not None:
                start = min([obj.left_edge.i] + [c.i for c in obj.children if c.dep_ == "mark"])
                text = unit.doc[start : obj.right_edge.i + 1].text if obj.dep_ == "ccomp" else _compact(obj, limit=12)
                if len(text.split()) <= 15:
                    return text.strip(" ,.;:\"“”")
        if ask.noun is not None and t.lemma_ == ask.noun.lemma_ and t.pos_ == "NOUN" and t.i - t.left_edge.i < 5:
            phrase = _compact(t, limit=12)
            if phrase.lower() not in ask.text.lower() and any(u.ent_type_ or u.like_num for u in t.subtree):
                return phrase
    return None


def _cause(unit: Span) -> str | None:
    """For "why": a "because …" clause or a "due to / amid / over …" phrase."""
    for word in _CAUSES:
        for t in unit:
            if t.lower_ == word and t.dep_ in ("mark", "prep", "amod", "advmod"):
                end = t.head.right_edge.i + 1 if t.dep_ == "mark" else t.right_edge.i + 1
                text = unit.doc[t.i : end].text
                if len(text.split()) > 1:
                    return text.strip(" ,.;")
    return None
