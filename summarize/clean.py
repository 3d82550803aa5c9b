"""Turn raw agency, feed or HTML text into the clean body a model may see.

Agency wire files put an optional ``date YYYY-MM-DD`` header and a dateline ("Seoul/Washington,
Dec 23" or "WASHINGTON (Reuters) -") before the body, and often end with feed boilerplate. The date
and dateline become fields; boilerplate patterns come from ``data/boilerplate.txt`` and are dropped,
because a summary must never repeat them.
"""

from __future__ import annotations

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


@dataclass
class CleanText:
    """The body, the fields parsed out of it, and what was dropped."""

    body: str
    date: str | None = None
    dateline: str | None = None
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


def parse_agency_text(raw: str) -> CleanText:
    """Split an agency-feed text into date, dateline and a boilerplate-free body."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    date = None
    match = _DATE_HEADER.match(text)
    if match:
        date = match.group(1)
        text = text[match.end() :]
    text = text.lstrip()
    dateline = None
    head = text[:_DATELINE_SPAN]  # a dateline is short; bounding the input bounds regex backtracking
    for pattern in (_AGENCY_DATELINE, _DATELINE):
        match = pattern.match(head)
        if match:
            dateline = match.group("dateline").strip()
            text = text[match.end() :]
            break
    body, removed = strip_boilerplate(text)
    return CleanText(body=body, date=date, dateline=dateline, removed=removed)


def html_to_text(html: str) -> str:
    """Visible text of an HTML fragment, one paragraph per block element."""
    if "<" not in html:
        return html.strip()
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
