"""Questions, read: what kind of span answers them, which words they look for, who they ask about.

A question says what kind of span answers it ("how much" wants MONEY, "which city" a GPE, "who" the
PERSON or ORG that fills the role of its verb), which sentences are relevant (IDF-weighted lemma
overlap, :func:`rank`), and, for questions about what someone said, the quotation it cites, the
speaker it asks about ("What did *Michael Howard* deny?") and the source it goes by ("According to
*the FA statement*, …").
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import groupby

from spacy.tokens import Doc, Span, Token

from summarize.offline import nlp
from summarize.offline.lexicon import reporting_verbs, speaker_nouns
from summarize.offline.reading import Reading
from summarize.records import Answer

WH = {"who", "whom", "whose", "what", "when", "where", "which", "why", "how"}
AUX = {"is", "are", "was", "were", "do", "does", "did", "has", "have", "had", "can", "could", "will", "would", "should"}
NAMES = {"PERSON", "ORG", "GPE", "LOC", "FAC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "NORP"}
#: kind of question -> the entity labels that answer it, and what a reason calls them.
KINDS = {
    "money": (("MONEY",), "sum of money"), "amount": (("MONEY", "PERCENT", "QUANTITY"), "amount"),
    "count": (("CARDINAL", "QUANTITY"), "number"), "measure": (("QUANTITY", "PERCENT", "CARDINAL"), "measurement"),
    "duration": (("DATE", "TIME", "QUANTITY"), "duration"), "age": (("DATE", "CARDINAL"), "age"),
    "percent": (("PERCENT",), "percentage"), "time": (("DATE", "TIME"), "date or time"), "place": (("GPE", "LOC", "FAC"), "place"),
    "org": (("ORG",), "organisation"), "press": (("ORG", "WORK_OF_ART"), "publication"), "person": (("PERSON",), "person"),
    "agent": (("PERSON", "ORG"), "person or organisation"), "thing": (tuple(NAMES), "name"),
    "work": (("WORK_OF_ART", "ORG", "PRODUCT", "EVENT", "FAC", "LAW"), "title"),
}
#: "which *city*", "what *fine*": the noun after the wh word says the kind (role nouns also come from the lexicon).
NOUN_KIND = {word: kind for kind, words in {
    "money": "fine value price cost sum fee salary prize penalty bill budget compensation damages payout bonus wage revenue profit "
             "loss bribe funding investment tax debt",
    "place": "city country town state region nation province capital village county place area district venue stadium island "
             "continent location port",
    "org": "group company firm broadcaster organisation organization agency bank club team party union network channel station "
           "airline ministry department body regulator charity university institution manufacturer retailer insurer brand studio",
    "press": "newspaper paper magazine journal publication tabloid daily outlet", "title": "post job title position role office rank",
    "time": "year day date month week", "duration": "time", "percent": "percentage proportion rate share stake",
    "count": "number total figure score amount", "person": "person man woman player politician athlete photographer journalist",
    "work": "film movie book album song show programme program series novel play single documentary",
}.items() for word in words.split()}
MONEY_CUES = set("lose pay cost spend raise earn fine worth invest investment owe charge price fee salary money prize bribe "
                  "sell buy value budget fund funding spending compensation award wage revenue profit tax loan bid".split())
#: "How much did profits drop?" asks for a change, which may be a percentage.
CHANGES = set("rise fall drop increase decrease grow decline climb jump slip slump cut reduce lift lower boost shrink surge "
               "plunge tumble raise".split())
CURRENCIES = set("euro dollar pound yen yuan franc rupee rupiah ringgit baht dong peso rouble ruble won krona krone shilling "
                  "rand lira naira".split())
#: Title words that are a post ("Lt Col", "Chancellor"); honorifics (Mr, Dr) are not.
POSTS = set("lt col gen maj capt sgt adm cpl brig cmdr lieutenant colonel general major sergeant admiral sen rep gov supt det "
            "inspector bishop archbishop sheriff mep ceo king queen prince princess author founder boss head".split())
HONORIFICS = {"mr", "mister", "mrs", "ms", "miss", "madam", "sir", "dame", "lady", "lord", "dr"}


@dataclass
class Ask:
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
    #: The reporting verb it asks about ("denied" in "Who denied …?", "say" in "What did X say …?").
    reporting: Token | None = None
    #: The party it asks about: X in "What did X deny?", "Who does X allege …?".
    asked: Span | None = None
    #: The source it goes by: X in "According to X, …".
    according: Span | None = None
    #: A quotation it cites ('Who said "…"?'), without its marks.
    quote: str | None = None
    #: The words of the question outside the wh word, the reporting verb and the asked party.
    rest: list[str] = field(default_factory=list)


_ACCORDING = re.compile(r"^\s*according\s+to\s+(?P<source>[^,]+),\s*(?P<question>.+)$", re.I | re.S)


def read_question(q: str) -> Ask:
    """Parse a question; "According to X, …" is read as the question after the comma, going by X."""
    found = _ACCORDING.match(q)
    if found:
        ask = read_question(found.group("question"))
        source = nlp.parse(found.group("source"))
        ask.text, ask.according = q, source[:]
        return ask
    return _read(q)


def _read(q: str) -> Ask:
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
            verb, speaker = said, surname(doc[subject.left_edge.i : subject.i + 1]).lower()
    lemmas = [t.lemma_.lower() for t in doc if (content_word(t) or t == verb) and not (wh == "how" and t == after)
              and t.lower_ not in WH and t.lemma_.lower() not in {"do", "be", "have", "happen", "article", "story"}]
    passive = verb is not None and any(c.dep_ == "auxpass" for c in verb.children)
    object_role = passive or (wh in {"who", "whom"} and after is not None and after.lemma_ == "do")
    ask = Ask(q, doc, wh, *wanted_kind(doc, wh_tok), verb, speaker, lemmas, object_role)
    ask.reporting = next((t for t in doc if t.lemma_.lower() in reporting_verbs() and _used_as_verb(t)), None)
    ask.asked = _asked(doc, ask.reporting, wh_tok) if ask.reporting is not None else None
    ask.quote = _quotation(q)
    skip = {t.i for span in (ask.asked, ask.according) if span is not None for t in span}
    ask.rest = [t.lemma_.lower() for t in doc if content_word(t) and t.i not in skip and t.lower_ not in WH
                and t != ask.reporting and t.lemma_.lower() not in {"do", "be", "have", "accord"}]
    return ask


def _used_as_verb(token: Token) -> bool:
    """A reporting verb's lemma used as a verb; the tagger reads some questions' verbs as nouns ("Who
    does Ms Clarkson's legal action allege …?"), but a noun after a determiner is a noun ("the claim")."""
    if token.pos_ in ("VERB", "AUX"):
        return not (token.dep_ == "amod" or token.i < 2 and token.lower_ == "call")
    before = token.doc[token.i - 1] if token.i else None
    return token.tag_ == "NN" and before is not None and before.pos_ not in ("DET", "ADJ", "NUM") and before.tag_ != "POS" \
        and any(t.lemma_ in ("do", "have") for t in token.doc[: token.i])


def _asked(doc: Doc, verb: Token, wh_tok: Token | None) -> Span | None:
    """The party a question asks about: the subject of its reporting verb, when it is not the wh word
    ("What did *lawyers for the pair* deny?"; the parser may hang it anywhere between "did" and the verb)."""
    subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass") and not any(t.lower_ in WH for t in c.subtree)), None)
    if subject is not None:
        tokens = [t for t in subject.subtree if not t.is_punct or t.tag_ == "POS"]
        return doc[tokens[0].i : tokens[-1].i + 1] if tokens else None
    do = next((t for t in doc[: verb.i] if t.lemma_ in ("do", "have") and (wh_tok is None or t.i > wh_tok.i)), None)
    if do is not None and do.i + 1 < verb.i:
        return doc[do.i + 1 : verb.i]
    return None


_QUOTATION = re.compile(r'["“]([^"“”]{3,}?)["”]|(?:^|\s)[\'‘]([^\'‘’]{3,}?)[\'’](?=[\s,.?!]|$)')


def _quotation(q: str) -> str | None:
    """The longest quotation a question cites, when it has three words or more."""
    found = [m.group(1) or m.group(2) for m in _QUOTATION.finditer(q)]
    found = [f.strip() for f in found if len(f.split()) >= 3]
    return max(found, key=len) if found else None


def wanted_kind(doc: Doc, wh_tok: Token | None) -> tuple[str, Token | None]:
    """The kind of span the question wants, and the noun that says so."""
    wh, rest = (wh_tok.lower_, doc[wh_tok.i + 1 :]) if wh_tok is not None else ("", doc[:0])
    nxt = rest[0].lower_ if len(rest) else ""
    if wh == "how" and nxt == "much":  # money, unless it asks for a change or a comparison ("how much less …")
        change = any(t.lemma_.lower() in CHANGES for t in doc) or (len(rest) > 1 and rest[1].tag_ in ("JJR", "RBR"))
        return ("money" if not change and any(t.lemma_.lower() in MONEY_CUES for t in doc) else "amount"), None
    if wh == "how" and nxt == "many":
        of = [c for p in rest[0].children if p.lower_ == "of" for c in p.children if c.dep_ == "pobj"]
        return "count", (rest[0].head if rest[0].head.pos_ == "NOUN" else of[0] if of else None)
    if wh == "how":
        return {"long": "duration", "old": "age"}.get(nxt, "measure" if len(rest) and rest[0].pos_ in ("ADJ", "ADV") else "how"), None
    if wh in {"when", "where", "why"}:
        return {"when": "time", "where": "place", "why": "why"}[wh], None
    if wh in {"who", "whom", "whose"}:  # "Who is Patricia Hewitt?" asks for her post
        names = [t for t in rest if (t.pos_ == "PROPN" and t.lower_ not in roles()) or t.tag_ == "POS" or t.is_punct]
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
            noun = t if t.pos_ == "NOUN" or t.lemma_.lower() in NOUN_KIND else noun
    if noun is None:
        return "what", None
    kind = NOUN_KIND.get(noun.lemma_.lower()) or _ROLE_KIND.get(speaker_nouns().get(noun.lemma_.lower()), "thing")
    return ("thing" if kind == "title" and not names_in(doc) else kind), noun


#: a role noun's kind in the lexicon -> the kind of span that answers "which <noun>": an institution
#: ("which watchdog") is named as an organisation.
_ROLE_KIND = {"person": "person", "org": "org", "institution": "org"}


def roles() -> set[str]:
    """Nouns that name a post a person holds ("minister", "chief", "lawyer", "Col")."""
    return {n for n, what in speaker_nouns().items() if what == "person"} | POSTS


def content_word(t: Token) -> bool:
    return not (t.is_stop or t.is_punct or t.is_space or t.tag_ == "POS")


def names_in(doc: Doc) -> list[Span]:
    """Proper names in a question: its named entities, and runs of proper nouns outside them."""
    taken = {i for e in doc.ents for i in range(e.start, e.end)}
    runs = [list(g) for k, g in groupby(doc, key=lambda t: t.pos_ == "PROPN" and t.i not in taken and t.lower_ not in WH) if k]
    return [e for e in doc.ents if e.label_ in NAMES - {"NORP"}] + [doc[r[0].i : r[-1].i + 1] for r in runs]


def surname(span: Span) -> str:
    words = [t.text for t in span if not t.is_punct and t.tag_ != "POS" and t.lower_.rstrip(".") not in HONORIFICS]
    return words[-1] if words else span.text


def unknown_name(doc: Doc, reading: Reading) -> str | None:
    """A name in the question the article never uses (not even its surname): an answer would be a guess."""
    names = names_in(doc)
    if not names:
        return None
    text, words = reading.doc.text.lower(), reading.words
    forms = {f.lower() for p in reading.parties for f in [p.name, *p.forms]}
    for span in names:
        name = " ".join(t.text for t in span if t.tag_ != "POS").strip()
        if all(t.lower_.rstrip(".") in HONORIFICS or t.tag_ == "POS" or t.is_punct for t in span):
            continue  # "Mr" alone (the recognizer left the name beside it): nothing to look for
        if name.lower() not in text and surname(span).lower() not in words and name.lower() not in forms:
            return name
    return None


def rank(ask: Ask, reading: Reading) -> list[tuple[int, float]]:
    """(unit, coverage) by IDF-weighted overlap with the question's lemmas; the asked speaker's units first."""
    bags = [{t.lemma_.lower() for t in unit if content_word(t) or t.pos_ == "VERB"} for unit in reading.units]
    df = Counter(lemma for bag in bags for lemma in bag)
    idf = {lemma: math.log(1 + len(bags) / (df[lemma] or 0.5)) for lemma in set(ask.lemmas)}
    scored = [(i, sum(w for lemma, w in idf.items() if lemma in bag) / (sum(idf.values()) or 1.0)) for i, bag in enumerate(bags)]
    spoken = spoken_in(ask.speaker, reading) if ask.speaker else set()
    return sorted((s for s in scored if s[1] > 0), key=lambda s: (s[0] not in spoken, -s[1], s[0]))


def spoken_in(key: str, reading: Reading) -> set[int]:
    """Units where ``key`` is the subject of a reporting verb, or the party of a claim ("does the union say")."""
    out = {c.index for c in reading.claims if any(key in (s or "").lower() for s in (c.party, c.speaker, c.mention))}
    for number, unit in enumerate(reading.units):
        for verb in (t for t in unit if t.lemma_ in reporting_verbs()):
            while verb.dep_ in ("conj", "advcl", "xcomp") and not any(c.dep_ == "nsubj" for c in verb.children):
                verb = verb.head
            if any(c.dep_ == "nsubj" and key in phrase(c).lower() for c in verb.children):
                out.add(number)
    return out


def quoted_in(unit: Span) -> set[int]:
    """Token indices inside quotation marks: a date or a place inside a quote is the speaker's."""
    marks = unit.doc._.quoted if Doc.has_extension("quoted") else None
    return {t.i for t in unit if marks and marks[t.i]}


def canonical(text: str, reading: Reading) -> str:
    return next((p.name for p in reading.parties if text == p.name or text in p.forms), text)


def make_answer(ask: Ask, text: str | None, reading: Reading, unit: int, score: float, base: float = 0.4) -> Answer:
    return Answer(ask.text, text, [reading.texts[unit]], confidence=round(min(1.0, base + 0.5 * score), 2))


def phrase(token: Token, limit: int = 10) -> str:
    """``token``'s phrase without trailing clauses, cut at prepositions from the right to ``limit`` words."""
    drop = [c for c in token.rights if c.dep_ in ("relcl", "acl", "advcl", "appos", "conj", "cc", "punct")]
    span = token.doc[token.left_edge.i : min([c.left_edge.i for c in drop] + [token.right_edge.i + 1])]
    while len(span.text.split()) > limit and any(c.dep_ == "prep" and c.i < span.end for c in token.rights):
        span = token.doc[span.start : max(c.i for c in token.rights if c.dep_ == "prep" and c.i < span.end)]
    return span.text.strip(" ,;:")
