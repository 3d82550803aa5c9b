"""The `speakers` check: an attribution in the output must be one the source makes, by that party."""

from __future__ import annotations

import pytest

from summarize.check.speakers import speaker_problems

SOURCE = (
    "Northwind Energy said on Monday it would close its Hollis plant, cutting 400 jobs. "
    "The union condemned the closure as \"a betrayal of the town\". "
    "Mayor Ana Ruiz said the council had not been consulted. "
    "Northwind denied a report in the Hollis Gazette that it planned to sell the site to a property developer. "
    '"We have no such plans," said Tom Reed, the company\'s spokesman.'
)


@pytest.mark.parametrize("output", [
    "Northwind Energy said it would close its Hollis plant, cutting 400 jobs.",
    'The union called the closure "a betrayal of the town".',
    "Mayor Ana Ruiz said the council had not been consulted about the closure.",
    "Northwind denied a Hollis Gazette report that it planned to sell the site.",
    '"We have no such plans," Tom Reed said.',
])
def test_attributions_the_source_makes_pass(output):
    problems, checked = speaker_problems(output, SOURCE)
    assert checked >= 1 and problems == []


@pytest.mark.parametrize("output, wrong, right", [
    ('Mayor Ana Ruiz called the closure "a betrayal of the town".', "Ana Ruiz", "union"),        # quotation, wrong mouth
    ("The union denied a report that Northwind planned to sell the site.", "union", "Northwind"),  # denial, wrong party
    ('"We have no such plans," Ana Ruiz said.', "Ana Ruiz", "Tom Reed"),                        # quote then attribution
])
def test_a_claim_or_denial_given_to_the_wrong_party_fails_naming_both(output, wrong, right):
    problems, _ = speaker_problems(output, SOURCE)
    assert len(problems) == 1
    detail = problems[0].detail
    assert wrong in detail and right in detail and "the source gives it to" in detail


def test_a_sentence_the_source_has_word_for_word_is_its_own_attribution():
    problems, checked = speaker_problems('The union condemned the closure as "a betrayal of the town".', SOURCE)
    assert (problems, checked) == ([], 0)


def test_an_output_without_attributions_has_nothing_to_check():
    assert speaker_problems("The plant will close next year.", SOURCE) == ([], 0)
