"""Denials as structure (summarize/offline/denials.py): who denies what, the claim it answers and
who made it, for each shape real news uses. Every sentence here is invented for this file; the
people, firms and places are fictional."""

from __future__ import annotations

import pytest

from summarize.offline.reading import Denial, Reading, ReadingCache

_CACHE = ReadingCache()


def read(text: str) -> Reading:
    return _CACHE.get(text)


def only_denial(text: str) -> Denial:
    reading = read(text)
    assert len(reading.denials) == 1, [(d.denier, d.content) for d in reading.denials] or [(c.stance, c.speaker, c.content) for c in reading.claims]
    return reading.denials[0]


@pytest.mark.parametrize(
    "text, denier, content",
    [
        ("Maria Okafor denied that the plant had leaked oil.", "Maria Okafor", "the plant had leaked oil"),
        ("Maria Okafor denied the plant had leaked oil.", "Maria Okafor", "the plant had leaked oil"),
        ("Maria Okafor denies taking the money.", "Maria Okafor", "taking the money"),
        ("Halvorsen Energy denied reports that it would close the plant.", "Halvorsen Energy", "it would close the plant"),
        ("Halvorsen Energy denied allegations that it had misled investors.", "Halvorsen Energy", "it had misled investors"),
        ("Halvorsen Energy rebuffed claims that it had misled investors.", "Halvorsen Energy", "it had misled investors"),
        ("Halvorsen Energy refuted suggestions that the plant was unsafe.", "Halvorsen Energy", "the plant was unsafe"),
        ("Kessler Foods denied reports claiming it was about to close the plant.", "Kessler Foods", "it was about to close the plant"),
    ],
    ids=["denied-that", "denied-bare-clause", "denies-gerund", "reports-that", "allegations-that", "rebuffed-claims",
         "refuted-suggestions", "reports-claiming"],
)
def test_the_denied_content_loses_its_reporting_frame(text, denier, content):
    denial = only_denial(text)
    assert denial.denier == denier
    assert denial.content == content


@pytest.mark.parametrize(
    "text, denier, content",
    [
        ("Campaigners accused Halvorsen Energy of dumping waste in the river, a charge the company denies.",
         "the company", "dumping waste in the river"),
        ("Campaigners say the plant leaked oil, a claim denied by Halvorsen Energy.", "Halvorsen Energy", "the plant leaked oil"),
        ("Campaigners say Halvorsen Energy dumped waste, a claim which the firm denies.", "the firm", "Halvorsen Energy dumped waste"),
    ],
    ids=["a-charge-x-denies", "a-claim-denied-by-x", "a-claim-which-x-denies"],
)
def test_an_accusation_noun_after_a_comma_stands_for_what_comes_before_it(text, denier, content):
    denial = only_denial(text)
    assert denial.claim.speaker == denier
    assert denial.content == content
    accusation = next(c for c in read(text).claims if c.stance != "denies")
    assert ", a c" not in accusation.content, "the accusation stops before the answer appended to it"


@pytest.mark.parametrize(
    "text, denier, content",
    [
        ("Halvorsen Energy, which denies any wrongdoing, will appear in court on Monday.", "Halvorsen Energy", "any wrongdoing"),
        ("Maria Okafor, who denies the charges, was released on bail.", "Maria Okafor", "the charges"),
    ],
    ids=["which-denies", "who-denies"],
)
def test_a_relative_clause_denial_is_its_antecedents(text, denier, content):
    denial = only_denial(text)
    assert (denial.denier, denial.content) == (denier, content)


def test_a_passive_denial_is_its_agents():
    denial = only_denial("The allegations were denied by Kessler Foods on Monday.")
    assert denial.denier == "Kessler Foods" and denial.content == "The allegations"


@pytest.mark.parametrize("verb", ["rejected", "dismissed", "refuted", "rebuffed"])
def test_other_denial_verbs(verb):
    denial = only_denial(f"Tom Reed {verb} the accusations of fraud.")
    assert denial.denier == "Tom Reed" and denial.content == "the accusations of fraud"


@pytest.mark.parametrize(
    "text",
    [
        "Kessler Foods said the reports were untrue.",
        "Kessler Foods said the reports were nonsense.",
        "Kessler Foods said the allegations were not true.",
        "Kessler Foods said the reports were wildly exaggerated.",
        "Kessler Foods said the claims had no merit.",
        "Mr Tom Reed said his words had been distorted, calling the accusation \"completely untrue\".",
    ],
    ids=["untrue", "nonsense", "not-true", "wildly-exaggerated", "no-merit", "calling-it-untrue"],
)
def test_saying_a_claim_is_false_is_a_denial(text):
    reading = read(text)
    assert [c.stance for c in reading.claims if c.stance == "denies"], [(c.stance, c.content) for c in reading.claims]


def test_a_spokesman_denies_for_the_party_he_speaks_for_and_stays_the_speaker():
    text = "Ms Ana Lopez launched her album on Friday. The singer's spokesman denied that she had cancelled the tour."
    denial = only_denial(text)
    assert denial.claim.speaker == "The singer's spokesman", "the agent is kept as speaker"
    assert denial.denier == "Ana Lopez" and denial.claim.party == "Ana Lopez", "the party is the principal"
    assert denial.content == "she had cancelled the tour"


def test_a_lawyer_for_a_named_person_denies_for_that_person():
    denial = only_denial("Tom Reed's lawyer denied that his client had taken the money.")
    assert denial.denier == "Tom Reed" and denial.claim.speaker == "Tom Reed's lawyer"


def test_a_denial_knows_the_claim_it_answers_and_who_made_it():
    text = ("Opposition leader Rosa Fell said the budget hid a deficit of four percent. "
            "Finance Minister Ivo Brandt denied that the budget hid a deficit.")
    denial = only_denial(text)
    assert denial.denier == "Ivo Brandt"
    assert denial.accusation is not None and "deficit" in denial.accusation.content
    assert denial.claimant == "Rosa Fell"


def test_a_claim_named_by_its_owner_gives_the_claimant_without_a_claim():
    denial = only_denial("Kessler Foods denied Ms Ana Lopez's claims of unfair dismissal.")
    assert denial.claimant == "Ana Lopez"


def test_denying_this_denies_the_claim_before_it():
    text = ("Rival airlines said the project was two billion euros over budget. "
            "But Mr Tom Reed has denied this, saying the costs were under control.")
    denial = only_denial(text)
    assert denial.accusation is not None
    assert "over budget" in denial.content, "what 'this' is"


@pytest.mark.parametrize(
    "text",
    [
        "It would be wrong to deny people the right to vote, Tom Reed said.",
        "The keeper denied the striker again ten minutes later.",
        "If Tom Reed denies the report, the talks will end.",
        "Tom Reed did not deny the report.",
    ],
    ids=["refusal", "a-save", "hypothetical", "negated"],
)
def test_what_is_no_denial(text):
    assert read(text).denials == []
