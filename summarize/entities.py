"""Who is who in one article: names, their short forms, roles and metonyms, learned from the text.

An article introduces a party once in full ("John Kirby, the National Security Council
spokesperson"; "North Korea") and then refers to it by surname, pronoun, title ("the spokesperson"),
or metonym ("the North", "Pyongyang"). :class:`EntityIndex` reads the article's proper names,
appositives and title prefixes, and resolves a later mention to the first full one. The only outside
knowledge is general: title words (``data/titles.txt``) and a world gazetteer of capitals, country
name variants and demonyms (``data/places.tsv``), used only for countries the article itself names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files

_NAME_RUN = re.compile(
    r"[A-Z][\w’'.&-]*(?:\s+(?:(?:of|for|and|de|del|da|van|von|der|al|bin|el|la|le|du)\s+)?[A-Z][\w’'.&-]*)*"
)
_POSSESSIVE = re.compile(r"[’']s?$")
#: Capitalised words that start sentences but are not names.
_FUNCTION = frozenset(
    """the a an in on at of for and but or if when while after before as by from to with without
    meanwhile however also still yet so then there here this that these those it its he she his her
    they their them we our us you your i my me mine according analysts earlier later last next
    separately instead despite although though since until during under over about among between
    other another some many most more few several all both each every no not one two three
    monday tuesday wednesday thursday friday saturday sunday january february march april may june
    july august september october november december""".split()
)
_ORG_WORDS = frozenset(
    """group ministry house council agency bank party union company corp corporation inc ag ltd plc
    llc association commission committee court police army navy department office secretariat
    shimbun news times post herald journal tribune reuters organization organisation federation
    institute university authority board fund forces force service services foundation centre center
    airlines airways motors systems technologies network club league team government parliament
    congress senate assembly cabinet administration embassy daily press media tv radio community
    secretariat consortium alliance coalition movement front""".split()
)
_PLACE_WORDS = frozenset(
    """island islands lake river mountain mountains sea ocean bay gulf strait city province state
    county region district valley desert peninsula coast port square street avenue bridge airport
    trench basin plateau canal""".split()
)
_HONORIFICS = {"mr", "mrs", "ms", "miss", "dr", "prof", "sir", "dame"}
_RANKS = {"gen", "lt", "col", "maj", "capt", "adm", "sgt", "cpl", "judge", "sen", "rep", "gov"}
_SYNONYMS = {
    "firm": {"company", "group", "corp", "corporation", "inc", "ag", "ltd", "plc", "llc", "firm"},
    "company": {"company", "group", "corp", "corporation", "inc", "ag", "ltd", "plc", "llc", "firm"},
    "spokesperson": {"spokesperson", "spokesman", "spokeswoman"},
    "spokesman": {"spokesperson", "spokesman", "spokeswoman"},
    "spokeswoman": {"spokesperson", "spokesman", "spokeswoman"},
    "ministry": {"ministry", "department"},
    "official": {"official", "officials", "spokesperson", "spokesman", "spokeswoman"},
}
_FEMININE = {"ms", "mrs", "miss", "dame", "spokeswoman", "chairwoman", "congresswoman", "queen", "princess"}
_MASCULINE = {"mr", "sir", "spokesman", "chairman", "congressman", "king", "prince"}
PRONOUNS = {"he", "she", "it", "they", "him", "her", "them"}
#: People related to a party without speaking for it: "Brown's ally" is not Brown.
_RELATIONS = frozenset(
    """ally allies rival rivals critic critics opponent opponents friend friends wife husband son
    daughter father mother brother sister colleague colleagues predecessor successor lawyer lawyers
    biographer former""".split()
)


@dataclass
class Entity:
    """One party of the article, under its first full name."""

    name: str
    kind: str  # person, org, place or name
    aliases: set[str] = field(default_factory=set)
    roles: set[str] = field(default_factory=set)  # head nouns of its titles: minister, spokesperson
    gender: str | None = None
    mentions: list[int] = field(default_factory=list)  # sentence indices

    @property
    def short(self) -> str:
        """How a second mention reads: the surname for a person, the name otherwise."""
        return self.name.split()[-1] if self.kind == "person" else self.name


@lru_cache(maxsize=1)
def title_words() -> frozenset[str]:
    text = files("summarize").joinpath("data/titles.txt").read_text(encoding="utf-8")
    return frozenset(l.strip() for l in text.splitlines() if l.strip() and not l.startswith("#"))


@lru_cache(maxsize=1)
def places() -> dict[str, str]:
    """Lower-cased capital, variant or demonym -> country, from ``data/places.tsv``."""
    index: dict[str, str] = {}
    path = files("summarize").joinpath("data/places.tsv")
    if not path.is_file():
        return index
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        cells = line.split("\t")
        if number == 0 or len(cells) < 4 or not cells[0].strip():
            continue
        country = cells[0].strip()
        index[country.lower()] = country
        for cell in cells[1:4]:
            for alias in cell.split("|"):
                if alias.strip():
                    index.setdefault(alias.strip().lower(), country)
    return index


@lru_cache(maxsize=1)
def demonyms() -> frozenset[str]:
    """Lower-cased demonyms ("Kenyan", "North Korean"): adjectives, never stand-ins for a party."""
    found = set()
    path = files("summarize").joinpath("data/places.tsv")
    if path.is_file():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
            cells = line.split("\t")
            if number and len(cells) >= 4:
                found.update(d.strip().lower() for d in cells[3].split("|") if d.strip())
    return frozenset(found)


def _words(text: str) -> list[str]:
    return text.replace("’", "'").split()


def _strip_possessive(name: str) -> str:
    return _POSSESSIVE.sub("", name) if name.endswith(("'s", "’s", "s'", "s’")) else name


def _is_title(word: str) -> bool:
    return word.lower().rstrip(".") in title_words()


class EntityIndex:
    """The parties of one article and how its later mentions resolve to them."""

    def __init__(self, sentences: list[str]) -> None:
        self.sentences = sentences
        self.entities: list[Entity] = []
        self._by_alias: dict[str, Entity] = {}
        # A capitalised word that opens a sentence is a name only if the article also capitalises
        # it elsewhere ("Maternity pay will rise…" is not about a party called Maternity).
        inner = {
            _strip_possessive(m.group(0)).lower()
            for sentence in sentences
            for m in re.finditer(r"(?<=[\w,;:]\s)[A-Z][\w’'-]*", sentence)
        }
        for index, sentence in enumerate(sentences):
            for match in _NAME_RUN.finditer(sentence):
                run = match.group(0)
                opening = not sentence[: match.start()].strip(" \"“‘'(")
                word = _strip_possessive(run.strip()).lower().rstrip(".")
                if opening and " " not in run.strip() and word not in inner and word not in places() \
                        and not run.isupper():
                    continue
                self._read_run(run, index)
            self._read_appositives(sentence, index)

    # -- learning ------------------------------------------------------------------------

    def _read_run(self, run: str, index: int) -> None:
        words = _words(run)
        if words and not re.fullmatch(r"(?:[A-Z]\.)+", words[-1]):
            words[-1] = words[-1].rstrip(".")
        while words and _strip_possessive(words[0]).lower() in _FUNCTION:
            words = words[1:]
        if not words:
            return
        # "Kenya's Foreign Affairs Principal Secretary": a possessive splits owner from the rest.
        for i, word in enumerate(words[:-1]):
            if word.endswith(("'s", "s'")):
                self._read_run(" ".join(words[: i + 1]), index)
                self._read_run(" ".join(words[i + 1 :]), index)
                return
        words[-1] = _strip_possessive(words[-1])
        titles: list[str] = []
        lowered = [w.lower().rstrip(".") for w in words]
        marks = [i for i, w in enumerate(words[:-1]) if _is_title(w)]
        if marks and not any(w in _ORG_WORDS for w in lowered):
            # "U.S. District Judge Alan Brightwater", "Chief Executive Dr. Helga Maurer": the name is
            # what follows the last title word.
            rest = words[marks[-1] + 1 :]
            if rest[0][:1].islower():
                rest = []  # "Secretary of State": one title, no name after it
            if len(rest) >= 2 or (rest and lowered[marks[-1]] in _HONORIFICS | _RANKS):
                titles, words = words[: marks[-1] + 1], rest
        if not words or (_is_title(words[-1]) and words[-1].lower().rstrip(".") not in _ORG_WORDS):
            return  # a bare role ("Foreign Minister") is not a party
        name = " ".join(words)
        entity = self.lookup(name)
        known = places().get(name.lower())
        if entity is None and known is not None and known.lower() != name.lower():
            return  # a capital, variant or demonym: it stands for a country, resolved on lookup
        if entity is None:
            entity = Entity(name=name, kind=self._kind(words))
            self.entities.append(entity)
            self._alias(entity, name)
            if entity.kind == "person":
                self._alias(entity, words[-1])
        if titles:
            roles = [t.lower().rstrip(".") for t in titles if _is_title(t) and t.lower().rstrip(".") not in _HONORIFICS]
            entity.roles.update(roles[-1:])
            self._gender(entity, titles)
        if not entity.mentions or entity.mentions[-1] != index:
            entity.mentions.append(index)

    def _read_appositives(self, sentence: str, index: int) -> None:
        """"John Kirby, the National Security Council spokesperson," gives Kirby a role."""
        for match in re.finditer(r"([A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*)*),\s+(?:the|a|an|its|their)\s+([^,]{3,80}?),", sentence):
            entity = self.lookup(match.group(1))
            if entity is not None:
                head = _words(match.group(2))[-1].lower()
                entity.roles.add(head)
                self._gender(entity, [head])
        # "Kenya's Foreign Affairs Principal Secretary, Dr. Joseph Wanyama," gives the role before.
        for match in re.finditer(r"([A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*)*),\s+((?:(?:Mr|Mrs|Ms|Dr|Prof)\.?\s+)?[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+){1,3}),", sentence):
            role = _words(match.group(1))
            entity = self.lookup(re.sub(r"^(?:Mr|Mrs|Ms|Dr|Prof)\.?\s+", "", match.group(2)))
            if role and _is_title(role[-1]) and entity is not None and entity.kind == "person":
                entity.roles.add(role[-1].lower().rstrip("."))
                self._gender(entity, role)
        for match in re.finditer(r"\b([a-z]+(?:\s+[a-z]+)?)\s+((?:[A-Z][\w’'-]+\s+){1,3}[A-Z][\w’'-]+)", sentence):
            words = _words(match.group(1))
            if _is_title(words[-1]):
                entity = self.lookup(match.group(2))
                if entity is not None and entity.kind == "person":
                    entity.roles.add(words[-1].lower())
                    self._gender(entity, words)

    @staticmethod
    def _gender(entity: Entity, words: list[str]) -> None:
        lowered = {w.lower().rstrip(".") for w in words}
        if lowered & _FEMININE:
            entity.gender = "f"
        elif lowered & _MASCULINE:
            entity.gender = "m"

    def _kind(self, words: list[str]) -> str:
        lowered = [w.lower().rstrip(".") for w in words]
        name = " ".join(words)
        if any(w in _ORG_WORDS for w in lowered) or (len(words) == 1 and words[0].isupper() and len(words[0]) > 1):
            return "org"
        if name.lower() in places() or any(w in _PLACE_WORDS for w in lowered):
            return "place"
        if 2 <= len(words) <= 4 and all(w[:1].isupper() and not w.isupper() for w in words):
            return "person"
        return "name"

    def _alias(self, entity: Entity, alias: str) -> None:
        key = alias.lower()
        entity.aliases.add(alias)
        self._by_alias.setdefault(key, entity)
        if key.startswith("the "):
            self._by_alias.setdefault(key[4:], entity)

    # -- resolving -----------------------------------------------------------------------

    def find_in(self, text: str, entity: Entity) -> bool:
        """Whether ``text`` names ``entity`` by any of its names or a metonym of it."""
        return any(self.lookup(run) is entity for run in _NAME_RUN.findall(text))

    def lookup(self, name: str) -> Entity | None:
        """The entity a proper name denotes: itself, a surname, a metonym or a country variant."""
        key = _strip_possessive(name.strip()).lower()
        if key.startswith("the "):
            key = key[4:]
        if key in self._by_alias:
            return self._by_alias[key]
        words = _words(_strip_possessive(name.strip()))
        if len(words) == 2 and words[0].lower().rstrip(".") in {"sir", "dame", "lord", "lady"}:
            # "Sir Digby" after "Sir Digby Jones": a knight is named by first name.
            known = [e for e in self.entities if e.kind == "person" and e.name.split()[0].lower() == words[1].lower()]
            if len(known) == 1:
                return known[0]
        marks = [i for i, w in enumerate(words[:-1]) if _is_title(w)]
        if marks:  # "Deputy Foreign Minister Zuhura Said Mkwawa", "Dr. Joseph Wanyama"
            rest = " ".join(words[marks[-1] + 1 :]).lower()
            if rest in self._by_alias:
                return self._by_alias[rest]
        country = places().get(key)
        if country and country.lower() in self._by_alias and country.lower() != key:
            return self._by_alias[country.lower()]
        # "the North" for "North Korea", "Wagner" for "Wagner Group": the first word of exactly one
        # multi-word place or organisation.
        if " " not in key:
            matches = [
                e for e in self.entities
                if e.kind in {"place", "org"} and " " in e.name and e.name.lower().split()[0] == key
            ]
            if len(matches) == 1:
                return matches[0]
        return None

    def resolve(self, mention: str, sentence_index: int) -> Entity | None:
        """The entity a mention (name, pronoun, 'the minister', 'the Kenyan side') refers to."""
        text = " ".join(mention.split())
        lowered = text.lower()
        if lowered in PRONOUNS:
            return self._recent(sentence_index, pronoun=lowered)
        entity = self.lookup(text)
        if entity is not None:
            return entity
        words = _words(text)
        if not words:
            return None
        # "the spokesperson", "the ministry", "the firm": the latest party with that role or name.
        if lowered.startswith(("the ", "a ", "an ")) and len(words) <= 4 and not any(w[:1].isupper() for w in words[1:]):
            head = words[-1].lower()
            wanted = _SYNONYMS.get(head, {head})
            candidates = [
                e for e in self.entities
                if e.roles & wanted or any(w.lower().rstrip(".") in wanted for w in e.name.split())
            ]
            if candidates:
                return max(candidates, key=lambda e: self._last_before(e, sentence_index))
        # "Ethiopia's Tesfaye Gudeta", "Brown's closest ally Ed Balls": a name in the possessed part
        # is the party; "Kenya's foreign ministry" belongs to its owner, "Brown's ally" does not.
        owner = re.match(r"^(.+?)[’']s\s+(.+)$", text)
        if owner:
            for run in _NAME_RUN.findall(owner.group(2)):
                possessed = self.lookup(run)
                if possessed is not None:
                    return possessed
            if set(w.lower() for w in _words(owner.group(2))) & _RELATIONS:
                return None
        # The longest known name inside the phrase: "Analysts at Kessler Bank".
        for run in sorted(_NAME_RUN.findall(text), key=len, reverse=True):
            if run.lower() in demonyms():
                continue
            entity = self.lookup(run)
            if entity is not None:
                return entity
        # A demonym or metonym inside a phrase: "the Kenyan side", "Tanzanian officials".
        for word in words:
            country = places().get(_strip_possessive(word).lower())
            if country and country.lower() in self._by_alias:
                return self._by_alias[country.lower()]
        return None

    def _last_before(self, entity: Entity, sentence_index: int) -> int:
        earlier = [m for m in entity.mentions if m <= sentence_index]
        return earlier[-1] if earlier else -1

    def _recent(self, sentence_index: int, pronoun: str) -> Entity | None:
        return self.pronoun(pronoun, sentence_index, [])

    def pronoun(self, pronoun: str, sentence_index: int, speakers: list[Entity]) -> Entity | None:
        """The antecedent of ``pronoun`` in sentence ``sentence_index``: a party of the right kind
        (and gender, when titles or roles tell it) named in this or the two previous sentences.
        Recent speakers win; otherwise the single candidate, or the subject of the latest sentence
        that names one. None when it stays ambiguous: an unresolved pronoun is better than a wrong name."""
        if pronoun in {"he", "him", "she", "her"}:
            gender = "m" if pronoun in {"he", "him"} else "f"
            fits = lambda e: e.kind == "person" and e.gender in (None, gender)  # noqa: E731
        elif pronoun == "it":
            fits = lambda e: e.kind in {"org", "place"}  # noqa: E731
        else:
            fits = lambda e: e.kind in {"org", "place", "name"}  # noqa: E731
        # A speaker pronoun points back: names later in its own sentence (often inside the quote
        # it introduces) are not its antecedent.
        window = range(max(0, sentence_index - 2), sentence_index)
        candidates = [e for e in self.entities if fits(e) and any(m in window for m in e.mentions)]
        candidates += [s for s in speakers if fits(s) and s not in candidates]  # named by role ("the ministry")
        if not candidates:
            return None
        for speaker in reversed(speakers):
            if speaker in candidates:
                return speaker
        if len(candidates) == 1:
            return candidates[0]
        latest = max(self._last_before(e, sentence_index) for e in candidates)
        tied = [e for e in candidates if self._last_before(e, sentence_index) == latest]
        if latest == sentence_index:  # named in the same sentence, before or after the pronoun
            earlier = [e for e in candidates if self._last_before(e, sentence_index - 1) >= sentence_index - 2]
            tied = earlier or tied
            latest = max((self._last_before(e, sentence_index - 1) for e in tied), default=latest)
            tied = [e for e in tied if self._last_before(e, sentence_index - 1) == latest] or tied
        if len(tied) == 1:
            return tied[0]
        sentence = self.sentences[latest] if 0 <= latest < len(self.sentences) else ""
        positions = sorted((sentence.find(e.name.split()[-1]), e) for e in tied if sentence.find(e.name.split()[-1]) >= 0)
        return positions[0][1] if positions else None

    def display(self, mention: str, sentence_index: int) -> tuple[str, Entity | None]:
        """A readable speaker for a mention: the entity's name, or the phrase with its metonyms
        and pronouns replaced ("the North's foreign ministry" -> "North Korea's foreign ministry")."""
        text = " ".join(mention.split()).strip(" ,")
        entity = self.resolve(text, sentence_index)
        bare = re.sub(r"^(?:the|a|an)\s+", "", text, flags=re.IGNORECASE)
        if entity is not None and (text.lower() in PRONOUNS or self.lookup(bare) is entity or bare.lower() in {a.lower() for a in entity.aliases}):
            return entity.name, entity
        if entity is not None and re.match(r"^(?:the|a|an)\s+\w+$", text, re.IGNORECASE):
            return entity.name, entity
        if entity is not None and entity.kind in {"person", "org"} and text.lower().endswith(entity.name.lower()):
            return entity.name, entity  # "German car parts supplier Brenntal AG"
        if entity is not None and entity.kind == "person" and self.lookup(text) is entity:
            return entity.name, entity  # "Deputy Foreign Minister Zuhura Said Mkwawa"
        replaced = self._replace_metonyms(text)
        return replaced, entity

    def _replace_metonyms(self, text: str) -> str:
        """"the North's foreign ministry" -> "North Korea's foreign ministry"; demonyms stay."""

        def swap(match: re.Match[str]) -> str:
            run = match.group(0)
            suffix = "'s" if run.endswith(("'s", "’s")) else ""
            bare = re.sub(r"^the\s+", "", _strip_possessive(run), flags=re.IGNORECASE)
            if bare.lower() in demonyms():
                return run
            entity = self.lookup(bare)
            if entity is not None and entity.kind == "place" and entity.name.lower() != bare.lower():
                return entity.name + suffix
            return run

        return re.sub(r"(?:\b[Tt]he\s+)?[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*)*", swap, text)
