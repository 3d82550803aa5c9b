"""The data spaCy lacks: reporting verbs with their stance, titles with gender, role nouns.

Each is a small tab-separated file in ``summarize/data/`` that a user can read and extend.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

STANCES = ("asserts", "confirms", "denies", "condemns", "accuses", "reports", "expresses_concern")


@dataclass(frozen=True)
class ReportingVerb:
    lemma: str
    stance: str
    #: "clause": content must be a clause or a quotation; "object": a direct object counts too;
    #: "quote": only a quotation.
    frame: str
    #: A second lemma the verb needs as object or particle ("concern" in "expressed concern").
    partner: str | None = None


def _rows(name: str) -> list[list[str]]:
    text = files("summarize").joinpath(f"data/{name}").read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=1)
def reporting_verbs() -> dict[str, list[ReportingVerb]]:
    """Verb lemma -> its readings (plain, and with a partner word)."""
    verbs: dict[str, list[ReportingVerb]] = {}
    for lemma, stance, frame in (row[:3] for row in _rows("reporting_verbs.tsv")):
        verb, _, partner = lemma.strip().partition("+")
        if stance.strip() not in STANCES:
            raise ValueError(f"reporting_verbs.tsv: unknown stance {stance!r} for {lemma!r}")
        verbs.setdefault(verb, []).append(ReportingVerb(verb, stance.strip(), frame.strip(), partner or None))
    return verbs


@lru_cache(maxsize=1)
def titles() -> dict[str, str | None]:
    """Title word (lower case, no period) -> "m", "f" or None."""
    return {row[0].strip(): (row[1].strip() if row[1].strip() in {"m", "f"} else None) for row in _rows("titles.tsv")}


@dataclass(frozen=True)
class RoleNoun:
    """A noun that names a speaker by role ("the minister", "the firm"): see ``data/speaker_nouns.tsv``."""

    kind: str  # person, org or institution
    gender: str | None  # "m", "f" or None
    #: "salient": may stand for the named party that is the subject nearby; "named": only for the
    #: party the article ties to the noun.
    refers: str


@lru_cache(maxsize=1)
def role_nouns() -> dict[str, RoleNoun]:
    """Role noun lemma -> what it can stand for."""
    out = {}
    for row in _rows("speaker_nouns.tsv"):
        lemma, kind, gender, refers = (cell.strip() for cell in (row + ["-", "-", "named"])[:4])
        out[lemma] = RoleNoun(kind, gender if gender in {"m", "f"} else None, refers)
    return out


def speaker_nouns() -> dict[str, str]:
    """Role noun lemma -> "person", "org" or "institution"."""
    return {lemma: role.kind for lemma, role in role_nouns().items()}


#: Titles that make the name after them a person's ("Mr Cable", "Lord Roberts of Conwy"), whatever
#: the entity recognizer called it; "King", "Queen", "Prince" also name institutions ("Queen Mary
#: University") and are left out.
HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "mister", "madam", "dr", "sir", "dame", "lord", "lady", "baron",
                        "baroness", "prof", "professor", "rev", "cllr", "lt", "col", "gen", "maj", "capt", "sgt",
                        "cpl", "adm", "supt", "insp", "det", "sen", "gov", "rep", "cardinal", "bishop", "archbishop",
                        "rabbi", "imam", "sheikh"})
#: Words that make a role another office: "deputy mayor" is not "the mayor", "shadow home secretary"
#: not "the home secretary".
OFFICE = frozenset({"deputy", "vice", "former", "ex", "shadow", "acting", "assistant", "junior", "interim", "associate",
                    "co", "sub", "under", "outgoing", "incoming", "late"})
#: Peerage titles, whose name may go on with "of" a place ("Lord Roberts of Conwy").
PEERAGES = frozenset({"lord", "lady", "baron", "baroness"})


@lru_cache(maxsize=1)
def first_names() -> dict[str, str]:
    """First name (lower case) -> "m" or "f", for names the 1990 US Census gives to one sex at least
    20 times as often as to the other (the `names` package's lists). Others tell nothing."""
    counts: dict[str, dict[str, float]] = {}
    for sex, name in (("m", "dist.male.first"), ("f", "dist.female.first")):
        for line in files("names").joinpath(name).read_text(encoding="utf-8").splitlines():
            cells = line.split()
            if len(cells) >= 2:
                counts.setdefault(cells[0].lower(), {"m": 0.0, "f": 0.0})[sex] = float(cells[1])
    return {name: sex for name, share in counts.items() for sex, other in (("m", "f"), ("f", "m"))
            if share[sex] >= 0.002 and share[sex] >= 20 * share[other]}


#: Words that call a claim false: '"That is untrue," he said' is a denial.
REBUTTALS = frozenset({"untrue", "false", "wrong", "baseless", "groundless", "unfounded", "nonsense", "rubbish", "absurd",
                       "ridiculous", "misleading", "inaccurate", "incorrect", "lie", "lies", "exaggerated", "fabricated",
                       "fabrication", "fiction", "fantasy", "speculation", "gossip", "merit", "rumour", "rumor"})
#: Nouns for what one party says about another: what a denial answers ("denied the allegations").
ACCUSATIONS = frozenset({"accusation", "allegation", "claim", "report", "charge", "suggestion", "story", "assertion",
                         "view", "criticism", "comment", "remark", "rumour", "rumor", "speculation", "idea", "notion"})

#: Pronouns that can be a speaker, with what they can refer to.
PRONOUNS = {
    "he": ("person", "m"), "she": ("person", "f"),
    "it": ("org", None), "they": ("group", None),
}
#: Every form of each speaker pronoun: "his" and "him" continue the same "he".
FAMILY = {
    **dict.fromkeys(("he", "him", "his", "himself"), "he"), **dict.fromkeys(("she", "her", "hers", "herself"), "she"),
    **dict.fromkeys(("it", "its", "itself"), "it"), **dict.fromkeys(("they", "them", "their", "theirs", "themselves"), "they"),
}
