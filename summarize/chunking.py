"""Window-sized chunks of article text for the seq2seq engines, cut at sentence boundaries.

Sentences come from the shared spaCy pipeline (:func:`summarize.offline.nlp.sentences`), so the
chunker, the offline engine and the eval checks agree on where a sentence ends. Paragraphs are parsed
in batches, and a paragraph too long for one parse (spaCy refuses texts over ``nlp.max_length``) is
first cut into parts, so a multi-megabyte article is chunked, never refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

_PARAGRAPHS = re.compile(r"\n\s*\n")
#: Longer paragraphs are cut before parsing: at the last ". " before the limit, else at a space.
MAX_PARAGRAPH_CHARS = 100_000
#: Paragraphs parsed per batch; below the shared parse cache's size, so a batch stays cached.
PARSE_GROUP = 256


def paragraphs(text: str) -> list[str]:
    """Whitespace-normalised paragraphs of ``text``, none longer than ``MAX_PARAGRAPH_CHARS``."""
    out: list[str] = []
    for paragraph in _PARAGRAPHS.split(text):
        paragraph = " ".join(paragraph.split())
        while len(paragraph) > MAX_PARAGRAPH_CHARS:
            cut = paragraph.rfind(". ", 0, MAX_PARAGRAPH_CHARS) + 1
            if cut <= 0:
                cut = paragraph.rfind(" ", 0, MAX_PARAGRAPH_CHARS)
            if cut <= 0:
                cut = MAX_PARAGRAPH_CHARS
            out.append(paragraph[:cut].strip())
            paragraph = paragraph[cut:].strip()
        if paragraph:
            out.append(paragraph)
    return out


def split_many(texts: Sequence[str]) -> list[list[str]]:
    """The sentences of each text (``nlp.sentences``: a paragraph break always ends one), with the
    paragraphs of all texts parsed together in batches."""
    from summarize.offline import nlp

    per_text = [paragraphs(t) for t in texts]
    pending = list(dict.fromkeys(p for ps in per_text for p in ps))
    for start in range(0, len(pending), PARSE_GROUP):
        nlp.parse_many(pending[start : start + PARSE_GROUP])  # warms the cache nlp.sentences reads
    out: list[list[str]] = []
    for ps in per_text:
        found: list[str] = []
        for paragraph in ps:
            found.extend(nlp.sentences(paragraph))
        out.append(found)
    return out


def sentences(text: str) -> list[str]:
    """The sentences of ``text`` (see :func:`split_many`)."""
    return split_many([text])[0]


def pack_groups(pieces: Iterable[str], count_tokens: Callable[[str], int], budget: int) -> list[list[str]]:
    """Greedily group consecutive ``pieces`` so that each group holds at most ``budget`` tokens.

    A single piece longer than the budget (one huge sentence) is cut at word boundaries into parts
    that each form a group of their own, so no chunk is ever silently truncated by the tokenizer.
    """
    if budget < 1:
        raise ValueError("chunk budget must be at least one token")
    groups: list[list[str]] = []
    current: list[str] = []
    used = 0
    for piece in pieces:
        size = count_tokens(piece)
        if size > budget:
            if current:
                groups.append(current)
                current, used = [], 0
            groups.extend([part] for part in _cut_words(piece, count_tokens, budget))
            continue
        if current and used + size > budget:
            groups.append(current)
            current, used = [], 0
        current.append(piece)
        used += size
    if current:
        groups.append(current)
    return groups


def pack(pieces: Iterable[str], count_tokens: Callable[[str], int], budget: int, joiner: str = " ") -> list[str]:
    """Greedily pack consecutive ``pieces`` into chunks of at most ``budget`` tokens (see
    :func:`pack_groups`), each chunk its pieces joined by ``joiner``."""
    return [joiner.join(group) for group in pack_groups(pieces, count_tokens, budget)]


def _cut_words(text: str, count_tokens: Callable[[str], int], budget: int) -> list[str]:
    """Cut an over-long sentence into word runs that each fit ``budget`` tokens."""
    words = text.split()
    pieces: list[str] = []
    lo = 0
    while lo < len(words):
        # Grow a run by doubling, then binary-search its exact end: O(log n) tokenizer calls per run.
        step, hi = 1, lo + 1
        while hi < len(words) and count_tokens(" ".join(words[lo : min(hi + step, len(words))])) <= budget:
            hi = min(hi + step, len(words))
            step *= 2
        top = min(hi + step, len(words))
        while hi < top:
            mid = (hi + top + 1) // 2
            if count_tokens(" ".join(words[lo:mid])) <= budget:
                hi = mid
            else:
                top = mid - 1
        pieces.append(" ".join(words[lo:hi]))
        lo = hi
    return pieces
