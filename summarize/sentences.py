"""Sentence segmentation and window-sized chunking for news text.

Rule-based on purpose: it is fast enough for megabyte articles, needs no downloaded model data, and
its abbreviation list is a data file (``data/abbreviations.txt``) that users can read and extend.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from importlib.resources import files

# A sentence ends at . ! or ? (optionally followed by closing quotes/brackets), then whitespace,
# then something that can start a sentence: a capital, a digit, or an opening quote/bracket.
_BOUNDARY = re.compile(r"""([.!?]+["'”’)\]]*)(\s+)(?=["'“‘(\[]?[A-Z0-9])""")
_LAST_TOKEN = re.compile(r"(\S+)$")
_PARAGRAPHS = re.compile(r"\n\s*\n")


@lru_cache(maxsize=1)
def abbreviations() -> frozenset[str]:
    """Lower-case abbreviations (without their final period) that never end a sentence."""
    text = files("summarize").joinpath("data/abbreviations.txt").read_text(encoding="utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def _ends_with_abbreviation(chunk: str) -> bool:
    match = _LAST_TOKEN.search(chunk)
    if not match:
        return False
    token = match.group(1).lstrip("\"'“‘([").rstrip(".").lower()
    if token in abbreviations():
        return True
    # Initials and dotted acronyms: "J.", "U.S", "N.Y" (letters separated by periods).
    return bool(re.fullmatch(r"(?:[a-z]\.)*[a-z]", token))


def split_sentences(text: str) -> list[str]:
    """Split ``text`` into sentences; paragraph breaks always end a sentence."""
    sentences: list[str] = []
    for paragraph in _PARAGRAPHS.split(text):
        paragraph = " ".join(paragraph.split())
        if not paragraph:
            continue
        start = 0
        for match in _BOUNDARY.finditer(paragraph):
            end = match.end(1)
            candidate = paragraph[start:end]
            # "Dec." or "U.S." before a capital is usually not a boundary; "?" and "!" always are.
            if match.group(1).startswith(".") and len(match.group(1)) == 1 and _ends_with_abbreviation(
                candidate[:-1]
            ):
                continue
            sentences.append(candidate.strip())
            start = match.end(2)
        tail = paragraph[start:].strip()
        if tail:
            sentences.append(tail)
    return sentences


def split_units(text: str, max_merge: int = 4) -> list[str]:
    """Sentences, with a quotation that spans sentences kept in one unit, so that the attribution
    after its closing quote covers all of it."""
    units: list[str] = []
    pending: list[str] = []
    for sentence in split_sentences(text):
        pending.append(sentence)
        joined = " ".join(pending)
        straight_open = joined.count('"') % 2 == 1
        curly_open = joined.count("“") > joined.count("”")
        if (straight_open or curly_open) and len(pending) < max_merge:
            continue
        units.append(joined)
        pending = []
    if pending:
        units.append(" ".join(pending))
    return units


def pack(
    pieces: Iterable[str], count_tokens: Callable[[str], int], budget: int, joiner: str = " "
) -> list[str]:
    """Greedily pack consecutive ``pieces`` into chunks of at most ``budget`` tokens.

    A single piece longer than the budget (one huge sentence) is cut at word boundaries, so no
    chunk is ever silently truncated by the tokenizer.
    """
    if budget < 1:
        raise ValueError("chunk budget must be at least one token")
    chunks: list[str] = []
    current: list[str] = []
    used = 0
    for piece in pieces:
        size = count_tokens(piece)
        if size > budget:
            if current:
                chunks.append(joiner.join(current))
                current, used = [], 0
            chunks.extend(_cut_words(piece, count_tokens, budget))
            continue
        if current and used + size > budget:
            chunks.append(joiner.join(current))
            current, used = [], 0
        current.append(piece)
        used += size
    if current:
        chunks.append(joiner.join(current))
    return chunks


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
