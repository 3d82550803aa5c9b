"""Sentence units and quotations: the spans everything else in the reader is counted in.

A unit is a spaCy sentence, cut again at paragraph breaks, except that a quotation that runs over
several sentences is one unit with its attribution ("… he said. 'It was …,'" stays whole), so a
claim and its evidence never lose half of a quotation. Quotation marks are tracked per paragraph,
as news writes them: a quotation left open at a paragraph's end is closed there.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

_OPEN = {"“", "‘‘"}
_CLOSE = {"”", "’’"}
_MAX_MERGED = 6


def _opens(token) -> bool:
    """Is this straight quotation mark an opening one? Its spacing tells: '… said: "We' opens,
    'end," he' closes; a mark with space on both sides or neither keeps the toggle."""
    doc = token.doc
    before = token.i == 0 or bool(doc[token.i - 1].whitespace_) or doc[token.i - 1].is_space
    after = bool(token.whitespace_) or token.i + 1 >= len(doc) or doc[token.i + 1].is_punct
    if before and not after:
        return True
    if after and not before:
        return False
    return None  # type: ignore[return-value]


def quote_marks(doc: Doc) -> list[bool]:
    """For each token: True when it lies inside a quotation (the marks themselves excluded)."""
    inside = [False] * len(doc)
    open_ = False
    for token in doc:
        text = token.text
        if text == '"':
            direction = _opens(token)
            open_ = (not open_) if direction is None else direction
        elif text in _OPEN or text == "``":
            open_ = True
        elif text in _CLOSE or text == "''":
            open_ = False
        else:
            inside[token.i] = open_
        if token.is_space and "\n" in text:
            open_ = False  # a paragraph break closes what the paragraph left open
    return inside


def _paragraph_sentences(doc: Doc) -> list[Span]:
    """spaCy's sentences, cut at paragraph breaks, without leading or trailing whitespace tokens."""
    spans: list[Span] = []
    for sent in doc.sents:
        start = sent.start
        for token in sent:
            if token.is_space and "\n" in token.text:
                if token.i > start:
                    spans.append(doc[start:token.i])
                start = token.i + 1
        if start < sent.end:
            spans.append(doc[start:sent.end])
    out = []
    for span in spans:
        start, end = span.start, span.end
        while start < end and doc[start].is_space:
            start += 1
        while end > start and doc[end - 1].is_space:
            end -= 1
        if end > start:
            span = doc[start:end]
            # The parser sometimes ends a sentence mid-clause ("… wine industry | 70m euros …"):
            # a sentence that does not end in final punctuation goes on in the next one.
            # So does one before a sentence that starts in lower case ('"…?" | he asked.').
            if out and (not _ends_sentence(out[-1]) or span[0].is_lower) and _same_paragraph(doc, out[-1], span):
                span = doc[out.pop().start:end]
            out.append(span)
    return out


def _ends_sentence(span: Span) -> bool:
    last = [t.text for t in span if not t.is_space][-2:]
    return bool(last) and (last[-1] in {".", "!", "?", "…"} or last[-1] in {'"', "”", "’", "'", ")", "''"} and len(last) > 1 and last[0] in {".", "!", "?", ",", "…"})


def _open_at_end(span: Span) -> bool:
    """Does a quotation opened in ``span`` run past its end?"""
    open_ = False
    for token in span:
        if token.text == '"':
            direction = _opens(token)
            open_ = (not open_) if direction is None else direction
        elif token.text in _OPEN or token.text == "``":
            open_ = True
        elif token.text in _CLOSE or token.text == "''":
            open_ = False
    return open_


def _same_paragraph(doc: Doc, left: Span, right: Span) -> bool:
    return not any(t.is_space and "\n" in t.text for t in doc[left.end:right.start]) and not (
        "\n" in doc[left.end - 1].whitespace_
    )


def units(doc: Doc) -> list[Span]:
    """The article's units, in order."""
    sentences = _paragraph_sentences(doc)
    merged: list[Span] = []
    index = 0
    while index < len(sentences):
        span = sentences[index]
        taken = 1
        while (
            _open_at_end(span) and index + taken < len(sentences) and taken < _MAX_MERGED
            and _same_paragraph(doc, span, sentences[index + taken])
        ):
            span = doc[span.start:sentences[index + taken].end]
            taken += 1
        # '"…," Kirby said. "It is …"': a quotation that goes on in the next sentence of the paragraph
        # belongs to the same speaker.
        while (
            index + taken < len(sentences) and taken < _MAX_MERGED and _has_quote(span)
            and _all_quoted(sentences[index + taken]) and _same_paragraph(doc, span, sentences[index + taken])
        ):
            span = doc[span.start:sentences[index + taken].end]
            taken += 1
        merged.append(span)
        index += taken
    return merged


def _has_quote(span: Span) -> bool:
    return any(t.text in {'"', "“", "”", "``", "''"} for t in span)


def _all_quoted(span: Span) -> bool:
    """A sentence that is one quotation and nothing else."""
    tokens = [t for t in span if not t.is_space]
    if len(tokens) < 3 or tokens[0].text not in {'"', "“", "``"}:
        return False
    inner = [t for t in tokens[1:-1] if t.text in {'"', "“", "”", "``", "''"}]
    return not inner and tokens[-1].text in {'"', "”", "''"} or tokens[-2].text in {'"', "”", "''"} and not inner


def text_of(tokens: Span | list[Token]) -> str:
    """Whitespace-normalised text of a span or a run of tokens."""
    if isinstance(tokens, Span):
        return " ".join(tokens.text.split())
    return " ".join("".join(t.text_with_ws for t in tokens).split())
