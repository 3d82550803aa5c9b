"""Answers to questions about one article, by entity type, from its spaCy parse and its claims.

A question says what kind of span answers it: "how much" wants MONEY, "which city" a GPE, "who" the
PERSON or ORG that fills the role of the question's verb. So the answer is a short span of that kind
from the sentences that best match the question (IDF-weighted lemma overlap), never a whole sentence
and never a span of another kind. Speech-act questions ("Who denied what?", "What did X deny?", "Who
described Y as …?") are answered from the Reading's claims. When the relevant sentences hold no span
of the right kind the answer is None with a reason: abstaining is better than guessing.
"""

from __future__ import annotations

from collections import Counter

from spacy.tokens import Span, Token

from summarize.offline.asking import (
    AUX, CURRENCIES, HONORIFICS, KINDS, NAMES, NOUN_KIND, WH, Ask, canonical, content_word, make_answer, names_in,
    phrase, quoted_in, rank, read_question, roles, surname, unknown_name,
)
from summarize.offline.reading import Reading
from summarize.offline.speech import answer_speech, name_of
from summarize.records import Answer, Article

_QUALIFIERS = {"about", "around", "nearly", "almost", "over", "roughly", "approximately", "some", "more than",
               "less than", "fewer than", "up to", "at least", "as many as", "as much as", "an estimated"}
_CAUSES = ("because", "due", "owing", "citing", "amid", "after", "over")
_CANNED = {**dict.fromkeys(("what happened", "what is this about", "what is the article about", "what is the story about"), "lede"),
           **{f"who {be} involved": "involved" for be in ("was", "is", "were", "are")},
           **{f"{wh} did {it} happen": wh for wh in ("when", "where") for it in ("it", "this", "that")}}


def answer_question(reading: Reading, article: Article, question: str) -> Answer:
    """Answer ``question`` about ``article`` from its ``reading``."""
    q = " ".join(question.split())
    if not ((q.split() or [""])[0].lower().strip("?,") in WH | AUX or q.endswith("?")):
        return Answer(q, None, [], reason="not a question: ask with who, what, when, where, which, how or why", confidence=0.0)
    if not reading.units:
        return Answer(q, None, [], reason="the article has no sentences", confidence=0.0)
    ask = read_question(q)
    missing = unknown_name(ask.doc, reading)
    if missing:
        return Answer(q, None, [], reason=f"the article does not mention {missing}", confidence=0.9)
    for route in (_canned, _speech, _holder, _title):
        found = route(ask, reading, article)
        if found is not None:
            return found
    return _typed(ask, reading)


def _speech(ask: Ask, reading: Reading, article: Article) -> Answer | None:
    return answer_speech(ask, reading)


def _canned(ask: Ask, reading: Reading, article: Article) -> Answer | None:
    """What happened, who was involved, when or where "it" happened (the lede, else the date or dateline; never "by 2007")."""
    what = _CANNED.get(ask.text.lower().rstrip("?").strip())
    if what == "lede":
        return Answer(ask.text, reading.texts[0], [reading.texts[0]], confidence=0.7)
    if what == "involved":
        return _involved(ask, reading)
    if what == "where" and article.dateline:
        return Answer(ask.text, article.dateline.split(",")[0].strip(), [], confidence=0.6)
    for number, unit in enumerate(reading.units[:1] if what == "when" else reading.units if what else []):
        quoted = quoted_in(unit)
        for ent in (e for e in unit.ents if e.start not in quoted and e.label_ in KINDS["time" if what == "when" else "place"][0]):
            if what == "where" or reading.doc[max(unit.start, ent.start - 1)].lower_ not in {"by", "until", "since", "before", "from"}:
                dated = f" (article dated {article.date})" if what == "when" and article.date else ""
                return Answer(ask.text, ent.text + dated, [reading.texts[number]], confidence=0.6 if number == 0 else 0.4)
    if what == "when" and article.date:
        return Answer(ask.text, article.date, [], confidence=0.5)
    if what:
        reason = "the article gives no date or time for the event" if what == "when" else "the article does not say where it happened"
        return Answer(ask.text, None, [], reason=reason, confidence=0.5)
    return None


def _involved(ask: Ask, reading: Reading) -> Answer:
    """The parties that speak or are named most, resolved names only (never "a spokesman")."""
    counts = Counter({name: 2 * n for name, n in Counter(c.party for c in reading.claims if c.party).items()})
    for party in (p for p in reading.parties if p.label in {"PERSON", "ORG", "GPE"}):
        counts[party.name] += reading.mentions[party.name]
    counts.update([] if reading.parties else [e.text for e in reading.doc.ents if e.label_ in {"PERSON", "ORG", "GPE"}])
    top = [name for name, _ in counts.most_common(5)]
    if not top:
        return Answer(ask.text, None, [], reason="the article names no parties", confidence=0.5)
    return Answer(ask.text, ", ".join(top), [t for t in reading.texts if any(n in t for n in top)][:2], confidence=0.6)


def _holder(ask: Ask, reading: Reading, article: Article) -> Answer | None:
    """"Who is BA's chief executive?": the PERSON with that post as title, apposition or "X is the …"."""
    role = next((t.lower_ for t in reversed(ask.doc[2:]) if t.lower_ in roles()), None)
    if ask.wh != "who" or len(ask.doc) < 3 or ask.doc[1].lemma_ != "be" or role is None:
        return None
    for number, score in rank(ask, reading)[:6]:
        for t in (t for t in reading.units[number] if t.lower_ == role):
            linked = ([t.head] if t.dep_ in ("compound", "appos") else []) + [c for c in t.children if c.dep_ == "appos"] + [t]
            linked += [c for c in t.head.children if c.dep_ == "nsubj"] if t.dep_ == "attr" and t.head.lemma_ == "be" else []
            ent = next((e for c in linked for e in reading.units[number].ents if e.label_ == "PERSON" and e.start <= c.i < e.end), None)
            bare = next((c for c in linked if c.pos_ == "PROPN" and not c.ent_type_ and c != t), None)  # a name the recognizer missed
            if ent is None and bare is not None:
                ent = reading.doc[min([bare.i] + [c.i for c in bare.lefts if c.dep_ == "compound"]) : bare.i + 1]
            if ent is not None:
                name = reading.doc[max(ent.start, t.i + 1) if t.i < ent.end else ent.start : ent.end].text.removesuffix("'s")
                return make_answer(ask, canonical(name, reading), reading, number, score, 0.5)
    return None


def _title(ask: Ask, reading: Reading, article: Article) -> Answer | None:
    """"What post does X hold?": X's apposition ("the firm's chief executive"), "X is …", or its title ("Lt Col")."""
    if ask.kind != "title":
        return None
    name = sorted(names_in(ask.doc), key=lambda n: n.label_ not in ("PERSON", ""))[0]
    last, asked, doc = surname(name), {t.lower_ for t in name}, reading.doc
    for t in (t for t in doc if t.text == last and t.pos_ == "PROPN"):
        appos = [c for c in t.children if c.dep_ == "appos" and c.pos_ == "NOUN"]
        attr = [c for c in t.head.children if c.dep_ == "attr"] if t.dep_ == "nsubj" and t.head.lemma_ == "be" else []
        found = phrase((appos or attr)[0], 10) if appos or attr else None
        if found is None and t.dep_ == "appos" and t.head.pos_ == "NOUN":
            found = doc[t.head.left_edge.i : t.head.i + 1].text
        elif found is None:  # title words before the name, up to the last one that is a post
            left = t.i
            while left > 0 and doc[left - 1].pos_ in ("PROPN", "NOUN", "CCONJ") and doc[left - 1].dep_ in ("compound", "nmod", "cc", "conj", "amod"):
                left -= 1
            marks = [i for i in range(left, t.i) if doc[i].lower_.rstrip(".") in roles() or (doc[i].pos_ == "NOUN" and doc[i].is_lower)]
            while marks and left < marks[-1] and (doc[left].lower_.rstrip(".") in HONORIFICS or doc[left].pos_ == "CCONJ"):
                left += 1
            found = doc[left : marks[-1] + 1].text if marks and doc[left].lower_ not in asked else None
        if found:
            return Answer(ask.text, found.strip(" ,"), [reading.texts[reading.unit_of(t.i)]], confidence=0.7)
    return Answer(ask.text, None, [], reason=f"the article gives no post or title for {name.text}", confidence=0.6)


def _typed(ask: Ask, reading: Reading) -> Answer:
    """The span of the asked kind in the best-matching sentences, else None with the reason."""
    ranked = rank(ask, reading)
    if not ranked or max(s for _, s in ranked) < 0.25:
        return Answer(ask.text, None, [], reason="no sentence in the article answers this", confidence=0.6)
    top = ranked[:5] if ask.speaker else ranked[:4]
    subject = ask.noun is not None and ask.verb is not None and ask.noun.dep_ in ("nsubj", "nsubjpass") and \
        not any(t.lemma_ == "do" for t in ask.doc[ask.noun.i : ask.verb.i])  # "What deficit does the budget foresee?": object
    if ask.kind in {"what", "how", "why"} or (ask.kind == "thing" and not subject):  # the verb's object, the asked noun, the cause
        for number, score in top:
            found = _cause(reading.units[number]) if ask.kind == "why" else _object(ask, reading.units[number], reading)
            if found:
                return make_answer(ask, found, reading, number, score, 0.3)
        if ask.kind != "thing":
            reason = "the most relevant sentences give no reason" if ask.kind == "why" else "the most relevant sentences do not say"
            return Answer(ask.text, None, [reading.texts[top[0][0]]], reason=reason, confidence=0.4)
    verb_absent = ask.verb is not None and ask.noun is not None and not any(t.lemma_ == ask.verb.lemma_ for t in reading.doc)
    roles = ask.verb is not None and (ask.kind in {"agent", "person", "org", "press"} or (ask.kind == "thing" and subject))
    # The role of the question's verb, then an entity of the kind, in the sentences nearly as good as the
    # best; then the same in the rest ("The women's race went to X" beats "Y won the men's race").
    strong = [(n, s) for n, s in top if s >= 0.75 * top[0][1]]
    for group in (strong, [u for u in top if u not in strong]):
        for allow_quoted in (False, True):
            for finder in ((_role,) if roles and not allow_quoted else ()) + (_entity,):
                for number, score in group:
                    found = finder(ask, reading.units[number], reading, allow_quoted, verb_absent)
                    if found:
                        return make_answer(ask, canonical(found, reading), reading, number, score)
    return Answer(ask.text, None, [reading.texts[top[0][0]]], reason=f"the most relevant sentences name no {KINDS[ask.kind][1]}", confidence=0.5)


def _entity(ask: Ask, unit: Span, reading: Reading, allow_quoted: bool, verb_absent: bool) -> str | None:
    """The entity of the asked kind governed by the question's verb, else closest to its words; never one it names."""
    labels, quoted, doc = KINDS[ask.kind][0], quoted_in(unit), unit.doc
    words = {t.lower_ for t in ask.doc} | {t.text for t in ask.doc if t.pos_ == "PROPN"}
    # An entity that a noun of the asked kind modifies is one whatever its label ("the Hollis Gazette newspaper").
    spans = [e for e in unit.ents if e.label_ in labels or e.label_ in NAMES and _of_kind(e.root, ask.kind, modified=True)]
    if ask.kind in {"money", "amount"}:  # "£75m" (the recognizer says "75"), "14.6 billion euros" (it says CARDINAL)
        money = [_money(e) for e in unit.ents if e.label_ in ("MONEY", "CARDINAL")]
        spans = [s for s in spans if s.label_ not in ("MONEY", "CARDINAL")] + \
            [m for m in money if any(t.tag_ == "$" or t.lemma_.lower() in CURRENCIES for t in m)]
    if ask.kind == "count":  # numbers the recognizer missed, or called a time ("100 hours")
        spans += [doc[t.i : t.i + 1] for t in unit if t.pos_ == "NUM" and not t.ent_type_ and t.like_num]
        spans += [e for e in unit.ents if e.label_ in ("DATE", "TIME") and ask.noun is not None and any(t.lemma_ == ask.noun.lemma_ for t in e)]
    if ask.kind in ("duration", "age"):  # "four weeks", "35-year-old", not "Monday"
        spans = [s for s in spans if any(t.like_num for t in s)]
    if verb_absent:  # the article never uses the question's verb: only an entity named as the asked noun will do
        spans = [s for s in spans if any(_of_kind(t, ask.kind) for t in doc[max(unit.start, s.start - 3) : min(unit.end, s.end + 3)])]
    spans = [s for s in spans if not _in_question(s, words) and (allow_quoted or s.start not in quoted)]
    anchors = [t for t in unit if t.lemma_.lower() in ask.lemmas] or [unit[0]]

    def key(span: Span) -> tuple:
        before = doc[unit.start : span.start]  # "$900m (£479m)": the conversion in brackets
        return (-_count_fit(ask, span) if ask.kind == "count" else 0,
                sum(t.text == "(" for t in before) > sum(t.text == ")" for t in before),
                not (ask.noun is not None and any(t.lemma_ == ask.noun.lemma_ for t in doc[max(unit.start, span.start - 3) : span.end + 3])),
                not _under_verb(span.root, ask.verb.lemma_ if ask.verb is not None else None),
                not any(a in span.root.ancestors for a in anchors), min(abs(span.root.i - a.i) for a in anchors))

    best = min(spans, key=key, default=None)
    if best is None or (ask.kind == "count" and ask.noun is not None and key(best)[0] >= 0):
        return None  # nothing of the kind, or a number of something else
    if ask.noun is not None and ask.noun.tag_ == "NNS" and ask.kind not in {"count", "money", "amount", "percent"}:
        return _with_partners(best, spans)  # "Which two photographers …?": both of them
    return _place_phrase(best, ask) if ask.wh == "where" else _with_qualifier(best, ask.kind)


def _with_partners(span: Span, spans: list[Span]) -> str:
    """An entity with those coordinated with it ("Jamie Fawcett and Ben McDonald")."""
    partners = [s for s in spans if s is not span and (s.root.head == span.root and s.root.dep_ == "conj"
                                                        or span.root.head == s.root and span.root.dep_ == "conj")]
    if not partners:
        return span.text
    first, last = min([span, *partners], key=lambda s: s.start), max([span, *partners], key=lambda s: s.end)
    return span.doc[first.start:last.end].text


def _of_kind(token: Token, kind: str, modified: bool = False) -> bool:
    """Whether ``token`` is a noun of ``kind`` ("newspaper" for press), or (``modified``) a name such a noun modifies."""
    if not modified:
        return NOUN_KIND.get(token.lemma_.lower()) == kind
    return (token.dep_ == "compound" and _of_kind(token.head, kind)) or any(_of_kind(c, kind) for c in token.children if c.dep_ in ("amod", "compound", "appos"))


def _money(span: Span) -> Span:
    """A sum with its currency sign and multiplier: "£75m" where the recognizer found "75"."""
    doc, start, end = span.doc, span.start, span.end
    while start > span.sent.start and doc[start - 1].tag_ == "$":
        start -= 1
    while end < span.sent.end and (doc[end].lower_ in {"m", "bn", "mn", "million", "billion", "trillion"} or doc[end].lemma_.lower() in CURRENCIES):
        end += 1
    return doc[start:end]


def _under_verb(token: Token, lemma: str | None) -> bool:
    """Whether ``token`` is in the phrase a verb of ``lemma`` governs, outside its subject."""
    below = token
    for above in token.ancestors:
        if above.lemma_ == lemma:
            return below.dep_ not in ("nsubj", "nsubjpass")
        below = above
    return False


def _in_question(span: Span, words: set[str]) -> bool:
    """Whether the question itself names ``span``: its surname ("Kostas Kenteris" for "Kenteris'"), its number, or all its words."""
    content = [t for t in span if content_word(t) or t.like_num]
    named = bool(content) and content[-1].pos_ == "PROPN" and content[-1].text in words
    return named or any(t.like_num and t.lower_ in words for t in span) or bool(content) and all(t.lower_ in words for t in content)


def _count_fit(ask: Ask, span: Span) -> int:
    """How well a number fits "how many N … V": its noun is N and its verb V; another noun or verb counts against it."""
    number = span.root
    of = [g for c in number.children if c.lower_ == "of" for g in c.children if g.dep_ == "pobj"]
    noun = number if number.pos_ == "NOUN" else number.head if number.dep_ == "nummod" else of[0] if of else None
    verb = next((a for a in number.ancestors if a.pos_ == "VERB"), None)
    fit = (2 if noun.lemma_.lower() == ask.noun.lemma_.lower() else -1) if noun is not None and ask.noun is not None else 0
    return fit + ((2 if verb.lemma_ == ask.verb.lemma_ else -1) if verb is not None and ask.verb is not None else 0)


def _with_qualifier(span: Span, kind: str) -> str:
    """The entity with a qualifier left outside ("more than" $380,000), without "only"; a count with its noun."""
    doc, start, end = span.doc, span.start, span.end
    start -= next((w for w in (3, 2, 1) if start - w >= span.sent.start and doc[start - w : start].text.lower() in _QUALIFIERS), 0)
    while start < end - 1 and doc[start].lower_ in {"only", "just", "mere"}:
        start += 1
    if kind == "count" and span.root.dep_ == "nummod" and 0 < span.root.head.i - end + 1 <= 4:
        end = span.root.head.i + 1
    return doc[start:end].text


def _place_phrase(ent: Span, ask: Ask) -> str:
    """For "where": the verb's short place phrase ("federal court in Sacramento"), else the place itself."""
    token = ent.root
    for _ in range(8):
        if token.dep_ == "prep" and token.head.pos_ in ("VERB", "AUX"):
            pobj = next((c for c in token.children if c.dep_ == "pobj"), None)
            if pobj is None or any(t.ent_type_ in ("DATE", "TIME") for t in pobj.subtree) or pobj.lemma_.lower() in ask.lemmas:
                return ent.text
            around = phrase(pobj, 10)
            return around if ent.text in around and len(around.split()) <= 10 else ent.text
        if token.dep_ not in ("pobj", "prep", "compound", "conj", "appos"):
            break
        token = token.head
    return ent.text


def _role(ask: Ask, unit: Span, reading: Reading, *_: object) -> str | None:
    """The subject (or "by" agent) of the question's verb in ``unit``, or its object for "Who did X summon?"."""
    for verb in (t for t in unit if t.lemma_ == ask.verb.lemma_ and t.pos_ == "VERB"):
        if ask.object_role:
            filler = next((c for c in verb.children if c.dep_ in ("dobj", "nsubjpass")), None)
        else:
            filler, head = next((g for c in verb.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"), None), verb
            while filler is None and head is not None:
                filler = next((c for c in head.children if c.dep_ == "nsubj"), None)
                head = head.head if head.dep_ in ("conj", "xcomp", "advcl") and head.head.i != head.i else None
            if filler is not None and filler.tag_ in ("WDT", "WP") and verb.dep_ == "relcl":
                filler = verb.head
        found = _name(filler, unit, reading) if filler is not None else None
        if found and (ask.kind in ("agent", "thing") or found[1] in KINDS[ask.kind][0] or _of_kind(filler, ask.kind)
                      or _of_kind(filler, ask.kind, modified=True)):
            return found[0]
    return None


def _name(token: Token, unit: Span, reading: Reading) -> tuple[str, str] | None:
    """A role filler's name and label: its entity, its resolved referent ("he", "the chancellor"), or
    a short noun phrase when the article names nobody; None for what stays a bare pronoun or role."""
    ents = [e for e in unit.ents if e.label_ in NAMES]
    ent = next((e for e in ents if e.start <= token.i < e.end), None) or \
        next((e for e in ents if e.root.head == token and e.root.dep_ == "compound"), None)
    if ent is not None and token.i not in reading.owner:
        return canonical(ent.text.removesuffix("'s").removesuffix("’s"), reading), ent.label_
    if token.dep_ == "appos" and token.head.ent_type_ in ("PERSON", "ORG"):  # "Dr. Ortúzar, the ecologist who led it"
        return _name(token.head, unit, reading)
    if token.pos_ in ("NOUN", "PROPN") and token.i not in reading.owner:
        appos = next((c for c in token.children if c.dep_ == "appos" and c.ent_type_ in ("PERSON", "ORG")), None)
        if appos is not None:
            return _name(appos, unit, reading)
    name = name_of(token, reading)
    if name is None:
        return None
    party = reading.party(name)
    return name, party.label if party is not None else ""


def _object(ask: Ask, unit: Span, reading: Reading) -> str | None:
    """For "what": the object of the question's verb said by the asked subject, or the asked noun's phrase."""
    key = surname(ask.asked).lower() if ask.asked is not None else None
    for t in unit:
        if ask.verb is not None and t.lemma_ == ask.verb.lemma_ and t.pos_ == "VERB":
            subject = next((c for c in t.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            said_by = _name(subject, unit, reading) if subject is not None else None
            if key and not (said_by and key in said_by[0].lower()):
                continue
            obj = next((c for c in t.children if c.dep_ in ("ccomp", "dobj", "xcomp", "attr")), None)
            if obj is not None and obj.lemma_.lower() in {"concern", "worry", "alarm", "fear", "doubt"}:  # "concern that …"
                obj = next((c for c in obj.children if c.dep_ in ("acl", "ccomp", "prep")), None)
                obj = next((c for c in obj.children if c.dep_ == "pobj"), obj) if obj is not None and obj.dep_ == "prep" else obj
            if obj is not None:
                start = min([obj.left_edge.i] + [c.i for c in obj.children if c.dep_ == "mark"])
                text = unit.doc[start : obj.right_edge.i + 1].text if obj.dep_ == "ccomp" else phrase(obj, 12)
                if len(text.split()) <= 20:
                    return text.strip(" ,.;:\"“”")
        if ask.noun is not None and t.lemma_ == ask.noun.lemma_ and t.pos_ == "NOUN" and t.i - t.left_edge.i < 5:
            found = phrase(t, 12)
            if found.lower() not in ask.text.lower() and any(u.ent_type_ or u.like_num for u in t.subtree):
                return found
    return None


def _cause(unit: Span) -> str | None:
    """For "why": a "because …" clause or a "due to / amid / over …" phrase."""
    for word in _CAUSES:
        for t in (t for t in unit if t.lower_ == word and t.dep_ in ("mark", "prep", "amod", "advmod")):
            text = unit.doc[t.i : (t.head.right_edge.i if t.dep_ == "mark" else t.right_edge.i) + 1].text
            if len(text.split()) > 1:
                return text.strip(" ,.;")
    return None
