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

from dataclasses import dataclass

from summarize.offline.reading import Claim, ReadingCache

#: Share of an output claim's content words a source claim must hold to be "the same claim".
MIN_OVERLAP = 0.5
_PRONOUNS = {"he", "she", "it", "they", "him", "her", "them", "we", "i", "you"}
_readings = ReadingCache(size=64)


@dataclass
class SpeakerProblem:
    sentence: str
    detail: str


def _content(claim: Claim, reading) -> set[str]:  # type: ignore[no-untyped-def]
    doc = reading.doc
    start, end = claim.content_span
    return {t.lemma_.lower() for t in doc[start:end] if t.is_alpha and not t.is_stop and t.pos_ in {"NOUN", "PROPN", "VERB", "ADJ", "NUM"}}


def _names(claim: Claim) -> set[str]:
    """The proper-name words a claim's speaker goes by (its party, speaker and mention)."""
    words = set()
    for text in (claim.party, claim.speaker, claim.mention):
        for word in (text or "").replace("'s", " ").replace("’s", " ").split():
            word = word.strip(",.\"“”()")
            if word[:1].isupper() and word.lower() not in _PRONOUNS and word.lower() not in {"the", "a", "an", "mr", "mrs", "ms", "dr"}:
                words.add(word.lower())
    return words


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
    # Unnamed speakers ("foreign media reports", "US officials"): the words of one are in the other.
    plain = lambda c: {w.strip(",.") for w in c.speaker.lower().split()} - {"the", "a", "an", "some", "its", "their"}  # noqa: E731
    a_words, b_words = plain(ours), plain(theirs)
    return bool(a_words and b_words) and (a_words <= b_words or b_words <= a_words)


def _unresolved(claim: Claim) -> bool:
    """A "he said" the reader could not tie to anyone (not even a description): may be anyone."""
    return claim.party is None and claim.mention.lower() in _PRONOUNS and claim.speaker == claim.mention


def claims_of(text: str) -> list[Claim]:
    """The claims the offline reader finds in ``text`` (cached)."""
    return _readings.get(text).claims if text.strip() else []


def _quotations(text: str) -> list[str]:
    """Quoted words of two or more words in ``text``, lower-cased."""
    import re

    found = re.findall(r'["“]([^"”]+)["”]', text)
    return [" ".join(q.lower().split()).strip(",. ") for q in found if len(q.split()) >= 2]


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
    theirs = [(c, _content(c, source_reading)) for c in source_reading.claims]
    problems: list[SpeakerProblem] = []
    checked = 0
    for claim in ours_reading.claims:
        if claim.mention.lower() in _PRONOUNS and claim.party is None:
            continue  # "he said" with nobody named in the output: nothing to compare
        words = _content(claim, ours_reading)
        if not words:
            continue
        checked += 1
        alone = all(same_party(claim, other) for other in ours_reading.claims if other.index == claim.index)
        quoted = _quotations(claim.content) or (_quotations(claim.sentence) if alone else [])
        if quoted:
            sayers = [c for c, _ in theirs if any(q in " ".join(c.content.lower().split()) for q in quoted)]
            if sayers and not any(same_party(claim, c, gold) or _unresolved(c) for c in sayers):
                problems.append(SpeakerProblem(
                    claim.sentence,
                    f"a quotation given to {_label(claim)}, but the source gives it to {_label(sayers[0])}: \"{sayers[0].sentence}\"",
                ))
                continue
        denial = claim.stance == "denies"
        pool = [(c, w) for c, w in theirs if (c.stance == "denies") == denial and w]
        # A source claim by an unresolved "he"/"it" may be by anyone, the same party included.
        same = set().union(*[w for c, w in pool if same_party(claim, c, gold) or _unresolved(c)])
        support_same = len(words & same) / len(words)
        if support_same >= MIN_OVERLAP:
            continue
        others: dict[str, tuple[set[str], Claim]] = {}
        for c, w in pool:
            if not same_party(claim, c, gold) and not _unresolved(c):
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


def check_speakers(output, gold, source: str):  # type: ignore[no-untyped-def]
    """Every attribution in the output (a speaker with a reporting verb, a quotation with its
    attribution, "according to X") matches a claim by the same party in the source, with
    overlapping content; a claim, quotation or denial given to the wrong party fails."""
    from summarize.check.checks import CheckResult

    problems, checked = speaker_problems(output.summary, source, gold)
    if not checked:
        return CheckResult("speakers", None, None, "the output attributes nothing to anyone")
    score = (checked - len(problems)) / checked
    lines = [f"{checked} attribution(s) checked, {len(problems)} not made by that party in the source"]
    lines += [f"{p.detail} (output: \"{p.sentence}\")" for p in problems]
    return CheckResult("speakers", not problems, round(score, 4), "\n".join(lines))
