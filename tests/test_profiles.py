"""Model profiles: which models follow instructions, and how summary-only models are run."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from summarize import Article, Summarizer
from summarize.cache import ResultCache
from summarize.cli import app
from summarize.engines import create_engine
from summarize.engines.profiles import BARE, decide_profile, resolve_profile
from summarize.errors import ConfigError
from summarize.offline.engine import OfflineEngine

from .conftest import SEED

QUICK = {"max_new_tokens": 6, "min_new_tokens": 2, "num_beams": 1}


def _config(kind: str, **fields):
    from transformers import BartConfig, PegasusConfig, T5Config

    config = {"t5": T5Config, "bart": BartConfig, "pegasus": PegasusConfig}[kind](**fields)
    config.architectures = [{"t5": "T5ForConditionalGeneration", "bart": "BartForConditionalGeneration",
                             "pegasus": "PegasusForConditionalGeneration"}[kind]]
    return config


@pytest.mark.parametrize("model_id, kind, profile", [
    ("google/flan-t5-base", "t5", "instruct"),
    ("google/flan-t5-xl", "t5", "instruct"),
    ("t5-small", "t5", "instruct"),
    ("google-t5/t5-base", "t5", "instruct"),
    ("bigscience/T0pp", "t5", "instruct"),
    ("bigscience/T0_3B", "t5", "instruct"),
    ("bigscience/mt0-base", "t5", "instruct"),
    ("facebook/bart-large-cnn", "bart", "summarizer"),
    ("facebook/bart-large-xsum", "bart", "summarizer"),
    ("sshleifer/distilbart-cnn-12-6", "bart", "summarizer"),
    ("google/pegasus-xsum", "pegasus", "summarizer"),
    ("google/pegasus-cnn_dailymail", "pegasus", "summarizer"),
    ("someone/bart-news-instruct", "bart", "instruct"),  # instruction-tuned by its name, whatever the family
    ("someone/my-bart", "bart", "summarizer"),  # by the family
    ("someone/my-pegasus-model", "pegasus", "summarizer"),
    ("someone/my-t5", "t5", "instruct"),
])
def test_auto_profile_of_well_known_and_unknown_models(model_id, kind, profile):
    decided = decide_profile(model_id, _config(kind))
    assert decided.name == profile
    assert decided.reason and "\n" not in decided.reason


def test_auto_profile_reads_the_config_and_only_the_names_last_part():
    t5 = "someone/t5-news"
    assert decide_profile(t5, _config("t5", task_specific_params={"summarization": {"num_beams": 4}})).name == "summarizer"
    both = {"summarization": {}, "translation_en_to_de": {}}
    assert decide_profile(t5, _config("t5", task_specific_params=both)).name == "instruct"
    bart = _config("bart")
    bart.architectures = None
    assert decide_profile("org/model", bart).name == "summarizer", "by model_type alone"
    assert decide_profile("/home/instruct-runs/bart-large-cnn", None).name == "summarizer", "a folder counts by its name"
    assert decide_profile("/models/flan-t5-base/", None).name == "instruct"
    assert decide_profile("org/unknown", None).name == "instruct", "unknown: the prompts are instructions"


def test_asked_profiles_win_and_bad_ones_are_one_line():
    assert resolve_profile("instruct", "facebook/bart-large-cnn", _config("bart")).name == "instruct"
    assert resolve_profile("summarizer", "google/flan-t5-base", _config("t5")).name == "summarizer"
    assert resolve_profile("auto", "facebook/bart-large-cnn", _config("bart")).name == "summarizer"
    with pytest.raises(ConfigError) as error:
        resolve_profile("chat", "t5-small")
    assert str(error.value) == "unknown model profile 'chat'; choose one of auto, instruct, summarizer"
    with pytest.raises(ConfigError, match="model profile"):
        create_engine("offline", model_profile="chat")


@pytest.fixture(scope="module")
def bart(tiny_family):
    """The tiny BART on torch, auto profile (a summarizer), with its generate calls recorded."""
    summarizer = Summarizer(model=str(tiny_family("bart")), device="cpu", generation=QUICK, backend="torch")
    engine = summarizer.engine
    real = engine._generate
    engine.calls = []

    def spy(prompts, settings, groups=None):
        outputs = real(prompts, settings, groups=groups)
        engine.calls.append((list(prompts), outputs))
        return outputs

    engine._generate = spy
    return summarizer


def test_a_summarizer_gets_the_bare_text_and_the_offline_reader_answers(bart, seed_text):
    engine = bart.engine
    engine.calls.clear()
    article = Article(id="short", text="The ministry denied the report on Tuesday, calling it groundless.", source="t")
    result = next(bart.run([article], questions=["Who denied what?"])).to_dict()
    assert engine.calls == [([article.text], [result["summary"]])], "one call: the bare text, no instruction, no question"
    assert result["engine"] == "seq2seq+offline"
    assert result["generation"]["model_profile"] == "summarizer"
    offline = OfflineEngine().answer([(article, "Who denied what?")])
    assert result["answers"] == [a.to_dict() for a in offline] and result["answers"][0]["answer"]
    (warning,) = [w for w in result["warnings"] if "model profile" in w]
    assert warning.startswith("model profile summarizer (") and "offline reader" in warning and "\n" not in warning
    assert result["prompts"] == {"summary": BARE.meta(), "combine": BARE.meta(), "questions": bart.prompts.questions.meta()}


def test_a_summarizer_combines_chunk_summaries_from_their_bare_joined_text(bart, seed_text):
    engine = bart.engine
    engine.calls.clear()
    article = Article.from_text(seed_text, id="seed")
    result = next(bart.run([article], questions=["Who denied what?"]))
    assert result.chunked and len(engine.calls) == 2
    (chunks, chunk_summaries), (combined, outputs) = engine.calls
    assert len(chunks) > 1 and " ".join(chunks).split() == article.text.split(), "the bare text, chunked"
    assert combined == [" ".join(chunk_summaries)] and outputs == [result.summary]


def test_an_instruct_profile_on_bart_uses_the_prompts_and_the_model_answers(tiny_family, seed_text):
    forced = Summarizer(model=str(tiny_family("bart")), device="cpu", generation=QUICK, backend="torch",
                        model_profile="instruct")
    result = next(forced.run([seed_text], questions=["Who denied what?"])).to_dict()
    assert result["engine"] == "seq2seq" and result["generation"]["model_profile"] == "instruct"
    assert result["prompts"] == forced.prompts.meta()
    assert not any("model profile" in w for w in result["warnings"])
    offline = OfflineEngine().answer([(Article.from_text(seed_text), "Who denied what?")])
    assert result["answers"][0]["answer"] != offline[0].answer, "the model answers, not the offline reader"


def test_the_cache_key_changes_with_the_profile(tiny_model, seed_text, tmp_path):
    cache = ResultCache(tmp_path)
    options = dict(model=str(tiny_model), device="cpu", generation=QUICK, backend="torch", cache=cache)
    instruct = next(Summarizer(**options).run([seed_text])).to_dict()
    summary_only = Summarizer(**options, model_profile="summarizer")
    first = next(summary_only.run([seed_text])).to_dict()
    assert cache.hits == 0, "a result of the other profile is not served"
    assert (instruct["engine"], first["engine"]) == ("seq2seq", "seq2seq+offline")
    again = next(summary_only.run([seed_text])).to_dict()
    assert cache.hits == 1 and again == first


runner = CliRunner()


@pytest.mark.parametrize("command", [["run", str(SEED)], ["ask", str(SEED), "Who denied what?"], ["serve"]])
def test_a_bad_profile_is_one_line_exit_2_before_anything_loads(command):
    result = runner.invoke(app, [*command, "--model-profile", "chat", "--model", "nobody/no-such-model"])
    assert result.exit_code == 2
    assert result.stderr.strip() == "summarize: error: --model-profile 'chat': choose one of auto, instruct, summarizer"


@pytest.mark.parametrize("command", ["run", "ask", "serve"])
def test_help_explains_the_profiles(command):
    text = " ".join(runner.invoke(app, [command, "--help"]).stdout.split())
    assert "--model-profile" in text and "auto|instruct|summarizer" in text
    assert "bart-large-cnn" in text and "offline reader" in text


def test_ask_with_a_summarizer_answers_offline_and_says_so(tiny_family):
    result = runner.invoke(app, ["ask", str(SEED), "Who denied what?", "--model", str(tiny_family("bart")), "--json",
                                 "--gen", "num_beams=1"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    article = Article.from_text(SEED.read_text(encoding="utf-8"), id=SEED.stem)
    assert answer["answer"] == OfflineEngine().answer([(article, "Who denied what?")])[0].answer
    assert [line for line in result.stderr.splitlines() if "model profile summarizer" in line] != []
