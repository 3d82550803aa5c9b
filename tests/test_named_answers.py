"""Answers that name (summarize/offline/speech.py): a who-answer is a name, never a bare pronoun or
an unresolved role; "What did X deny?" gives X's denial, matched by name, surname, title, role or
agent, never another party's; quotations go to their speaker; "According to X" answers inside X's
words. Every article here is invented for this file; people, firms and places are fictional."""

from __future__ import annotations

import pytest

from summarize.offline.answers import answer_question
from summarize.offline.reading import ReadingCache
from summarize.records import Answer, Article

_CACHE = ReadingCache()

CABINET = """Finance Minister Ivo Brandt presented the budget on Monday. Opposition leader Rosa Fell said the figures hid a deficit of four percent.

The minister denied that the budget hid a deficit. He said the figures had been checked by the Fiscal Council.

"We cannot have a budget that tells the country one thing and does another," Ms Fell said. "The numbers will not survive the winter."

Ms Fell also accused the government of cutting hospital funds. A spokesman for the Fiscal Council said the review was not yet finished.

According to the council's statement, the chairman is satisfied the figures were handled correctly."""

FIRM = """Water firm Aqualis has been fined £2m after a river was polluted in March. Campaigners accused Aqualis of dumping waste in the river, a charge the company denies.

The company's lawyer, Peter Vance, said the fine was unfair. Tom Reed's spokesman denied that Mr Reed had resigned as chairman."""


def ask(text: str, question: str) -> Answer:
    return answer_question(_CACHE.get(text), Article(id="t", text=text, source="t"), question)


PRONOUNS = {"he", "she", "it", "they", "him", "her", "them"}


@pytest.mark.parametrize(
    "question, name",
    [
        ("Who denied that the budget hid a deficit?", "Ivo Brandt"),
        ("Who said the figures had been checked by the Fiscal Council?", "Ivo Brandt"),
        ("Who accused the government of cutting hospital funds?", "Rosa Fell"),
        ('Who said "The numbers will not survive the winter"?', "Rosa Fell"),
    ],
    ids=["role-noun-denier", "pronoun-speaker", "accuser", "continued-quotation"],
)
def test_who_answers_are_names(question, name):
    answer = ask(CABINET, question)
    assert answer.answer == name, answer
    assert answer.answer.lower() not in PRONOUNS and answer.evidence


def test_a_speaker_the_reader_cannot_name_is_no_answer_but_a_reason():
    text = "Mark Ellis met Daniel Kerr in Paris. Ellis and Kerr left the court together. He said the verdict was unfair."
    answer = ask(text, "Who said the verdict was unfair?")
    assert answer.answer is None or answer.answer.lower() not in PRONOUNS, answer
    if answer.answer is None:
        assert answer.reason


@pytest.mark.parametrize(
    "question, wanted",
    [
        ("What did Ivo Brandt deny?", "the budget hid a deficit"),
        ("What did Mr Brandt deny?", "the budget hid a deficit"),
        ("What did the minister deny?", "the budget hid a deficit"),
        ("What did the company deny?", "dumping waste in the river"),
        ("What did Tom Reed's spokesman deny?", "Mr Reed had resigned as chairman"),
    ],
    ids=["full-name", "surname-title", "role", "a-charge-it-denies", "agent"],
)
def test_what_did_x_deny_is_xs_denial(question, wanted):
    text = FIRM if "company" in question or "Reed" in question else CABINET
    answer = ask(text, question)
    assert answer.answer is not None and wanted in answer.answer, answer
    assert len(answer.answer.split()) <= 30


def test_what_did_x_deny_never_gives_another_partys_words():
    answer = ask(CABINET, "What did Rosa Fell deny?")
    assert answer.answer is None or "deficit" not in answer.answer or "hid" not in answer.answer, answer


def test_what_did_x_say_about_gives_xs_claim():
    answer = ask(FIRM, "What did Peter Vance say about the fine?")
    assert answer.answer is not None and "unfair" in answer.answer


def test_according_to_x_answers_inside_xs_words():
    answer = ask(CABINET, "According to the council's statement, who is satisfied the figures were handled correctly?")
    assert answer.answer is not None and answer.answer.lower() not in PRONOUNS


def test_who_denied_what_lists_named_deniers_once():
    answer = ask(FIRM, "Who denied what?")
    lines = answer.answer.splitlines()
    parties = [line.split(":")[0] for line in lines]
    assert len(parties) == len(set(parties)), "each party once"
    assert not any(p.lower() in PRONOUNS for p in parties)
    assert any(p in {"Aqualis", "the company"} for p in parties) and any("Reed" in p for p in parties), lines


def test_a_who_answer_for_an_agent_keeps_the_agent():
    answer = ask(FIRM, "Who denied that Mr Reed had resigned as chairman?")
    assert answer.answer is not None and "spokesman" in answer.answer and "Reed" in answer.answer


@pytest.mark.parametrize("noun", ["watchdog", "regulator", "minister", "firm"])
def test_which_role_noun_questions_are_answered_with_a_name(noun):
    # every kind of role noun in the lexicon (person, org, institution) asks for a named party
    text = ("The Budget Office, a non-partisan fiscal watchdog and regulator, said the deficit would rise. "
            "Trade minister Ana Lutz said exports would grow. The firm Velcor said prices would fall.")
    answer = ask(text, f"Which {noun} said the deficit would rise?")
    assert answer.answer is None or answer.answer.lower() not in PRONOUNS, answer
    assert answer.evidence
