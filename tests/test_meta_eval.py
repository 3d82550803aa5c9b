"""Meta-evaluation: the checks must catch real defects and pass real good output.

tests/meta/outputs.yaml holds hand-written summaries for the seed and two other articles: good
ones, and bad ones that each plant one defect (a contested claim stated as fact, a dropped denial,
a charged word, an invented number or entity, an inverted stance, boilerplate, an off-topic summary,
over-length). Each bad output must fail the check meant for it, saying why; each good one must pass
every check.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from summarize.check import CHECKS, Output, load_gold
from summarize.ingest import load_articles

from .conftest import ROOT

ENTRIES = yaml.safe_load((Path(__file__).parent / "meta" / "outputs.yaml").read_text(encoding="utf-8"))
GOOD = [e for e in ENTRIES if e["kind"] == "good"]
BAD = [e for e in ENTRIES if e["kind"] == "bad"]
DEFECTS = {"claim-as-fact", "dropped-denial", "charged-word", "invented-number", "invented-entity",
           "inverted-stance", "boilerplate", "off-topic", "over-length"}


def _run(entry: dict) -> dict:
    gold = load_gold(ROOT / "evals" / "gold" / f"{entry['article']}.yaml")
    source = next(load_articles(gold.article)).text
    output = Output(entry["article"], entry["summary"], [])
    return {name: check(output, gold, source) for name, check in CHECKS.items()}


def test_fixtures_cover_every_defect_class_for_three_articles():
    articles = {e["article"] for e in ENTRIES}
    assert len(articles) >= 3 and "000_8d0dd191232a21b1" in articles
    for article in articles:
        assert len([e for e in GOOD if e["article"] == article]) >= 2
        assert {e["defect"] for e in BAD if e["article"] == article} == DEFECTS


@pytest.mark.parametrize("entry", BAD, ids=[f"{e['article'][:12]}-{e['defect']}" for e in BAD])
def test_each_planted_defect_fails_its_check_and_says_why(entry):
    result = _run(entry)[entry["check"]]
    assert result.passed is False, f"{entry['check']} missed {entry['defect']}: {entry['summary']}"
    assert result.detail.strip() and result.score is not None and result.score < 1.0


@pytest.mark.parametrize("entry", GOOD, ids=[f"{e['article'][:12]}-{e['label']}" for e in GOOD])
def test_good_summaries_pass_every_check(entry):
    failures = {name: r.detail for name, r in _run(entry).items() if r.passed is False}
    assert not failures, failures
