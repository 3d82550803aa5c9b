"""Role nouns and descriptors ("the firm", "the chancellor", "the 64-year-old", "the American") and
the entity repairs they rest on (summarize/offline/coref.py, names.py). Every sentence is invented for
this file; people, firms and places are fictional. A description two parties fit stays unresolved."""

from __future__ import annotations

import pytest

from summarize.offline.reading import Claim, Reading, ReadingCache

_CACHE = ReadingCache()


def read(text: str) -> Reading:
    return _CACHE.get(text)


def claim_of(text: str, mention: str) -> Claim:
    reading = read(text)
    found = [c for c in reading.claims if c.mention.lower() == mention.lower()]
    assert found, [(c.mention, c.party, c.resolution) for c in reading.claims]
    return found[-1]


@pytest.mark.parametrize(
    "text, mention, party",
    [
        # apposition "X, the Y"
        ("Tom Reed, the finance minister, opened the bridge on Monday. The minister said the toll would stay.", "The minister", "Tom Reed"),
        # title "Attorney General X"
        ("Attorney General Ruth Adler filed the lawsuit in May. Later, the attorney general said the firm had broken the law.",
         "the attorney general", "Ruth Adler"),
        # "the Y X"
        ("The union leader Sara Hill met the board on Friday. Staff cheered as the leader said the strike was over.", "the leader", "Sara Hill"),
        # "X, Y of Z" with the role after a possessive
        ("The party's Holyrood leader Nina Vasquez spoke first. The leader said the vote was fair.", "The leader", "Nina Vasquez"),
        # an organisation's role noun: "water firm X"
        ("Water firm Aqualis has raised its prices by 20%. The firm said the rise would pay for new pipes.", "The firm", "Aqualis"),
    ],
    ids=["apposition", "title", "the-y-x", "after-a-possessive", "org-compound"],
)
def test_a_role_the_article_ties_to_a_name_is_that_name(text, mention, party):
    claim = claim_of(text, mention)
    assert claim.party == party, claim
    assert claim.speaker.lower() == mention.lower(), "the speaker stays as the article words it"


@pytest.mark.parametrize(
    "text, mention, party",
    [
        ("Mr Peter Vance has denied the charges. The 64-year-old said he had never met the victim.", "The 64-year-old", "Peter Vance"),
        ("Rosa Fell criticised the budget on Monday. The Labour leader said it hid a deficit.", "The Labour leader", "Rosa Fell"),
        ("Kessler Foods reported a loss of £20m on Tuesday. The company said sales had fallen.", "The company", "Kessler Foods"),
    ],
    ids=["age", "salient-role", "org-salient"],
)
def test_a_description_news_uses_for_the_party_just_named_is_that_party(text, mention, party):
    assert claim_of(text, mention).party == party


@pytest.mark.parametrize(
    "text, mention",
    [
        # two people fit the role the description names
        ("Health Minister Tom Reed met Transport Minister Ana Lopez on Monday. The minister said the talks went well.", "The minister"),
        # a role that brings in a new participant is never the subject nearby
        ("Peter Vance appeared in court on Monday. The judge said the case would go to trial.", "The judge"),
        # the nearest subject holds another role
        ("Lib Dem spokesman Tom Reed attacked the budget. The chancellor said the figures were sound.", "The chancellor"),
        ("Opposition leader Rosa Fell criticised the budget. The Labour leader said it hid a deficit.", "The Labour leader"),
        # "deputy mayor" is not "the mayor"
        ("Deputy mayor Ana Lopez opened the fair. The mayor said the city would pay for it.", "The mayor"),
        # a description in the same sentence as the name is someone else
        ("Mr Tom Reed hosted a dinner where the prime minister said he would stand down.", "the prime minister"),
    ],
    ids=["two-ministers", "new-participant", "other-role", "other-qualifier", "office-words", "same-sentence"],
)
def test_a_description_two_parties_fit_or_none_fits_stays_unresolved(text, mention):
    reading = read(text)
    claim = claim_of(text, mention)
    party = reading.party(claim.party)
    assert party is None or party.label != "PERSON", f"no person is given: {claim}"  # "Labour" it may speak for
    assert claim.resolution.startswith("unresolved"), claim.resolution


@pytest.mark.parametrize(
    "text, name, label",
    [
        ("Mr Cable said the figures did not add up.", "Cable", "PERSON"),
        ("Australian building group James Hardie has agreed to pay $1bn.", "James Hardie", "ORG"),
        ("The Lib Dems say the plan will fail.", "Lib Dems", "NORP"),
        ("Tom Reed, the club's chairman, praised the team.", "Tom Reed", "PERSON"),
        ("Lord Reed of Dunmore said the bill was flawed. Lord Reed added that he would vote against it.", "Lord Reed of Dunmore", "PERSON"),
    ],
    ids=["titled", "org-headed", "the-x-plural", "role-apposition", "peer"],
)
def test_entity_repairs(text, name, label):
    reading = read(text)
    party = reading.party(name)
    assert party is not None and party.label == label, [(p.name, p.label) for p in reading.parties]


def test_a_lone_surname_is_the_one_person_with_it_even_where_the_recognizer_missed_it():
    text = ("Manager Alan Brannigan dropped the striker for Sunday's game. "
            "Brannigan said the player had refused to train.")
    claim = claim_of(text, "Brannigan")
    assert claim.party == "Alan Brannigan"


def test_an_organisation_that_owns_a_board_is_no_person():
    text = "Carlton Rovers' board has agreed to talks. The club said it would listen to any offer."
    assert read(text).party("Carlton Rovers").label == "ORG"


def test_the_description_of_a_pronouns_antecedent_carries_the_name():
    text = ("Finance Minister Ivo Brandt presented the budget on Monday. "
            "The minister said it would cut the deficit. He added that taxes would not rise.")
    claim = claim_of(text, "He")
    assert claim.party == "Ivo Brandt"


def test_a_resolved_description_of_the_other_gender_is_no_he():
    text = ("SNP leader Ms Nina Vasquez wrote to the first minister on Tuesday. "
            "In a furious response, the first minister said his words had been distorted. He told Ms Vasquez she was wrong.")
    claim = claim_of(text, "He")
    assert claim.party != "Nina Vasquez"
