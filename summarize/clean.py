"""Turn raw agency, feed or HTML text into the clean body a model may see.

Agency wire files put an optional ``date YYYY-MM-DD`` header and a dateline ("Seoul/Washington,
Dec 23" or "WASHINGTON (Reuters) -") before the body, and often end with feed boilerplate; plain text
often opens with a headline line. The date, dateline and headline become fields; boilerplate patterns
come from ``data/boilerplate.txt`` and are dropped, because a summary must never repeat them.
"""

from __future__ import annotations

import html as _html
import io
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files

_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_DATE_HEADER = re.compile(r"^\s*date\s*[:=]?\s*(\d{4}-\d{2}-\d{2})\b[ \t]*", re.IGNORECASE)
_PLACE = r"[A-Z][\w.'’-]*(?:[ /][A-Z][\w.'’-]*){0,4}"
# "Seoul/Washington, Dec 23" / "LONDON, March 3 (Reuters) -" / "Kyiv, Ukraine, 5 May:"
_DATELINE = re.compile(
    rf"^(?!(?:On|In|At|By|For|From|Since|Until|After|Before|During|Last|This|Next|Early|Late)\b)(?P<dateline>{_PLACE}(?:,\s*{_PLACE})?,\s*(?:{_MONTH}\s+\d{{1,2}}|\d{{1,2}}\s+{_MONTH})"
    rf"(?:,?\s+\d{{4}})?(?:\s*\((?:[A-Z][\w ]{{1,30}})\))?)\s*(?:[-–—:]+\s*)?(?=[\"“‘'(A-Z0-9])"
)
# "WASHINGTON (Reuters) -" / "PARIS (AFP) —"
_AGENCY_DATELINE = re.compile(
    r"^(?P<dateline>[A-Z][A-Z .,/'’-]{1,60}\((?:Reuters|AP|AFP|UPI|Bloomberg|Yonhap|Xinhua|dpa|"
    r"ANSA|EFE|Kyodo|IANS|PTI|ANI|Anadolu)\))\s*[-–—:]\s*"
)

_DATELINE_SPAN = 120

# A headline: the first line, then a blank line. Bounded like the dateline, for the same reason.
_HEADLINE = re.compile(r"[ \t]*(?P<line>[^\n]{1,200}?)[ \t]*\n[ \t]*\n")
_HEADLINE_SPAN = 256
_HEADLINE_WORDS, _HEADLINE_CHARS = 20, 150
# Ends like a sentence (or a clause): "... he said." / 'He said "no."' / "Officials said:".
_SENTENCE_END = re.compile(r"[.!?:;,…][\"'”’»)\]]*$")
# A date header in another format, or a byline: not a headline.
_NOT_HEADLINE = re.compile(r"(?i:date)\s*[:=]?\s*\d|[Bb]y\s+[A-Z]")
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+")


@dataclass
class CleanText:
    """The body, the fields parsed out of it, and what was dropped."""

    body: str
    date: str | None = None
    dateline: str | None = None
    title: str | None = None
    removed: list[str] = field(default_factory=list)


@lru_cache(maxsize=1)
def boilerplate_patterns() -> tuple[re.Pattern[str], ...]:
    """The compiled patterns from ``data/boilerplate.txt``."""
    text = files("summarize").joinpath("data/boilerplate.txt").read_text(encoding="utf-8")
    return tuple(
        re.compile(line.strip(), re.IGNORECASE)
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    )


def is_boilerplate(line: str) -> bool:
    line = line.strip()
    return bool(line) and any(p.match(line) for p in boilerplate_patterns())


def strip_boilerplate(text: str) -> tuple[str, list[str]]:
    """Drop boilerplate lines; keep paragraph breaks. Returns (text, removed lines)."""
    removed: list[str] = []
    paragraphs: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text):
        kept = []
        for line in paragraph.splitlines():
            if is_boilerplate(line):
                removed.append(line.strip())
            else:
                kept.append(line.rstrip())
        block = "\n".join(kept).strip()
        if block:
            paragraphs.append(block)
    return "\n\n".join(paragraphs), removed


def split_headline(text: str) -> tuple[str | None, str]:
    """Take a headline line off the top of ``text``: (headline, rest), or (None, text).

    Plain text often opens with its headline; left in, it runs into the first sentence of the
    summary. Only a short line with no sentence punctuation, followed by a blank line and by real
    text, counts, so a first paragraph, a lone line, a byline or boilerplate is never taken.
    """
    match = _HEADLINE.match(text[:_HEADLINE_SPAN])
    if not match:
        return None, text
    line = _MARKDOWN_HEADING.sub("", match.group("line").strip())
    if (
        not line
        or len(line) > _HEADLINE_CHARS
        or len(line.split()) > _HEADLINE_WORDS
        or _SENTENCE_END.search(line)
        or _NOT_HEADLINE.match(line)
        or is_boilerplate(line)
    ):
        return None, text
    rest = text[match.end() :]
    # Streamed, so a huge article is not split into lines just to find its first real one.
    if not any(row.strip() and not is_boilerplate(row) for row in io.StringIO(rest)):
        return None, text
    return line, rest


def _split_dateline(text: str) -> tuple[str | None, str]:
    head = text[:_DATELINE_SPAN]  # a dateline is short; bounding the input bounds regex backtracking
    for pattern in (_AGENCY_DATELINE, _DATELINE):
        match = pattern.match(head)
        if match:
            return match.group("dateline").strip(), text[match.end() :]
    return None, text


def _same_words(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def parse_agency_text(raw: str, *, title: str | None = None) -> CleanText:
    """Split raw article text into date, dateline, headline and a boilerplate-free body.

    ``title`` is one the container already gives (feed entry, record field): it wins, and a
    headline line is then dropped only when it repeats that title.
    """
    text = raw.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    date = None
    match = _DATE_HEADER.match(text)
    if match:
        date = match.group(1)
        text = text[match.end() :]
    text = text.lstrip()
    dateline, rest = _split_dateline(text)
    headline = None
    if dateline is None:  # a dateline opens the body; a headline comes before it, never after
        headline, rest = split_headline(text)
        if headline is not None and title and not _same_words(headline, title):
            headline, rest = None, text
        if headline is not None:
            dateline, rest = _split_dateline(rest.lstrip())
    body, removed = strip_boilerplate(rest)
    return CleanText(body=body, date=date, dateline=dateline, title=title or headline, removed=removed)


def html_to_text(html: str) -> str:
    """Visible text of an HTML fragment, one paragraph per block element.

    Character references are decoded exactly once, with or without tags: ``AT&amp;amp;T`` becomes
    ``AT&amp;T`` (what the fragment says), never ``AT&T``; an unknown one (``&lol9;``) stays as
    written. Only HTML's own named references are known: nothing a document declares is expanded.
    """
    if "<" not in html:
        return _html.unescape(html).strip()
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "noscript", "iframe", "figure", "figcaption"]):
        tag.decompose()
    for br in soup.find_all("br"):
        br.replace_with("\n")
    blocks = [
        " ".join(el.get_text().split())
        for el in soup.find_all(["p", "li", "h1", "h2", "h3", "h4", "blockquote", "pre"])
        if not el.find(["p", "li", "blockquote"])
    ]
    blocks = [b for b in blocks if b]
    if not blocks:
        return "\n\n".join(
            " ".join(line.split()) for line in soup.get_text("\n").split("\n") if line.strip()
        )
    return "\n\n".join(blocks)
