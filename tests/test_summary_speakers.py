"""Summaries that keep their speakers (summarize/offline/summary.py, readback.py): a kept sentence
whose speaker is a pronoun or a role noun reads as the source's party in the summary, or is named, or
is left out; a denial keeps what it denies; quotations close; an opener that scopes a claim stays;
every summary sentence is a sentence; no web furniture. Articles are invented for this file."""

from __future__ import annotations

import pytest

from summarize.ingest import article_from_text
from summarize.offline.reading import ReadingCache
from summarize.offline.summary import Summarizer

_CACHE = ReadingCache()


def writer(text: str, units: list[int] | None = None, words: int = 200) -> Summarizer:
    """The summary writer of ``text``; with ``units``, it drafts exactly those (to put a sentence in
    a new context on purpose)."""
    found = Summarizer(_CACHE.get(text), words)
    if units is not None:
        found.select = lambda: (list(units), set(units))  # type: ignore[method-assign]
    return found


BANKS = """Harbor Bank posted a loss of £1bn on Friday, its first in a decade.

Castle Bank said its profits had risen by 10%.

Harbor Bank's chief executive, Mr Tom Reed, blamed bad loans in Spain.

The bank also blamed the weak pound for the loss."""

UNION = """Kessler Foods will close its plant in Leeds, the company said on Monday.

Mr Mark Ellis, the union's leader, said 300 jobs would go.

Mr Tom Reed, the firm's chief executive, said the plant had lost money for years.

He rejected the union's figures."""


def test_a_role_noun_kept_after_another_party_is_named():
    text = writer(BANKS, [0, 1, 3]).draft().text
    assert "Castle Bank said" in text
    assert "Harbor Bank also blamed the weak pound" in text, text


def test_a_pronoun_kept_after_another_man_is_named():
    text = writer(UNION, [0, 1, 3]).draft().text
    assert "Tom Reed rejected the union's figures" in text, text
    assert "He rejected" not in text


def test_a_pronoun_right_after_its_antecedent_stays():
    text = writer(UNION, [0, 2, 3]).draft().text
    assert "He rejected the union's figures" in text, text


def test_a_speaker_the_source_does_not_name_never_becomes_someone_in_the_summary():
    text = ("Kessler Foods will close its plant in Leeds. Mr Tom Reed and Mr Mark Ellis met the staff on Monday. "
            "Mr Mark Ellis said the union would fight. Mr Tom Reed said the decision was final. He said it was a sad day.")
    summary = writer(text, [0, 2, 4]).draft().text
    assert "He said it was a sad day" not in summary and "Ellis said it was a sad day" not in summary, summary


def test_a_denial_of_this_comes_only_after_what_it_denies():
    text = ("Rival airlines said the project was two billion euros over budget. Mr Tom Reed is the project's director. "
            "But Mr Tom Reed has denied this, saying the costs were under control.")
    found = writer(text, [1, 2])
    assert found._needs(2) == 0
    assert "denied this" not in found.draft().text


@pytest.mark.parametrize(
    "sentence, kept",
    [
        ("In the year to March 2004, the economy grew by 8.5%, the bank said.", "In the year to March 2004,"),
        ("To some extent, the credit controls do seem to be taking effect, the bank said.", "To some extent,"),
        ("Reportedly, the firm will cut 200 jobs, the union said.", "Reportedly,"),
    ],
    ids=["time-frame", "hedge", "reportedly"],
)
def test_an_opener_that_scopes_the_claim_is_never_cut(sentence, kept):
    text = f"Kessler Foods reported its results on Monday.\n\n{sentence}"
    found = writer(text)
    assert found._opener_end(1) is None
    assert kept in found.draft().text


def test_a_connective_opener_may_go():
    found = writer("Kessler Foods reported its results on Monday. However, the union said 300 jobs would go.")
    assert found._opener_end(1) is not None


@pytest.mark.parametrize(
    "text, index",
    [
        ("Kessler Foods reported its results.\n\nwas delighted to be paired with United, although he admitted it was hard.", 1),
        ('Kessler Foods reported its results. He said: "We will keep the plant open and', 1),
    ],
    ids=["fragment", "unclosed-quotation"],
)
def test_what_is_no_sentence_is_not_used(text, index):
    assert not writer(text)._eligible(index)


def test_summaries_hold_no_web_furniture():
    raw = ("The shape of the UK's economy In graphics\n\nKessler Foods will close its plant in Leeds, the company said.\n\n"
           "E-mail this to a friend\n\nSend us your comments on this story using the form below.")
    article = article_from_text(raw, source="t", id="t")
    assert "In graphics" not in article.text and "E-mail this" not in article.text and "Send us" not in article.text
    summary = Summarizer(_CACHE.get(article.text), 90).draft().text
    assert summary.startswith("Kessler Foods will close")
