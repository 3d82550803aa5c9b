"""The CTranslate2 backend of the seq2seq engine, on the tiny random T5 (converted per test cache)."""

from __future__ import annotations

import re
import sys

import pytest

pytest.importorskip("ctranslate2")

from summarize import Article, Summarizer  # noqa: E402
from summarize.engines import ct2  # noqa: E402
from summarize.errors import ConfigError  # noqa: E402
from summarize.prompts import load_prompts  # noqa: E402
from summarize.offline import nlp  # noqa: E402

from .conftest import SEED  # noqa: E402
from .test_engine import CONTRACT  # noqa: E402

QUICK = {"max_new_tokens": 6, "min_new_tokens": 6, "num_beams": 1}


@pytest.fixture(scope="module")
def fast(tiny_model, tmp_path_factory):
    """A ctranslate2 Summarizer whose conversion cache lives in a temp folder, not in ~/.cache."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SUMMARIZE_CACHE", str(tmp_path_factory.mktemp("cache")))
        yield Summarizer(engine="seq2seq", model=str(tiny_model), device="cpu", backend="ctranslate2", generation=QUICK, guard="off")


@pytest.fixture
def conversions(monkeypatch, tmp_path):
    """Count conversions, in a fresh cache."""
    monkeypatch.setenv("SUMMARIZE_CACHE", str(tmp_path))
    calls: list[str] = []
    real = ct2._convert

    def counting(loaded, source, folder, quantization):
        calls.append(str(folder))
        real(loaded, source, folder, quantization)

    monkeypatch.setattr(ct2, "_convert", counting)
    return calls


def _engine(tiny_model, **options):
    return ct2.CTranslate2Engine(str(tiny_model), device="cpu", generation=QUICK, **options)


def test_seed_follows_the_output_contract_and_is_deterministic(fast):
    article = Article.from_text(SEED.read_text(encoding="utf-8"), id="seed", source="seed.txt")
    first = next(fast.run([article])).to_dict()
    assert set(first) == CONTRACT and first["engine"] == "seq2seq"
    assert first["model"] == {"id": fast.engine.loaded.model_id, "revision": fast.engine.loaded.revision}
    assert first["model"]["revision"].startswith("sha256:")
    generation = first["generation"]
    assert generation["backend"] == "ctranslate2" and generation["compute_type"] == "int8"
    assert generation["device"] == "cpu" and generation["summary"]["max_new_tokens"] == 6
    assert isinstance(first["summary"], str) and first["summary"]
    assert [a["question"] for a in first["answers"]] == load_prompts().default_questions
    for answer in first["answers"]:
        assert all(sentence in article.text for sentence in answer["evidence"])
    assert next(fast.run([article])).to_dict() == first


def test_conversion_is_cached_and_an_incomplete_entry_is_redone(tiny_model, tmp_path, conversions, monkeypatch):
    first = _engine(tiny_model)
    assert len(conversions) == 1
    folder = tmp_path / "ct2" / conversions[0].rsplit("/", 1)[-1]
    assert (folder / "model.bin").is_file() and re.fullmatch(r"[\w.-]+-int8-[0-9a-f]{16}", folder.name)
    assert [p.name for p in folder.parent.iterdir()] == [folder.name], "no temp folder left behind"
    assert first.loaded.model is None, "HF weights are not kept once converted"
    stamp = (folder / "model.bin").stat().st_mtime_ns

    def no_weights(*args):
        raise AssertionError("HF weights loaded although the converted model is cached")

    with monkeypatch.context() as patch:
        patch.setattr(ct2, "_load", no_weights)
        second = _engine(tiny_model)
    assert len(conversions) == 1 and (folder / "model.bin").stat().st_mtime_ns == stamp
    assert second.model == first.model and second.window == first.window == 512
    assert second.generation == first.generation

    (folder / "model.bin").unlink()
    _engine(tiny_model)
    assert len(conversions) == 2 and (folder / "model.bin").is_file()

    _engine(tiny_model, compute_type="float32")
    assert len(conversions) == 3 and conversions[2] != conversions[0], "keyed by quantization"


def test_failed_conversion_is_one_clear_line(tiny_model, monkeypatch, tmp_path):
    monkeypatch.setenv("SUMMARIZE_CACHE", str(tmp_path))
    from ctranslate2.converters import TransformersConverter

    def unsupported(self, *args, **kwargs):
        raise ValueError("No conversion is registered for the model configuration FooConfig\n(details)")

    monkeypatch.setattr(TransformersConverter, "convert", unsupported)
    with pytest.raises(ConfigError) as error:
        _engine(tiny_model)
    assert "CTranslate2 cannot convert" in str(error.value) and "FooConfig" in str(error.value)
    assert "\n" not in str(error.value)
    assert not any((tmp_path / "ct2").iterdir()), "nothing half-written is left in the cache"


def test_unsupported_settings_and_compute_types_are_config_errors(tiny_model, monkeypatch, tmp_path):
    monkeypatch.setenv("SUMMARIZE_CACHE", str(tmp_path))
    with pytest.raises(ConfigError, match="num_return_sequences"):
        ct2.CTranslate2Engine(str(tiny_model), device="cpu", generation={**QUICK, "num_return_sequences": 2})
    with pytest.raises(ConfigError, match="compute type"):
        _engine(tiny_model, compute_type="int4")


def test_batches_respect_the_token_budget_and_order_is_restored(fast, seed_text):
    engine = fast.engine
    sentences = nlp.sentences(Article.from_text(seed_text).text)
    prompts = [" ".join(sentences[: n % 9 + 1]) for n in range(30)]
    lengths = [len(ids) for ids in engine.tokenizer(prompts, truncation=True, max_length=engine.window)["input_ids"]]
    calls: list[list[int]] = []

    class Spy:
        def __init__(self, real):
            self.real = real

        def translate_batch(self, tokens, **options):
            calls.append([len(t) for t in tokens])
            return self.real.translate_batch(tokens, **options)

    real, budget = engine.translator, 700
    singles = [engine._generate([p], engine.settings["summary"])[0] for p in prompts]
    try:
        engine.translator, engine.max_batch_tokens = Spy(real), budget
        outputs = engine._generate(prompts, engine.settings["summary"])
    finally:
        engine.translator, engine.max_batch_tokens = real, ct2.DEFAULT_MAX_BATCH_TOKENS
    assert outputs == singles, "each output belongs to its own prompt, whatever its batch"
    assert sorted(n for call in calls for n in call) == sorted(lengths)
    assert len(calls) > 1
    for call in calls:
        assert call == sorted(call, reverse=True), "longest first"
        assert max(call) * len(call) <= budget and len(call) <= engine.batch_size * 4
    assert [max(c) for c in calls] == sorted((max(c) for c in calls), reverse=True)


def test_batches_are_capped_by_count_and_an_oversized_prompt_goes_alone(fast):
    engine = fast.engine
    assert [len(b) for b in engine._batches([3] * 70)] == [32, 32, 6]  # batch_size 8 -> at most 32
    engine.max_batch_tokens = 100
    try:
        assert engine._batches([150, 40, 60, 50]) == [[0], [2], [3, 1]]
    finally:
        engine.max_batch_tokens = ct2.DEFAULT_MAX_BATCH_TOKENS


def test_answers_default_to_greedy_unless_beams_are_asked_for(tiny_model, monkeypatch, tmp_path):
    monkeypatch.setenv("SUMMARIZE_CACHE", str(tmp_path))
    default = ct2.CTranslate2Engine(str(tiny_model), device="cpu", generation={"max_new_tokens": 6, "min_new_tokens": 1})
    assert default.generation["answer"]["num_beams"] == 1 and "early_stopping" not in default.generation["answer"]
    assert default.generation["summary"]["num_beams"] == 4
    both = ct2.CTranslate2Engine(str(tiny_model), device="cpu", generation={"num_beams": 2, "max_new_tokens": 6, "min_new_tokens": 1})
    assert both.generation["answer"]["num_beams"] == 2
    answers = ct2.CTranslate2Engine(str(tiny_model), device="cpu", generation={"answer.num_beams": 3, "max_new_tokens": 6, "min_new_tokens": 1})
    assert answers.generation["answer"]["num_beams"] == 3


def test_long_article_is_chunked(fast, seed_text):
    body = Article.from_text(seed_text).text
    article = Article(id="long", text="\n\n".join([body] * 6), source="test:long")
    result = next(fast.run([article], questions=["Who denied what?"]))
    assert result.ok and result.chunked and result.summary
    assert any("chunks" in w and "input window" in w for w in result.warnings)
    assert result.answers[0].chunked


def test_backend_auto_is_the_default_and_picks_ctranslate2(tiny_model, monkeypatch, tmp_path, seed_text):
    monkeypatch.setenv("SUMMARIZE_CACHE", str(tmp_path))
    auto = Summarizer(model=str(tiny_model), device="cpu", generation=QUICK)
    assert isinstance(auto.engine, ct2.CTranslate2Engine) and auto.notice is None
    result = next(auto.run([seed_text], questions=["Who denied what?"])).to_dict()
    assert result["generation"]["backend"] == "ctranslate2" and result["generation"]["compute_type"] == "int8"
    assert not any("backend" in w for w in result["warnings"])


def test_backend_auto_falls_back_to_torch_when_conversion_fails(tiny_model, monkeypatch, tmp_path, seed_text):
    monkeypatch.setenv("SUMMARIZE_CACHE", str(tmp_path))
    from ctranslate2.converters import TransformersConverter

    from summarize.engines.seq2seq import Seq2SeqEngine

    def unsupported(self, *args, **kwargs):
        raise ValueError("No conversion is registered for the model configuration FooConfig\n(details)")

    monkeypatch.setattr(TransformersConverter, "convert", unsupported)
    auto = Summarizer(model=str(tiny_model), device="cpu", generation=QUICK, backend="auto")
    assert type(auto.engine) is Seq2SeqEngine
    assert "using torch" in auto.notice and "FooConfig" in auto.notice and "\n" not in auto.notice
    result = next(auto.run([seed_text], questions=["Who denied what?"]))
    assert result.ok and result.generation["backend"] == "torch"
    assert result.warnings[0] == auto.notice, "the fallback is recorded in the output"
    with pytest.raises(ConfigError, match="CTranslate2 cannot convert"):
        Summarizer(model=str(tiny_model), device="cpu", generation=QUICK, backend="ctranslate2")


def test_backend_auto_falls_back_when_ctranslate2_is_missing_or_lacks_a_setting(tiny_model, monkeypatch, tmp_path):
    monkeypatch.setenv("SUMMARIZE_CACHE", str(tmp_path))
    unsupported = Summarizer(model=str(tiny_model), device="cpu", generation={**QUICK, "num_return_sequences": 1})
    assert unsupported.engine.generation["backend"] == "torch" and "num_return_sequences" in unsupported.notice
    monkeypatch.setitem(sys.modules, "summarize.engines.ct2", None)  # the import fails
    missing = Summarizer(model=str(tiny_model), device="cpu", generation=QUICK)
    assert missing.engine.generation["backend"] == "torch" and "cannot be imported" in missing.notice


def test_backend_auto_still_falls_back_to_offline_when_the_model_is_missing():
    fallback = Summarizer(engine="auto", model="nobody/no-such-model")
    assert fallback.engine.name == "offline" and "nobody/no-such-model" in fallback.notice


def test_an_articles_questions_share_a_translate_batch(fast):
    engine = fast.engine
    lengths = [300, 290, 310, 305, 280, 200, 210]
    groups = ["a", "a", "b", "b", "b", "c", "c"]
    engine.max_batch_tokens = 1500
    try:
        batches = engine._batches(lengths, groups)
    finally:
        engine.max_batch_tokens = ct2.DEFAULT_MAX_BATCH_TOKENS
    # b (longest) fills 930 tokens; a would make 5 x 310 > 1500, so it opens the next batch, and c joins it.
    assert batches == [[2, 3, 4], [0, 1, 6, 5]]


def test_batches_spread_over_the_workers(fast):
    engine = fast.engine
    assert engine.workers == min(__import__("torch").get_num_threads(), ct2.MAX_CPU_WORKERS)
    batches = engine._batches([100] * 8)
    assert len(batches) >= min(engine.workers, 8) and sorted(i for b in batches for i in b) == list(range(8))
