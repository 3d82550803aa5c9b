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


@lru_cache(maxsize=1)
def speaker_nouns() -> dict[str, str]:
    """Role noun lemma -> "person" or "org"."""
    return {row[0].strip(): row[1].strip() for row in _rows("speaker_nouns.tsv")}


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
