"""Who the article's parties are, and who "he", "it", "they", "the firm" and "the minister" are.

Parties come from spaCy's entities, merged under one canonical name per person ("Mr Ebbers",
"Ebbers" -> "Bernie Ebbers" when the article names one Ebbers) or organisation ("Wagner" -> "the
Wagner Group" when that is the only longer form).

Resolution is salience-based and conservative, because a quotation given to the wrong party is
worse than an unresolved pronoun: a pronoun looks back at most three units for the subjects of
their main clauses (never an object, never a name inside a quotation) that agree with it in type
(PERSON for he/she; ORG, GPE or NORP for it/they) and in gender where a title tells it ("Mr",
"Mrs"). The nearest unit with such a subject decides; if it offers two different parties, or its
subject is someone the article does not name ("the correspondent"), the pronoun stays unresolved.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from summarize.offline.lexicon import FAMILY, PRONOUNS, reporting_verbs, speaker_nouns, titles
from summarize.offline.reading import Party
from summarize.offline.units import text_of

PARTY_LABELS = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"}
SUBJECTS = {"nsubj", "nsubjpass"}
_WINDOW = 3
_ORG_SUFFIXES = {"group", "corp", "corp.", "corporation", "inc", "inc.", "plc", "ltd", "ltd.", "limited", "co", "co.",
                 "company", "holdings", "&", "llc", "ag", "sa", "nv"}


@dataclass
class Resolution:
    """What a mention refers to: a party name, or a description when the article names nobody."""

    party: str | None
    text: str | None
    how: str


def _strip(span: Span) -> list[Token]:
    """An entity's tokens without a leading "the", a title ("Mr", "Dr") or a trailing "'s"."""
    tokens = list(span)
    while tokens and (tokens[0].lower_ == "the" or tokens[0].lower_.rstrip(".") in titles()):
        tokens = tokens[1:]
    while tokens and tokens[-1].tag_ == "POS" or tokens and tokens[-1].is_punct:
        tokens = tokens[:-1]
    return tokens


def _gender(span: Span) -> str | None:
    doc = span.doc
    before = [t for t in doc[max(0, span.start - 2):span.end] if t.lower_.rstrip(".") in titles()]
    for token in before:
        gender = titles()[token.lower_.rstrip(".")]
        if gender:
            return gender
    return None


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
        key = text_of(tokens).lower().split()[-1] if ent.label_ == "PERSON" else text_of(tokens).lower()  # "kilroy-silk"
        (people if ent.label_ == "PERSON" else others).setdefault(key, []).append(ent)
    # "Aston" where the article also says "Aston Martin" (an ORG): the single word is that organisation.
    longer_names = {ent.text.split()[0].lower(): ent.label_ for ent in doc.ents
                    if ent.label_ not in {"PERSON", "DATE", "TIME", "MONEY", "CARDINAL", "ORDINAL", "PERCENT", "QUANTITY"} and len(ent) > 1}
    for key in [k for k, v in people.items() if all(len(_strip(m)) == 1 for m in v) and k in longer_names]:
        people.pop(key)
    # A surname that spaCy labelled ORG elsewhere ("Kirby said") is the person (a country never is).
    for key in [k for k in others if k in people and " " not in k and all(m.label_ == "ORG" for m in others[k])]:
        people[key].extend(others.pop(key))
    parties: list[Party] = []
    owner: dict[int, str] = {}
    for key, mentions in people.items():
        genders = {_gender(m) for m in mentions} - {None}
        if len(genders) > 1:
            # "Mr Blair" and "Mrs Blair": two people; each titled form names its own, a bare
            # "Blair" or an untitled full name belongs to nobody sure.
            for mention in mentions:
                if _gender(mention):
                    around = [mention[0]] + ([doc[mention.start - 1]] if mention.start else [])
                    title = next((t for t in around if t.lower_.rstrip(".") in titles()), None)
                    name = " ".join(filter(None, [title.text if title is not None else None, text_of(_strip(mention))]))
                    _add(parties, owner, name, "PERSON", mention)
            continue
        full = {text_of(_strip(m)) for m in mentions if len(_strip(m)) > 1}
        if len(full) > 1 and len({tuple(t.lower_ for t in _strip(m)[:-1]) for m in mentions if len(_strip(m)) > 1}) > 1:
            # Two people share the surname ("Tony Blair", "Cherie Blair"): full forms stand alone,
            # a bare "Blair" belongs to nobody.
            for mention in mentions:
                if len(_strip(mention)) > 1:
                    _add(parties, owner, text_of(_strip(mention)), "PERSON", mention)
            continue
        name = max(sorted(full), key=len) if full else text_of(_strip(mentions[0]))
        for mention in mentions:
            _add(parties, owner, name, "PERSON", mention)
    longer = {k: v for k, v in others.items()}
    for key, mentions in others.items():
        # "Wagner" is "Wagner Group" when that is the one longer name and the rest is a legal or
        # corporate suffix ("Sky" is not "Sky Plus", a product).
        homes = [k for k in longer if k != key and k.startswith(key + " ") and longer[k][0].label_ == mentions[0].label_
                 and set(k[len(key):].split()) <= _ORG_SUFFIXES]
        home = homes[0] if len(homes) == 1 else key
        name = text_of(_strip(longer[home][0]))
        for mention in mentions:
            _add(parties, owner, name, mentions[0].label_, mention)
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
        party.gender = _gender(mention)
    for token in mention:
        owner[token.i] = name


class Resolver:
    """Resolves speaker mentions of one article; see the module docstring for the rules."""

    def __init__(self, doc: Doc, units: list[Span], parties: list[Party], owner: dict[int, str], quoted: list[bool]) -> None:
        self.doc, self.units, self.owner, self.quoted = doc, units, owner, quoted
        self.parties = {p.name: p for p in parties}
        self._unit_of = {}
        for number, unit in enumerate(units):
            for token in unit:
                self._unit_of[token.i] = number
        self._memo: dict[int, Resolution] = {}

    # -- what a noun phrase is -------------------------------------------------------------

    def party_of(self, head: Token) -> str | None:
        """The party a noun phrase headed by ``head`` names: its own entity, or one in apposition."""
        if head.i in self.owner:
            return self.owner[head.i]
        for child in head.children:
            if child.dep_ == "appos" and child.i in self.owner and not self.quoted[child.i]:
                return self.owner[child.i]
        return None

    def affiliation(self, head: Token) -> str | None:
        """The organisation a role speaks for: "a Sony spokesman", "the ministry's spokesperson", "a
        spokesman for X". Never a person: "Brown's closest ally" is somebody else."""
        found = [c for c in head.children if c.dep_ in {"compound", "poss", "nmod"} and c.i in self.owner]
        found += [g for c in head.children if c.dep_ == "prep" and c.lower_ in {"for", "of", "at", "from"}
                  for g in c.children if g.dep_ == "pobj" and g.i in self.owner]
        for token in found:
            if self.parties[self.owner[token.i]].label != "PERSON":
                return self.owner[token.i]
        return None

    # -- resolution ------------------------------------------------------------------------

    def resolve(self, head: Token) -> Resolution:
        """What the speaker phrase headed by ``head`` refers to."""
        if head.i not in self._memo:
            self._memo[head.i] = self._resolve(head)
        return self._memo[head.i]

    def _resolve(self, head: Token) -> Resolution:
        party = self.party_of(head)
        if party is not None:
            return Resolution(party, party, "name")
        lower = head.lower_
        if lower in PRONOUNS and head.tag_ in {"PRP"}:
            return self._pronoun(head)
        role = speaker_nouns().get(head.lemma_.lower())
        # Only a bare singular description ("the firm", "the minister") points back to a party;
        # "the tobacco companies" or "the US firm" describe someone else.
        bare = head.tag_ == "NN" and [c.lower_ for c in head.children] in (["the"], ["this"])
        if role and bare:
            return self._description(head, role)
        return Resolution(self.affiliation(head), None, "description")

    def _subjects(self, unit: Span) -> list[Token]:
        """Subjects of the unit's main clauses (the root, verbs coordinated with it, and reporting
        verbs wherever the parser put them), outside quotations, with the person or pronoun that
        owns a subject ("Mr Tsutsumi's fall", "his determination")."""
        main = [t for t in unit if t.dep_ == "ROOT"]
        main += [t for t in unit if t.dep_ == "conj" and t.head in main and t.pos_ in {"VERB", "AUX"}]
        main += [t for t in unit if t not in main and t.lemma_.lower() in reporting_verbs() and t.pos_ == "VERB" and not self.quoted[t.i]]
        subjects = [c for verb in main for c in verb.children if c.dep_ in SUBJECTS and not self.quoted[c.i]]
        owners = [c for s in subjects for c in s.children if c.dep_ == "poss" and not self.quoted[c.i]
                  and (c.i in self.owner or c.lower_ in FAMILY)]
        return subjects + owners

    def _pronoun(self, pronoun: Token) -> Resolution:
        family = FAMILY.get(pronoun.lower_, pronoun.lower_)
        kind, gender = PRONOUNS[family]
        if not self._main_clause(pronoun.head):
            # "The e-mails show that they … and tell …": a pronoun down in a clause that nobody
            # reports is too easily misparsed into a speaker.
            return Resolution(None, None, "unresolved: not the subject of a main or reporting clause")
        start = self._unit_of.get(pronoun.i, 0)
        # "Sky has said it aims … - it is predicting …": the pronoun's own sentence comes first.
        own = [s for s in self._subjects(self.units[start]) if s.i < pronoun.i]
        searched = [(start, own)] + [(n, self._subjects(self.units[n])) for n in range(start - 1, max(-1, start - 1 - _WINDOW), -1)]
        for number, subjects in searched:
            fits: dict[str, Token] = {}
            blocked = None
            for subject in subjects:
                verdict = self._fits(subject, family, kind, gender)
                if verdict is None:
                    continue
                if verdict.party is None:
                    blocked = blocked or verdict
                    continue
                fits[verdict.party] = subject
            hidden = self._hidden_person(self.units[number], subjects, pronoun) if kind == "person" else None
            if hidden is not None and hidden not in fits:
                # "… as they have ground their way to victory but captain Fabien Pelous sees hope":
                # a person in a lower clause may be the one, whatever the tagger called him.
                return Resolution(None, None, f"unresolved: '{hidden}' in sentence {number + 1} may be the one")
            if len(fits) == 1 and blocked is None:
                name = next(iter(fits))
                rival = self._rival(name, number, pronoun, kind, gender)
                if rival:
                    return Resolution(None, None, f"unresolved: {name} and {rival} both fit")
                return Resolution(name, name, f"{pronoun.lower_}: subject of sentence {number + 1}")
            if len(fits) > 1:
                return Resolution(None, None, f"unresolved: {' and '.join(sorted(fits))} both fit")
            if blocked is not None:
                # An unnamed antecedent ("the correspondent") is kept as a description, never a name.
                return Resolution(None, blocked.text if not fits else None, f"unresolved: {blocked.how}")
            if kind == "person" and number != start and any(
                self.owner.get(t.i) and self.parties[self.owner[t.i]].label == "PERSON" and not self.quoted[t.i]
                for t in self.units[number]
            ):
                # A sentence that names a person where no subject does (a misparsed list, an object):
                # looking further back would skip over someone who may be the one.
                return Resolution(None, None, f"unresolved: sentence {number + 1} names a person outside its subjects")
            # "his", "him" (or, in a quotation, "she") in a sentence between: someone of that kind
            # is being talked about whom no subject names; looking further back would skip them.
            if number != start and any(FAMILY.get(t.lower_) == family for t in self.units[number]):
                return Resolution(None, None, f"unresolved: '{family}' in sentence {number + 1} refers to someone no subject names")
        return Resolution(None, None, "unresolved: no subject that fits nearby")

    def _hidden_person(self, unit: Span, main: list[Token], pronoun: Token) -> str | None:
        """A subject outside the main clauses that names a person or a person's role."""
        for token in unit:
            if token.i >= pronoun.i:
                break
            if token.dep_ not in SUBJECTS or token in main or self.quoted[token.i] or token.lower_ in FAMILY:
                continue
            if any(a.dep_ in {"ccomp", "xcomp"} for a in token.ancestors):
                continue  # "X said Y would …": Y is what X said, not a second speaker
            party = self.party_of(token)
            if party is not None and self.parties[party].label == "PERSON":
                return party
            if any(c.dep_ in {"compound", "appos"} and speaker_nouns().get(c.lemma_.lower()) == "person" for c in token.children):
                return party or self.description(token)
        return None

    def _main_clause(self, verb: Token) -> bool:
        """Is ``verb`` the root, coordinated with it, or reached from it through reporting verbs only?"""
        while verb.dep_ != "ROOT":
            if verb.dep_ not in {"conj", "ccomp", "advcl"} or verb.dep_ != "conj" and verb.head.lemma_.lower() not in reporting_verbs():
                return False
            verb = verb.head
        return True

    def _rival(self, name: str, number: int, pronoun: Token, kind: str, gender: str | None) -> str | None:
        """Another person who could be "she" as well, when no title tells the subject's gender:
        one named between the subject's sentence and the pronoun ("Mark Ellis thanked Sofia
        Brandt. She said …"; "… would see Kelly Holmes … After her glory she denied …")."""
        if kind != "person" or self.parties[name].gender == gender:
            return None
        for token in self.doc[self.units[number].start:pronoun.i]:
            other = self.owner.get(token.i)
            if other and other != name and not self.quoted[token.i] and self.parties[other].label == "PERSON" \
                    and self.parties[other].gender in {None, gender}:
                return other
        return None

    def _fits(self, subject: Token, family: str, kind: str, gender: str | None) -> Resolution | None:
        """A subject's verdict for a pronoun: a Resolution naming a party (fits), a Resolution
        without one (someone or something fits whom the article does not name: the pronoun must
        stay as it is), or None (does not fit)."""
        if subject.dep_ == "poss" and kind != "person":
            return None  # "Amanda's uncle": a possessor may be "he", never "it"
        unnamed = f"its antecedent '{self.description(subject)}' is not a named party"
        coordinated = any(c.dep_ == "conj" for c in subject.children)
        party = self.party_of(subject)
        if party is not None:
            label = self.parties[party].label
            if coordinated:  # "Bank of America, UBS and Citigroup": a group, never one of them
                return Resolution(None, self.description(subject) if kind == "group" else None, "the subject before it is a list") if kind != "person" else None
            if kind == "person" and label == "PERSON":
                known = self.parties[party].gender
                if known not in {None, gender}:
                    return None
                if known is None and " " not in party:
                    return Resolution(None, None, f"'{party}' may not be a person")  # one word, no title: weak
                return Resolution(party, party, "name")
            if kind in {"org", "group"} and label in {"ORG", "NORP"} or kind == "org" and label == "GPE":
                return Resolution(party, party, "name")
            if kind == "org" and label != "PERSON":
                return Resolution(None, None, f"'{party}' may be what 'it' is")
            return None
        lower = FAMILY.get(subject.lower_)
        if lower == family:
            earlier = self.resolve(subject) if subject.dep_ in SUBJECTS else self._pronoun(subject)
            return earlier if earlier.party else Resolution(None, None, f"'{subject.text}' before it is unresolved")
        if lower is not None or subject.pos_ == "PRON" or subject.dep_ == "poss":
            return None  # another pronoun, "who", "this"
        role = speaker_nouns().get(subject.lemma_.lower())
        if kind == "person":
            if role == "person" or subject.pos_ == "NOUN" and subject.head.lemma_.lower() in reporting_verbs():
                # "one dealer … told Reuters": whoever speaks unnamed is still the nearest speaker
                return Resolution(None, self.description(subject), unnamed)
            if subject.pos_ == "PROPN":
                return Resolution(None, None, f"'{text_of(subject.subtree)}' may be a person the tagger did not name")
            return None  # "the tackle was terrible": not a person
        if kind == "group" and (subject.tag_ in {"NNS", "NNPS"} or coordinated):
            return Resolution(None, self.description(subject), unnamed)
        if subject.pos_ in {"NOUN", "PROPN"}:
            # "The report said … It added": "it" may be the report; "the firm" chains to its own resolution.
            if role in {"org", "institution"} and not coordinated:
                earlier = self.resolve(subject)
                if earlier.party and earlier.how != "description":
                    return earlier
            return Resolution(None, None, f"'{self.description(subject)}' may be what '{family}' is")
        return None

    def description(self, head: Token) -> str:
        """A short description of an unnamed antecedent: its words up to the head ("US officials")."""
        left = [t for t in head.subtree if t.i <= head.i]
        return text_of(self.doc[left[0].i:head.i + 1])

    def _description(self, head: Token, role: str) -> Resolution:
        """"the firm" -> the organisation the nearby units make their subject; "the minister" -> the
        one person the article gives that title."""
        lemma = head.lemma_.lower()
        if role == "person":
            holders = {
                self.owner[t.i] for t in self.doc
                if t.i in self.owner and self.parties[self.owner[t.i]].label == "PERSON" and not self.quoted[t.i]
                and any(c.lemma_.lower() == lemma and c.dep_ in {"compound", "appos", "amod"} for c in list(t.children) + [t.head] if c.i not in self.owner)
            }
            if len(holders) == 1:
                name = next(iter(holders))
                return Resolution(name, name, f"the {lemma}: the only {lemma} the article names")
            return Resolution(None, None, f"unresolved: the article names {len(holders) or 'no'} {lemma}s")
        named = {p.name for p in self.parties.values() if p.label != "PERSON" and head.lower_ in p.name.lower().split()}
        if len(named) == 1:  # "the ministry" -> "the Ministry of Defence", the one the article names
            name = next(iter(named))
            return Resolution(name, name, f"the {lemma}: the only {lemma} the article names")
        if role != "org":
            return Resolution(None, None, f"unresolved: the article names {len(named) or 'no'} {lemma} by name")
        start = self._unit_of.get(head.i, 0)
        for number in range(start, max(-1, start - 1 - _WINDOW), -1):
            subjects = [s for s in self._subjects(self.units[number]) if s.i < head.i]
            orgs = {self.owner[s.i] for s in subjects if s.i in self.owner and self.parties[self.owner[s.i]].label == "ORG"}
            if not orgs and any(s.pos_ == "PROPN" for s in subjects):
                break  # a name the tagger did not call an organisation ("Air Deccan") may be the firm
            if len(orgs) == 1:
                name = next(iter(orgs))
                return Resolution(name, name, f"the {lemma}: subject of sentence {number + 1}")
            if len(orgs) > 1:
                break
        return Resolution(None, None, f"unresolved: no single organisation nearby for 'the {lemma}'")
