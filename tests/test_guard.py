"""The guard: every path of --guard repair and flag, proven with an engine that returns given
candidates; the tiny T5 end to end with the guard on; `summarize check` on hand-written outputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from summarize import Article, ConfigError, Summarizer
from summarize.cli import app
from summarize.engines.base import Engine
from summarize.guard import Guard
from summarize.offline import nlp
from summarize.records import Answer, Summary

from .conftest import FAST, SEED

GOOD = ("The White House said North Korea has delivered an arms shipment to the Wagner Group for use in the Ukraine "
        "war. North Korea has denied allegations of arms transactions with Russia, and the Wagner Group denied the US "
        'view as "gossip and speculation," according to foreign media reports.')
# The Wagner Group's words given to John Kirby.
MISQUOTE = ("The White House said North Korea has delivered an arms shipment to the Wagner Group. North Korea has "
            'denied arms transactions with Russia. John Kirby called the US view "gossip and speculation."')
# North Korea's denial dropped.
DROPPED = "The White House said North Korea has delivered an arms shipment to the Wagner Group for use in the Ukraine war."
# A number, a country and a year the article never mentions, in a sentence no source sentence carries.
INVENTED = "Officials said 900 drones were sold to Peru in 2019."
DENIERS = "Who denied what?"


class CandidatesEngine(Engine):
    """A test double: writes ``first`` and offers ``alternatives`` as its next-best candidates."""

    name = "seq2seq"

    def __init__(self, first: str, alternatives: list[str] | None = None, answer: str = "unknown") -> None:
        self.first, self.alternatives, self.given_answer = first, alternatives or [], answer
        self.asked: list[int] = []

    def summarize(self, articles: list[Article]) -> list[Summary]:
        return [Summary(self.first) for _ in articles]

    def summary_candidates(self, articles: list[Article], n: int) -> list[list[str]]:
        self.asked.append(n)
        return [self.alternatives[:n] for _ in articles]

    def answer(self, questions: list[tuple[Article, str]]) -> list[Answer]:
        return [Answer(q, self.given_answer, []) for _, q in questions]


def _run(seed_text: str, engine: Engine, mode: str = "repair", candidates: int = 4) -> dict:
    summarizer = Summarizer(engine="offline", guard=mode, guard_candidates=candidates)
    summarizer.engine, summarizer.guard = engine, Guard(mode, candidates)
    return next(summarizer.run([seed_text], questions=[DENIERS])).to_dict()


def _passes(summary: str, source: str) -> bool:
    return Guard("flag").check(summary, source) == []


def test_a_faithful_paraphrase_is_kept(seed_text):
    out = _run(seed_text, CandidatesEngine(GOOD, [MISQUOTE]))
    assert out["summary"] == GOOD
    assert out["guard"] == {"passed": True, "violations": [], "action": "kept"}
    assert out["generation"]["guard"] == {"mode": "repair", "candidates": 4}


def test_a_failing_summary_gives_way_to_the_first_candidate_that_passes(seed_text):
    engine = CandidatesEngine(MISQUOTE, [MISQUOTE, DROPPED, GOOD])
    out = _run(seed_text, engine, candidates=3)
    assert engine.asked == [3], "the guard asks for --guard-candidates alternatives"
    assert out["summary"] == GOOD and out["guard"]["action"] == "candidate 3" and out["guard"]["passed"]
    assert [v["check"] for v in out["guard"]["repaired"]] == ["speakers"]
    assert "Kirby" in out["guard"]["repaired"][0]["sentence"]
    assert any("candidate 3 of 3 passed" in w for w in out["warnings"])


def test_a_misattributed_quote_is_replaced_by_the_source_sentence_that_carries_it(seed_text):
    out = _run(seed_text, CandidatesEngine(MISQUOTE, [MISQUOTE]))
    assert out["guard"]["action"] == "repaired sentences" and out["guard"]["passed"]
    summary = out["summary"]
    assert "John Kirby called" not in summary
    assert 'The Wagner Group, owned by Yevgeny Prigozhin, denied the US view as "gossip and speculation,"' in summary
    assert summary.startswith("The White House said North Korea has delivered an arms shipment to the Wagner Group."), "passing sentences stay"
    assert _passes(summary, Article.from_text(seed_text).text)


def test_a_dropped_denial_is_put_back_after_the_claim(seed_text):
    out = _run(seed_text, CandidatesEngine(DROPPED))
    assert out["guard"]["action"] == "repaired sentences"
    assert [v["check"] for v in out["guard"]["repaired"]] == ["balance"]
    claim, denial = out["summary"].split(". ", 1)
    assert claim.startswith("The White House said North Korea has delivered")
    assert denial.startswith("North Korea has flatly denied")


def test_with_nothing_to_mend_the_offline_summary_replaces_it(seed_text):
    out = _run(seed_text, CandidatesEngine(INVENTED, [INVENTED]))
    assert out["guard"]["action"] == "offline summary" and out["guard"]["passed"]
    details = " ".join(v["detail"] for v in out["guard"]["repaired"])
    assert "900" in details and "Peru" in details and "2019" in details
    offline = Summarizer(engine="offline").summarize(seed_text).text
    assert out["summary"] == offline
    assert any("the offline summary is used" in w for w in out["warnings"])


def test_flag_writes_the_summary_with_its_violations(seed_text):
    out = _run(seed_text, CandidatesEngine(MISQUOTE, [GOOD]), mode="flag")
    assert out["summary"] == MISQUOTE, "flag never rewrites"
    guard = out["guard"]
    assert guard["passed"] is False and guard["action"] == "flagged"
    assert guard["violations"][0]["check"] == "speakers" and "Wagner Group" in guard["violations"][0]["detail"]
    assert out["warnings"][-1].startswith("guard: 1 violation(s) of source-only checks (speakers)")


def test_a_denial_answer_naming_a_party_that_denied_nothing_is_replaced(seed_text):
    out = _run(seed_text, CandidatesEngine(GOOD, answer="John Kirby denied the reports."))
    assert out["guard"]["action"] == "answers replaced"
    answer = out["answers"][0]["answer"]
    assert "North Korea" in answer and "Kirby" not in answer
    flagged = _run(seed_text, CandidatesEngine(GOOD, answer="John Kirby denied the reports."), mode="flag")
    assert flagged["guard"]["passed"] is False and flagged["guard"]["violations"][0]["check"] == "answers"
    kept = _run(seed_text, CandidatesEngine(GOOD, answer="North Korea denied arms deals with Russia."))
    assert kept["guard"]["action"] == "kept" and kept["answers"][0]["answer"].startswith("North Korea denied")


def test_only_a_question_asking_who_denied_holds_its_answer_to_deniers(seed_text):
    source = Article.from_text(seed_text).text
    guard = Guard("flag")
    assert guard.check_answer(Answer("What did the Wagner Group deny?", "the US view"), source) == []
    assert guard.check_answer(Answer("What did North Korea deny?", "Japanese media reports"), source) == []
    (found,) = guard.check_answer(Answer("Which party denied the reports?", "Japan denied them."), source)
    assert found.check == "answers" and "Japan" in found.detail


def test_bad_guard_options_are_usage_errors_before_anything_loads(tmp_path):
    with pytest.raises(ConfigError, match="guard mode 'always'"):
        Summarizer(engine="seq2seq", model="nobody/no-such-model", guard="always")
    result = CliRunner().invoke(app, ["run", str(SEED), "--guard", "sometimes", "--model", "nobody/none"])
    assert result.exit_code == 2 and result.output.count("\n") == 1 and "sometimes" in result.output


def test_the_offline_engine_is_not_guarded_unless_asked(seed_text):
    assert Summarizer(engine="offline").guard is None
    out = next(Summarizer(engine="offline", guard="flag").run([seed_text])).to_dict()
    assert out["guard"]["passed"] is True, "its own summary is source sentences"


@pytest.mark.parametrize("backend", ["torch", "ctranslate2"])
def test_tiny_t5_end_to_end_never_writes_a_failing_summary(tiny_model, seed_text, backend, tmp_path, monkeypatch):
    monkeypatch.setenv("SUMMARIZE_CACHE", str(tmp_path))
    summarizer = Summarizer(model=str(tiny_model), device="cpu", generation=FAST, backend=backend, guard_candidates=3)
    assert summarizer.guard is not None and summarizer.guard.mode == "repair", "repair is the default for a model"
    article = Article.from_text(seed_text)
    short = Article(id="short", text=" ".join(nlp.sentences(article.text)[:2]), source="test")
    whole, chunked = summarizer.engine.summary_candidates([short, article], 3)
    assert 1 <= len(whole) <= 3 and all(isinstance(c, str) and c for c in whole)
    assert chunked == [], "an article over the input window (summarized in chunks) has no candidates"
    for result in summarizer.run([article, short], questions=[DENIERS]):
        out = result.to_dict()
        assert out["guard"]["passed"], out["guard"]
        assert _passes(out["summary"], article.text if result.id != "short" else short.text)


def _outputs(tmp_path: Path, kinds: set[str]) -> tuple[Path, list[dict]]:
    entries = [e for e in yaml.safe_load((Path(__file__).parent / "meta" / "outputs.yaml").read_text(encoding="utf-8"))
               if e["article"] == SEED.stem and e["kind"] in kinds]
    path = tmp_path / "outputs.jsonl"
    path.write_text("".join(json.dumps({"id": e["article"], "summary": e["summary"]}) + "\n" for e in entries))
    return path, entries


def test_summarize_check_flags_every_planted_defect_of_the_seed(tmp_path):
    path, entries = _outputs(tmp_path, {"good", "bad"})
    result = CliRunner().invoke(app, ["check", str(path), "--articles", str(SEED), "--max-words", "90", "-o", str(tmp_path / "g.jsonl")])
    assert result.exit_code == 1
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == len(entries)
    written = [json.loads(line) for line in (tmp_path / "g.jsonl").read_text().splitlines()]
    for entry, line, out in zip(entries, lines, written):
        source_checkable = entry["kind"] == "bad" and entry.get("check") != "coverage"  # coverage needs gold
        assert out["guard"]["passed"] is not source_checkable, (entry["label"], line)
        assert line.startswith(f"{SEED.stem}: {'FAIL' if source_checkable else 'pass'}"), line
        assert set(out["guard"]) == {"passed", "violations"}


def test_summarize_check_passes_good_outputs_and_reports_bad_input(tmp_path):
    path, _ = _outputs(tmp_path, {"good"})
    ok = CliRunner().invoke(app, ["check", str(path), "--articles", str(SEED)])
    assert ok.exit_code == 0 and set(ok.stdout.split()) == {f"{SEED.stem}:", "pass"}
    several = CliRunner().invoke(app, ["check", str(path), "--articles", str(SEED), str(SEED.parent.parent / "evals" / "articles")])
    assert several.exit_code == 0 and several.stdout == ok.stdout, "--articles A B: more inputs may follow"
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "summary": 3}\n')
    result = CliRunner().invoke(app, ["check", str(bad), "--articles", str(SEED)])
    assert result.exit_code == 2 and result.output.strip() == f"summarize: error: {bad}:1: 'summary' must be a string"
    stranger = tmp_path / "stranger.jsonl"
    stranger.write_text('{"id": "nobody", "summary": "Hello."}\n')
    result = CliRunner().invoke(app, ["check", str(stranger), "--articles", str(SEED)])
    assert result.exit_code == 2 and "'nobody': no article with this id" in result.output
