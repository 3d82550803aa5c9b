"""T5, BART and Pegasus on both backends: conversion under transformers 5, and parity with torch."""

from __future__ import annotations

import pytest

pytest.importorskip("ctranslate2")

from summarize import Article, Summarizer  # noqa: E402
from summarize.engines import ct2, ct2_convert  # noqa: E402
from summarize.engines.seq2seq import Seq2SeqEngine  # noqa: E402
from summarize.errors import ConfigError  # noqa: E402
from summarize.offline import nlp  # noqa: E402

FAMILIES = ["t5", "bart", "pegasus"]
PROFILE = {"t5": "instruct", "bart": "summarizer", "pegasus": "summarizer"}
GREEDY = {"max_new_tokens": 8, "min_new_tokens": 2, "num_beams": 1}
#: Exactly 6 new tokens per output, so the two backends' lengths can be compared token for token.
FIXED = {"max_new_tokens": 6, "min_new_tokens": 6, "num_beams": 1}
#: Generated tokens an output keeps after decoding, with FIXED: BART's forced first token (<s>) and,
#: for BART and Pegasus, the forced </s> at the length limit are dropped.
KEPT = {"t5": 6, "bart": 4, "pegasus": 5}
CT2_ONLY = {"backend", "compute_type", "max_batch_tokens"}


@pytest.fixture(scope="module", autouse=True)
def conversion_cache(tmp_path_factory):
    """Conversions go to one temp cache for the module (each family is converted once per type)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SUMMARIZE_CACHE", str(tmp_path_factory.mktemp("cache")))
        yield


@pytest.fixture(scope="module")
def texts(seed_text):
    """Distinct article texts, short and long (no empty one: no article is empty)."""
    found = nlp.sentences(Article.from_text(seed_text).text)
    return [" ".join(found[i:i + k]) for i in range(0, 15, 3) for k in (1, 4)]


@pytest.mark.parametrize("family", FAMILIES)
def test_ctranslate2_decodes_every_family_exactly_as_torch(family, tiny_family, texts):
    """Greedy decoding in float32: the same tokens from both backends, for every input. BART and
    Pegasus write a different output for each article, so the comparison covers the encoder too."""
    model = str(tiny_family(family))
    torch_engine = Seq2SeqEngine(model, device="cpu", generation=GREEDY)
    fast = ct2.CTranslate2Engine(model, device="cpu", generation=GREEDY, compute_type="float32")
    prompts = [torch_engine._summary_prompt.render(text=t) for t in texts]
    expected = torch_engine._generate(prompts, torch_engine.settings["summary"])
    assert fast._generate(prompts, fast.settings["summary"]) == expected
    assert all(expected)
    if family != "t5":  # the tiny T5 (default initialization) writes the same tokens for any input
        assert len(set(expected)) >= len(texts) - 2


def _kept_lengths(engine, monkeypatch) -> list[int]:
    """Spy on the engine's decoding: per output, its generated tokens that are not the decoder
    start, a forced <s>/</s> or padding (what skip_special_tokens drops, but <unk>)."""
    tokenizer = engine.tokenizer
    dropped = {tokenizer.pad_token_id, tokenizer.eos_token_id, tokenizer.bos_token_id}
    lengths: list[int] = []
    real = tokenizer.batch_decode

    def spy(ids, **kwargs):
        rows = [row.tolist() if hasattr(row, "tolist") else row for row in ids]  # a tensor (torch) or lists
        lengths.extend(sum(int(t) not in dropped for t in row) for row in rows)
        return real(ids, **kwargs)

    monkeypatch.setattr(tokenizer, "batch_decode", spy)
    return lengths


@pytest.mark.parametrize("family", FAMILIES)
def test_both_backends_run_every_family_alike(family, tiny_family, seed_text, monkeypatch):
    """Through the Summarizer: torch, and ``auto`` (which must pick CTranslate2, int8, for every
    family) record the same settings and profile, and write outputs of the same lengths."""
    model = str(tiny_family(family))
    article = Article.from_text(seed_text, id="seed")
    results, lengths = {}, {}
    for backend in ("torch", "auto"):
        # Unguarded: the two backends' own outputs are compared (the guard could repair one, not the other).
        summarizer = Summarizer(model=model, device="cpu", generation=FIXED, backend=backend, guard="off")
        assert summarizer.notice is None
        lengths[backend] = _kept_lengths(summarizer.engine, monkeypatch)
        results[backend] = next(summarizer.run([article], questions=["Who denied what?"])).to_dict()
        chunks = len(summarizer.engine._summary_pieces([article])[0][0])
    torch_result, fast_result = results["torch"], results["auto"]
    assert fast_result["generation"]["backend"] == "ctranslate2" and fast_result["generation"]["compute_type"] == "int8"
    assert torch_result["generation"]["backend"] == "torch"
    assert {k: v for k, v in fast_result["generation"].items() if k not in CT2_ONLY} == \
        {k: v for k, v in torch_result["generation"].items() if k not in CT2_ONLY}
    assert torch_result["generation"]["model_profile"] == PROFILE[family]
    # The model writes the chunk summaries, their combination and, for T5, the answer (else the
    # offline reader answers): each of the same length on both backends.
    assert chunks > 1 and torch_result["chunked"], "the seed is over the 512-token window"
    outputs = chunks + 1 + (PROFILE[family] == "instruct")
    assert lengths["torch"] == lengths["auto"] == [KEPT[family]] * outputs
    for key in ("engine", "model", "prompts", "chunked", "warnings"):
        assert torch_result[key] == fast_result[key], key
    if PROFILE[family] == "summarizer":
        assert torch_result["answers"] == fast_result["answers"], "the offline reader answers on both"


def test_the_shim_is_what_makes_bart_convert(tiny_family, monkeypatch, tmp_path):
    """Without the compatibility shim the converter fails as the issue reports; it is one line."""
    monkeypatch.setenv("SUMMARIZE_CACHE", str(tmp_path))
    monkeypatch.setattr(ct2_convert, "legacy_layout", lambda model: {})
    with pytest.raises(ConfigError) as error:
        ct2.CTranslate2Engine(str(tiny_family("bart")), device="cpu", generation=GREEDY)
    message = str(error.value)
    assert "CTranslate2 cannot convert" in message and "normalize_before" in message and "\n" not in message


@pytest.mark.parametrize("family", ["bart", "pegasus"])
def test_the_shim_sets_the_layout_only_during_conversion(family, tiny_family):
    from transformers import AutoModelForSeq2SeqLM

    model = AutoModelForSeq2SeqLM.from_pretrained(tiny_family(family))
    expected = {"bart": {"normalize_before": False, "normalize_embedding": True},
                "pegasus": {"normalize_before": True, "normalize_embedding": False}}[family]
    assert ct2_convert.legacy_layout(model) == expected
    assert not hasattr(model.config, "normalize_before"), "transformers 5 has no such field"
    before = model.config.to_dict()
    with ct2_convert.converter_compat(model):
        assert {k: getattr(model.config, k) for k in expected} == expected
    assert not hasattr(model.config, "normalize_before") and model.config.to_dict() == before

    model.config.normalize_before = not expected["normalize_before"]  # a stale legacy key is overridden...
    with ct2_convert.converter_compat(model):
        assert model.config.normalize_before == expected["normalize_before"]
    assert model.config.normalize_before is not expected["normalize_before"], "...and put back afterwards"


def test_the_shim_leaves_other_families_alone(tiny_model):
    from transformers import AutoModelForSeq2SeqLM

    model = AutoModelForSeq2SeqLM.from_pretrained(tiny_model)
    assert ct2_convert.legacy_layout(model) == {}


def test_forced_tokens_come_from_the_model_on_every_load(tiny_family, monkeypatch, tmp_path):
    """BART's forced <s> and </s> are read from the loaded model when converting, and from the
    folder when the conversion is cached; a generation setting overrides them."""
    monkeypatch.setenv("SUMMARIZE_CACHE", str(tmp_path))
    model = str(tiny_family("bart"))
    converted = ct2.CTranslate2Engine(model, device="cpu", generation=GREEDY, compute_type="float32")
    with monkeypatch.context() as patch:
        patch.setattr(ct2, "_load", lambda *a: pytest.fail("weights loaded although converted"))
        cached = ct2.CTranslate2Engine(model, device="cpu", generation=GREEDY, compute_type="float32")
    bos, eos = converted.tokenizer.bos_token_id, converted.tokenizer.eos_token_id
    assert converted.forced == cached.forced == {"forced_bos_token_id": bos, "forced_eos_token_id": eos}
    options, prefix = cached._translate_options(cached.settings["summary"])
    assert prefix == ["<s>"] and options["max_decoding_length"] == GREEDY["max_new_tokens"] - 1

    plain = {**GREEDY, "forced_bos_token_id": None, "forced_eos_token_id": None}
    torch_engine = Seq2SeqEngine(model, device="cpu", generation=plain)
    unforced = ct2.CTranslate2Engine(model, device="cpu", generation=plain, compute_type="float32")
    options, prefix = unforced._translate_options(unforced.settings["summary"])
    assert prefix is None and options["max_decoding_length"] == GREEDY["max_new_tokens"]
    prompts = ["The ministry denied the report on Tuesday.", "North Korea denied the allegations."]
    assert unforced._generate(prompts, unforced.settings["summary"]) == \
        torch_engine._generate(prompts, torch_engine.settings["summary"])


def test_a_fairseq_era_bart_folder_converts_to_what_torch_runs(tiny_family, tmp_path, monkeypatch):
    """An old checkpoint: generation settings in config.json (no generation_config.json) and a
    legacy ``normalize_before`` that transformers 5 ignores (here a wrong one). The shim overrides it,
    and the forced tokens are read from config.json, converted or cached."""
    import json
    import shutil

    monkeypatch.setenv("SUMMARIZE_CACHE", str(tmp_path / "cache"))
    folder = tmp_path / "old-bart"
    shutil.copytree(tiny_family("bart"), folder)
    generation = json.loads((folder / "generation_config.json").read_text())
    (folder / "generation_config.json").unlink()
    config = json.loads((folder / "config.json").read_text())
    config.update(normalize_before=True, forced_bos_token_id=generation["forced_bos_token_id"],
                  forced_eos_token_id=generation["forced_eos_token_id"])
    (folder / "config.json").write_text(json.dumps(config))

    torch_engine = Seq2SeqEngine(str(folder), device="cpu", generation=GREEDY)
    assert torch_engine.loaded.model.generation_config.forced_bos_token_id == generation["forced_bos_token_id"]
    converted = ct2.CTranslate2Engine(str(folder), device="cpu", generation=GREEDY, compute_type="float32")
    cached = ct2.CTranslate2Engine(str(folder), device="cpu", generation=GREEDY, compute_type="float32")
    assert converted.forced == cached.forced == {k: generation[k] for k in ("forced_bos_token_id", "forced_eos_token_id")}
    prompts = ["The ministry denied the report on Tuesday.", "North Korea has flatly denied continued allegations."]
    expected = torch_engine._generate(prompts, torch_engine.settings["summary"])
    assert converted._generate(prompts, converted.settings["summary"]) == expected
    assert cached._generate(prompts, cached.settings["summary"]) == expected
