"""Names: spaCy's entities, repaired where news style trips the recognizer, merged into parties.

The recognizer reads "Mr Cable" as an organisation, "Mr Straw" as a product, "Souness" as nothing
and "building products group James Hardie" as a person. Everything downstream (who speaks, who
"he" is, which party an answer names) starts from these entities, so :func:`repair` fixes the
classes of mistake news text makes common, each from the parse, before anything else reads them:

- a title makes the name after it a person's ("Mr Cable", "Lord Roberts of Conwy");
- a person's surname alone is that person where the article names one person with it ("Souness");
- a name an organisation noun heads is an organisation ("water firm Aguas Argentinas", "Leadplex
  LLC"), and so is a name that qualifies a person's role ("Manchester United manager Alex Ferguson");
- "the X" is no person's name ("the Lib Dems" are a party, "the Welshman" is a description);
- a name fused into a modifier ("Oscar-winning") is no party.

:func:`find_parties` then merges mentions under one name per person ("Mr Ebbers", "Ebbers" ->
"Bernie Ebbers") or organisation, with the roles the article ties to each ("chief executive Willie
Walsh", "Greg Abbott, Texas attorney general", "X is the Y") and a gender where a title, a role
noun ("chairwoman") or a first name tells it.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from summarize.offline.lexicon import HONORIFICS, OFFICE, PEERAGES, first_names, role_nouns, titles
from summarize.offline.reading import Party
from summarize.offline.units import text_of

PARTY_LABELS = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"}
_NUMERIC = {"DATE", "TIME", "MONEY", "CARDINAL", "ORDINAL", "PERCENT", "QUANTITY"}
_ORG_SUFFIXES = {"group", "corp", "corp.", "corporation", "inc", "inc.", "plc", "ltd", "ltd.", "limited", "co", "co.",
                 "company", "holdings", "&", "llc", "llc.", "ag", "sa", "nv"}
_LEGAL_FORMS = {"inc", "inc.", "plc", "ltd", "ltd.", "llc", "llc.", "corp", "corp.", "co.", "ag", "sa", "nv", "gmbh"}
_NAME_PARTICLES = {"de", "da", "di", "del", "van", "von", "der", "le", "la", "al", "el", "bin", "ben", "ibn", "mac"}


# -- repairing the recognizer's entities -------------------------------------------------------


def repair(doc: Doc) -> None:
    """Correct ``doc.ents`` in place (see the module docstring)."""
    spans: list[Span] = []
    demoted: dict[str, str | None] = {}  # what a PERSON name really is, wherever one mention shows it
    for ent in doc.ents:
        label = ent.label_
        if label == "PERSON":
            label = _person_label(ent)
            if label != "PERSON":
                demoted.setdefault(ent.text.lower(), label)
        elif label not in _NUMERIC and _titled(ent):
            ent, label = _after_title(ent), "PERSON"
        elif label in PARTY_LABELS and _person_role(ent):
            label = "PERSON"
        if label in PARTY_LABELS and not any(c.isupper() for c in ent.text):
            label = None  # "unions": a common noun the recognizer took for a name
        if label and label != "PERSON" and len(ent) > 1 and _kind(ent[-1]) == "person" and ent.start and doc[ent.start - 1].lower_ == "the":
            label = None  # "the Mid-Bedfordshire MP": a role, described
        if label and len(ent):
            spans.append(Span(doc, ent.start, ent.end, label=label))
    spans = [s for s in (Span(doc, s.start, s.end, label=demoted.get(s.text.lower(), "PERSON") or "")
                         if s.label_ == "PERSON" else s for s in spans) if s.label_]
    spans = _owners_of_org_parts(spans)
    spans = _claim(spans, _titled_runs(doc, spans))
    spans = _claim(spans, _peer_names(doc, spans))
    spans = _claim(spans, _surnames(doc, spans))
    doc.set_ents(sorted(spans, key=lambda s: s.start), default="outside")


def _person_label(ent: Span) -> str | None:
    """What a PERSON entity really is: a person, an organisation, a group (NORP) or nothing."""
    doc = ent.doc
    if ent.end < len(doc) and doc[ent.end].text in {"-", "–"} and not ent[-1].whitespace_:
        return None  # "Oscar-winning", "Bush-style"
    before = doc[ent.start - 1] if ent.start else None
    if ent[0].lower_ in {"the", "a", "an"} or before is not None and before.lower_ in {"the", "a", "an"} and not _is_title(ent[0]):
        # "the Lib Dems" are a party; "the Welshman" is a description, not a name
        return "NORP" if ent.root.tag_ == "NNPS" or ent[-1].lower_.endswith("s") and len(ent) > 1 else None
    if _org_headed(ent):
        return "ORG"
    return "PERSON"


def _org_headed(ent: Span) -> bool:
    """A name an organisation noun heads or qualifies ("group James Hardie", "James Hardie, the
    builder", "Leadplex LLC"), or a name qualifying a role that heads another name ("Manchester
    United manager Alex Ferguson")."""
    doc, root = ent.doc, ent.root
    if ent[-1].lower_ in _LEGAL_FORMS or ent.end < len(doc) and doc[ent.end].lower_ in _LEGAL_FORMS:
        return True
    nouns = [c for c in root.children if c.dep_ in {"compound", "appos"} and c.pos_ == "NOUN" and not (ent.start <= c.i < ent.end)]
    if root.dep_ in {"appos", "compound"} and root.head.pos_ == "NOUN":
        nouns.append(root.head)
    if any(_kind(n) in {"org", "institution"} for n in nouns):
        return True
    # "[Manchester United] manager Alex Ferguson", "[Lib Dem] home affairs spokesman Mark Oaten"
    path, head = [], root
    while head.dep_ in {"compound", "nmod", "amod"} and head.head.i != head.i and head.head.i >= ent.end:
        head = head.head
        if head.ent_type_ == "PERSON":
            return any(_kind(t) == "person" for t in path)
        path.append(head)
    return False


#: What only an organisation has: "Manchester United's board" is a club's, whatever the recognizer said.
_ORG_PARTS = {"board", "shareholder", "share", "squad", "stadium", "subsidiary", "headquarters", "employee", "workforce",
              "profit", "revenue", "turnover", "shares", "stock", "boardroom", "directors"}


def _owners_of_org_parts(spans: list[Span]) -> list[Span]:
    """PERSON names that own what only organisations own ("Manchester United's board") become ORG,
    every mention of them, unless a title makes one a person."""
    def key(span: Span) -> str:
        return text_of(_strip(span)).lower()

    owners = {key(s) for s in spans if s.label_ == "PERSON" and s.root.dep_ == "poss" and s.root.head.lemma_.lower() in _ORG_PARTS}
    titled = {key(s) for s in spans if s.label_ == "PERSON" and s.start and _is_title(s.doc[s.start - 1])}
    wrong = owners - titled
    return [Span(s.doc, s.start, s.end, label="ORG") if s.label_ == "PERSON" and key(s) in wrong else s for s in spans]


def _person_role(ent: Span) -> bool:
    """A name with a person's role beside it ("Rodrigo de Rato, the IMF's managing director", "chief
    executive X", "the chairman, X"), whatever the recognizer called it."""
    root = ent.root
    beside = [c for c in root.children if c.dep_ == "appos" and c.pos_ == "NOUN"]
    beside += [c for c in root.lefts if c.dep_ == "compound" and c.pos_ == "NOUN" and c.i < ent.start]
    if root.dep_ == "appos" and root.head.pos_ == "NOUN":
        beside.append(root.head)
    return any(_kind(t) == "person" and t.lemma_.lower() not in _AGENT_NOUNS for t in beside)


#: A spokesman beside a name speaks for it ("a Sony spokesman"): the name stays an organisation.
_AGENT_NOUNS = {"spokesman", "spokeswoman", "spokesperson", "lawyer", "agent", "representative", "official", "source"}


def _kind(token: Token) -> str | None:
    role = role_nouns().get(token.lemma_.lower())
    return role.kind if role else None


def _is_title(token: Token) -> bool:
    return token.lower_.rstrip(".") in HONORIFICS and token.text[:1].isupper()


def _titled(ent: Span) -> bool:
    """A name with a title before it or at its start ("Mr Cable" read as an organisation)."""
    doc = ent.doc
    return (_is_title(ent[0]) and len(ent) > 1 and ent[1].pos_ == "PROPN") or (
        ent.start > 0 and _is_title(doc[ent.start - 1]) and ent[0].pos_ == "PROPN" and ent[0].text[:1].isupper()
    )


def _after_title(ent: Span) -> Span:
    start = ent.start
    while start < ent.end - 1 and _is_title(ent.doc[start]):
        start += 1
    return ent.doc[start:ent.end]


def _titled_runs(doc: Doc, spans: list[Span]) -> list[Span]:
    """Capitalised proper nouns after a title that no entity covers ("Mr Gates" when nothing was found)."""
    taken = {i for s in spans for i in range(s.start, s.end)}
    found = []
    for token in doc:
        if not _is_title(token) or token.i + 1 >= len(doc):
            continue
        end = token.i + 1
        while end < len(doc) and (doc[end].pos_ == "PROPN" and (doc[end].text[:1].isupper() or doc[end].lower_ in _NAME_PARTICLES)
                                  and not _is_title(doc[end]) or _hyphen(doc, end)):
            end += 1
        if end > token.i + 1 and not any(i in taken for i in range(token.i + 1, end)):
            found.append(Span(doc, token.i + 1, end, label="PERSON"))
    return found


def _hyphen(doc: Doc, i: int) -> bool:
    """A hyphen joining two capitalised words with no space ("Kilroy-Silk")."""
    return doc[i].text == "-" and 0 < i < len(doc) - 1 and not doc[i - 1].whitespace_ and not doc[i].whitespace_ \
        and doc[i + 1].text[:1].isupper()


def _word_end(doc: Doc, i: int) -> int:
    """The end of the hyphenated word starting at token ``i`` ("Kilroy" "-" "Silk")."""
    end = i + 1
    while end + 1 < len(doc) and _hyphen(doc, end):
        end += 2
    return end


def _peer_names(doc: Doc, spans: list[Span]) -> list[Span]:
    """"Lord Roberts of Conwy": a peer's name goes on with "of" and a place."""
    found = []
    for span in spans:
        before = span[0] if span[0].lower_ in PEERAGES else doc[span.start - 1] if span.start else None
        if span.label_ == "PERSON" and before is not None and before.lower_ in PEERAGES and span.end + 1 < len(doc) \
                and doc[span.end].lower_ == "of" and doc[span.end + 1].pos_ == "PROPN":
            end = span.end + 1
            while end < len(doc) and doc[end].pos_ == "PROPN":
                end += 1
            found.append(Span(doc, span.start, end, label="PERSON"))
    return found


def _surnames(doc: Doc, spans: list[Span]) -> list[Span]:
    """A bare surname ("Souness", "Straw" read as a product) where the article names one person with it."""
    full: dict[str, set[tuple[str, ...]]] = {}
    for span in spans:
        if span.label_ == "PERSON":
            words = text_of(_strip(span)).split()
            if len(words) > 1 and " of " not in text_of(span):
                full.setdefault(words[-1].lower(), set()).add(tuple(w.lower() for w in words[:-1]))
    people = {i for s in spans if s.label_ == "PERSON" for i in range(s.start, s.end)}
    others = {i: s for s in spans if s.label_ != "PERSON" for i in range(s.start, s.end)}
    found = []
    if not full:
        return []
    for first_token in doc:
        if first_token.pos_ != "PROPN" or first_token.i > 0 and _hyphen(doc, first_token.i - 1):
            continue  # no name, or inside a hyphenated word
        end = _word_end(doc, first_token.i)
        forms = full.get(doc[first_token.i:end].text.lower())
        token = doc[end - 1]
        if token.i in people or forms is None or len(forms) != 1 or first_token.pos_ != "PROPN" or not first_token.text[:1].isupper():
            continue
        start = first_token.i
        first = next(iter(forms))
        while start > 0 and doc[start - 1].pos_ == "PROPN" and doc[start - 1].lower_ in first and start - 1 not in people:
            start -= 1  # "De Vido", "Willie Walsh" written out again
        if token.dep_ == "compound" and token.head.pos_ == "PROPN" and token.head.i not in people and token.head.i >= end:
            continue  # "Howard League": a longer name
        if any(c.dep_ == "compound" and c.pos_ == "PROPN" and c.i < start for c in token.children):
            continue  # another first name: another person
        ent = others.get(token.i)
        if ent is not None and text_of(_strip(ent)).lower() != text_of(doc[start:end]).lower():
            continue  # a surname inside another organisation's name
        found.append(Span(doc, start, end, label="PERSON"))
    return found


def _claim(spans: list[Span], new: list[Span]) -> list[Span]:
    """``spans`` with ``new`` ones in, replacing those they overlap."""
    for span in new:
        spans = [s for s in spans if s.end <= span.start or s.start >= span.end] + [span]
    return spans


# -- parties -----------------------------------------------------------------------------------


def _strip(span: Span) -> list[Token]:
    """An entity's tokens without a leading "the", a title ("Mr", "Dr") or a trailing "'s"."""
    tokens = list(span)
    while tokens and (tokens[0].lower_ == "the" or tokens[0].lower_.rstrip(".") in titles()):
        tokens = tokens[1:]
    while tokens and tokens[-1].tag_ == "POS" or tokens and tokens[-1].is_punct:
        tokens = tokens[:-1]
    return tokens


def _title_gender(span: Span) -> str | None:
    doc = span.doc
    for token in doc[max(0, span.start - 2):span.end]:
        gender = titles().get(token.lower_.rstrip("."))
        if gender:
            return gender
    return None


def roles_of(mention: Span) -> list[tuple[str, ...]]:
    """The roles the article ties to a name, as lemmas with the role noun last: "chief executive
    Willie Walsh" -> ("chief", "executive"); "Greg Abbott, Texas attorney general" -> ("texas",
    "attorney", "general"); "X is the Y"; "the chairman of the Bar Council, Guy Mansfield"."""
    doc, root = mention.doc, mention.root
    phrases: list[list[Token]] = []
    left = list(doc[root.left_edge.i:mention.start])
    possessive = max((t.i for t in left if t.tag_ == "POS"), default=None)
    if possessive is not None:
        left = [t for t in left if t.i > possessive]  # "the SNP's Holyrood leader Nicola Sturgeon": "Holyrood leader"
    before = [t for t in left if t.dep_ not in {"det", "punct", "case", "poss"} and t.ent_type_ != "PERSON" and not _is_title(t)]
    if before:
        phrases.append(before)
    for child in root.children:
        if child.dep_ == "appos" and child.pos_ == "NOUN":
            phrases.append(_role_phrase(child))
    if root.dep_ == "appos" and root.head.pos_ == "NOUN":
        phrases.append(_role_phrase(root.head))
    if root.dep_ == "nsubj" and root.head.lemma_ == "be":
        phrases += [_role_phrase(c) for c in root.head.children if c.dep_ == "attr" and c.pos_ == "NOUN"]
    out = []
    for phrase in phrases:
        nouns = [t for t in phrase if t.pos_ in {"NOUN", "PROPN"} and (t.pos_ == "NOUN" or t.lemma_.lower() in role_nouns())]
        if nouns:
            head = nouns[-1]
            words = [t.lemma_.lower() for t in phrase if t.i < head.i and t.is_alpha and (not t.is_stop or t.lower_ in OFFICE)]
            out.append((*words, head.lemma_.lower()))
    return out


def _role_phrase(noun: Token) -> list[Token]:
    """A role noun with what qualifies it ("deputy", "UKIP's", "of the Bar Council"), without clauses."""
    tokens = [noun]
    for child in noun.children:
        if child.dep_ in {"compound", "amod", "nmod", "poss"} and child.i < noun.i:
            tokens += [t for t in child.subtree if t.tag_ != "POS"]
        elif child.dep_ == "prep" and child.lower_ == "of":
            tokens += [t for t in child.subtree if t.pos_ in {"PROPN", "NOUN"}]
    return sorted(tokens, key=lambda t: t.i)


def find_parties(doc: Doc) -> tuple[list[Party], dict[int, str]]:
    """The article's parties, and for each token inside a party's mention, that party's name."""
    people: dict[str, list[Span]] = {}  # surname -> mentions
    others: dict[str, list[Span]] = {}
    for ent in doc.ents:
        if ent.label_ not in PARTY_LABELS:
            continue
        tokens = _strip(ent)
        if not tokens:
            continue
        if ent.label_ == "PERSON":
            words = text_of(tokens).lower().split()
            key = words[words.index("of") - 1] if "of" in words[1:] else words[-1]  # "roberts" of Conwy
            peer = {ent[0].lower_, doc[ent.start - 1].lower_ if ent.start else ""}
            if peer & PEERAGES or "of" in words[1:]:
                key = f"peer {key}"  # "Lord Roberts (of Conwy)" is not "Sion Aubrey Roberts"
            people.setdefault(key, []).append(ent)
        else:
            others.setdefault(text_of(tokens).lower(), []).append(ent)
    # "Aston" where the article also says "Aston Martin" (an ORG): the single word is that organisation.
    longer_names = {ent.text.split()[0].lower(): ent.label_ for ent in doc.ents
                    if ent.label_ not in {"PERSON", *_NUMERIC} and len(ent) > 1}
    for key in [k for k, v in people.items() if all(len(text_of(_strip(m)).split()) == 1 for m in v) and k in longer_names]:
        people.pop(key)
    # A surname that spaCy labelled ORG elsewhere ("Kirby said") is the person (a country never is).
    for key in [k for k in others if k in people and " " not in k and all(m.label_ == "ORG" for m in others[k])]:
        people[key].extend(others.pop(key))
    parties: list[Party] = []
    owner: dict[int, str] = {}
    for key, mentions in people.items():
        genders = {_title_gender(m) for m in mentions} - {None}
        if len(genders) > 1:
            # "Mr Blair" and "Mrs Blair": two people; each titled form names its own, a bare
            # "Blair" or an untitled full name belongs to nobody sure.
            for mention in mentions:
                if _title_gender(mention):
                    around = [mention[0]] + ([doc[mention.start - 1]] if mention.start else [])
                    title = next((t for t in around if t.lower_.rstrip(".") in titles()), None)
                    name = " ".join(filter(None, [title.text if title is not None else None, text_of(_strip(mention))]))
                    _add(parties, owner, name, "PERSON", mention)
            continue
        def words(mention: Span) -> list[str]:
            return text_of(_strip(mention)).split()  # "Kilroy-Silk" is one word

        full = {text_of(_strip(m)) for m in mentions if len(words(m)) > 1}
        if len(full) > 1 and len({tuple(w.lower() for w in words(m)[:-1]) for m in mentions if len(words(m)) > 1
                                  if " of " not in text_of(m)}) > 1:
            # Two people share the surname ("Tony Blair", "Cherie Blair"): full forms stand alone,
            # a bare "Blair" belongs to nobody.
            for mention in mentions:
                if len(words(mention)) > 1:
                    _add(parties, owner, text_of(_strip(mention)), "PERSON", mention)
            continue
        name = max(sorted(full), key=len) if full else text_of(_strip(mentions[0]))
        if key.startswith("peer "):  # a peer's title is part of the name: "Lord Roberts of Conwy"
            title = next((t.text for m in mentions for t in (m[0], doc[m.start - 1] if m.start else m[0]) if t.lower_ in PEERAGES), None)
            name = f"{title} {name}" if title and not name.lower().startswith(title.lower()) else name
        for mention in mentions:
            _add(parties, owner, name, "PERSON", mention)
    for key, mentions in others.items():
        # "Wagner" is "Wagner Group" when that is the one longer name and the rest is a legal or
        # corporate suffix, or the one two-word organisation it starts ("Merrill Lynch").
        longer = [k for k in others if k != key and k.startswith(key + " ") and others[k][0].label_ == mentions[0].label_]
        homes = [k for k in longer if set(k[len(key):].split()) <= _ORG_SUFFIXES]
        if not homes and mentions[0].label_ == "ORG" and " " not in key and len(longer) == 1 and len(longer[0].split()) == 2:
            homes = longer  # "Merrill" is "Merrill Lynch" when the article names no other Merrill
        home = homes[0] if len(homes) == 1 else key
        name = text_of(_strip(others[home][0]))
        for mention in mentions:
            _add(parties, owner, name, mentions[0].label_, mention)
    for party in parties:
        if party.label == "PERSON" and party.gender is None:
            party.gender, party.gender_from = _role_gender(party), "role"
            if party.gender is None and len(party.name.split()) > 1:
                party.gender, party.gender_from = first_names().get(party.name.split()[0].lower()), "name"
            if party.gender is None:
                party.gender_from = None
    return parties, owner


def _add(parties: list[Party], owner: dict[int, str], name: str, label: str, mention: Span) -> None:
    party = next((p for p in parties if p.name == name), None)
    if party is None:
        party = Party(name=name, label=label)
        parties.append(party)
    form = text_of(mention)
    if form not in party.forms:
        party.forms.append(form)
    if label == "PERSON" and party.gender is None:
        party.gender = _title_gender(mention)
        party.gender_from = "title" if party.gender else None
    for role in roles_of(mention):
        party.roles.setdefault(role, mention.start)
    for token in mention:
        owner[token.i] = name


def _role_gender(party: Party) -> str | None:
    genders = {role_nouns()[r[-1]].gender for r in party.roles if r[-1] in role_nouns()} - {None}
    return genders.pop() if len(genders) == 1 else None
