"""Countries under their other names: "Pyongyang" and "North Korea", "Dodoma" and "Tanzania".

News names a government by its capital as often as by its country ("Moscow denied…"), and a
summary may use either; the checks that judge who said what must know they are one party. The
names come from the ``countryinfo`` package (country names, alternative spellings and ISO codes,
capitals, demonyms), not from a hand-made list.
"""

from __future__ import annotations

import re
from functools import lru_cache

#: Names too ambiguous to stand for a country on their own (a US state, a common first name).
_AMBIGUOUS = frozenset({"georgia", "jordan", "chad", "victoria", "kingston", "lima", "male", "split", "nice", "reading"})


@lru_cache(maxsize=1)
def _countries() -> dict[str, str]:
    """Lower-case name, alternative spelling, ISO code or capital -> the country's name."""
    from countryinfo import all_countries

    names: dict[str, str] = {}
    for country in all_countries():
        try:
            info = country.info()
        except Exception:  # noqa: BLE001 - an incomplete record is skipped, not fatal
            continue
        name = info.get("name")
        if not name:
            continue
        capitals = info.get("capital") or []
        capitals = [capitals] if isinstance(capitals, str) else list(capitals)
        forms = [name, *(info.get("altSpellings") or [])]
        forms += [part for capital in capitals for part in (capital, capital.split(" D.C.")[0].split(",")[0])]
        for form in forms:
            key = " ".join(str(form).lower().split())
            if key and not key.isdigit() and key not in _AMBIGUOUS and key.isascii():
                names.setdefault(key, name)
    return names


def country(name: str | None) -> str | None:
    """The country ``name`` stands for (itself, its capital, a short or official form), or None.
    A possessor counts: "North Korea's foreign ministry" is North Korea's."""
    if not name:
        return None
    text = " ".join(name.replace("’", "'").split())
    text = re.sub(r"^(?:the|The)\s+", "", text)
    for candidate in (text, text.split("'s ")[0] if "'s " in text else None):
        if candidate:
            found = _countries().get(candidate.lower().removesuffix("'s"))
            if found:
                return found
    return None


@lru_cache(maxsize=1)
def _demonyms() -> dict[str, str]:
    """Lower-case demonym ("french") -> the lower-case country name ("france")."""
    from countryinfo import all_countries

    out: dict[str, str] = {}
    for found in all_countries():
        try:
            info = found.info()
        except Exception:  # noqa: BLE001 - an incomplete record is skipped, not fatal
            continue
        if info.get("demonym") and info.get("name"):
            out.setdefault(str(info["demonym"]).lower(), str(info["name"]).lower())
    return out


def place_word(word: str) -> str:
    """A place word in one form: a demonym becomes its country ("french" -> "france"), so "the
    French coach" meets "France coach Bernard Laporte"."""
    return _demonyms().get(word.lower(), word.lower())
