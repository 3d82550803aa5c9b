"""Who "he", "it", "they", "the firm", "the minister" and "the 64-year-old" are.

Resolution is salience-based and conservative, because a quotation given to the wrong party is
worse than an unresolved pronoun.

**Pronouns** look first at the subjects of the clauses above them in their own sentence ("Mr Brown
said he …"), then back at most three units at the subjects of main and reporting clauses (never an
object, never a name inside a quotation) that agree with them in type (PERSON for he/she; ORG, GPE
or NORP for it/they), number and gender (a title, a gendered role noun, or a first name that census
lists give to one sex; the last only ever blocks). The nearest unit with such a subject decides. It
stays unresolved when that unit offers two parties, when its subject is someone the article does not
name ("the correspondent"), when another person who may be "she" is named between (and no evidence
tells the subject's gender), or when a sentence on the way names a person no subject accounts for.

**Descriptions** ("the minister", "the firm", "the 64-year-old", "the American"): first the party
the article ties to that role ("Planning Minister Julio De Vido", "Greg Abbott, Texas attorney
general", "water firm Aguas Argentinas"); of several, the one named in the nearest unit. A role news
uses for the person it has just named (``salient`` in ``data/speaker_nouns.tsv``: leader, chancellor,
star, "the 64-year-old") may stand for the one named party that is the subject nearby, unless the
article gives that party another role; a role that usually brings in a new participant ("the judge",
"a spokesman") never does. An institution ("the ministry") is the one the article names with that word.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from summarize.offline.lexicon import FAMILY, OFFICE, PRONOUNS, RoleNoun, first_names, reporting_verbs, role_nouns
from summarize.offline.places import place_word
from summarize.offline.reading import Party
from summarize.offline.units import text_of

SUBJECTS = {"nsubj", "nsubjpass"}
_WINDOW = 3
#: The role of an age ("the 64-year-old") or a nationality ("the American"): news style for the person just named.
_DESCRIPTOR = RoleNoun("person", None, "salient")
#: Any other noun that is part of an organisation's name ("the centre", "the institute").
_INSTITUTION = RoleNoun("institution", None, "named")
_QUALIFIERS = {"compound", "amod", "nmod", "nummod", "npadvmod"}
#: Role nouns that speak for someone else: "Snoop Dogg's spokesman" speaks for Snoop Dogg.
_AGENTS = {"spokesman", "spokeswoman", "spokesperson", "lawyer", "solicitor", "barrister", "attorney", "agent",
           "publicist", "representative", "adviser", "aide"}


@dataclass
class Resolution:
    """What a mention refers to: a party name, or a description when the article names nobody."""

    party: str | None
    text: str | None
    how: str
    #: For a pronoun that stays unresolved because its antecedent is a description the article ties
    #: to no name ("the first minister … He told …"): that description's head token.
    antecedent: int | None = None


def _aged(head: Token) -> bool:
    """"the 41-year-old chart-topper": an age says the noun is a person."""
    return any(t.lower_ == "year" for c in head.children if c.dep_ in {"amod", "compound", "nmod"} for t in c.subtree) \
        and any(t.lower_ == "old" for c in head.children for t in c.subtree)


def _compatible(role: tuple[str, ...], lemma: str, words: set[str], names: frozenset[str] = frozenset()) -> bool:
    """Does a tied role ("tory", "leader") fit a description ("the Labour leader": no)? The heads must
    agree, so must the words that make it another office ("deputy mayor" is not "the mayor"), and a
    qualified description ("the prime minister") needs one of its words in the role ("Minister Clare
    Short" is not the prime minister), and all of its names."""
    own = {place_word(w) for w in role[:-1]}
    if role[-1] != lemma or own & OFFICE != words & OFFICE or not names <= own:
        return False  # "the Metropolitan police chief" is not "Norfolk police chief Andy Hayman"
    other = words - OFFICE
    return not other or bool(other & own)


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
        spokesman for X". Never a person: "Brown's closest ally" is somebody else (an agent such as
        "his lawyer" is resolved by :meth:`principal`)."""
        for token in self._owners(head):
            if token.i in self.owner and self.parties[self.owner[token.i]].label != "PERSON":
                return self.owner[token.i]
        return None

    def principal(self, head: Token) -> Resolution | None:
        """Whom an agent speaks for: "Snoop Dogg's spokesman", "his lawyers", "lawyers for the pair"
        (the principal a spokesman, lawyer, agent or publicist represents), resolved like any mention."""
        role = role_nouns().get(head.lemma_.lower())
        if role is None or role.kind != "person" or head.lemma_.lower() not in _AGENTS:
            return None
        for token in self._owners(head):
            resolution = self.resolve(token) if token.i not in self.owner else Resolution(self.owner[token.i], self.owner[token.i], "name")
            if resolution.party:
                return resolution
        return None

    @staticmethod
    def _owners(head: Token) -> list[Token]:
        found = [c for c in head.children if c.dep_ in {"compound", "poss", "nmod"}]
        found += [g for c in head.children if c.dep_ == "prep" and c.lower_ in {"for", "of", "at", "from"}
                  for g in c.children if g.dep_ == "pobj"]
        return found

    # -- resolution ------------------------------------------------------------------------

    def resolve(self, head: Token) -> Resolution:
        """What the speaker phrase headed by ``head`` refers to."""
        if head.i not in self._memo:
            self._memo[head.i] = Resolution(None, None, "unresolved: a chain that points back at itself")
            self._memo[head.i] = self._resolve(head)
        return self._memo[head.i]

    def _resolve(self, head: Token) -> Resolution:
        party = self.party_of(head)
        if party is not None and head.ent_type_ == "NORP" and head.tag_ in {"NN", "NNP"} and self._role(head):
            party = None  # "the American": a description of someone, not the nation
        if party is not None:
            return Resolution(party, party, "name")
        if head.lower_ in FAMILY and head.tag_ in {"PRP", "PRP$"}:
            return self._pronoun(head)
        role = self._role(head)
        if role is not None:
            return self._description(head, *role)
        principal = self.principal(head)
        if principal is not None:
            return Resolution(principal.party, None, f"speaks for {principal.party} ({principal.how})")
        return Resolution(self.affiliation(head), None, "description")

    def _role(self, head: Token) -> tuple[str, RoleNoun] | None:
        """The role a definite description names ("the minister", "the Tory leader", "the 64-year-old",
        "the American"), or None for anything else (a plural, "a spokesman", "the firm's boss")."""
        children = list(head.children)
        if not any(c.dep_ == "det" and c.lower_ in {"the", "this"} for c in children):
            return None
        if any(c.dep_ not in _QUALIFIERS | {"det", "punct"} for c in children if c.i < head.i) or any(
            c.dep_ in {"relcl", "acl", "prep", "poss"} for c in children
        ):
            return None
        if head.lower_ == "old" and any(t.lower_ == "year" for t in head.subtree):
            return "year-old", _DESCRIPTOR
        if head.tag_ not in {"NN", "NNP"}:
            return None
        lemma = head.lemma_.lower()
        if lemma in role_nouns():
            return lemma, role_nouns()[lemma]
        if head.ent_type_ == "NORP" or _aged(head):
            return lemma, _DESCRIPTOR  # "the American", "the 41-year-old chart-topper"
        if head.tag_ == "NN" and any(p.label != "PERSON" and head.lower_ in p.name.lower().split() for p in self.parties.values()):
            return lemma, _INSTITUTION  # "the centre": the one organisation the article names with that word
        return None

    def _subjects(self, unit: Span) -> list[Token]:
        """Subjects of the unit's main clauses (the root, verbs coordinated with it, and reporting
        verbs wherever the parser put them), outside quotations, with the person or pronoun that
        owns a subject ("Mr Tsutsumi's fall", "his determination")."""
        main = [t for t in unit if t.dep_ == "ROOT"]
        main += [t for t in unit if t.dep_ == "conj" and t.head in main and t.pos_ in {"VERB", "AUX"}]
        # Reporting verbs wherever the parser put them, but not one inside what another reports
        # ("Zombic said he did not feel it was as dramatic as Mr Renner believed": Renner is not a speaker here).
        main += [t for t in unit if t not in main and t.lemma_.lower() in reporting_verbs() and t.pos_ == "VERB" and not self.quoted[t.i]
                 and not any(a.lemma_.lower() in reporting_verbs() and a.pos_ == "VERB" for a in t.ancestors)]
        subjects = [c for verb in main for c in verb.children if c.dep_ in SUBJECTS and not self.quoted[c.i]]
        # "Mr Llwyd's theory has been questioned by Dafydd Wigley": the agent is the one who acts
        agents = [g for verb in main for c in verb.children if c.dep_ == "agent" for g in c.children
                  if g.dep_ == "pobj" and not self.quoted[g.i]]
        owners = [c for s in subjects for c in s.children if c.dep_ == "poss" and not self.quoted[c.i]
                  and (c.i in self.owner or c.lower_ in FAMILY) and not (s.dep_ == "nsubjpass" and agents)]
        return subjects + agents + owners

    def _above(self, pronoun: Token) -> list[Token]:
        """Subjects of the clauses above the pronoun in its own unit, before it ("Mr Brown said he …",
        "al-Gosaibi had caused uproar when he said …"), nearest first."""
        found, verb = [], pronoun.head
        # "When President Kirchner arrived in power he began …": a clause before it, on its own verb
        found += [s for c in verb.children if c.dep_ == "advcl" and c.i < pronoun.i
                  for s in c.children if s.dep_ in SUBJECTS and not self.quoted[s.i] and self.party_of(s)]
        while verb.head.i != verb.i:
            controller = next((c for c in verb.head.children if c.dep_ == "dobj"), None) if verb.dep_ == "xcomp" else None
            verb = verb.head
            if controller is not None:
                # "challenged Mr Brown to deny reports that he …": the object controls what follows
                found.append(controller)
                break
            found += [c for c in verb.children if c.dep_ in SUBJECTS and c.i < pronoun.i and not self.quoted[c.i]]
        start = self.units[self._unit_of.get(pronoun.i, 0)].start
        return sorted((s for s in found if s.i >= start), key=lambda s: -s.i)

    def _pronoun(self, pronoun: Token) -> Resolution:
        family = FAMILY.get(pronoun.lower_, pronoun.lower_)
        kind, gender = PRONOUNS[family]
        anchor = pronoun.head if pronoun.dep_ in SUBJECTS else pronoun.head.head
        if not (anchor.lemma_.lower() in reporting_verbs() and anchor.pos_ == "VERB" or self._main_clause(anchor)):
            # "The e-mails show that they … and tell …": a pronoun down in a clause that nobody
            # reports is too easily misparsed into a speaker.
            return Resolution(None, None, "unresolved: not the subject of a main or reporting clause")
        start = self._unit_of.get(pronoun.i, 0)
        own = self._above(pronoun) + [s for s in self._subjects(self.units[start]) if s.i < pronoun.i]
        searched = [(start, list(dict.fromkeys(own)))]
        searched += [(n, self._subjects(self.units[n])) for n in range(start - 1, max(-1, start - 1 - _WINDOW), -1)]
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
                fits.setdefault(verdict.party, subject)
            hidden = self._hidden_person(self.units[number], subjects, pronoun) if kind == "person" else None
            if hidden is not None and hidden not in fits:
                # "… as they have ground their way to victory but captain Fabien Pelous sees hope":
                # a person in a lower clause may be the one, whatever the tagger called him.
                return Resolution(None, None, f"unresolved: '{hidden}' in sentence {number + 1} may be the one")
            if len(fits) == 1 and blocked is None:
                name = next(iter(fits))
                rival = self._rival(name, fits[name], pronoun, kind, gender)
                if rival:
                    return Resolution(None, None, f"unresolved: {name} and {rival} both fit")
                return Resolution(name, name, f"{pronoun.lower_}: subject of sentence {number + 1}")
            if len(fits) > 1:
                return Resolution(None, None, f"unresolved: {' and '.join(sorted(fits))} both fit")
            if blocked is not None:
                # An unnamed antecedent ("the correspondent") is kept as a description, never a name.
                return Resolution(None, blocked.text if not fits else None, f"unresolved: {blocked.how}", blocked.antecedent)
            span = self.units[number] if number != start else self.doc[self.units[number].start:pronoun.i]
            named = {self.owner[t.i] for t in span if self.owner.get(t.i) and self.parties[self.owner[t.i]].label == "PERSON"
                     and not self.quoted[t.i] and self._may_be(self.owner[t.i], gender)}
            if kind == "person" and named:
                pronouns = any(FAMILY.get(t.lower_) == family and not self.quoted[t.i] for t in self.units[number])
                if len(named) == 1 and number != start and not any(self._person(s) for s in subjects) and not pronouns:
                    # ("… when she lost to Elena Dementieva": a "she" there is someone else already)
                    # "The programme also heard from Lord Roberts. He denied …": the one person the
                    # sentence names, when its subject is no person at all.
                    name = named.pop()
                    if self.parties[name].gender == gender or self.parties[name].gender is None and gender is None:
                        return Resolution(name, name, f"{pronoun.lower_}: the one person named in sentence {number + 1}")
                    if not any(self.owner.get(t.i) not in {None, name} and self.parties[self.owner[t.i]].label == "PERSON"
                               for t in self.units[number]):
                        return Resolution(name, name, f"{pronoun.lower_}: the one person named in sentence {number + 1}")
                # A sentence that names a person where no subject does (a misparsed list, an object):
                # looking further back would skip over someone who may be the one.
                return Resolution(None, None, f"unresolved: sentence {number + 1} names a person outside its subjects")
            # "his", "him" (or, in a quotation, "she") in a sentence between: someone of that kind
            # is being talked about whom no subject names; looking further back would skip them.
            if number != start and any(FAMILY.get(t.lower_) == family for t in self.units[number]):
                return Resolution(None, None, f"unresolved: '{family}' in sentence {number + 1} refers to someone no subject names")
        return Resolution(None, None, "unresolved: no subject that fits nearby")

    def _other_role(self, subject: Token, lemma: str) -> bool:
        """Is this subject no person, or a person by another role ("the referee" for "the coach")?"""
        role = role_nouns().get(subject.lemma_.lower())
        if self.party_of(subject) is not None or subject.lower_ in FAMILY:
            return False
        return role is None and subject.pos_ != "PROPN" or role is not None and role.kind == "person" and subject.lemma_.lower() != lemma

    def _person(self, subject: Token) -> bool:
        """Could this subject be a person (a name, a pronoun, a person's role)?"""
        party = self.party_of(subject)
        if party is not None:
            return self.parties[party].label == "PERSON"
        role = role_nouns().get(subject.lemma_.lower())
        return subject.lower_ in FAMILY or subject.pos_ == "PROPN" or role is not None and role.kind == "person"

    def _may_be(self, name: str, gender: str | None) -> bool:
        known = self.parties[name].gender
        return gender is None or known in {None, gender}

    def _hidden_person(self, unit: Span, main: list[Token], pronoun: Token) -> str | None:
        """A subject outside the main clauses that names a person or a person's role."""
        for token in unit:
            if token.i >= pronoun.i:
                break
            if token.dep_ not in SUBJECTS or token in main or self.quoted[token.i] or token.lower_ in FAMILY:
                continue
            if any(a.dep_ in {"ccomp", "xcomp"} for a in token.ancestors):
                continue  # "X said Y would …": Y is what X said, not a second speaker
            if pronoun in token.head.subtree:
                continue  # the clause the pronoun itself sits in
            party = self.party_of(token)
            if party is not None and self.parties[party].label == "PERSON":
                return party
            if any(c.dep_ in {"compound", "appos"} and role_nouns().get(c.lemma_.lower(), _DESCRIPTOR).kind == "person"
                   and c.lemma_.lower() in role_nouns() for c in token.children):
                return party or self.description(token)
        return None

    def _main_clause(self, verb: Token) -> bool:
        """Is ``verb`` the root, coordinated with it, or reached from it through reporting verbs only?"""
        while verb.dep_ != "ROOT":
            if verb.dep_ not in {"conj", "ccomp", "advcl"} or verb.dep_ != "conj" and verb.head.lemma_.lower() not in reporting_verbs():
                return False
            verb = verb.head
        return True

    def _rival(self, name: str, subject: Token, pronoun: Token, kind: str, gender: str | None) -> str | None:
        """Another person who could be "she" as well, when nothing tells the subject's gender: one
        named between the subject and the pronoun ("Mark Ellis thanked Sofia Brandt. She said …";
        "… would see Kelly Holmes … After her glory she denied …"), outside the subject's own phrase."""
        if kind != "person" or self.parties[name].gender == gender:
            return None
        own = range(subject.left_edge.i, subject.right_edge.i + 1)
        for token in self.doc[self.units[self._unit_of.get(subject.i, 0)].start:pronoun.i]:
            other = self.owner.get(token.i)
            if other and other != name and token.i not in own and not self.quoted[token.i] \
                    and self.parties[other].label == "PERSON" and self._may_be(other, gender):
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
                known, source = self.parties[party].gender, self.parties[party].gender_from
                if known not in {None, gender}:
                    # A first name may mislead ("Andrea" is a man's name in Italy): it never lets the
                    # search go on past the person it rules out.
                    return Resolution(None, None, f"'{party}' may not be '{family}'") if source == "name" else None
                if known is None and " " not in party and not any(role_nouns().get(r[-1], _DESCRIPTOR).kind == "person" and r[-1] in role_nouns()
                                                                  for r in self.parties[party].roles):
                    return Resolution(None, None, f"'{party}' may not be a person")  # one word, no title or role: weak
                return Resolution(party, party, "name")
            if kind in {"org", "group"} and label in {"ORG", "NORP"} or kind == "org" and label == "GPE":
                return Resolution(party, party, "name")
            if kind == "org" and label != "PERSON":
                return Resolution(None, None, f"'{party}' may be what 'it' is")
            if kind == "person" and party.split()[0].lower() in first_names() and 1 < len(party.split()) <= 3 \
                    and party.split()[-1].lower().rstrip("s") not in role_nouns():
                return Resolution(None, None, f"'{party}' may be a person the tagger called {label}")
            return None
        lower = FAMILY.get(subject.lower_)
        if lower == family:
            earlier = self.resolve(subject)
            return earlier if earlier.party else Resolution(None, None, f"'{subject.text}' before it is unresolved")
        if lower is not None or subject.pos_ == "PRON" or subject.dep_ == "poss":
            return None  # another pronoun, "who", "this"
        described = self._role(subject)
        if described is not None and described[1].kind == kind == "person" or described is not None and kind == "org" \
                and described[1].kind in {"org", "institution"}:
            earlier = self.resolve(subject)
            if earlier.party:
                known = self.parties[earlier.party].gender
                if described[1].gender not in {None, gender} or kind == "person" and known not in {None, gender}:
                    return None  # "the first minister" resolved to Ms Sturgeon is no "he"
                return earlier
            if kind == "person" and described[1].gender not in {None, gender}:
                return None  # "the spokeswoman" is no "he"
            return Resolution(None, self.description(subject), unnamed, subject.i) if kind == "person" else \
                Resolution(None, None, f"'{self.description(subject)}' may be what '{family}' is")
        role = role_nouns().get(subject.lemma_.lower())
        if kind == "person":
            if subject.tag_ in {"NNS", "NNPS"} or role is not None and role.kind != "person":
                return None  # "police", "the firm": never "he"
            if role is not None and role.gender not in {None, gender}:
                return None
            if role is not None or subject.pos_ == "NOUN" and subject.head.lemma_.lower() in reporting_verbs() \
                    and subject.head.dep_ in {"ROOT", "conj"}:
                # "one dealer … told Reuters": whoever speaks unnamed is still the nearest speaker
                return Resolution(None, self.description(subject), unnamed)
            if subject.pos_ == "PROPN":
                return Resolution(None, None, f"'{text_of(subject.subtree)}' may be a person the tagger did not name")
            return None  # "the tackle was terrible": not a person
        if kind == "group" and (subject.tag_ in {"NNS", "NNPS"} or coordinated):
            return Resolution(None, self.description(subject), unnamed)
        if subject.pos_ in {"NOUN", "PROPN"}:
            return Resolution(None, None, f"'{self.description(subject)}' may be what '{family}' is")
        return None

    def description(self, head: Token) -> str:
        """A short description of an unnamed antecedent: its words up to the head ("US officials")."""
        left = [t for t in head.subtree if t.i <= head.i]
        return text_of(self.doc[left[0].i:head.i + 1])

    def _description(self, head: Token, lemma: str, role: RoleNoun) -> Resolution:
        """"the firm", "the minister", "the 64-year-old": see the module docstring."""
        qualifiers = [t for c in head.children if c.dep_ in _QUALIFIERS and c.i < head.i for t in c.subtree
                      if t.is_alpha and t.lower_ not in {"year", "old"}]  # an age is no part of the role
        words = {place_word(t.lemma_) for t in qualifiers}
        names = frozenset(place_word(t.lemma_) for t in qualifiers if t.pos_ == "PROPN" or t.ent_type_ in {"NORP", "GPE", "ORG"})
        what = f"the {lemma}"
        person = role.kind == "person"
        # A role news uses for whoever it has just named must be tied before it, as a reader meets it;
        # "the judge" may be named later ("… said the judge, Ann Lee").
        holders = [p.name for p in self.parties.values() if (p.label == "PERSON") == person
                   and any(_compatible(r, lemma, words, names) and (role.refers != "salient" or at < head.i)
                           for r, at in p.roles.items())]
        if role.kind == "institution":
            # "the ministry" -> "the Ministry of Defence"; "the assembly government" is not "Welsh Local Government Association"
            holders += [p.name for p in self.parties.values() if p.label != "PERSON" and p.name not in holders
                        and lemma in p.name.lower().split() and {place_word(w) for w in words} <= {place_word(w) for w in p.name.lower().split()}]
        salient = self._salient(head, lemma, role, words, names) if role.refers == "salient" else None
        if salient is not None and salient.party and not person:
            earlier = {self.owner[t.i] for t in self.doc[self.units[self._unit_of.get(head.i, 0)].start:head.i]
                       if t.i in self.owner and not self.quoted[t.i] and self.parties[self.owner[t.i]].label in {"ORG", "NORP"}}
            if earlier - {salient.party}:
                # "In a statement from Lycos Europe …, the company denied …": not the firm named sentences before
                return Resolution(None, None, f"unresolved: {', '.join(sorted(earlier))} is named right before '{what}'")
        if len(holders) > 1:
            nearest = self._nearest(head, set(holders))
            if nearest is None:
                return Resolution(None, None, f"unresolved: the article names {len(holders)} {lemma}s")
            holders = [nearest]
        if holders and salient and salient.party and salient.party != holders[0]:
            return Resolution(None, None, f"unresolved: {holders[0]} is named the {lemma}, {salient.party} is the subject nearby")
        if holders:
            return Resolution(holders[0], holders[0], f"{what}: the {lemma} the article names")
        if salient is not None:
            return salient
        return Resolution(None, None, f"unresolved: the article ties no name to '{lemma}'")

    def _salient(self, head: Token, lemma: str, role: RoleNoun, words: set[str], names: frozenset[str]) -> Resolution:
        """The one named party that is the subject nearby, for a role news uses for the party it has
        just named. Never one in the description's own sentence: "Ruud van Nistelrooy is fit, but the
        Scot admitted …" (a writer says "he" for someone that close)."""
        what, person = f"the {lemma}", role.kind == "person"
        start = self._unit_of.get(head.i, 0)
        phrase = range(head.left_edge.i, head.right_edge.i + 1)
        beside = {self.owner[t.i] for t in self.units[start] if t.i in self.owner and t.i not in phrase}
        for number in range(start - 1, max(-1, start - 1 - _WINDOW), -1):
            subjects = [s for s in self._subjects(self.units[number]) if person or s.dep_ != "poss" or s.i in self.owner]
            if not any(s.lower_ in FAMILY or (self.parties[self.party_of(s)].label == "PERSON") == person
                       for s in subjects if s.lower_ in FAMILY or self.party_of(s)):
                # "…, if Gordon Brown opens up his books, say the Lib Dems": with no named subject in
                # its main clauses, a unit's lower clauses may hold the one named party.
                subjects += [t for t in self.units[number] if t.dep_ in SUBJECTS and t not in subjects and not self.quoted[t.i]]
            fits, named_people = set(), False
            for subject in subjects:
                found = self.resolve(subject) if subject.lower_ in FAMILY or subject.i in self.owner else None
                party = found.party if found is not None else None
                label = self.parties[party].label if party else None
                named_people |= label == "PERSON"
                if party is None or (label == "PERSON") != person or label in {"GPE", "LOC", "FAC"}:
                    if person and party is None and subject.pos_ == "NOUN" and not subject.tag_.endswith("S") \
                            and subject.lemma_.lower() == lemma:
                        return Resolution(None, None, f"unresolved: '{self.description(subject)}' before it is not named")
                    continue
                if subject.dep_ == "poss" and person or party in beside:
                    continue  # "Mr Prescott hosted a dinner where the prime minister told Mr Brown": neither
                if any(c.dep_ == "conj" for c in subject.children):
                    continue
                gendered = self.parties[party].gender
                if person and role.gender not in {None, gendered} and gendered is not None:
                    continue
                others = [r for r in self.parties[party].roles if r[-1] in role_nouns() and role_nouns()[r[-1]].kind == role.kind]
                if person and others and not any(_compatible(r, lemma, words, names) for r in others):
                    continue  # "Vince Cable, Lib Dem spokesman" is no "chancellor"
                fits.add(party)
            if len(fits) == 1:
                name = next(iter(fits))
                return Resolution(name, name, f"{what}: subject of sentence {number + 1}")
            if fits or (person and named_people):
                break
            if person and subjects and all(self._other_role(s, lemma) for s in subjects):
                # "The referee … defended the officials after criticism by Matt Williams. The Scotland
                # coach said …": the one person the sentence names, when its subject is someone else.
                named = {self.owner[t.i] for t in self.units[number] if t.i in self.owner and not self.quoted[t.i]
                         and self.parties[self.owner[t.i]].label == "PERSON"} - beside
                if len(named) == 1:
                    name = named.pop()
                    others = [r for r in self.parties[name].roles if r[-1] in role_nouns() and role_nouns()[r[-1]].kind == "person"]
                    if not others or any(_compatible(r, lemma, words, names) for r in others):
                        return Resolution(name, name, f"{what}: the one person named in sentence {number + 1}")
                break
            if not person and any(s.pos_ == "PROPN" and self.party_of(s) is None for s in subjects):
                break  # a name the tagger did not call an organisation ("Air Deccan") may be the firm
        return Resolution(None, None, f"unresolved: no single {'person' if person else 'organisation'} nearby for '{what}'")

    def candidates(self, head: Token) -> list[str]:
        """Who an unresolved description could be: the parties of its kind the article names that it
        ties to no other role ("the first minister" may be Jack McConnell, never the journalist
        Hamish MacDonell); empty for anything that is no description."""
        if head.lower_ in FAMILY:
            found = self.resolve(head)
            return self.candidates(self.doc[found.antecedent]) if found.antecedent is not None else []
        described = self._role(head)
        if described is None:
            return []
        lemma, role = described
        person = role.kind == "person"
        out = []
        for party in self.parties.values():
            if (party.label == "PERSON") != person or party.label in {"GPE", "LOC", "FAC"}:
                continue
            own = [r for r in party.roles if r[-1] in role_nouns() and role_nouns()[r[-1]].kind == role.kind]
            if not own or any(_compatible(r, lemma, set(), frozenset()) for r in own):
                out.append(party.name)
        return out

    def _nearest(self, head: Token, names: set[str]) -> str | None:
        """Of several parties, the one alone named in the nearest unit at or before ``head``."""
        start = self._unit_of.get(head.i, 0)
        for number in range(start, max(-1, start - 1 - _WINDOW), -1):
            unit = self.units[number]
            found = {self.owner[t.i] for t in unit if t.i < head.i and self.owner.get(t.i) in names}
            if len(found) == 1:
                return found.pop()
            if found:
                return None
        return None
