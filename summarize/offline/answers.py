"""Answers to questions about one article, by entity type, from its spaCy parse and its claims.

A question says what kind of span answers it: "how much" wants MONEY, "which city" a GPE, "who" the
PERSON or ORG that fills the role of the question's verb. So the answer is a short span of that kind
from the sentences that best match the question (IDF-weighted lemma overlap), never a whole sentence
and never a span of another kind. Speech-act questions ("Who denied what?", "What did X deny?", "Who
described Y as …?") are answered from the Reading's claims. When the relevant sentences hold no span
of the right kind the answer is None with a reason: abstaining is better than guessing.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from itertools import groupby

from spacy.tokens import Doc, Span, Token

from summarize.offline import nlp
from summarize.offline.lexicon import reporting_verbs, speaker_nouns
from summarize.offline.reading import Claim, Reading
from summarize.records import Answer, Article

WH = {"who", "whom", "whose", "what", "when", "where", "which", "why", "how"}
_AUX = {"is", "are", "was", "were", "do", "does", "did", "has", "have", "had", "can", "could", "will", "would", "should"}
NAMES = {"PERSON", "ORG", "GPE", "LOC", "FAC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "NORP"}
#: kind of question -> the entity labels that answer it, and what a reason calls them.
KINDS = {
    "money": (("MONEY",), "sum of money"), "amount": (("MONEY", "PERCENT", "QUANTITY"), "amount"),
    "count": (("CARDINAL", "QUANTITY"), "number"), "measure": (("QUANTITY", "PERCENT", "CARDINAL"), "measurement"),
    "duration": (("DATE", "TIME", "QUANTITY"), "duration"), "age": (("DATE", "CARDINAL"), "age"),
    "percent": (("PERCENT",), "percentage"), "time": (("DATE", "TIME"), "date or time"), "place": (("GPE", "LOC", "FAC"), "place"),
    "org": (("ORG",), "organisation"), "press": (("ORG", "WORK_OF_ART"), "publication"), "person": (("PERSON",), "person"),
    "agent": (("PERSON", "ORG"), "person or organisation"), "thing": (tuple(NAMES), "name"),
}
#: "which *city*", "what *fine*": the noun after the wh word says the kind (role nouns also come from the lexicon).
_NOUN_KIND = {word: kind for kind, words in {
    "money": "fine value price cost sum fee salary prize penalty bill budget compensation damages payout bonus wage revenue profit "
             "loss bribe funding investment tax debt",
    "place": "city country town state region nation province capital village county place area district venue stadium island "
             "continent location port",
    "org": "group company firm broadcaster organisation organization agency bank club team party union network channel station "
           "airline ministry department body regulator charity university institution manufacturer retailer insurer brand studio",
    "press": "newspaper paper magazine journal publication tabloid daily outlet", "title": "post job title position role office rank",
    "time": "year day date month week", "duration": "time", "percent": "percentage proportion rate",
    "count": "number total figure score amount", "person": "person man woman player politician athlete",
}.items() for word in words.split()}
_MONEY_CUES = set("lose pay cost spend raise earn fine worth invest investment owe charge price fee salary money prize bribe "
                  "sell buy value budget fund funding spending compensation award wage revenue profit tax loan bid".split())
#: "How much did profits drop?" asks for a change, which may be a percentage.
_CHANGES = set("rise fall drop increase decrease grow decline climb jump slip slump cut reduce lift lower boost shrink surge "
               "plunge tumble raise".split())
_CURRENCIES = set("euro dollar pound yen yuan franc rupee rupiah ringgit baht dong peso rouble ruble won krona krone shilling "
                  "rand lira naira".split())
#: Title words that are a post ("Lt Col", "Chancellor"); honorifics (Mr, Dr) are not.
POSTS = set("lt col gen maj capt sgt adm cpl brig cmdr lieutenant colonel general major sergeant admiral sen rep gov supt det "
            "inspector bishop archbishop sheriff mep ceo king queen prince princess author founder boss head".split())
HONORIFICS = {"mr", "mister", "mrs", "ms", "miss", "madam", "sir", "dame", "lady", "lord", "dr"}
_QUALIFIERS = {"about", "around", "nearly", "almost", "over", "roughly", "approximately", "some", "more than",
               "less than", "fewer than", "up to", "at least", "as many as", "as much as", "an estimated"}
_CAUSES = ("because", "due", "owing", "citing", "amid", "after", "over")
_NOUN_OF = {"denies": "denial", "accuses": "accusation", "condemns": "condemnation", "confirms": "confirmation"}
_DESCRIBE = {"describe", "call", "dismiss", "brand", "label", "term", "characterise", "characterize", "reject", "deny"}
_CANNED = {**dict.fromkeys(("what happened", "what is this about", "what is the article about", "what is the story about"), "lede"),
           **{f"who {be} involved": "involved" for be in ("was", "is", "were", "are")},
           **{f"{wh} did {it} happen": wh for wh in ("when", "where") for it in ("it", "this", "that")}}


@dataclass
class _Ask:
    """The question, parsed: its wh word, the kind of span it wants and the words it looks for."""

    text: str
    doc: Doc
    wh: str
    kind: str
    noun: Token | None  # the type noun ("which *city*") or the counted noun ("how many *people*")
    verb: Token | None  # its main verb ("shut" in "How many beds does the union say were shut?")
    speaker: str | None  # "the union" there: prefer sentences it speaks in
    lemmas: list[str]
    object_role: bool  # "Who did Kenya summon?", "Who was arrested?": the wh word is the object


def answer_question(reading: Reading, article: Article, question: str) -> Answer:
    """Answer ``question`` about ``article`` from its ``reading``."""
    q = " ".join(question.split())
    if not ((q.split() or [""])[0].lower().strip("?,") in WH | _AUX or q.endswith("?")):
        return Answer(q, None, [], reason="not a question: ask with who, what, when, where, which, how or why", confidence=0.0)
    if not reading.units:
        return Answer(q, None, [], reason="the article has no sentences", confidence=0.0)
    ask = _read(q)
    missing = _unknown_name(ask.doc, reading)
    if missing:
        return Answer(q, None, [], reason=f"the article does not mention {missing}", confidence=0.9)
    for route in (_canned, _speech_act, _holder, _title):
        found = route(ask, reading, article)
        if found is not None:
            return found
    return _typed(ask, reading)


def _read(q: str) -> _Ask:
    doc = nlp.parse(q)
    wh_tok = next((t for t in doc[:3] if t.lower_ in WH), None)
    wh, after = (wh_tok.lower_, doc[wh_tok.i + 1] if wh_tok.i + 1 < len(doc) else None) if wh_tok is not None else ("", None)
    # A verb, or what "did" supports even when the tagger calls it an adjective ("Where did the trial open?").
    verbs = [t for t in doc if (t.pos_ == "VERB" and t.dep_ != "amod" or any(c.lemma_ == "do" for c in t.children))
             and t.lemma_ not in ("be", "do", "have")]
    verb, speaker = next((t for t in verbs if t.dep_ == "ROOT"), verbs[0] if verbs else None), None
    if verb is not None and verb.lemma_ in reporting_verbs() and wh != "who":  # "… does the union say were shut?"
        said = next((c for c in verb.children if c.dep_ in ("ccomp", "xcomp") and c.pos_ in ("VERB", "AUX")), None)
        subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        if said is not None and subject is not None:
            verb, speaker = said, _surname(doc[subject.left_edge.i : subject.i + 1]).lower()
    lemmas = [t.lemma_.lower() for t in doc if (_content(t) or t == verb) and not (wh == "how" and t == after)
              and t.lower_ not in WH and t.lemma_.lower() not in {"do", "be", "have", "happen", "article", "story"}]
    passive = verb is not None and any(c.dep_ == "auxpass" for c in verb.children)
    object_role = passive or (wh in {"who", "whom"} and after is not None and after.lemma_ == "do")
    return _Ask(q, doc, wh, *_kind(doc, wh_tok), verb, speaker, lemmas, object_role)


def _kind(doc: Doc, wh_tok: Token | None) -> tuple[str, Token | None]:
    """The kind of span the question wants, and the noun that says so."""
    wh, rest = (wh_tok.lower_, doc[wh_tok.i + 1 :]) if wh_tok is not None else ("", doc[:0])
    nxt = rest[0].lower_ if len(rest) else ""
    if wh == "how" and nxt == "much":  # money, unless it asks for a change or a comparison ("how much less …")
        change = any(t.lemma_.lower() in _CHANGES for t in doc) or (len(rest) > 1 and rest[1].tag_ in ("JJR", "RBR"))
        return ("money" if not change and any(t.lemma_.lower() in _MONEY_CUES for t in doc) else "amount"), None
    if wh == "how" and nxt == "many":
        of = [c for p in rest[0].children if p.lower_ == "of" for c in p.children if c.dep_ == "pobj"]
        return "count", (rest[0].head if rest[0].head.pos_ == "NOUN" else of[0] if of else None)
    if wh == "how":
        return {"long": "duration", "old": "age"}.get(nxt, "measure" if len(rest) and rest[0].pos_ in ("ADJ", "ADV") else "how"), None
    if wh in {"when", "where", "why"}:
        return {"when": "time", "where": "place", "why": "why"}[wh], None
    if wh in {"who", "whom", "whose"}:  # "Who is Patricia Hewitt?" asks for her post
        names = [t for t in rest if (t.pos_ == "PROPN" and t.lower_ not in _roles()) or t.tag_ == "POS" or t.is_punct]
        return ("title" if len(rest) > 1 and rest[0].lemma_ == "be" and len(names) == len(rest) - 1 else "agent"), None
    if wh not in {"what", "which"}:
        return "what", None
    noun = None
    if len(rest) and rest[0].lemma_ == "be":  # "What is the estimated cost of …?", "What is X's job?"
        head = next((t for t in rest[1:] if t.pos_ == "NOUN" and not any(c.dep_ == "case" for c in t.children)), None)
        chunk = next((c for c in doc.noun_chunks if head is not None and c.start <= head.i < c.end), None)
        noun = chunk.root if chunk is not None and chunk.root.pos_ == "NOUN" else head
    else:
        for t in rest:  # "What fine …": the tagger may call "fine" an adjective
            if t.pos_ not in ("NOUN", "PROPN", "ADJ"):
                break
            noun = t if t.pos_ == "NOUN" or t.lemma_.lower() in _NOUN_KIND else noun
    if noun is None:
        return "what", None
    kind = _NOUN_KIND.get(noun.lemma_.lower()) or speaker_nouns().get(noun.lemma_.lower()) or "thing"
    return ("thing" if kind == "title" and not _names(doc) else kind), noun


def _roles() -> set[str]:
    """Nouns that name a post a person holds ("minister", "chief", "lawyer", "Col")."""
    return {n for n, what in speaker_nouns().items() if what == "person"} | POSTS


def _content(t: Token) -> bool:
    return not (t.is_stop or t.is_punct or t.is_space or t.tag_ == "POS")


def _names(doc: Doc) -> list[Span]:
    """Proper names in a question: its named entities, and runs of proper nouns outside them."""
    taken = {i for e in doc.ents for i in range(e.start, e.end)}
    runs = [list(g) for k, g in groupby(doc, key=lambda t: t.pos_ == "PROPN" and t.i not in taken and t.lower_ not in WH) if k]
    return [e for e in doc.ents if e.label_ in NAMES - {"NORP"}] + [doc[r[0].i : r[-1].i + 1] for r in runs]


def _surname(span: Span) -> str:
    words = [t.text for t in span if not t.is_punct and t.tag_ != "POS" and t.lower_.rstrip(".") not in HONORIFICS]
    return words[-1] if words else span.text


def _unknown_name(doc: Doc, reading: Reading) -> str | None:
    """A name in the question the article never uses (not even its surname): an answer would be a guess."""
    names = _names(doc)
    if not names:
        return None
    text, words = reading.doc.text.lower(), reading.words
    forms = {f.lower() for p in reading.parties for f in [p.name, *p.forms]}
    for span in names:
        name = " ".join(t.text for t in span if t.tag_ != "POS").strip()
        if name.lower() not in text and _surname(span).lower() not in words and name.lower() not in forms:
            return name
    return None


def _rank(ask: _Ask, reading: Reading) -> list[tuple[int, float]]:
    """(unit, coverage) by IDF-weighted overlap with the question's lemmas; the asked speaker's units first."""
    bags = [{t.lemma_.lower() for t in unit if _content(t) or t.pos_ == "VERB"} for unit in reading.units]
    df = Counter(lemma for bag in bags for lemma in bag)
    idf = {lemma: math.log(1 + len(bags) / (df[lemma] or 0.5)) for lemma in set(ask.lemmas)}
    scored = [(i, sum(w for lemma, w in idf.items() if lemma in bag) / (sum(idf.values()) or 1.0)) for i, bag in enumerate(bags)]
    spoken = _spoken_in(ask.speaker, reading) if ask.speaker else set()
    return sorted((s for s in scored if s[1] > 0), key=lambda s: (s[0] not in spoken, -s[1], s[0]))


def _spoken_in(key: str, reading: Reading) -> set[int]:
    """Units where ``key`` is the subject of a reporting verb, or the party of a claim ("does the union say")."""
    out = {c.index for c in reading.claims if any(key in (s or "").lower() for s in (c.party, c.speaker, c.mention))}
    for number, unit in enumerate(reading.units):
        for verb in (t for t in unit if t.lemma_ in reporting_verbs()):
            while verb.dep_ in ("conj", "advcl", "xcomp") and not any(c.dep_ == "nsubj" for c in verb.children):
                verb = verb.head
            if any(c.dep_ == "nsubj" and key in _phrase(c).lower() for c in verb.children):
                out.add(number)
    return out


def _quoted(unit: Span) -> set[int]:
    """Token indices inside quotation marks: a date or a place inside a quote is the speaker's."""
    marks = unit.doc._.quoted if Doc.has_extension("quoted") else None
    return {t.i for t in unit if marks and marks[t.i]}


def _canonical(text: str, reading: Reading) -> str:
    return next((p.name for p in reading.parties if text == p.name or text in p.forms), text)


def _answer(ask: _Ask, text: str | None, reading: Reading, unit: int, score: float, base: float = 0.4) -> Answer:
    return Answer(ask.text, text, [reading.texts[unit]], confidence=round(min(1.0, base + 0.5 * score), 2))


def _canned(ask: _Ask, reading: Reading, article: Article) -> Answer | None:
    """What happened, who was involved, when or where "it" happened (the lede, else the date or dateline; never "by 2007")."""
    what = _CANNED.get(ask.text.lower().rstrip("?").strip())
    if what == "lede":
        return Answer(ask.text, reading.texts[0], [reading.texts[0]], confidence=0.7)
    if what == "involved":
        return _involved(ask, reading)
    if what == "where" and article.dateline:
        return Answer(ask.text, article.dateline.split(",")[0].strip(), [], confidence=0.6)
    for number, unit in enumerate(reading.units[:1] if what == "when" else reading.units if what else []):
        quoted = _quoted(unit)
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


def _involved(ask: _Ask, reading: Reading) -> Answer:
    """The parties that speak or are named most, resolved names only (never "a spokesman")."""
    counts = Counter({name: 2 * n for name, n in Counter(c.party for c in reading.claims if c.party).items()})
    for party in (p for p in reading.parties if p.label in {"PERSON", "ORG", "GPE"}):
        counts[party.name] += reading.mentions[party.name]
    counts.update([] if reading.parties else [e.text for e in reading.doc.ents if e.label_ in {"PERSON", "ORG", "GPE"}])
    top = [name for name, _ in counts.most_common(5)]
    if not top:
        return Answer(ask.text, None, [], reason="the article names no parties", confidence=0.5)
    return Answer(ask.text, ", ".join(top), [t for t in reading.texts if any(n in t for n in top)][:2], confidence=0.6)


def _speech_act(ask: _Ask, reading: Reading, article: Article) -> Answer | None:
    """Who denied what, what X denied or said, who said or described something, how X described Y."""
    verb = next((t for t in ask.doc if t.pos_ == "VERB" and t.lemma_.lower() in reporting_verbs()), None)
    if ask.wh == "how" and verb is not None and verb.lemma_.lower() in _DESCRIBE:
        return _described(ask, reading)
    concern = any(t.lemma_.lower() in {"concern", "worry", "alarm"} for t in ask.doc)
    if verb is None and not concern:
        return None
    stance = "expresses_concern" if concern else reporting_verbs()[verb.lemma_.lower()][0].stance
    fits = [c for c in reading.claims if stance == "asserts" or c.stance == stance]
    if ask.wh == "who" and any(t.lower_ == "what" for t in ask.doc[1:]):  # "Who denied what?": a line per party
        if not fits:
            return Answer(ask.text, None, [], reason=f"the article reports no {_NOUN_OF.get(stance, 'such statement')}", confidence=0.8)
        grouped: dict[str, list[Claim]] = {}
        for claim in fits:
            grouped.setdefault(_party(claim, reading), []).append(claim)
        lines = [f"{party}: " + "; ".join(dict.fromkeys(c.content for c in items)) for party, items in grouped.items()]
        return Answer(ask.text, "\n".join(lines), list(dict.fromkeys(c.sentence for c in fits)), confidence=0.85)
    rest = [t.lemma_.lower() for t in ask.doc if (verb is None or t.i > verb.i) and t.lemma_.lower() in ask.lemmas]
    if ask.wh == "what" and ask.kind == "what" and verb is not None:  # "What did X deny?"
        key = _asked_subject(ask.doc, verb)
        mine = [c for c in fits if key and any(key in s.lower() for s in (_party(c, reading), c.speaker, c.mention))]
        best = _best_claims(mine, rest) if mine else []
        if best:
            return Answer(ask.text, "; ".join(dict.fromkeys(c.content for c in best)), list(dict.fromkeys(c.sentence for c in best)), confidence=0.8)
    elif ask.kind in {"agent", "person", "org", "press"} and not ask.object_role and fits:  # "Who described …?"
        lemma = verb.lemma_.lower() if verb is not None else ""
        best = _best_claims([c for c in fits if reading.doc[c.verb_token].lemma_.lower() == lemma] or fits, rest, require=bool(rest))
        if best:
            return Answer(ask.text, _party(best[0], reading), [best[0].sentence], confidence=0.75)
    return None


def _party(claim: Claim, reading: Reading) -> str:
    """The claim's party; but "the ministry" is the party named "… Ministry", whatever salience resolved it to."""
    head = claim.mention.split()[-1].lower() if claim.mention.lower().startswith("the ") else ""
    if head and claim.party and head not in claim.party.lower():
        return next((p.name for p in reading.parties if head in p.name.lower().split()), claim.party)
    return claim.party or claim.speaker


def _asked_subject(doc: Doc, verb: Token) -> str | None:
    """The word naming X in "What did X deny?" (its surname for a person)."""
    do = next((t for t in doc[: verb.i] if t.lemma_ == "do"), None)
    subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if do is not None and do.i + 1 < verb.i:  # the parser sometimes makes X a compound of the verb
        return _surname(doc[do.i + 1 : verb.i]).lower()
    return _surname(doc[subject.left_edge.i : subject.i + 1]).lower() if subject is not None else None


def _best_claims(claims: list[Claim], lemmas: list[str], require: bool = False) -> list[Claim]:
    """The claims whose sentence best matches ``lemmas`` (all of them when nothing is asked about)."""
    scores = [len(set(lemmas) & {t.lemma_.lower() for t in nlp.parse(c.sentence) if _content(t)}) for c in claims]
    if not lemmas or not claims or max(scores) == 0:
        return [] if require and lemmas else claims
    return [c for c, s in zip(claims, scores) if s == max(scores)]


def _described(ask: _Ask, reading: Reading) -> Answer | None:
    """"How did X describe Y?": the words after "as" ("rejected it as 'arithmetic fiction'") or of "called it …"."""
    for number, score in _rank(ask, reading)[:4]:
        for t in sorted(reading.units[number], key=lambda t: t.lemma_.lower() not in _DESCRIBE):
            heads = [t, *(c for c in t.children if c.dep_ == "dobj")]  # "rejected [the accusation as …]"
            after = [c for h in heads for c in h.children if (c.lower_ == "as" and c.dep_ == "prep") or c.dep_ == "oprd"]
            if t.pos_ == "VERB" and after:
                first = after[0].i + 1 if after[0].lower_ == "as" else after[0].left_edge.i
                span = reading.doc[first : after[0].right_edge.i + 1].text
                return _answer(ask, (span if len(span.split()) <= 20 else _phrase(after[0], 12)).strip(" \"“”‘’,."), reading, number, score)
    return None


def _holder(ask: _Ask, reading: Reading, article: Article) -> Answer | None:
    """"Who is BA's chief executive?": the PERSON with that post as title, apposition or "X is the …"."""
    role = next((t.lower_ for t in reversed(ask.doc[2:]) if t.lower_ in _roles()), None)
    if ask.wh != "who" or len(ask.doc) < 3 or ask.doc[1].lemma_ != "be" or role is None:
        return None
    for number, score in _rank(ask, reading)[:6]:
        for t in (t for t in reading.units[number] if t.lower_ == role):
            linked = ([t.head] if t.dep_ in ("compound", "appos") else []) + [c for c in t.children if c.dep_ == "appos"] + [t]
            linked += [c for c in t.head.children if c.dep_ == "nsubj"] if t.dep_ == "attr" and t.head.lemma_ == "be" else []
            ent = next((e for c in linked for e in reading.units[number].ents if e.label_ == "PERSON" and e.start <= c.i < e.end), None)
            bare = next((c for c in linked if c.pos_ == "PROPN" and not c.ent_type_ and c != t), None)  # a name the recognizer missed
            if ent is None and bare is not None:
                ent = reading.doc[min([bare.i] + [c.i for c in bare.lefts if c.dep_ == "compound"]) : bare.i + 1]
            if ent is not None:
                name = reading.doc[max(ent.start, t.i + 1) if t.i < ent.end else ent.start : ent.end].text.removesuffix("'s")
                return _answer(ask, _canonical(name, reading), reading, number, score, 0.5)
    return None


def _title(ask: _Ask, reading: Reading, article: Article) -> Answer | None:
    """"What post does X hold?": X's apposition ("the firm's chief executive"), "X is …", or its title ("Lt Col")."""
    if ask.kind != "title":
        return None
    name = sorted(_names(ask.doc), key=lambda n: n.label_ not in ("PERSON", ""))[0]
    surname, asked, doc = _surname(name), {t.lower_ for t in name}, reading.doc
    for t in (t for t in doc if t.text == surname and t.pos_ == "PROPN"):
        appos = [c for c in t.children if c.dep_ == "appos" and c.pos_ == "NOUN"]
        attr = [c for c in t.head.children if c.dep_ == "attr"] if t.dep_ == "nsubj" and t.head.lemma_ == "be" else []
        found = _phrase((appos or attr)[0], 10) if appos or attr else None
        if found is None and t.dep_ == "appos" and t.head.pos_ == "NOUN":
            found = doc[t.head.left_edge.i : t.head.i + 1].text
        elif found is None:  # title words before the name, up to the last one that is a post
            left = t.i
            while left > 0 and doc[left - 1].pos_ in ("PROPN", "NOUN", "CCONJ") and doc[left - 1].dep_ in ("compound", "nmod", "cc", "conj", "amod"):
                left -= 1
            marks = [i for i in range(left, t.i) if doc[i].lower_.rstrip(".") in _roles() or (doc[i].pos_ == "NOUN" and doc[i].is_lower)]
            while marks and left < marks[-1] and (doc[left].lower_.rstrip(".") in HONORIFICS or doc[left].pos_ == "CCONJ"):
                left += 1
            found = doc[left : marks[-1] + 1].text if marks and doc[left].lower_ not in asked else None
        if found:
            return Answer(ask.text, found.strip(" ,"), [reading.texts[reading.unit_of(t.i)]], confidence=0.7)
    return Answer(ask.text, None, [], reason=f"the article gives no post or title for {name.text}", confidence=0.6)


def _phrase(token: Token, limit: int = 10) -> str:
    """``token``'s phrase without trailing clauses, cut at prepositions from the right to ``limit`` words."""
    drop = [c for c in token.rights if c.dep_ in ("relcl", "acl", "advcl", "appos", "conj", "cc", "punct")]
    span = token.doc[token.left_edge.i : min([c.left_edge.i for c in drop] + [token.right_edge.i + 1])]
    while len(span.text.split()) > limit and any(c.dep_ == "prep" and c.i < span.end for c in token.rights):
        span = token.doc[span.start : max(c.i for c in token.rights if c.dep_ == "prep" and c.i < span.end)]
    return span.text.strip(" ,;:")


def _typed(ask: _Ask, reading: Reading) -> Answer:
    """The span of the asked kind in the best-matching sentences, else None with the reason."""
    ranked = _rank(ask, reading)
    if not ranked or max(s for _, s in ranked) < 0.25:
        return Answer(ask.text, None, [], reason="no sentence in the article answers this", confidence=0.6)
    top = ranked[:5] if ask.speaker else ranked[:4]
    subject = ask.noun is not None and ask.verb is not None and ask.noun.dep_ in ("nsubj", "nsubjpass") and \
        not any(t.lemma_ == "do" for t in ask.doc[ask.noun.i : ask.verb.i])  # "What deficit does the budget foresee?": object
    if ask.kind in {"what", "how", "why"} or (ask.kind == "thing" and not subject):  # the verb's object, the asked noun, the cause
        for number, score in top:
            found = _cause(reading.units[number]) if ask.kind == "why" else _object(ask, reading.units[number], reading)
            if found:
                return _answer(ask, found, reading, number, score, 0.3)
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
                        return _answer(ask, _canonical(found, reading), reading, number, score)
    return Answer(ask.text, None, [reading.texts[top[0][0]]], reason=f"the most relevant sentences name no {KINDS[ask.kind][1]}", confidence=0.5)


def _entity(ask: _Ask, unit: Span, reading: Reading, allow_quoted: bool, verb_absent: bool) -> str | None:
    """The entity of the asked kind governed by the question's verb, else closest to its words; never one it names."""
    labels, quoted, doc = KINDS[ask.kind][0], _quoted(unit), unit.doc
    words = {t.lower_ for t in ask.doc} | {t.text for t in ask.doc if t.pos_ == "PROPN"}
    # An entity that a noun of the asked kind modifies is one whatever its label ("the Hollis Gazette newspaper").
    spans = [e for e in unit.ents if e.label_ in labels or e.label_ in NAMES and _of_kind(e.root, ask.kind, modified=True)]
    if ask.kind in {"money", "amount"}:  # "£75m" (the recognizer says "75"), "14.6 billion euros" (it says CARDINAL)
        money = [_money(e) for e in unit.ents if e.label_ in ("MONEY", "CARDINAL")]
        spans = [s for s in spans if s.label_ not in ("MONEY", "CARDINAL")] + \
            [m for m in money if any(t.tag_ == "$" or t.lemma_.lower() in _CURRENCIES for t in m)]
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
    return _place_phrase(best, ask) if ask.wh == "where" else _with_qualifier(best, ask.kind)


def _of_kind(token: Token, kind: str, modified: bool = False) -> bool:
    """Whether ``token`` is a noun of ``kind`` ("newspaper" for press), or (``modified``) a name such a noun modifies."""
    if not modified:
        return _NOUN_KIND.get(token.lemma_.lower()) == kind
    return (token.dep_ == "compound" and _of_kind(token.head, kind)) or any(_of_kind(c, kind) for c in token.children if c.dep_ in ("amod", "compound", "appos"))


def _money(span: Span) -> Span:
    """A sum with its currency sign and multiplier: "£75m" where the recognizer found "75"."""
    doc, start, end = span.doc, span.start, span.end
    while start > span.sent.start and doc[start - 1].tag_ == "$":
        start -= 1
    while end < span.sent.end and (doc[end].lower_ in {"m", "bn", "mn", "million", "billion", "trillion"} or doc[end].lemma_.lower() in _CURRENCIES):
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
    content = [t for t in span if _content(t) or t.like_num]
    named = bool(content) and content[-1].pos_ == "PROPN" and content[-1].text in words
    return named or any(t.like_num and t.lower_ in words for t in span) or bool(content) and all(t.lower_ in words for t in content)


def _count_fit(ask: _Ask, span: Span) -> int:
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


def _place_phrase(ent: Span, ask: _Ask) -> str:
    """For "where": the verb's short place phrase ("federal court in Sacramento"), else the place itself."""
    token = ent.root
    for _ in range(8):
        if token.dep_ == "prep" and token.head.pos_ in ("VERB", "AUX"):
            pobj = next((c for c in token.children if c.dep_ == "pobj"), None)
            if pobj is None or any(t.ent_type_ in ("DATE", "TIME") for t in pobj.subtree) or pobj.lemma_.lower() in ask.lemmas:
                return ent.text
            phrase = _phrase(pobj, 10)
            return phrase if ent.text in phrase and len(phrase.split()) <= 10 else ent.text
        if token.dep_ not in ("pobj", "prep", "compound", "conj", "appos"):
            break
        token = token.head
    return ent.text


def _role(ask: _Ask, unit: Span, reading: Reading, *_: object) -> str | None:
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
    """A role filler's name and label: its entity, its resolved referent, or a short noun phrase."""
    ents = [e for e in unit.ents if e.label_ in NAMES]
    ent = next((e for e in ents if e.start <= token.i < e.end), None) or \
        next((e for e in ents if e.root.head == token and e.root.dep_ == "compound"), None)
    if ent is not None:
        return _canonical(ent.text.removesuffix("'s").removesuffix("’s"), reading), ent.label_
    if token.dep_ == "appos" and token.head.ent_type_ in ("PERSON", "ORG"):  # "Dr. Ortúzar, the ecologist who led it"
        return _name(token.head, unit, reading)
    referent = token._.refers_to if Token.has_extension("refers_to") else None
    if referent:
        return _canonical(getattr(referent, "name", None) or str(referent), reading), ""
    if token.pos_ == "PRON":
        claim = next((c for c in reading.claims if c.mention_span[0] <= token.i < c.mention_span[1]), None)
        return (claim.party or claim.speaker, "") if claim is not None else None
    if token.pos_ in ("NOUN", "PROPN"):
        appos = next((c for c in token.children if c.dep_ == "appos" and c.ent_type_ in ("PERSON", "ORG")), None)
        return _name(appos, unit, reading) if appos is not None else (_phrase(token, 10), "")
    return None


def _object(ask: _Ask, unit: Span, reading: Reading) -> str | None:
    """For "what": the object of the question's verb said by the asked subject, or the asked noun's phrase."""
    key = _asked_subject(ask.doc, ask.verb) if ask.verb is not None else None
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
                text = unit.doc[start : obj.right_edge.i + 1].text if obj.dep_ == "ccomp" else _phrase(obj, 12)
                if len(text.split()) <= 20:
                    return text.strip(" ,.;:\"“”")
        if ask.noun is not None and t.lemma_ == ask.noun.lemma_ and t.pos_ == "NOUN" and t.i - t.left_edge.i < 5:
            phrase = _phrase(t, 12)
            if phrase.lower() not in ask.text.lower() and any(u.ent_type_ or u.like_num for u in t.subtree):
                return phrase
    return None


def _cause(unit: Span) -> str | None:
    """For "why": a "because …" clause or a "due to / amid / over …" phrase."""
    for word in _CAUSES:
        for t in (t for t in unit if t.lower_ == word and t.dep_ in ("mark", "prep", "amod", "advmod")):
            text = unit.doc[t.i : (t.head.right_edge.i if t.dep_ == "mark" else t.right_edge.i) + 1].text
            if len(text.split()) > 1:
                return text.strip(" ,.;")
    return None
