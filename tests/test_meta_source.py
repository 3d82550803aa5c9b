"""Meta-evaluation of the source-only checks (the guard's): every hand-written output of
tests/meta/outputs.yaml and tests/meta/paraphrases.yaml, checked against its article with no gold.

Each good output (paraphrases included) must pass; each bad one whose defect a source can show
must fail. Coverage defects (a core fact left out, an off-topic summary) need gold and are not the
guard's to find. Known misses stay visible as strict xfails: they turn into failures the day they
are fixed. BBC texts are read from ../shared/data; those entries are skipped where it is missing.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest
import yaml

from summarize.check import load_gold
from summarize.guard import Guard

from .conftest import ROOT

DATA = ROOT.parent / "shared" / "data"
META = Path(__file__).parent / "meta"
ENTRIES = [
    {**entry, "gold": entry.get("gold") or f"evals/gold/{entry['article']}.yaml", "file": name}
    for name in ("outputs.yaml", "paraphrases.yaml")
    for entry in yaml.safe_load((META / name).read_text(encoding="utf-8"))
]
#: Known misses of the source-only checks, by article and label, with the reason.
KNOWN = {
    "diplomacy-lake-victoria-fishermen-tanzanian-denials-dropped":
        "balance: Kenya's accusations are attributed claims whose denial by Tanzania shares too few words with "
        "them, and Tanzania is named in none of them",
    "bbcsum-politics-009-beattie-denied-row":
        "speakers: Beattie's invented denial of a row: the source's 'no row' is Campbell's, in a quotation "
        "without a denial verb",
    "bbcsum-business-010-ruling-then-both-sides":
        "speakers: 'a US appeals court has rejected the claim' reads as a denial; the source says the demand "
        "'was rejected' with no agent",
}


def _key(entry: dict) -> str:
    return f"{entry['article']}-{entry['label']}"


def _params(kind: str) -> list:
    params = []
    for entry in ENTRIES:
        if entry["kind"] != kind or (kind == "bad" and entry.get("check") == "coverage"):
            continue
        marks = []
        dataset = (yaml.safe_load((ROOT / entry["gold"]).read_text(encoding="utf-8")).get("source") or {}).get("dataset")
        if dataset and not (DATA / dataset).is_file():
            marks.append(pytest.mark.skip(reason=f"{dataset} is not in {DATA} (BBC texts are never stored in the repo)"))
        if _key(entry) in KNOWN:
            marks.append(pytest.mark.xfail(strict=True, reason=KNOWN[_key(entry)]))
        params.append(pytest.param(entry, id=f"{entry['file'][:5]}-{_key(entry)[:50]}", marks=marks))
    return params


@lru_cache(maxsize=None)
def _source(gold_path: str) -> tuple[str, int | None]:
    gold = load_gold(ROOT / gold_path, data_folder=DATA)
    return gold.load_article().text, gold.max_words


def _violations(entry: dict) -> list:
    source, max_words = _source(entry["gold"])
    return Guard("flag", max_words=max_words).check(entry["summary"], source)


@pytest.mark.parametrize("entry", _params("good"))
def test_good_outputs_pass_the_source_checks(entry):
    found = _violations(entry)
    assert found == [], [f"{v.check}: {v.detail}" for v in found]


@pytest.mark.parametrize("entry", _params("bad"))
def test_bad_outputs_fail_a_source_check(entry):
    found = _violations(entry)
    assert found, f"no violation found for {entry['defect']} ({entry['label']}): {entry['summary']}"
    assert all(v.detail for v in found)


def test_the_seed_has_no_known_misses():
    """The done-when of guarded generation: on the seed, every planted defect a source can show is
    caught and every good output passes, with no exception."""
    assert not [k for k in KNOWN if k.startswith("000_8d0dd191232a21b1")]
    seed = [e for e in ENTRIES if e["article"] == "000_8d0dd191232a21b1" and not (e["kind"] == "bad" and e.get("check") == "coverage")]
    assert len(seed) >= 15
