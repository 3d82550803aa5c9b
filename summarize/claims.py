"""Claims: who said what, with which stance, in which sentence.

Both the offline engine's summaries and its answers are built from claims. A claim is found where a
reporting verb (``data/reporting_verbs.tsv``: said, told, denied, refuted, condemned, according to…)
links a speaker to content, in the shapes news uses: "X said …", "… , X said", "said X",
"according to X", a quote followed by its attribution, "X denied … as '…'", and participles that
hang off the main clause ("…, saying …", "issued a statement refuting …"). Speakers are resolved
to the article's parties by :class:`~summarize.entities.EntityIndex`.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Any

from summarize.entities import PRONOUNS, EntityIndex

STANCES = ("asserts", "confirms", "denies", "condemns", "accuses", "reports", "expresses_concern")


@dataclass
class Claim:
    """One attributed statement. ``speaker`` is readable and resolved ("John Kirby", "North Korea's
    foreign ministry"); ``party`` is the article party it belongs to, when known."""

    speaker: str
    party: str | None
    stance: str
    verb: str
    content: str
    sentence: str
    index: int
    quoted: bool = False
    #: The speaker as the sentence names it ("he", "the spokesperson"), before resolution.
    mention: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@lru_cache(maxsize=1)
def reporting_verbs() -> dict[str, str]:
    text = files("summarize").joinpath("data/reporting_verbs.tsv").read_text(encoding="utf-8")
    verbs = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            form, stance = line.split("\t")
            verbs[form.strip()] = stance.strip()
    return verbs


@lru_cache(maxsize=1)
def _verb_pattern() -> re.Pattern[str]:
    forms = sorted(reporting_verbs(), key=len, reverse=True)
    # Lower case only: "Zuhura Said Mkwawa" is a name, not a verb.
    return re.compile(r"(?<![\w-])(" + "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in forms) + r")(?![\w-])")


_QUOTE = re.compile(r"[\"“]([^\"”]{3,}?)[,.?!]?[\"”]")
_TRAILING = re.compile(
    r"(?:\s+(?:has|have|had|also|flatly|firmly|strongly|again|repeatedly|previously|earlier|later|"
    r"swiftly|quickly|publicly|officially|categorically|immediately|already|now|then|not|never|"
    r"on\s+\w+day|\w+day|last\s+\w+|this\s+\w+|in\s+a\s+statement|in\s+a\s+note(?:\s+to\s+clients)?|"
    r"on\s+\w+\s+\d+|is|was|were|are|would|will|could|did|does|do))+\s*$",
    re.IGNORECASE,
)
_INTRO = re.compile(
    r"^(?:(?:meanwhile|however|but|and|also|separately|earlier|later|in response|in a statement|"
    r"in reply|on \w+day|on \w+|last \w+|at the same time|in addition|for (?:its|his|her|their) part|"
    r"by contrast|instead|still|yet)\s*,?\s+)+",
    re.IGNORECASE,
)
_CLAUSE_BREAK = re.compile(
    r"(?:;\s+|\bthat\s+|\bwhile\s+|\bwhereas\s+|\bbut\s+|\bafter\s+|\bbecause\s+|\bwhen\s+|\bif\s+|\bunless\s+|\bwhich\s+|\bwho\s+)"
)
_CONTENT_LEAD = re.compile(
    r"^(?:(?:reporters|journalists|analysts|the court|parliament|lawmakers|the agency|the newspaper|"
    r"a news conference|a press conference|a briefing|investors|clients|state media|the jury|"
    r"on\s+\w+day|\w+day|the previous day|last\s+\w+|earlier|late\s+\w+|in a statement|in a note to clients|"
    r"in a note|\(.*?\)|this\s+\w+|on\s+\w+\s+\d+|in\s+(?:[A-Z][a-z]+|\d{4}))\s*,?\s*)*"
    r"(?:that\s+(?=(?:[^\s,.;]+\s+){2,}))?",  # "that" opens a clause, not "that account."
    re.IGNORECASE,
)
_SECONDARY = re.compile(r",([\"”]?)\s+(?:according to|saying|adding|calling|accusing|denying|expressing|citing)\b")
_ACCUSATION = re.compile(
    r"^(?:the\s+|a\s+|an\s+|continued\s+|repeated\s+|recent\s+|latest\s+|[A-Z][\w.]*\s+|US\s+)*"
    r"(?:accusations?|allegations?|claims?|reports?|charges?|suggestions?|story|stories|assertions?)\b",
)
_MAX_SPEAKER_WORDS = 12


def extract_claims(sentences: list[str], entities: EntityIndex) -> list[Claim]:
    """Every claim in the article's sentences, in order."""
    claims: list[Claim] = []
    pattern = _verb_pattern()
    verbs = reporting_verbs()
    for index, sentence in enumerate(sentences):
        main: Claim | None = None
        for match in pattern.finditer(sentence):
            verb = " ".join(match.group(1).split())
            claim = _claim_at(sentence, index, match, verb, verbs[verb], main, entities, claims)
            if claim is None:
                continue
            if main is None:
                main = claim
            claims.append(claim)
    return claims


def _claim_at(
    sentence: str, index: int, match: re.Match[str], verb: str, stance: str,
    main: Claim | None, entities: EntityIndex, earlier: list[Claim],
) -> Claim | None:
    left, right = sentence[: match.start()], sentence[match.end() :]
    quoted = False
    participle = verb.split()[0].endswith("ing")
    if participle and main is not None:
        # "…, saying …" / "…, he said, expressing concern …": the main clause's speaker.
        speaker, content = main.speaker, right
    elif main is not None and re.search(r"[\"”,]?\s+and\s*$", left):
        # "PulseTrack said …, and denied …": the coordinated verb shares the speaker.
        speaker, content = main.speaker, right
    elif verb in {"accused", "alleged", "blamed"} and re.match(r"\s+(?:of|for|in)\b", right):
        return None  # "a senator accused of bribery": a passive participle, nobody speaks
    elif verb == "according to":
        speaker = _cut(right, r"[,.;]")
        content = (left.rstrip(" ,") + " " + right[len(speaker):].lstrip(" ,")).strip()
    elif _ends_with_quote(left):
        # '"…," he said.'  /  '"…," said Kirby.'
        quote = _QUOTE.findall(left)
        content = quote[-1] if quote else left
        between = left[left.rfind(next(c for c in reversed(left) if c in "\"”")) + 1 :].strip(" ,")
        speaker = between or _cut(right, r"[,.;]| in | on | at | after ")
        quoted = True
    elif (tail := re.search(r",\s+([^,\"“”]{2,80})\s*$", left)) and _sentence_final(right) and len(tail.group(1).split()) <= 8:
        # "…, Yonhap News Agency reported."  /  "…, the ministry said in a statement."
        speaker = tail.group(1)
        content = left[: tail.start()]
        quoted = content.strip().startswith(("\"", "“"))
    elif participle:
        # "… issued a statement refuting …": the sentence's subject speaks.
        speaker, content = _leading_subject(left), right
    else:
        subject = _subject(left)
        if subject is None:
            return None
        if _verb_pattern().search(subject):
            if main is None:
                return None
            subject = main.speaker  # "X expressed concern … and urged …": coordinated verbs
        speaker, content = subject, right
    speaker = _clean_speaker(speaker)
    if re.match(r"^(?:which|who|whom|that)\b", speaker, re.IGNORECASE):
        return None  # a relative clause ("…, which prosecutors say …") is not a clean attribution
    if not speaker or len(speaker.split()) > _MAX_SPEAKER_WORDS or speaker[0] in "\"“":
        return None
    display, entity = _resolve(speaker, index, entities, earlier)
    content = _clean_content(content)
    if not content:
        return None
    if stance == "denies" and re.match(r"^(?:(?:a|an|the|his|her|its|their)\s+)?(?:[\w'-]+\s+)?(?:request|motion|appeal|bid|offer|proposal|application|petition|demand|plea)s?\b", content):
        stance = "asserts"  # rejecting a request is a decision, not a denial of a claim
    if stance in {"condemns", "asserts"} and verb not in {"said", "says", "told"} and _ACCUSATION.match(content) \
            and re.search(r"\bas\s+[\"“]", content):
        stance = "denies"  # condemning an accusation "as groundless" rejects it
    return Claim(
        speaker=display, party=entity.name if entity else None, stance=stance, verb=verb,
        content=content, sentence=sentence, index=index, quoted=quoted, mention=speaker,
    )


def _ends_with_quote(left: str) -> bool:
    stripped = left.rstrip()
    if re.search(r"[,?!.][\"”]$", stripped):
        return True
    # '"…," he said' — a short speaker between the closing quote and the verb.
    match = re.search(r"[,?!.][\"”]\s+([^\"“”]{1,60})$", stripped)
    return bool(match) and len(match.group(1).split()) <= 8 and not re.search(r"[.;]", match.group(1)) \
        and not re.match(r"^(?:and|but|or|while)\b", match.group(1))


def _sentence_final(right: str) -> bool:
    """Nothing but a short tail after the verb: 'reported.', 'said in a statement on Friday.'"""
    tail = right.strip()
    return len(tail.split()) <= 8 and tail.endswith((".", "!", "?", ".\"", ".”")) and "\"" not in tail[:-2] \
        and not re.match(r"^(?:that|the|a|an)\b", tail)


def _cut(text: str, stop: str) -> str:
    return re.split(stop, text.strip(), maxsplit=1)[0].strip()


def _leading_subject(left: str) -> str:
    clause = _INTRO.sub("", left.strip())
    words = clause.split()
    kept = []
    for word in words:
        if word.lower() in {"on", "in", "at", "has", "have", "had", "issued", "released", "published", "is", "was", "said"}:
            break
        kept.append(word)
    return " ".join(kept)


def _subject(left: str) -> str | None:
    """The speaker before a finite reporting verb, or None when there is no clean subject."""
    clause = left
    breaks = list(_CLAUSE_BREAK.finditer(clause))
    if breaks:
        clause = clause[breaks[-1].end() :]
    clause = _INTRO.sub("", clause.strip())
    previous = None
    while previous != clause:
        previous = clause
        clause = _TRAILING.sub("", clause).strip()
    clause = clause.strip(" ,")
    if not clause:
        return None
    # Appositives: "John Kirby, the National Security Council spokesperson" / "The Wagner Group,
    # owned by …" / "Kenya's Principal Secretary, Dr. Joseph Wanyama": keep the name.
    parts = [p.strip() for p in clause.split(",") if p.strip()]
    if len(parts) > 1:
        names = [p for p in parts if re.match(r"^(?:(?:Mr|Mrs|Ms|Dr|Prof)\.?\s+)?[A-Z][\w’'.-]+(?:\s+[A-Z][\w’'.-]+)+$", p)]
        clause = names[-1] if names and not parts[0][:1].isupper() or (names and _is_role(parts[0])) else parts[0]
    if re.search(r"[\"“”]", clause) or len(clause.split()) > _MAX_SPEAKER_WORDS:
        return None
    return clause


def _is_role(phrase: str) -> bool:
    from summarize.entities import title_words

    return phrase.split()[-1].lower().rstrip(".") in title_words()


def _clean_speaker(speaker: str) -> str:
    speaker = re.sub(r"\s*\([^)]*\)", "", speaker)
    speaker = _TRAILING.sub("", speaker).strip(" ,.;:")
    return re.sub(r"^(?:and|but|while|as)\s+", "", speaker, flags=re.IGNORECASE)


def _resolve(speaker: str, index: int, entities: EntityIndex, earlier: list[Claim]):
    lowered = speaker.lower()
    if lowered in PRONOUNS:
        # Pronouns point to the latest fitting speaker first, then to the latest fitting name.
        for claim in reversed(earlier[-6:]):
            if claim.index < index - 3:
                break
            entity = entities.lookup(claim.party) if claim.party else None
            kind = entity.kind if entity else ("group" if claim.speaker.endswith("s") else None)
            if lowered in {"he", "she"} and kind == "person":
                return claim.speaker, entity
            if lowered == "they" and (kind in {"group", "org", "place"} or claim.speaker.endswith("s")):
                return claim.speaker, entity
            if lowered == "it" and kind in {"org", "place"}:
                return claim.speaker, entity
    return entities.display(speaker, index)


def _clean_content(content: str) -> str:
    content = _CONTENT_LEAD.sub("", content.strip(), count=1)
    secondary = _SECONDARY.search(content)
    if secondary:
        content = content[: secondary.start()] + secondary.group(1)
    content = re.sub(r"\s*\((?:US|local|UK)\s+time\)", "", content)
    return content.strip().rstrip(".,;:").strip()
