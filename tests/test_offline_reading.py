"""The offline reader (summarize/offline/: units, coref, claims) on hand-made news sentences.

Every sentence here is invented for this file (people, companies and places are fictional) and
each test pins one attribution shape or one coreference rule from the docstrings of
``summarize/offline/claims.py`` and ``summarize/offline/coref.py``: who speaks (``speaker`` and
``party``), with which ``stance``, and what they said (``content``). A pronoun the reader cannot
resolve safely must stay unresolved: a wrong party is worse than none.
"""

from __future__ import annotations

import pytest

from summarize.offline.reading import Claim, Reading, ReadingCache

_CACHE = ReadingCache()


def read(text: str) -> Reading:
    return _CACHE.get(text)


def shown(reading: Reading) -> str:
    """The reading's claims, for assertion messages."""
    rows = [
        f"  {c.speaker!r} (party={c.party!r}, mention={c.mention!r}, {c.resolution}) "
        f"{c.stance} via {c.verb!r}: {c.content!r} quoted={c.quoted} unit={c.index}"
        for c in reading.claims
    ]
    return "units: " + repr(reading.texts) + "\nclaims:\n" + ("\n".join(rows) or "  (none)")


def clean(text: str) -> str:
    """Content without the punctuation and quotation marks at its ends."""
    return text.strip(" .,;:\"“”'")


def only_claim(text: str, verb: str | None = None, index: int | None = None) -> Claim:
    """The one claim of ``text`` (with that verb word / in that unit, when given)."""
    reading = read(text)
    found = [
        c for c in reading.claims
        if (verb is None or c.verb.split()[0].lower() == verb) and (index is None or c.index == index)
    ]
    assert len(found) == 1, f"expected one claim (verb={verb!r}, unit={index!r}) in {text!r}\n{shown(reading)}"
    return found[0]


# -- attribution shapes --------------------------------------------------------------------


def test_said_with_a_bare_clause():
    text = "Maria Okafor said the plant would close in March."
    claim = only_claim(text)
    assert (claim.speaker, claim.party, claim.stance) == ("Maria Okafor", "Maria Okafor", "asserts")
    assert claim.content == "the plant would close in March"
    assert claim.quoted is False
    assert claim.resolution == "name"


def test_said_that_keeps_the_clause_with_or_without_that():
    text = "Maria Okafor said that the plant would close in March."
    claim = only_claim(text)
    assert (claim.speaker, claim.party, claim.stance) == ("Maria Okafor", "Maria Okafor", "asserts")
    assert claim.content in {"that the plant would close in March", "the plant would close in March"}


def test_told_reporters_on_monday_that():
    text = "Daniel Berg told reporters on Monday that the talks had collapsed."
    claim = only_claim(text)
    assert (claim.speaker, claim.party, claim.stance) == ("Daniel Berg", "Daniel Berg", "asserts")
    assert claim.content.removeprefix("that ") == "the talks had collapsed"
    assert "reporters" not in claim.content and "Monday" not in claim.content


def test_quotation_then_he_said():
    text = 'Mr Hugo Brandt addressed the shareholders in Bonn. "We will not give up," he said.'
    claim = only_claim(text, index=1)
    assert claim.mention == "he"
    assert (claim.speaker, claim.party, claim.stance) == ("Hugo Brandt", "Hugo Brandt", "asserts")
    assert clean(claim.content) == "We will not give up"
    assert claim.quoted is True
    assert claim.resolution.startswith("he:")


def test_quotation_then_said_name():
    text = '"The vote was fair," said Paul Grant.'
    claim = only_claim(text)
    assert (claim.speaker, claim.party, claim.stance) == ("Paul Grant", "Paul Grant", "asserts")
    assert clean(claim.content) == "The vote was fair"
    assert claim.quoted is True


def test_colon_then_quotation():
    text = 'The union leader Sara Hill added: "Our members are angry."'
    claim = only_claim(text)
    assert claim.party == "Sara Hill"
    assert claim.speaker.endswith("Sara Hill")
    assert claim.stance == "asserts"
    assert clean(claim.content) == "Our members are angry"
    assert claim.quoted is True


def test_two_sentence_quotation_before_the_attribution_is_one_unit():
    text = '"The factory is safe. Nobody was hurt," Laura Voss said.'
    reading = read(text)
    assert len(reading.units) == 1, reading.texts
    claim = only_claim(text)
    assert (claim.speaker, claim.party, claim.stance) == ("Laura Voss", "Laura Voss", "asserts")
    assert claim.quoted is True
    assert "The factory is safe" in claim.content and "Nobody was hurt" in claim.content, shown(reading)
    assert "The factory is safe" in claim.sentence and "Nobody was hurt" in claim.sentence


@pytest.mark.parametrize(
    "text, speaker, first, second",
    [
        ('"We have done nothing wrong," Paul Grant said. "The money was spent on schools."',
         "Paul Grant", "We have done nothing wrong", "The money was spent on schools"),
        ('Mr Hugo Brandt addressed the shareholders in Bonn. "The plan is working," he said. "Profits will rise next year."',
         "Hugo Brandt", "The plan is working", "Profits will rise next year"),
    ],
    ids=["name-said", "he-said"],
)
def test_quotation_that_goes_on_after_the_attribution_is_one_unit_and_one_content(text, speaker, first, second):
    reading = read(text)
    claim = only_claim(text, verb="said")
    unit = reading.units[claim.index]
    assert first in unit.text and second in unit.text, reading.texts
    assert first in claim.sentence and second in claim.sentence
    assert (claim.speaker, claim.party, claim.stance) == (speaker, speaker, "asserts")
    assert claim.quoted is True
    # The unit's quotation is the content: both of its sentences, not the nearer half.
    assert first in claim.content and second in claim.content, shown(reading)


@pytest.mark.parametrize(
    "text",
    [
        "According to Frank Delaney, the bridge will reopen next week.",
        "The bridge will reopen next week, according to Frank Delaney.",
    ],
    ids=["front", "end"],
)
def test_according_to(text):
    claim = only_claim(text)
    assert (claim.speaker, claim.party, claim.stance) == ("Frank Delaney", "Frank Delaney", "reports")
    assert clean(claim.content).lower() == "the bridge will reopen next week"
    assert "according" not in claim.content.lower() and "Delaney" not in claim.content


def test_passive_with_agent_speaks_through_the_agent():
    text = "The allegations were denied by Helen Marsh."
    claim = only_claim(text)
    assert (claim.speaker, claim.party, claim.stance) == ("Helen Marsh", "Helen Marsh", "denies")
    assert claim.content == "The allegations"


def test_passive_without_agent_gives_no_claim():
    reading = read("The allegations were denied on Tuesday.")
    assert reading.claims == [], shown(reading)


def test_participle_saying_shares_the_main_speaker():
    text = "Victor Lund denied the report, saying the company had paid all its taxes."
    reading = read(text)
    assert len(reading.claims) == 2, shown(reading)
    denial = only_claim(text, verb="denied")
    saying = only_claim(text, verb="saying")
    assert (denial.speaker, denial.party, denial.stance) == ("Victor Lund", "Victor Lund", "denies")
    assert denial.content == "the report"
    assert (saying.speaker, saying.party, saying.stance) == ("Victor Lund", "Victor Lund", "asserts")
    assert saying.content == "the company had paid all its taxes"


def test_statement_rejecting():
    text = "Northwind Logistics issued a statement rejecting the allegations of fraud."
    claim = only_claim(text)
    assert (claim.speaker, claim.party, claim.stance) == ("Northwind Logistics", "Northwind Logistics", "denies")
    assert claim.content == "the allegations of fraud"


def test_coordinated_verbs_share_the_speaker_and_split_the_content():
    text = "Irene Salo denied the charges and said she would appeal."
    reading = read(text)
    assert len(reading.claims) == 2, shown(reading)
    denial = only_claim(text, verb="denied")
    said = only_claim(text, verb="said")
    assert (denial.party, denial.stance) == ("Irene Salo", "denies")
    assert (said.party, said.stance) == ("Irene Salo", "asserts")
    assert said.content == "she would appeal"
    assert denial.content == "the charges", shown(reading)


def test_relative_clause_is_not_part_of_the_speaker():
    text = "Peter Cole, who chairs the transport committee, denied that the contract had been rigged."
    reading = read(text)
    claim = only_claim(text)  # "chairs" is no reporting verb: one claim only
    assert (claim.speaker, claim.party, claim.stance) == ("Peter Cole", "Peter Cole", "denies")
    assert "committee" not in claim.speaker and "who" not in claim.speaker
    assert claim.content.removeprefix("that ") == "the contract had been rigged", shown(reading)


def test_speaker_is_the_whole_noun_phrase_with_title_and_of_phrase():
    text = "Lt Col Sarah Whitfield of the Royal Engineers described the move as a serious mistake."
    claim = only_claim(text)
    assert claim.speaker == "Lt Col Sarah Whitfield of the Royal Engineers"
    assert claim.mention == claim.speaker
    assert claim.party is not None and claim.party.endswith("Sarah Whitfield")
    assert claim.stance == "asserts"
    assert claim.content == "the move as a serious mistake"


# -- stances -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, verb, content",
    [
        ("Carla Mendes denied the accusations.", "denied", "the accusations"),
        ("Carla Mendes rejected the accusations.", "rejected", "the accusations"),
        ("Carla Mendes refuted the claims made by the opposition.", "refuted", "the claims made by the opposition"),
        ("Carla Mendes dismissed the report as speculation.", "dismissed", "the report as speculation"),
    ],
    ids=["deny", "reject", "refute", "dismiss"],
)
def test_denial_verbs(text, verb, content):
    claim = only_claim(text, verb=verb)
    assert (claim.speaker, claim.party, claim.stance) == ("Carla Mendes", "Carla Mendes", "denies")
    assert claim.content == content


def test_condemns():
    claim = only_claim("Senator Ruth Adler condemned the attack on the embassy.")
    assert (claim.party, claim.stance) == ("Ruth Adler", "condemns")
    assert claim.speaker.endswith("Ruth Adler")
    assert claim.content == "the attack on the embassy"


@pytest.mark.parametrize(
    "text, party, content",
    [
        ("Omar Haddad accused the mayor of hiding the budget figures.", "Omar Haddad",
         "the mayor of hiding the budget figures"),
        ("The opposition leader, Rosa Fell, blamed the government for the floods.", "Rosa Fell",
         "the government for the floods"),
    ],
    ids=["accuse", "blame"],
)
def test_accuses(text, party, content):
    claim = only_claim(text)
    assert (claim.party, claim.stance) == (party, "accuses")
    assert party in claim.speaker
    assert claim.content == content


def test_confirms():
    claim = only_claim("Kessler Foods confirmed that it would close two stores.")
    assert (claim.speaker, claim.party, claim.stance) == ("Kessler Foods", "Kessler Foods", "confirms")
    assert claim.content.removeprefix("that ") == "it would close two stores"


@pytest.mark.parametrize(
    "text, content",
    [
        ("Greta Lind expressed concern that the hospital would run out of beds.", "the hospital would run out of beds"),
        ("Greta Lind expressed concern over the shortage of nurses.", "the shortage of nurses"),
    ],
    ids=["concern-that", "concern-over"],
)
def test_expressed_concern(text, content):
    claim = only_claim(text)
    assert (claim.speaker, claim.party, claim.stance) == ("Greta Lind", "Greta Lind", "expresses_concern")
    assert content in claim.content
    assert claim.verb.startswith("expressed")


def test_that_is_untrue_he_said_is_a_denial():
    text = 'Tom Reed was asked about the merger. "That is untrue," he said.'
    claim = only_claim(text)
    assert (claim.speaker, claim.party, claim.stance) == ("Tom Reed", "Tom Reed", "denies")
    assert clean(claim.content) == "That is untrue"
    assert claim.quoted is True


def test_rejecting_a_bill_is_a_decision_not_a_denial():
    claim = only_claim("Governor Alan Pike rejected the bill.")
    assert claim.party == "Alan Pike"
    assert claim.stance != "denies"
    assert claim.stance == "asserts"


# -- what is no claim ----------------------------------------------------------------------


def test_reporting_verb_inside_a_quotation_gives_the_inner_speaker_no_claim():
    text = '"The minister told us that the school would stay open," Nora Quinn said.'
    reading = read(text)
    claim = only_claim(text)
    assert (claim.speaker, claim.party) == ("Nora Quinn", "Nora Quinn")
    assert clean(claim.content) == "The minister told us that the school would stay open"
    assert not any("minister" in c.speaker.lower() for c in reading.claims), shown(reading)


def test_did_not_deny_is_no_denial():
    reading = read("Carl Vance did not deny the allegations.")
    assert not any(c.stance == "denies" for c in reading.claims), shown(reading)
    assert reading.claims == []


def test_accused_of_as_a_participle_is_no_claim():
    reading = read("A senator accused of bribery resigned on Friday.")
    assert reading.claims == [], shown(reading)


def test_added_jobs_is_no_claim():
    reading = read("Brightwave added 200 jobs last year.")
    assert reading.claims == [], shown(reading)


# -- coreference ---------------------------------------------------------------------------


def test_he_is_the_named_man_who_was_the_subject():
    text = "Mr Tom Reed opened the new factory in Leeds on Monday. He said the plant would employ 300 people."
    claim = only_claim(text)
    assert claim.mention == "He"
    assert (claim.speaker, claim.party) == ("Tom Reed", "Tom Reed")
    assert claim.resolution.startswith("he:")
    assert claim.content == "the plant would employ 300 people"


def test_he_is_the_subject_never_the_object():
    text = "Mr Mark Ellis thanked Daniel Kerr for his support. He said the project would be finished by June."
    claim = only_claim(text)
    assert claim.party != "Daniel Kerr"
    assert (claim.speaker, claim.party) == ("Mark Ellis", "Mark Ellis")


def test_with_no_title_to_tell_gender_an_object_person_leaves_the_pronoun_unresolved():
    # Nothing says whether Sofia Brandt or Mark Ellis is "she": never guess from a first name.
    text = "Mark Ellis thanked Sofia Brandt for her support. She said the project would be finished by June."
    claim = only_claim(text)
    assert claim.party is None and claim.speaker == "She"
    assert claim.resolution.startswith("unresolved")


def test_a_name_only_inside_a_quotation_is_no_antecedent():
    text = '"Ask Tom Reed about the money," the protester shouted. He said the fund was empty.'
    claim = only_claim(text, index=1)
    assert claim.party is None, claim
    assert claim.speaker == "He"
    assert claim.resolution.startswith("unresolved")


def test_the_speaker_of_a_quotation_is_the_antecedent_not_the_name_inside_it():
    text = '"Tom Reed lied to us," Mark Ellis said. He said the fund was empty.'
    claim = only_claim(text, index=1)
    assert claim.party != "Tom Reed"
    assert (claim.speaker, claim.party) == ("Mark Ellis", "Mark Ellis")


@pytest.mark.parametrize(
    "text",
    [
        "Mark Ellis met Daniel Kerr in Paris, and Kerr signed the deal. He said the deal was fair.",
        "Mark Ellis and Daniel Kerr left the court together on Monday. He said the verdict was unfair.",
    ],
    ids=["coordinated-clauses", "coordinated-subject"],
)
def test_two_subjects_that_both_fit_leave_he_unresolved(text):
    claim = only_claim(text, index=1)
    assert claim.party is None, shown(read(text))
    assert claim.speaker == "He"
    assert claim.resolution.startswith("unresolved")


def test_she_after_an_unnamed_role_stays_unresolved():
    text = ("Maria Okafor, the interior minister, closed the border on Sunday. "
            "The BBC's correspondent said thousands of people were stranded. "
            "She said the queues stretched for miles.")
    claim = only_claim(text, index=2)
    assert claim.mention == "She"
    assert claim.party is None, shown(read(text))
    assert claim.speaker != "Maria Okafor"
    assert claim.resolution.startswith("unresolved")


def test_gender_from_titles_keeps_he_off_a_woman():
    text = "Mrs Ana Lopez met Mr Tom Reed in Madrid. He said the talks had gone well."
    reading = read(text)
    assert reading.party("Ana Lopez") is not None and reading.party("Ana Lopez").gender == "f"
    assert reading.party("Tom Reed") is not None and reading.party("Tom Reed").gender == "m"
    claim = only_claim(text)
    assert claim.party != "Ana Lopez" and claim.speaker != "Ana Lopez"
    # Mr Reed is the object: never the antecedent either.
    assert claim.party is None


def test_gender_from_titles_keeps_she_off_a_man():
    text = "Mr Mark Ellis thanked Ms Sofia Brandt for her support. She said the project would be finished by June."
    claim = only_claim(text)
    assert claim.party != "Mark Ellis" and claim.speaker != "Mark Ellis"
    assert claim.party is None


@pytest.mark.parametrize(
    "text, organisation",
    [
        ("Halvorsen Energy cut its profit forecast on Tuesday. It said demand for gas had fallen.", "Halvorsen Energy"),
        ("The Ministry of Health said hospitals were full. It said more beds would be added next month.", "Ministry of Health"),
    ],
    ids=["company", "ministry"],
)
def test_it_is_the_organisation_that_was_the_subject(text, organisation):
    claim = only_claim(text, index=1)
    assert claim.mention == "It"
    assert (claim.speaker, claim.party) == (organisation, organisation)
    assert claim.resolution.startswith("it:")


def test_it_after_the_report_said_stays_unresolved():
    text = "The report said the river was badly polluted. It said factories were to blame."
    claim = only_claim(text, index=1)
    assert claim.party is None
    assert claim.resolution.startswith("unresolved")


@pytest.mark.parametrize(
    "text",
    [
        "The Nimbus tablet went on sale in Oslo on Friday. It said early orders were strong.",
        "The new Zephyr X2 phone went on sale in Tokyo on Friday. It said the phone had sold out.",
        "Mark Ellis resigned from the board on Friday. It said the company would appoint a successor.",
        "Mark Ellis sued Halvorsen Energy in March. It said the lawsuit had no merit.",
    ],
    ids=["product-named-like-an-org", "product", "person", "person-subject-org-object"],
)
def test_it_never_resolves_to_a_product_a_person_or_an_object(text):
    claim = only_claim(text, index=1)
    assert claim.party is None, shown(read(text))
    assert claim.resolution.startswith("unresolved")
    assert "Mark Ellis" not in claim.speaker and "Nimbus" != claim.speaker


def test_the_firm_is_the_organisation_that_was_the_subject():
    text = "Kessler Foods said sales had risen. The firm said it would hire more staff."
    claim = only_claim(text, index=1)
    assert claim.mention == "The firm"
    assert claim.party == "Kessler Foods"


@pytest.mark.parametrize(
    "text, mention",
    [
        ("Tom Reed, the mayor of Dunmore, opened the new bridge on Saturday. "
         "Mr Reed said the town had waited ten years for it.", "Mr Reed"),
        ("Tom Reed opened the bridge on Saturday. Reed said the town had waited ten years.", "Reed"),
    ],
    ids=["mr-surname", "bare-surname"],
)
def test_a_surname_later_is_the_one_person_with_that_name(text, mention):
    claim = only_claim(text, verb="said")
    assert claim.mention == mention
    assert claim.party == "Tom Reed"
    reading = read(text)
    assert [p.name for p in reading.parties if p.label == "PERSON" and p.name.endswith("Reed")] == ["Tom Reed"]


def test_a_surname_two_people_share_has_no_party():
    text = ("Tom Reed opened the bridge on Saturday. His sister Ella Reed criticised the cost. "
            "Reed said the bridge was worth every penny.")
    reading = read(text)
    assert {p.name for p in reading.parties if p.label == "PERSON"} >= {"Tom Reed", "Ella Reed"}
    claim = only_claim(text, verb="said")
    assert claim.mention == "Reed"
    assert claim.party is None, shown(reading)
    sister = only_claim(text, verb="criticised")
    assert (sister.party, sister.stance) == ("Ella Reed", "condemns")


def test_a_rank_before_the_name_does_not_make_a_second_person():
    text = ("Lt Col Sarah Whitfield of the Royal Engineers described the move as a serious mistake. "
            "Sarah Whitfield, who has led the unit since 2019, said the bridge could not be repaired before winter. "
            "Whitfield said more troops were needed.")
    reading = read(text)
    people = [p.name for p in reading.parties if p.label == "PERSON"]
    assert len(people) == 1, f"one person, parties: {people}"
    parties = {c.party for c in reading.claims}
    assert len(reading.claims) == 3 and len(parties) == 1 and None not in parties, shown(reading)


# -- the spaCy components ------------------------------------------------------------------


def test_components_expose_claims_units_parties_and_refers_to():
    from summarize.offline import nlp

    text = "Mr Tom Reed opened the new factory in Leeds on Monday. He said the plant would employ 300 people."
    doc = nlp.parse(text)
    assert len(doc._.units) == 2
    assert "Tom Reed" in {p.name for p in doc._.parties}
    he = next(t for t in doc if t.text == "He")
    assert he._.refers_to == "Tom Reed"
    assert he._.refers_how.startswith("he:")
    assert [(c.party, c.stance) for c in doc._.claims] == [("Tom Reed", "asserts")]
    reading = read(text)
    assert reading.texts == [
        "Mr Tom Reed opened the new factory in Leeds on Monday.",
        "He said the plant would employ 300 people.",
    ]


def test_a_man_and_a_woman_sharing_a_surname_stay_two_parties():
    text = ("Tony Reed met Mrs Reed in Leeds. Mr Reed said the talks went well. "
            "Mrs Reed said she was pleased. She said the trip was over.")
    claims = ReadingCache().get(text).claims
    assert [(c.party, c.content) for c in claims] == [
        ("Mr Reed", "the talks went well"),
        ("Mrs Reed", "she was pleased"),
        ("Mrs Reed", "the trip was over"),
    ]


def test_a_persons_ally_or_spokesman_is_not_that_person():
    text = "Senator Tom Reed's closest ally has denied suggestions of a deal. A Northwind spokesman denied the report."
    claims = ReadingCache().get(text).claims
    assert claims[0].stance == "denies" and claims[0].party is None
    assert claims[1].party == "Northwind"


def test_a_plural_description_is_not_the_organisation_before_it():
    text = ("The Court of Appeals threw out the case on Friday. "
            "The tobacco companies deny that they conspired to mislead the public.")
    claim = ReadingCache().get(text).claims[-1]
    assert claim.stance == "denies" and claim.party is None and claim.speaker == "The tobacco companies"


@pytest.mark.parametrize(
    "sentence, stance",
    [("Mr Tom Ebbers has pleaded not guilty to charges of fraud.", "denies"),
     ("Jane Doe pleaded guilty to theft.", "confirms")],
)
def test_a_plea_is_a_denial_or_an_admission(sentence, stance):
    claim = ReadingCache().get(sentence).claims[0]
    assert claim.stance == stance and "to" in claim.content


def test_the_ministry_is_the_one_ministry_the_article_names_and_nothing_else():
    named = ReadingCache().get("Officials at the Ministry of Defence met on Friday. The ministry said the claims were false.")
    assert named.claims[0].party == "Ministry of Defence"
    unnamed = ReadingCache().get("Hollis Aerospace said it would cut jobs. The ministry said the plan was unwise.")
    assert unnamed.claims[-1].party is None


def test_an_attribution_after_a_question_mark_stays_with_its_quotation():
    reading = ReadingCache().get('Mr Tom Reed spoke first. "Who will pay for the new stadium?" he asked. The crowd cheered.')
    assert len(reading.units) == 3
    claim = reading.claims[-1]
    assert claim.quoted and claim.content.startswith("Who will pay") and claim.party == "Tom Reed"


def test_a_hypothetical_denial_is_no_claim():
    text = "If Mr Tom Reed denies the report, the talks will end."
    assert ReadingCache().get(text).claims == []
