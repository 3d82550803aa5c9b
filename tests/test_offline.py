"""The offline engine: claims, neutral summaries and answers, on the seed and on ten hand-written
articles from other desks (evals/), plus the bad inputs it must survive."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from summarize import Article, Summarizer
from summarize.errors import ConfigError
from summarize.ingest import load_articles
from summarize.offline.nlp import sentences as split_sentences
from summarize.offline.reading import ReadingCache

from .conftest import SEED
from .gold import answer_matches, gold_files, load_gold, mentions, parties_found

GOLDS = [load_gold(path) for path in gold_files()]
DENIAL_VERBS = re.compile(r"\b(denied|denies|rejected|rejects|refuted|refuting|dismissed|disputed|pleaded not guilty)\b")


@pytest.fixture(scope="module")
def offline() -> Summarizer:
    return Summarizer(engine="offline")


@pytest.fixture(scope="module")
def results(offline):
    """Every gold article run once with its own questions and word limit."""
    out = {}
    for gold in GOLDS:
        engine = Summarizer(engine="offline", max_words=gold.get("max_words", 90))
        article = next(load_articles(gold["article_path"]))
        out[gold["id"]] = (article, next(engine.run([article], questions=[q["question"] for q in gold["qa"]])))
    return out


def _source_words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[\w'’-]+", text)}


@pytest.mark.parametrize("gold", GOLDS, ids=[g["id"] for g in GOLDS])
def test_summary_keeps_must_haves_and_stays_within_limits(gold, results):
    article, result = results[gold["id"]]
    summary = result.summary
    aliases = gold.get("aliases", {})
    missing = [item for item in gold["summary_must_have"] if not mentions(summary, item, aliases)]
    assert len(missing) <= 1, f"summary misses {missing}: {summary}"
    assert len(summary.split()) <= gold.get("max_words", 90)
    assert "disclaimer" not in summary.lower() and "auto-generated" not in summary.lower()
    invented = _source_words(summary) - _source_words(article.text)
    assert not invented, f"words the source does not use: {invented}"
    for sentence in split_sentences(summary):
        assert sentence[0].isupper() or sentence[0] in "\"“", f"fragment: {sentence!r}"


@pytest.mark.parametrize("gold", [g for g in GOLDS if any(c["denied_by"] for c in g["contested"])],
                         ids=lambda g: g["id"])
def test_summary_keeps_the_denial_beside_the_accusation(gold, results):
    _, result = results[gold["id"]]
    aliases = gold.get("aliases", {})
    assert DENIAL_VERBS.search(result.summary), result.summary
    deniers = {p for c in gold["contested"] for p in c["denied_by"]}
    assert any(mentions(result.summary, p, aliases) for p in deniers), result.summary


def test_answers_across_the_suite(results):
    """Answer accuracy over all gold questions; the bar is what the engine reaches today, so a
    regression fails this test. Per-article misses are listed in the failure message."""
    right, total, misses = 0, 0, []
    parties, party_total = 0, 0
    for gold in GOLDS:
        _, result = results[gold["id"]]
        aliases = gold.get("aliases", {})
        for spec, answer in zip(gold["qa"], result.answers):
            total += 1
            if "per_party" in spec:
                found, lines = parties_found(answer.answer, spec["per_party"], aliases)
                parties += found
                party_total += len(spec["per_party"])
                ok = found == len(spec["per_party"]) if spec["per_party"] else answer.answer is None
            elif spec["answers"] is None:
                ok = answer.answer is None and bool(answer.reason)
            else:
                ok = answer_matches(answer.answer, spec["answers"], aliases)
            right += ok
            if not ok:
                misses.append(f"{gold['id']}: {spec['question']} -> {answer.answer!r}")
    assert right / total >= 0.78, "\n".join(misses)
    assert parties / party_total >= 0.75, "\n".join(misses)


def test_abstains_on_questions_the_article_cannot_answer(results):
    abstained = total = 0
    for gold in GOLDS:
        _, result = results[gold["id"]]
        for spec, answer in zip(gold["qa"], result.answers):
            if "answers" in spec and spec["answers"] is None:
                total += 1
                abstained += answer.answer is None
    assert total >= 10 and abstained / total >= 0.8


def test_seed_summary_and_answers(offline, seed_text):
    result = next(offline.run([Article.from_text(seed_text, id="seed")]))
    summary = result.summary
    assert summary.startswith("The White House said North Korea has delivered an arms shipment")
    assert "North Korea has flatly denied" in summary
    assert 'denied the US view as "gossip and speculation,"' in summary
    article = Article.from_text(seed_text, id="seed")
    words = len(article.text.split())
    assert len(summary.split()) <= max(60, min(150, round(0.3 * words))), "about 30% of the article by default"
    answers = {a.question: a for a in result.answers}
    denied = answers["Who denied what?"]
    lines = denied.answer.splitlines()
    assert lines[0].startswith("North Korea: continued allegations that it has had arms transactions with Russia")
    assert lines[1].startswith("Wagner Group: the US view")
    assert all(e in seed_text for e in denied.evidence) and denied.confidence > 0.5
    assert answers["What happened?"].answer.startswith("The White House said")


def test_claims_api_and_output_field(offline, seed_text):
    claims = offline.claims(seed_text)
    denials = [(c.party, c.verb) for c in claims if c.stance == "denies"]
    assert ("North Korea", "denied") in denials and ("Wagner Group", "denied") in denials
    kirby = [c for c in claims if c.party == "John Kirby"]
    assert kirby and all(c.speaker == "John Kirby" for c in kirby), "'he' and 'Kirby' resolve to the full name"
    with_claims = Summarizer(engine="offline", with_claims=True)
    data = next(with_claims.run([seed_text])).to_dict()
    assert {"speaker", "party", "stance", "verb", "content", "sentence", "index"} <= set(data["claims"][0])


RESOLUTION = """Turkey summoned the Swedish ambassador on Monday after a protest in Stockholm.

Foreign Minister Ayla Demir said the protest was "a provocation". She told reporters the envoy would be asked to explain.

Ankara also rejected a Swedish offer of talks. The ministry said in a statement that no meeting was planned.

Sweden's government spokeswoman, Karin Lund, denied that police had failed to act. "Police acted within the law," Lund said.

The Swedish side said it regretted the tension."""


def test_mentions_resolve_to_the_first_full_name():
    claims = Summarizer(engine="offline").claims(RESOLUTION)
    speakers = [(c.speaker, c.party, c.stance) for c in claims]
    assert ("Foreign Minister Ayla Demir", "Ayla Demir", "asserts") in speakers  # the party without the title
    assert sum(1 for c in claims if c.party == "Ayla Demir") >= 2       # "She" resolved
    assert ("Sweden's government spokeswoman, Karin Lund", "Karin Lund", "denies") in speakers  # apposition
    assert any(c.mention == "Lund" and c.party == "Karin Lund" for c in claims)
    # "The ministry" names no ministry of this article, and "it" after "The Swedish side": no party.
    assert all(c.party is None for c in claims if c.mention in {"The ministry", "it", "The Swedish side"})


def test_sentence_units_keep_abbreviations_and_multi_sentence_quotes():
    text = ('Gen. J. R. Smith met U.S. officials on Dec. 4 in Washington. "We are ready. We will act," '
            'he said. Mr. Lee disagreed.')
    assert split_sentences(text)[0] == "Gen. J. R. Smith met U.S. officials on Dec. 4 in Washington."
    units = ReadingCache().get(text).texts
    assert units == [
        "Gen. J. R. Smith met U.S. officials on Dec. 4 in Washington.",
        '"We are ready. We will act," he said.',
        "Mr. Lee disagreed.",
    ]


def test_a_quotation_is_never_shortened(offline):
    text = ('The mayor accused the utility of ignoring warnings. "We told them in March, in writing, twice. '
            'They did nothing, and people froze," she said, speaking at City Hall, on Friday. '
            "The utility, which serves 2 million homes, denied the mayor's account.")
    summary = Summarizer(engine="offline", max_words=30).summarize(text).text
    for quote in re.findall(r'"[^"]+"', summary):
        assert quote.strip('"') in text


def test_no_attributions_gives_leading_sentences_and_says_so(offline):
    text = ("Heavy snow closed the main road over the pass on Tuesday. Drivers waited for six hours. "
            "The road reopened in the evening after ploughs cleared it.")
    result = next(offline.run([text]))
    assert result.summary.startswith("Heavy snow closed the main road")
    assert any("no attributions" in w for w in result.warnings)


def test_one_huge_sentence_is_cut_clearly(offline):
    text = "The council said " + ", ".join(f"item {i} was approved" for i in range(3000)) + "."
    summary = offline.summarize(text)
    assert len(summary.text.split()) <= 151 and summary.text.endswith("…"), "the longest default budget, then an ellipsis"
    assert any("cut" in w for w in summary.warnings)


def test_text_without_sentences_and_non_english_text(offline):
    empty = offline.summarize(Article(id="x", text="----- ***** -----", source="t"))
    assert empty.text == "----- ***** -----" or empty.warnings
    german = ("Die Regierung hat am Montag neue Regeln beschlossen. Die Opposition kritisierte den Plan. "
              "Die Abstimmung ist für Freitag geplant.")
    result = next(offline.run([german]))
    assert result.summary.startswith("Die Regierung hat am Montag")
    assert any("no attributions" in w for w in result.warnings)


def test_questions_that_are_empty_or_not_questions(offline, seed_text):
    with pytest.raises(ConfigError, match="question is empty"):
        offline.answer(seed_text, "   ")
    answer = offline.answer(seed_text, "banana")
    assert answer.answer is None and "not a question" in answer.reason
    missing = offline.answer(seed_text, "What did Angela Merkel say?")
    assert missing.answer is None and "Angela Merkel" in missing.reason


def test_offline_is_deterministic(offline, seed_text):
    first = [next(Summarizer(engine="offline").run([seed_text])).to_dict() for _ in range(2)]
    assert first[0] == first[1]


def test_cli_falls_back_to_offline_without_weights(tmp_path):
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_HOME": str(tmp_path / "hf")}
    done = subprocess.run([sys.executable, "-m", "summarize.cli", "run", str(SEED), "--claims"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    assert record["engine"] == "offline" and record["claims"]
    (notice,) = done.stderr.strip().splitlines()
    assert "offline engine" in notice and "google/flan-t5-base" in notice
    assert record["warnings"][0] == notice.removeprefix("summarize: ")
