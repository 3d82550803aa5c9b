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
from summarize.relevance import terms

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
            form, stance = line.split("\t")[:2]
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
_SECONDARY = re.compile(
    r",([\"”]?)\s+(?:according to|saying|adding|calling|accusing|denying|expressing|citing|while|whereas)\b|;\s"
)
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
    for claim in claims:
        if claim.stance == "asserts" and _rebuts(claim, claims):
            claim.stance = "denies"
    return claims


# A negated main clause: "the move was not about …", "there are no plans …", "it had never …".
_NEGATION = re.compile(
    r"^(?:there\s+(?:is|was|are|were|had been|have been)\s+(?:no|never)\b|(?:no|none|nothing)\b|"
    r"(?:[\w'’-]+\s+){1,4}?(?:is|was|are|were|had|has|have|did|does|do|would|will|could|should)(?:n't|\s+not|\s+never|\s+no)\b)",
    re.IGNORECASE,
)


def _rebuts(claim: Claim, claims: list[Claim]) -> bool:
    """"The Cabinet Office said the move was not about the new laws": a negated statement that
    answers an earlier accusation, criticism or report by another party (they share at least two
    content words) rebuts it, even without a denial verb."""
    if not claim.party or not _NEGATION.search(claim.content):
        return False
    own = set(terms(claim.content))
    return any(
        other.index < claim.index and other.party != claim.party
        and len(own & set(terms(other.content))) >= (2 if other.stance in {"accuses", "condemns", "reports"} else 3)
        for other in claims
    )


def _claim_at(
    sentence: str, index: int, match: re.Match[str], verb: str, stance: str,
    main: Claim | None, entities: EntityIndex, earlier: list[Claim],
) -> Claim | None:
    left, right = sentence[: match.start()], sentence[match.end() :]
    quoted = False
    participle = verb.split()[0].endswith("ing")
    if _inside_quote(sentence, match.start()):
        return None  # a reporting verb inside a quotation belongs to the quote
    if verb != "according to" and re.search(r"\b(?:to|not)\s*$", left):
        return None  # "refused to say", "expected to announce": nothing was said
    if re.search(r"\b(?:is|are|was|were|be|been|being)\s+(?:\w+ly\s+)?$", left) or re.match(r"\s+by\b", right):
        return _passive(sentence, index, left, right, verb, stance, entities, earlier)
    if verb in {"added", "adds", "adding"} and re.match(r"\s+(?:[$€£]?\d|an?\s|some\s|more\s|another\s)", right):
        return None  # "added 146,000 jobs": not speech
    if participle and main is not None:
        # "…, saying …" / "…, he said, expressing concern …": the main clause's speaker.
        speaker, content = main.speaker, right
    elif main is not None and re.search(r"[\"”,]?\s+and\s*$", left):
        # "PulseTrack said …, and denied …": the coordinated verb shares the speaker.
        speaker, content = main.speaker, right
    elif verb in {"accused", "alleged", "blamed"} and re.match(r"\s+(?:of|for|in)\b", right):
        return None  # "a senator accused of bribery": a passive participle, nobody speaks
    elif verb == "according to":
        after = re.match(r"\s*([^,.;]*)", right)
        speaker = after.group(1).strip() if after else ""
        content = (left.rstrip(" ,") + " " + right[after.end() if after else 0 :].lstrip(" ,;")).strip()
    elif _ends_with_quote(left):
        # '"…," he said.'  /  '"…," said Kirby.'
        quote = _QUOTE.findall(left)
        content = quote[-1] if quote else left
        between = left[left.rfind(next(c for c in reversed(left) if c in "\"”")) + 1 :].strip(" ,")
        speaker = between or _cut(right, r"[,.;]| in | on | at | after ")
        quoted = True
    elif left.rstrip().endswith(",") and (inverted := _INVERTED.match(right)):
        # "…, said Mr Thomas." / "…, said the minister, adding …"
        speaker, content = inverted.group(1), left
        quoted = content.strip().startswith(("\"", "“"))
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
    return _make(sentence, index, speaker, verb, stance, content, quoted, entities, earlier)


def _make(
    sentence: str, index: int, speaker: str, verb: str, stance: str, content: str, quoted: bool,
    entities: EntityIndex, earlier: list[Claim],
) -> Claim | None:
    """Validate the speaker, resolve it, clean the content, refine the stance."""
    speaker = _clean_speaker(speaker)
    if not _plausible_speaker(speaker):
        return None
    display, entity = _resolve(speaker, index, entities, earlier)
    content = _clean_content(content)
    if not content:
        return None
    rebuttal = _REBUTTAL.search(content)
    if stance == "asserts" and rebuttal and not re.search(r"\b(?:if|whether|unless|when)\s+$", content[: rebuttal.start()], re.I):
        stance = "denies"  # "That is completely untrue," he said. (Not "If the report is wrong, …")
    if stance == "denies" and re.match(
        r"^(?:(?:a|an|the|his|her|its|their|this|that)\s+)?(?:[\w'-]+\s+){0,3}?(?:request|motion|appeal|bid|offer|"
        r"proposal|application|petition|demand|plea|bill|law|plan|deal|amendment|measure|legislation|compromise|"
        r"budget|contract|candidate|nomination)s?\b", content, re.IGNORECASE):
        stance = "asserts"  # rejecting a request is a decision, not a denial of a claim
    if stance in {"condemns", "asserts"} and verb not in {"said", "says", "told"} and _ACCUSATION.match(content) \
            and re.search(r"\bas\s+[\"“]", content):
        stance = "denies"  # condemning an accusation "as groundless" rejects it
    return Claim(
        speaker=display, party=entity.name if entity else None, stance=stance, verb=verb,
        content=content, sentence=sentence, index=index, quoted=quoted, mention=speaker,
    )


_INVERTED = re.compile(
    r"^\s+((?:(?:Mr|Mrs|Ms|Dr|Prof|Sir|Lord|Lady)\.?\s+)?(?:[A-Z][\w’'.-]*\s*){1,4}|(?:the|an?)\s+[a-z][\w\s'’-]{1,40}?)"
    r"\s*(?:[.,;]|$)"
)
_REBUTTAL = re.compile(
    r"\b(?:that|this|it|these|those|such|(?:the|his|her|its|their|my|our|these|those)\s+(?:\w+\s+)?(?:claims?|allegations?|accusations?|reports?|suggestions?|"
    r"story|stories|charges?|criticisms?|figures?|numbers?|comments?|remarks?))\s+(?:is|was|are|were|had been|have been)"
    r"\s+(?:\w+\s+){0,2}?(?:untrue|not true|false|wrong|rubbish|nonsense|baseless|groundless|unfounded|absurd|"
    r"ridiculous|misleading|inaccurate|incorrect|a lie|lies|distorted|taken out of context)\b",
    re.IGNORECASE,
)
_NOT_A_SPEAKER_START = frozenset(
    """during in on at after before despite with without for from under over into onto upon by about
    against among between through since until unless although though because while when where if as
    looking currently speaking writing asked following ahead is are was were has have had will would
    could should may might can do does did be been being also still then there here what which who
    whom whose how why so and or but nor yet not no however meanwhile""".split()
)
_AUXILIARY = frozenset("is are was were has have had will would could should may might can do does did be been being".split())


def _plausible_speaker(speaker: str) -> bool:
    """A speaker is a name, a pronoun or a short noun phrase, never a clause fragment."""
    words = speaker.split()
    if not words or len(words) > _MAX_SPEAKER_WORDS or speaker[0] in "\"“'(":
        return False
    first = words[0].lower().strip(",")
    if first in _NOT_A_SPEAKER_START or first in {"which", "who", "whom", "that", "it's"}:
        return False
    if any(w.lower() in _AUXILIARY for w in words[1:]) or words[-1].lower() in {"to", "the", "a", "an", "of", "and", "on", "in"}:
        return False
    return any(ch.isalpha() for ch in speaker)


def _passive(
    sentence: str, index: int, left: str, right: str, verb: str, stance: str, entities: EntityIndex,
    earlier: list[Claim],
) -> Claim | None:
    """"claims denied by Labour", "proposals announced by the minister": the agent after "by"
    speaks about what came before; a passive with no agent ("were told", "is said to") has no speaker."""
    agent = re.match(r"\s+by\s+((?:the\s+)?[^,.;:\"“”]{2,80}?)(?=\s*(?:[,.;:]|$|\s+(?:as|which|who|in|on|at|after|for|because|over|amid|when|and)\b))", right)
    if not agent:
        return None
    clause = re.split(r"[;:]\s+|\bthat\s+", left)[-1]
    content = re.sub(r"\s+(?:is|are|was|were|been|being|has been|have been|had been)\s*$", "", clause.strip())
    segments = [p.strip() for p in content.split(",") if p.strip()]
    if len(segments) > 1 and re.fullmatch(r"(?:the\s+)?(?:claims?|allegations?|accusations?|charges?|reports?|suggestions?)", segments[-1], re.I):
        # "…, prompted accusations of anti-Semitism, claims denied by Labour": what was denied.
        named = re.search(r"\b(?:accusations?|allegations?|claims?|charges?|reports?|suggestions?)\s+(?:of|that)\s+.+", segments[-2])
        content = named.group(0) if named else segments[-2]
    return _make(sentence, index, agent.group(1), verb, stance, content, False, entities, earlier)


def _inside_quote(sentence: str, position: int) -> bool:
    straight = sentence[:position].count('"') % 2 == 1
    curly = sentence[:position].count("“") > sentence[:position].count("”")
    return straight or curly


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
    # "Edward Leigh, who is chairman of the committee, warned …": the relative clause is an aside.
    clause = re.sub(r",\s+(?:who|which|whose)\s+[^,\"“”]+,", ",", left)
    breaks = list(_CLAUSE_BREAK.finditer(clause))
    if breaks:
        clause = clause[breaks[-1].end() :]
    clause = _INTRO.sub("", clause.strip())
    # "During an interview with the BBC, Mr Balls said" / "In the Commons, Mr Howard said".
    while (lead := re.match(r"^([A-Za-z]+)\b[^,]*,\s*", clause)) and lead.group(1).lower() in _NOT_A_SPEAKER_START:
        clause = clause[lead.end() :]
    # "During an interview on ITV1's This Morning she said": the subject is the last word.
    opener = clause.split()[0].lower() if clause.split() else ""
    if opener in _NOT_A_SPEAKER_START:
        tail = re.search(r"\b(he|she|they|it|[A-Z][\w’'.-]+(?:\s+[A-Z][\w’'.-]+)*)\s*$", clause)
        clause = tail.group(1) if tail else ""
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
    speaker = re.sub(r"(?:\s+(?!(?:family|assembly|supply|rally|ally|italy)\b)[a-z]{4,}ly)+\s*$", "", speaker)  # "Politicians unanimously"
    speaker = _TRAILING.sub("", speaker).strip(" ,.;:")
    return re.sub(r"^(?:and|but|while|as)\s+", "", speaker, flags=re.IGNORECASE)


def _resolve(speaker: str, index: int, entities: EntityIndex, earlier: list[Claim]):
    lowered = speaker.lower()
    if lowered in PRONOUNS:
        recent = [entities.lookup(c.party) for c in earlier if c.party and index - 3 <= c.index <= index]
        entity = entities.pronoun(lowered, index, [e for e in recent if e is not None])
        if entity is not None:
            return entity.name, entity
        # "they" after "US officials say …": a plural speaker with no entity behind it.
        plural = [c for c in earlier if index - 1 <= c.index <= index and c.party is None and c.speaker.endswith("s")]
        if lowered == "they" and plural:
            return plural[-1].speaker, None
        return speaker, None  # ambiguous: better unresolved than given to the wrong party
    return entities.display(speaker, index)


def _clean_content(content: str) -> str:
    content = _CONTENT_LEAD.sub("", content.strip().lstrip(":").strip(), count=1)
    secondary = _SECONDARY.search(content)
    if secondary:
        content = content[: secondary.start()] + secondary.group(1)
    content = re.sub(r"\s*\((?:US|local|UK)\s+time\)", "", content)
    return content.strip().rstrip(".,;:").strip()
