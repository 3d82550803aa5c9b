"""Typed answers of the offline engine (summarize.offline.answers), on hand-written articles.

Every text here is invented (companies, people and places included), so each test pins one
behaviour: the span of the asked entity type, from the right sentence, with that sentence as
evidence, or None with a reason when the article holds no span of that type.
"""

from __future__ import annotations

import pytest

from summarize.offline.answers import answer_question
from summarize.offline.reading import ReadingCache
from summarize.records import Article

READINGS = ReadingCache()

MARKET = """Shareholders of Varnholt Energy lost about $180bn when the utility collapsed in March 2021, investigators said on Thursday.

Regulators in Shenzhen said companies that hide losses now face a fine of up to 200,000 yuan under the new rules.

Only 22 of the 30 projects have complied with the rules so far, the Hollis Gazette newspaper reported. At least 40 people were questioned and 12 remain in custody.

The trial of the utility's former finance chief, Mira Tolvanen, is taking place in New York. Her lawyer said the case was "a show staged in Washington".

Varnholt denied that its projects violated regulations."""

BASE = """Soldiers at the Brekka air base began leaving on Friday after the Defence Ministry ordered the unit home.

Lt Col Eric Dunmore, the base commander, described the withdrawal as "premature and dangerous".

Ostrava Aerospace, which maintains the base's aircraft, said it had not been consulted. Chancellor Petra Lindgren approved the order on Tuesday, her office said.

The ministry denied that the move was linked to budget cuts. Ostrava Aerospace denied that its contract had been cancelled."""

MERGER = """Kestrel Foods agreed on Monday to buy the dairy group Nordmark for 4.2 billion euros.

Halvard Brun, the company's chief executive, said the deal would close within six months. Analysts at Tavian Bank called the price "generous"."""


def ask(text: str, question: str, **fields):
    article = Article(id="t", text=text, source="test", **fields)
    return answer_question(READINGS.get(text), article, question)


def test_not_a_question_and_names_the_article_never_uses():
    assert "not a question" in ask(MARKET, "banana").reason
    missing = ask(MARKET, "What did Gerhard Olsson say about the trial?")
    assert missing.answer is None and "Gerhard Olsson" in missing.reason


@pytest.mark.parametrize("question, expected", [
    ("How much did shareholders lose?", "about $180bn"),
    ("What fine do companies face for hiding losses?", "up to 200,000 yuan"),
    ("How much will Kestrel Foods pay for Nordmark?", "4.2 billion euros"),  # NER leaves "euros" out
])
def test_money(question, expected):
    text = MERGER if "Kestrel" in question else MARKET
    answer = ask(text, question)
    assert answer.answer == expected
    assert answer.evidence and expected.split()[-1] in answer.evidence[0]


def test_money_abstains_when_no_sum_is_named():
    answer = ask(BASE, "How much did the withdrawal cost?")
    assert answer.answer is None and answer.reason


def test_how_many_takes_the_number_whose_noun_and_verb_match_not_the_one_in_the_question():
    assert ask(MARKET, "How many of the 30 targeted projects have complied?").answer == "22"
    assert ask(MARKET, "How many people remain in custody?").answer == "12"
    assert ask(MARKET, "How many people were questioned?").answer == "At least 40 people"


def test_how_many_abstains_on_a_number_of_something_else():
    answer = ask(MARKET, "How many aircraft were grounded?")
    assert answer.answer is None and answer.reason


def test_when_takes_the_date_of_the_matching_sentence():
    answer = ask(BASE, "When did Petra Lindgren approve the order?")
    assert answer.answer == "Tuesday"  # not Friday, the date of the lede
    assert answer.evidence == ["Chancellor Petra Lindgren approved the order on Tuesday, her office said."]


def test_when_did_it_happen_uses_the_lede_then_the_article_date():
    assert ask(BASE, "When did it happen?").answer.startswith("Friday")
    undated = "Workers walked out at the Pellow mill after the owners cut wages.\n\nThe union said talks would resume."
    assert ask(undated, "When did it happen?", date="2024-05-02").answer == "2024-05-02"
    assert ask(undated, "When did it happen?").answer is None


def test_when_abstains_without_a_date():
    answer = ask(MERGER, "When did analysts comment on the price?")
    assert answer.answer is None and "date or time" in answer.reason


def test_which_city_and_where():
    assert ask(MARKET, "In which city is the trial taking place?").answer == "New York"  # not Washington, in a quote
    elsewhere = ask(MARKET, "Where did investigators say shareholders lost money?")  # Shenzhen is another story
    assert elsewhere.answer is None and "place" in elsewhere.reason
    hearing = "The appeal hearing opened on Monday in a district court in Tallinn. Judges will rule in June."
    assert ask(hearing, "Where did the appeal hearing open?").answer == "a district court in Tallinn"


def test_which_newspaper_is_the_organisation_never_a_determiner():
    answer = ask(MARKET, "Which newspaper reported the compliance figures?")
    assert answer.answer == "Hollis Gazette"
    assert "Hollis Gazette newspaper reported" in answer.evidence[0]


def test_which_company_is_the_subject_of_the_matching_verb():
    assert ask(MERGER, "Which company agreed to buy Nordmark?").answer == "Kestrel Foods"
    assert ask(MERGER, "Which bank called the price generous?").answer == "Tavian Bank"


def test_who_is_the_subject_of_the_matching_verb_or_the_speaker_of_the_claim():
    assert ask(BASE, "Who approved the order?").answer == "Petra Lindgren"
    described = ask(BASE, "Who described the withdrawal as premature?")
    assert described.answer in {"Eric Dunmore", "Lt Col Eric Dunmore"}  # not the company in the next sentence
    assert "described the withdrawal" in described.evidence[0]


def test_who_denied_what_lists_each_party_with_its_denial():
    answer = ask(BASE, "Who denied what?")
    lines = answer.answer.splitlines()
    assert len(lines) == 2
    assert lines[1] == "Ostrava Aerospace: that its contract had been cancelled"
    assert lines[0].endswith(": that the move was linked to budget cuts")
    assert ask(MERGER, "Who denied what?").answer is None


def test_what_did_x_deny_is_the_content_without_the_reporting_frame():
    assert ask(MARKET, "What did Varnholt deny?").answer == "that its projects violated regulations"
    assert ask(BASE, "What did Ostrava Aerospace deny?").answer == "that its contract had been cancelled"


def test_how_did_x_describe_y():
    assert ask(BASE, "How did Dunmore describe the withdrawal?").answer == "premature and dangerous"
    assert ask(MERGER, "How did analysts describe the price?").answer == "generous"


@pytest.mark.parametrize("text, question, expected", [
    (BASE, "What post does Petra Lindgren hold?", "Chancellor"),
    (BASE, "What post does Eric Dunmore hold?", "the base commander"),
    (MERGER, "What is Halvard Brun's job?", "the company's chief executive"),
    ("Army Lt Col Sara Vik inspected the depot. Vik said stocks were low.", "What post does Sara Vik hold?", "Army Lt Col"),
])
def test_post_or_title(text, question, expected):
    assert ask(text, question).answer == expected


def test_title_abstains_when_the_article_gives_none():
    answer = ask("Ingrid Solberg bought the last ticket for the final.", "What post does Ingrid Solberg hold?")
    assert answer.answer is None and "no post or title" in answer.reason


def test_answers_are_short_spans_with_their_sentence_as_evidence():
    for question in ("How much did shareholders lose?", "In which city is the trial taking place?",
                     "How many of the 30 targeted projects have complied?"):
        answer = ask(MARKET, question)
        assert len(answer.answer.split()) <= 10
        assert len(answer.evidence) == 1 and answer.answer in answer.evidence[0]
        assert 0 < answer.confidence <= 1


def test_how_long_and_why():
    assert ask(MERGER, "How long will the deal take to close?").answer == "six months"
    assert ask(BASE, "Why did the soldiers leave?").answer == "after the Defence Ministry ordered the unit home"


def test_what_happened_and_who_was_involved():
    assert ask(MERGER, "What happened?").answer.startswith("Kestrel Foods agreed on Monday")
    involved = ask(MERGER, "Who was involved?").answer
    assert "Kestrel Foods" in involved and "Halvard Brun" in involved
