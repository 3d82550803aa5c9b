"""The `speakers` check: every attribution in the output is one the source makes, by the same party.

A summary that gives a quotation, a claim or a denial to the wrong party is worse than no summary,
and no word-overlap check notices it: "John Kirby called the reports 'gossip and speculation'" has
every word of the source. So the output is read with the offline engine's reader (the same spaCy
attribution as for the source): each of its claims ("X said …", a quotation with its attribution,
"according to X", "X denied …") must match a claim of the source with overlapping content, made by
the same party. Parties are the same when the gold's alias groups say so, else when their names
share a proper name ("Kirby" and "John Kirby"). Works without gold (``gold=None``), so the same
check can guard a model's output against its own source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from summarize.offline.places import country
from summarize.offline.reading import Claim, ReadingCache

#: Share of an output claim's content words a source claim must hold to be "the same claim".
MIN_OVERLAP = 0.5
_PRONOUNS = {"he", "she", "it", "they", "him", "her", "them", "we", "i", "you"}
_readings = ReadingCache(size=64)


@dataclass
class SpeakerProblem:
    sentence: str
    detail: str


def _inner(claim: Claim, reading) -> set[int]:  # type: ignore[no-untyped-def]
    """Token indices of the other claims inside a claim's content ("X said A, and Y said B": B is
    Y's, not X's)."""
    start, end = claim.content_span
    inner: set[int] = set()
    for other in reading.claims:
        if other is not claim and start <= other.verb_token < end:
            low = min(other.mention_span[0], other.verb_token, other.content_span[0])
            high = max(other.mention_span[1], other.verb_token + 1, other.content_span[1])
            inner.update(range(max(low, start), min(high, end)))
    return inner


def _own_text(claim: Claim, reading) -> str:  # type: ignore[no-untyped-def]
    """A claim's content as text, without the claims inside it."""
    inner = _inner(claim, reading)
    start, end = claim.content_span
    return "".join(t.text_with_ws for t in reading.doc[start:end] if t.i not in inner)


def _content(claim: Claim, reading, own: bool = False) -> set[str]:  # type: ignore[no-untyped-def]
    """The content words of a claim (``own``: without those of another claim inside it, for an
    output sentence that joins two parties' claims)."""
    inner = _inner(claim, reading) if own else set()
    start, end = claim.content_span
    return {t.lemma_.lower() for t in reading.doc[start:end] if t.i not in inner and t.is_alpha and not t.is_stop
            and t.pos_ in {"NOUN", "PROPN", "VERB", "ADJ", "NUM"}}


def _names(claim: Claim) -> set[str]:
    """The proper-name words a claim's speaker goes by (its party, speaker and mention)."""
    words = set()
    for text in (claim.party, claim.speaker, claim.mention):
        for word in (text or "").replace("'s", " ").replace("’s", " ").split():
            word = word.strip(",.\"“”()")
            if word[:1].isupper() and word.lower() not in _PRONOUNS and word.lower() not in {"the", "a", "an", "mr", "mrs", "ms", "dr"}:
                words.add(word.lower())
    return words


def _countries(claim: Claim) -> set[str]:
    """The countries a claim's speaker stands for, by name or capital (:mod:`summarize.offline.places`)."""
    return {c for text in (claim.party, claim.speaker, claim.mention) if (c := country(text))}


def _groups(claim: Claim, gold) -> set[str]:  # type: ignore[no-untyped-def]
    if gold is None:
        return set()
    texts = (claim.party, claim.speaker, claim.mention)
    return {group for group in gold.aliases if any(text and gold.find(text, group) for text in texts)}


def same_party(ours: Claim, theirs: Claim, gold=None) -> bool:  # type: ignore[no-untyped-def]
    """Whether two claims' speakers are the same party: by alias group when the gold knows both,
    else by a shared proper name."""
    a, b = _groups(ours, gold), _groups(theirs, gold)
    if a and b:
        return bool(a & b)
    if _names(ours) & _names(theirs):
        return True
    if _countries(ours) & _countries(theirs):  # "Pyongyang" and "North Korea"
        return True
    # Unnamed speakers ("foreign media reports", "US officials"): the words of one are in the other.
    plain = lambda c: {re.sub(r"['’]s$", "", w.strip(",.")) for w in c.speaker.lower().split()} - {"the", "a", "an", "some", "its", "their"}  # noqa: E731
    a_words, b_words = plain(ours), plain(theirs)
    return bool(a_words and b_words) and (a_words <= b_words or b_words <= a_words)


def _unresolved(claim: Claim) -> bool:
    """A "he said" the reader could not tie to anyone (not even a description): may be anyone."""
    return claim.party is None and claim.mention.lower() in _PRONOUNS and claim.speaker == claim.mention


def _described(claim: Claim, reading) -> bool:  # type: ignore[no-untyped-def]
    """A speaker named by a description only ("the first minister", "the firms", "prosecutors"):
    the head of its mention is no proper name and the reader tied it to no party."""
    start, end = claim.mention_span
    return claim.party is None and end > start and reading.doc[start:end].root.pos_ != "PROPN"


def own_claims(reading) -> list[Claim]:  # type: ignore[no-untyped-def]
    """The reading's claims without the reports that only carry another claim ("X denied Y,
    according to media reports": what is said is X's; the reports' words are X's words)."""
    verbs = [c.verb_token for c in reading.claims]
    return [c for c in reading.claims
            if not (c.stance == "reports" and any(c.content_span[0] <= v < c.content_span[1] for v in verbs if v != c.verb_token))]


def described_speaker(claim: Claim, text: str) -> bool:
    """Whether a claim the reader found in ``text`` has a speaker named by a description only."""
    return _described(claim, _readings.get(text))


def _verbatim(sentence: str, source: str) -> bool:
    from summarize.check.checks import verbatim

    return verbatim(sentence, source)


def claims_of(text: str) -> list[Claim]:
    """The claims the offline reader finds in ``text`` (cached)."""
    return _readings.get(text).claims if text.strip() else []


def _quotations(text: str) -> list[str]:
    """Quoted words of two or more words in ``text``, lower-cased."""
    import re

    found = re.findall(r'["“]([^"”]+)["”]', text)
    return [" ".join(q.lower().split()).strip(",. ") for q in found if len(q.split()) >= 2]


def _role(claim: Claim, reading) -> str | None:  # type: ignore[no-untyped-def]
    """What a described speaker can stand for, from the head of its mention: "person" ("the first
    minister", "a spokesman"), "org" ("the firm", "the union"), or None (not a speaker noun)."""
    from summarize.offline.lexicon import speaker_nouns, titles

    start, end = claim.mention_span
    root = reading.doc[start:end].root if end > start else None
    head = root.lemma_.lower() if root is not None else ""
    if root is None or root.pos_ == "PRON":  # "he", resolved to a description: that description's head
        words = re.findall(r"[a-z]+", claim.speaker.lower())
        head = words[-1] if words else ""
    kind = speaker_nouns().get(head) or speaker_nouns().get(head.rstrip("s")) or ("person" if head in titles() else None)
    return "org" if kind == "institution" else kind


def _kind(claim: Claim, reading) -> str | None:  # type: ignore[no-untyped-def]
    """Whether a claim's speaker is a "person" or an "org" (organisations, countries), or None."""
    party = reading.party(claim.party)
    if party is not None:
        return "person" if party.label == "PERSON" else "org"
    return _role(claim, reading)


def _initials(span) -> str:  # type: ignore[no-untyped-def]
    return "".join(t.text[0] for t in span if t.text[:1].isupper())


def _unnamed(claim: Claim, words: set[str], reading) -> set[str]:  # type: ignore[no-untyped-def]
    """``words`` without the names and titles in the claim's content: what it says, not whom about."""
    start, end = claim.content_span
    names = {t.lemma_.lower() for t in reading.doc[start:end] if t.pos_ == "PROPN" or t.ent_type_}
    return words - names - {"mr", "mrs", "ms", "dr"}


#: Lemmas that deny or rebut, for a denial the reader did not find as one.
_DENYING = frozenset({"deny", "reject", "refute", "dismiss", "rebut", "dispute", "contest", "untrue", "false", "groundless", "baseless"})


def _speaks_in_source(claim: Claim, words: set[str], reading, gold=None) -> bool:  # type: ignore[no-untyped-def]
    """Whether a source sentence with most of ``words`` names the claim's party outside what
    anyone is reported to say: the party is an actor there, even where the reader found no claim
    ("criticised by the Scottish National Party, which accused him of…"). The party is recognised
    by the gold's alias groups, else by name, acronym or country."""
    names = _names(claim)
    countries = _countries(claim)
    groups = _groups(claim, gold)
    if len(words) < 2 or (not names and not countries and not groups):
        return False
    contents = [range(*c.content_span) for c in reading.claims]
    denial = claim.stance == "denies"
    for unit in reading.units:
        lemmas = {t.lemma_.lower() for t in unit}
        if len(words & lemmas) / len(words) < MIN_OVERLAP:
            continue
        if denial and not (lemmas & _DENYING or any(t.lower_ in _NEGATIONS for t in unit)):
            continue  # a denial needs a denying word there
        for ent in unit.ents:
            if any(ent.start in span for span in contents):
                continue
            own = {t.lower_ for t in ent} | {_initials(ent).lower()}
            if groups and any(gold.find(ent.text, g) for g in groups):
                return True
            if not groups and (own & names or (country(ent.text) or "") in countries):
                return True
    return False


def _label(claim: Claim) -> str:
    return claim.party or claim.speaker


def speaker_problems(output: str, source: str, gold=None) -> tuple[list[SpeakerProblem], int]:  # type: ignore[no-untyped-def]
    """Attributions of ``output`` the source does not make by the same party, and how many were checked.

    Each output claim's content words are compared with what each party of the source says (the
    union of that party's claims, so a summary may merge two of its statements). A denial is
    compared with the source's denials only, any other claim with the source's other claims (a
    denial's content is the claim it denies, which its asserter said). It passes when the same
    party says at least half of it; it fails when another party does and the same party does not,
    or when nobody in the source says anything like it."""
    if not output.strip():
        return [], 0
    ours_reading, source_reading = _readings.get_many([output, source])
    theirs = [(c, _content(c, source_reading)) for c in own_claims(source_reading)]
    # Without gold, a source speaker named only by a description ("the first minister") may be the
    # output's named party: like an unresolved "he", it may be anyone.
    anyone = {id(c) for c, _ in theirs if _unresolved(c)}
    # Without gold, a source speaker named by a role ("the first minister") may be the person the
    # output names, and a collective ("the firm") the organisation: for those, it may be them.
    maybe = {id(c): _role(c, source_reading) for c, _ in theirs if gold is None and _described(c, source_reading)}
    problems: list[SpeakerProblem] = []
    checked = 0
    for claim in ours_reading.claims:
        if claim.mention.lower() in _PRONOUNS and claim.party is None:
            continue  # "he said" with nobody named in the output: nothing to compare
        words = _content(claim, ours_reading, own=True)
        if not words or _verbatim(claim.sentence, source):
            continue  # nothing to compare, or the source's own sentence, attribution and all
        if gold is None and _described(claim, ours_reading) and not any(same_party(claim, c) for c, _ in theirs):
            continue  # a description the source never uses ("the firms"): who it is cannot be told
        checked += 1
        kind = _kind(claim, ours_reading)
        anyone_here = anyone | {i for i, role in maybe.items() if role and role == kind}
        alone = all(same_party(claim, other, gold) for other in ours_reading.claims if other.index == claim.index)
        quoted = _quotations(_own_text(claim, ours_reading)) or (_quotations(claim.sentence) if alone else [])
        if quoted:
            sayers = [c for c, _ in theirs if any(q in " ".join(c.content.lower().split()) for q in quoted)]
            if sayers and not any(same_party(claim, c, gold) or id(c) in anyone_here for c in sayers):
                problems.append(SpeakerProblem(
                    claim.sentence,
                    f"a quotation given to {_label(claim)}, but the source gives it to {_label(sayers[0])}: \"{sayers[0].sentence}\"",
                ))
                continue
        denial = claim.stance == "denies"
        pool = [(c, w) for c, w in theirs if (c.stance == "denies") == denial and w]
        # A source claim by an unresolved "he"/"it" may be by anyone, the same party included.
        same = set().union(*[w for c, w in pool if same_party(claim, c, gold) or id(c) in anyone_here])
        support_same = len(words & same) / len(words)
        if support_same >= MIN_OVERLAP or _speaks_in_source(claim, _unnamed(claim, words, ours_reading), source_reading, gold):
            continue
        others: dict[str, tuple[set[str], Claim]] = {}
        for c, w in pool:
            if not same_party(claim, c, gold) and id(c) not in anyone_here:
                pooled, first = others.get(_label(c), (set(), c))
                others[_label(c)] = (pooled | w, first)
        best = max(others.items(), key=lambda item: len(words & item[1][0]), default=None)
        if best is not None and len(words & best[1][0]) / len(words) >= MIN_OVERLAP:
            what = "denial" if denial else "claim"
            problems.append(SpeakerProblem(
                claim.sentence,
                f"a {what} given to {_label(claim)}, but the source gives it to {best[0]}: \"{best[1][1].sentence}\"",
            ))
        elif support_same == 0 and best is None:
            problems.append(SpeakerProblem(claim.sentence, f"{_label(claim)} {claim.verb} \"{claim.content}\": the source has no such {'denial' if denial else 'claim'}"))
    return problems, checked


#: Verbs that say a claim is true, against which a denial by the same party is an inversion
#: ("called it gossip" characterises: no affirmation).
_AFFIRMING = frozenset({"say", "tell", "state", "confirm", "admit", "acknowledge", "concede", "agree", "accept", "announce", "insist"})
_NEGATIONS = frozenset({"no", "not", "never", "nothing", "none", "untrue", "false", "nobody"})


def _denying(claim: Claim, reading) -> bool:  # type: ignore[no-untyped-def]
    """A denial, by stance or by its words: an assertion whose content is negated ('"No row
    between me and Trevor," he said') denies as much as "denied" does."""
    if claim.stance == "denies":
        return True
    start, end = claim.content_span
    return any(t.dep_ == "neg" or t.lower_ in _NEGATIONS for t in reading.doc[start:end])


def inverted_stances(output: str, source: str, gold=None) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(sentence, detail) for each output claim whose stance is the opposite of what the source
    shows the same party saying about the same thing: a denial where the party asserted or
    confirmed it, an assertion or confirmation where it denied it (content overlap as in
    :func:`speaker_problems`; the same party saying any of it the output's way clears it)."""
    if not output.strip():
        return []
    ours_reading, source_reading = _readings.get_many([output, source])
    theirs = [(c, _content(c, source_reading)) for c in own_claims(source_reading)]
    found = []
    for claim in ours_reading.claims:
        denial = _denying(claim, ours_reading)
        verb = ours_reading.doc[claim.verb_token].lemma_.lower()
        if not (denial or verb in _AFFIRMING) or (claim.mention.lower() in _PRONOUNS and claim.party is None):
            continue
        words = _content(claim, ours_reading)
        if not words:
            continue
        same = [(c, len(words & w) / len(words), _denying(c, source_reading)) for c, w in theirs if same_party(claim, c, gold)]
        # Any of it said the output's way by the same party clears it: an output claim may merge two
        # of the party's statements ("deny X and say Y").
        agreeing = [c for c, share, denies in same if share > 0 and denies == denial]
        # The party's own sentence using the output's verb ("denied X, calling it Y") is no inversion.
        opposite = [c for c, share, denies in same if share >= MIN_OVERLAP and denies != denial
                    and (denies or source_reading.doc[c.verb_token].lemma_.lower() in _AFFIRMING)
                    and verb not in {t.lemma_.lower() for t in source_reading.doc[c.verb_token].sent}]
        if opposite and not agreeing:
            was = "asserted" if denial else "denied"
            found.append((claim.sentence, f"stance inverted: the output has {_label(claim)} {claim.verb} "
                                          f"what the source has it {was}: \"{opposite[0].sentence}\""))
    return found


def check_speakers(output, gold, source: str):  # type: ignore[no-untyped-def]
    """Every attribution in the output (a speaker with a reporting verb, a quotation with its
    attribution, "according to X") matches a claim by the same party in the source, with
    overlapping content; a claim, quotation or denial given to the wrong party fails."""
    from summarize.check.checks import CheckResult
    from summarize.records import Violation

    problems, checked = speaker_problems(output.summary, source, None if getattr(gold, "from_source", False) else gold)
    if not checked:
        return CheckResult("speakers", None, None, "the output attributes nothing to anyone")
    score = (checked - len(problems)) / checked
    lines = [f"{checked} attribution(s) checked, {len(problems)} not made by that party in the source"]
    lines += [f"{p.detail} (output: \"{p.sentence}\")" for p in problems]
    return CheckResult("speakers", not problems, round(score, 4), "\n".join(lines),
                       [Violation("speakers", p.sentence, p.detail) for p in problems])
