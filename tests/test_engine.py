"""The seq2seq engine and the Summarizer API, driven through a real (tiny, random) T5."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from summarize import Article, ModelNotFoundError, Summarizer
from summarize.engines.seq2seq import DEFAULT_ANSWER_CONTEXT_TOKENS, generation_settings, plan_batches
from summarize.errors import ConfigError
from summarize.prompts import default_prompt_dir, load_prompts
from summarize.chunking import pack, paragraphs
from summarize.offline import nlp

from .conftest import FAST, ROOT

CONTRACT = {
    "id", "source", "title", "date", "dateline", "engine", "model", "prompts", "generation",
    "summary", "answers", "chunked", "warnings",
}


@pytest.fixture(scope="module")
def summarizer(tiny_model):
    """This module drives the torch backend itself (``auto`` picks CTranslate2: tests/test_ct2.py),
    unguarded: it tests what the engine writes (the guard: tests/test_guard.py)."""
    return Summarizer(model=str(tiny_model), device="cpu", generation=FAST, batch_size=4, backend="torch", guard="off")


def _article(id: str, sentences: int, seed_text: str) -> Article:
    body = " ".join(nlp.sentences(Article.from_text(seed_text).text)[:sentences])
    return Article(id=id, text=body, source=f"test:{id}")


@pytest.fixture
def spy_generate(summarizer, monkeypatch):
    """Record the shape of every batch handed to model.generate."""
    model = summarizer.engine.loaded.model
    calls: list[tuple[int, int, list[int]]] = []
    original = model.generate

    def spy(**kwargs):
        mask = kwargs["attention_mask"]
        calls.append((mask.shape[0], mask.shape[1], mask.sum(dim=1).tolist()))
        return original(**kwargs)

    monkeypatch.setattr(model, "generate", spy)
    return calls


def test_result_follows_the_output_contract(summarizer, seed_text):
    article = Article.from_text(seed_text, id="seed", source="seed.txt")
    result = next(summarizer.run([article]))
    data = result.to_dict()
    assert set(data) == CONTRACT
    assert data["engine"] == "seq2seq"
    assert data["date"] == "2022-12-23" and data["dateline"] == "Seoul/Washington, Dec 23"
    assert data["model"]["id"] == str(summarizer.engine.loaded.model_id)
    assert re.fullmatch(r"sha256:[0-9a-f]{16}", data["model"]["revision"])
    for name in ("summary", "combine", "answer", "questions"):
        expected = hashlib.sha256((default_prompt_dir() / f"{name}.txt").read_bytes()).hexdigest()
        assert data["prompts"][name] == {"id": name, "sha256": expected}
    assert data["generation"]["summary"]["max_new_tokens"] == FAST["max_new_tokens"]
    assert data["generation"]["answer"]["num_beams"] == FAST["num_beams"]
    assert data["generation"]["max_input_tokens"] == 512
    assert isinstance(data["summary"], str) and data["summary"]
    asked = [a["question"] for a in data["answers"]]
    assert asked == load_prompts().default_questions
    assert "Who denied what?" in asked
    for answer in data["answers"]:
        assert set(answer) >= {"question", "answer", "evidence"}
        assert all(sentence in article.text for sentence in answer["evidence"])
    assert any("boilerplate" in w for w in data["warnings"])


def test_decoding_is_deterministic(summarizer, seed_text):
    articles = [_article(f"a{i}", 2 + i, seed_text) for i in range(3)]
    first = [r.to_dict() for r in summarizer.run(articles)]
    second = [r.to_dict() for r in summarizer.run(articles)]
    assert first == second


def test_batches_are_length_sorted_dynamically_padded_and_order_restored(summarizer, seed_text, spy_generate):
    lengths = [5, 1, 8, 3, 2, 7, 4, 6, 9]
    articles = [_article(f"n{n}", n, seed_text) for n in lengths]
    results = list(summarizer.run(articles, questions=["Who denied what?"]))
    assert [r.id for r in results] == [a.id for a in articles]

    summary_batches = spy_generate[: -(-len(articles) // summarizer.batch_size)]
    widths = [width for _, width, _ in summary_batches]
    assert widths == sorted(widths, reverse=True), "longest prompts first"
    for size, width, real in summary_batches:
        assert size <= summarizer.batch_size
        assert width == max(real) < 512, "padded to the longest prompt in the batch, not the window"

    # Each article's result does not depend on where it sat in the input.
    shuffled = list(reversed(articles))
    again = {r.id: r.to_dict() for r in summarizer.run(shuffled, questions=["Who denied what?"])}
    assert all(again[r.id] == r.to_dict() for r in results)


def test_long_article_is_chunked_at_sentences_never_truncated(summarizer, seed_text, spy_generate):
    body = Article.from_text(seed_text).text
    article = Article(id="long", text="\n\n".join([body] * 6), source="test:long")
    chunks = summarizer.engine._chunks(article.text, summarizer.engine._budget(summarizer.prompts.summary))
    assert len(chunks) > 1
    assert " ".join(chunks).split() == article.text.split(), "every word is in exactly one chunk"
    # Each chunk is a run of whole, consecutive sentences of the article (spaCy's), in order.
    sentences, position = nlp.sentences(article.text), 0
    for chunk in chunks:
        run: list[str] = []
        while " ".join(run) != chunk:
            assert position < len(sentences) and len(" ".join(run)) < len(chunk), f"not cut at a sentence end: {chunk[-80:]!r}"
            run.append(sentences[position])
            position += 1
    assert position == len(sentences)

    result = next(summarizer.run([article], questions=["Who denied what?"]))
    assert result.chunked and result.ok
    assert any("chunks" in w and "input window" in w for w in result.warnings)
    assert all(width <= 512 for _, width, _ in spy_generate)
    assert result.answers[0].evidence and all(e in article.text for e in result.answers[0].evidence)


def test_pack_fills_windows_in_order_and_cuts_only_an_over_long_sentence():
    words = lambda text: len(text.split())  # noqa: E731
    pieces = ["a b c", "d e", "f g h i", "j", "k l m n o p q r s t u", "v w"]
    chunks = pack(pieces, words, 5)
    assert chunks == ["a b c d e", "f g h i j", "k l m n o", "p q r s t", "u", "v w"]
    assert all(words(c) <= 5 for c in chunks) and " ".join(chunks).split() == " ".join(pieces).split()
    assert pack(pieces, words, 5, joiner="\n")[0] == "a b c\nd e"
    with pytest.raises(ValueError):
        pack(pieces, words, 0)


def test_a_paragraph_too_long_for_one_parse_is_cut_before_parsing():
    sentence = "The council met on Monday and voted on the plan. "
    text = "Short first paragraph.\n\n" + sentence * 5000 + "\n \nLast one."
    parts = paragraphs(text)
    assert parts[0] == "Short first paragraph." and parts[-1] == "Last one."
    assert len(parts) > 3 and all(len(p) <= 100_000 for p in parts)
    assert all(p.endswith(".") for p in parts), "cut after a sentence end"
    assert " ".join(parts).split() == text.split()


def test_five_megabyte_article_is_chunked_not_crashed(tiny_model, seed_text):
    body = Article.from_text(seed_text).text
    big = ("\n\n".join([body] * (5_000_000 // len(body) + 1)))[:5_000_000]
    quick = Summarizer(model=str(tiny_model), device="cpu", batch_size=16,
                       generation={"max_new_tokens": 4, "min_new_tokens": 1, "num_beams": 1})
    result = next(quick.run([Article(id="big", text=big, source="test:big")], questions=["Who denied what?"]))
    assert result.ok and result.chunked and result.summary
    assert result.answers[0].chunked


def test_answer_api_and_abstention(summarizer, seed_text, monkeypatch):
    answer = summarizer.answer(seed_text, "Who denied what?")
    assert answer.question == "Who denied what?"
    assert isinstance(answer.answer, str)
    monkeypatch.setattr(summarizer.engine, "_generate", lambda prompts, settings, **_: ["Unanswerable."] * len(prompts))
    none = summarizer.answer(seed_text, "What did the Pope say?")
    assert none.answer is None and none.reason and none.evidence == []
    assert none.to_dict() == {"question": "What did the Pope say?", "answer": None, "evidence": [], "reason": none.reason}


def test_summarize_api_takes_text_or_article(summarizer, seed_text):
    from_text = summarizer.summarize(seed_text)
    from_article = summarizer.summarize(Article.from_text(seed_text))
    assert str(from_text) == from_text.text == from_article.text


def test_one_failing_article_does_not_sink_the_batch(summarizer, seed_text, monkeypatch):
    articles = [_article(f"ok{i}", 2 + i, seed_text) for i in range(3)]
    articles.insert(1, Article(id="poison", text="POISON sentence here.", source="test:poison"))
    real = summarizer.engine._generate

    def flaky(prompts, settings, groups=None):
        if any("POISON" in p for p in prompts):
            raise RuntimeError("CUDA out of memory (simulated)")
        return real(prompts, settings, groups=groups)

    monkeypatch.setattr(summarizer.engine, "_generate", flaky)
    results = list(summarizer.run(articles))
    assert [r.id for r in results] == ["ok0", "poison", "ok1", "ok2"]
    assert [r.ok for r in results] == [True, False, True, True]
    assert "out of memory" in results[1].error and "error" in results[1].to_dict()


def test_questions_replace_defaults_and_article_questions_are_added(summarizer, seed_text):
    article = Article.from_text(seed_text, id="q")
    article.questions = ["Who owns the Wagner Group?"]
    result = next(summarizer.run([article], questions=["Who denied what?"]))
    assert [a.question for a in result.answers] == ["Who denied what?", "Who owns the Wagner Group?"]
    with pytest.raises(ConfigError, match="question is empty"):
        next(summarizer.run([article], questions=["  "]))


def test_missing_model_fails_fast_with_one_clear_line(tmp_path):
    with pytest.raises(ModelNotFoundError) as error:
        Summarizer(engine="seq2seq", model="nobody/no-such-model")
    message = str(error.value)
    assert "nobody/no-such-model" in message and "--model" in message and "\n" not in message

    with pytest.raises(ModelNotFoundError, match="no such folder"):
        Summarizer(engine="seq2seq", model=str(tmp_path / "missing" / "model" / "dir"))

    pickled = tmp_path / "pickled"
    pickled.mkdir()
    (pickled / "config.json").write_text('{"model_type": "t5"}')
    (pickled / "pytorch_model.bin").write_bytes(b"\x80\x02")
    with pytest.raises(ModelNotFoundError, match="safetensors"):
        Summarizer(engine="seq2seq", model=str(pickled))


def test_model_is_loaded_once_per_process(tiny_model, summarizer):
    again = Summarizer(model=str(tiny_model), device="cpu", generation=FAST, backend="torch")
    assert again.engine.loaded is summarizer.engine.loaded


def test_generation_settings_validation():
    settings = generation_settings({"num_beams": 1, "summary.max_new_tokens": 60})
    assert settings["summary"]["num_beams"] == settings["answer"]["num_beams"] == 1
    assert settings["summary"]["max_new_tokens"] == 60 and settings["answer"]["max_new_tokens"] == 48
    assert "early_stopping" not in settings["summary"]
    with pytest.raises(ConfigError, match="unknown generation setting"):
        generation_settings({"beams": 2})
    with pytest.raises(ConfigError, match="prefix"):
        generation_settings({"title.num_beams": 2})
    with pytest.raises(ConfigError, match="min_new_tokens"):
        generation_settings({"min_new_tokens": 200})


def test_custom_prompt_folder_is_used_and_recorded(tmp_path, tiny_model, seed_text):
    for path in default_prompt_dir().iterdir():
        (tmp_path / path.name).write_bytes(path.read_bytes())
    (tmp_path / "summary.txt").write_text("Summarize neutrally: {text}\nSummary:", encoding="utf-8")
    custom = Summarizer(model=str(tiny_model), device="cpu", generation=FAST, prompts=tmp_path)
    result = next(custom.run([seed_text], questions=["Who denied what?"]))
    assert result.prompts["summary"]["sha256"] == hashlib.sha256((tmp_path / "summary.txt").read_bytes()).hexdigest()

    (tmp_path / "answer.txt").write_text("Answer {question}", encoding="utf-8")
    with pytest.raises(ConfigError, match="answer.txt"):
        load_prompts(tmp_path)


def test_prompts_are_files_in_the_repository():
    assert default_prompt_dir().resolve() in {(ROOT / "prompts").resolve(), default_prompt_dir().resolve()}
    assert "Who denied what?" in load_prompts().default_questions


def test_unknown_engine_and_bad_device_are_config_errors(tiny_model):
    with pytest.raises(ConfigError, match="unknown engine"):
        Summarizer(engine="gpt", model=str(tiny_model))
    with pytest.raises(ConfigError, match="device"):
        Summarizer(model=str(tiny_model), device="tpu")


def test_auto_uses_seq2seq_when_weights_load_and_offline_otherwise(tiny_model, seed_text):
    assert Summarizer(engine="auto", model=str(tiny_model), generation=FAST).engine.name == "seq2seq"
    fallback = Summarizer(engine="auto", model="nobody/no-such-model")
    assert fallback.engine.name == "offline"
    assert "nobody/no-such-model" in fallback.notice
    result = next(fallback.run([seed_text]))
    assert result.engine == "offline" and result.model is None
    assert result.warnings[0] == fallback.notice


def test_answer_prompts_carry_the_lede_and_the_most_relevant_passages(summarizer, seed_text):
    engine = summarizer.engine
    assert engine.answer_context_tokens == DEFAULT_ANSWER_CONTEXT_TOKENS
    assert engine.generation["answer_context_tokens"] == DEFAULT_ANSWER_CONTEXT_TOKENS
    assert engine.generation["backend"] == "torch"
    sentences = nlp.sentences(Article.from_text(seed_text).text)
    short = Article(id="short", text=" ".join(sentences[:2]), source="test:short")
    # Over the answer context, within the window.
    n = next(n for n in range(len(sentences)) if engine.count_tokens([" ".join(sentences[:n])])[0] > DEFAULT_ANSWER_CONTEXT_TOKENS + 60)
    article = Article(id="seed", text=" ".join(sentences[:n]), source="test:seed")
    assert engine.count_tokens([article.text])[0] <= engine._budget(engine.prompts.answer, question="Who denied what?")

    pairs = [(short, "Who denied what?"), (article, "Who denied what?"), (article, "When did it happen?")]
    (whole, none, over), (denied, found, chunked), (when, _, _) = engine._answer_contexts(pairs)
    assert whole == short.text and none is None and not over, "a short article goes whole"
    assert not chunked, "within the window: not a chunked answer"
    assert engine.count_tokens([denied])[0] <= DEFAULT_ANSWER_CONTEXT_TOKENS
    assert found and denied == " ".join(found) and article.text.startswith(found[0]), "the lede leads"
    positions = [article.text.index(s) for s in found]
    assert positions == sorted(positions), "passages keep article order"
    assert any(re.search(r"\bden(y|ied|ies)\b", s) for s in found[1:]), "a passage with the denial is picked"
    assert when != denied, "each question gets its own passages"

    answers = engine.answer(pairs)
    assert all(e in found for e in answers[1].evidence), "evidence comes from what the model read"
    assert not any(a.chunked for a in answers)


def test_unchanged_answer_inputs_give_unchanged_answers(summarizer, seed_text):
    """Parity: an article within the answer context goes whole, exactly as when answers read the whole window."""
    engine = summarizer.engine
    sentences = nlp.sentences(Article.from_text(seed_text).text)
    articles = [Article(id=f"s{n}", text=" ".join(sentences[:n]), source=f"test:{n}") for n in (1, 2, 3)]
    assert max(engine.count_tokens([a.text for a in articles])) <= DEFAULT_ANSWER_CONTEXT_TOKENS
    pairs = [(a, q) for a in articles for q in load_prompts().default_questions]
    shipped = engine.answer(pairs)
    engine.answer_context_tokens = None
    try:
        assert [c for c, _, _ in engine._answer_contexts(pairs)] == [a.text for a, _ in pairs]
        window = engine.answer(pairs)
    finally:
        engine.answer_context_tokens = DEFAULT_ANSWER_CONTEXT_TOKENS
    assert [a.to_dict() for a in shipped] == [a.to_dict() for a in window]


def test_plan_batches_keeps_an_articles_prompts_together():
    by_count = lambda limit: (lambda count, longest: count <= limit)  # noqa: E731
    lengths = [50, 10, 40, 30, 20, 60, 5]
    # No groups: plain length-sorted batches.
    assert plan_batches(lengths, by_count(3)) == [[5, 0, 2], [3, 4, 1], [6]]
    groups = ["a", "a", "b", "b", "c", "c", "c"]
    assert plan_batches(lengths, by_count(4), groups) == [[5, 4, 6], [0, 1, 2, 3]], "groups whole, longest group first"
    assert plan_batches(lengths, by_count(2), groups) == [[5, 4], [6], [0, 1], [2, 3]], "only an oversized group is split"
    budget = lambda count, longest: count * longest <= 100  # noqa: E731
    assert plan_batches([60, 30, 30, 20], budget, [1, 1, 2, 2]) == [[0], [1, 2, 3]], "a group joins a split one's rest"


def test_questions_of_one_article_share_a_batch(summarizer, seed_text, monkeypatch):
    engine = summarizer.engine
    calls = []
    real = engine._generate

    def spy(prompts, settings, groups=None):
        calls.append(groups)
        return real(prompts, settings, groups=groups)

    monkeypatch.setattr(engine, "_generate", spy)
    articles = [_article(f"g{n}", n, seed_text) for n in (2, 6, 4)]
    results = list(summarizer.run(articles, questions=["Who denied what?", "When did it happen?"]))
    assert all(r.ok for r in results)
    # The answers are the last call's last 6 prompts (its summaries come first when they share a pass).
    assert calls[-1] is not None and len(calls[-1]) in (6, 9)
    answer_groups = calls[-1][-6:]
    assert len(set(answer_groups)) == 3 and answer_groups[0] == answer_groups[1] != answer_groups[2]
    assert set(calls[-1]) == set(answer_groups), "a summary in the same pass goes with its article's questions"


def test_summary_and_answers_share_one_pass_when_they_decode_alike(summarizer, seed_text, monkeypatch):
    engine = summarizer.engine
    articles = [_article(f"p{n}", n, seed_text) for n in (2, 5)]
    pairs = [(a, q) for a in articles for q in ("Who denied what?", "Where did it happen?")]
    apart = (engine.summarize(articles), engine.answer(pairs))
    assert engine.settings["summary"] == engine.settings["answer"]  # FAST sets both alike
    calls = []
    real = engine._generate
    monkeypatch.setattr(engine, "_generate", lambda p, s, groups=None: calls.append(len(p)) or real(p, s, groups=groups))
    together = engine.summarize_and_answer(articles, pairs)
    assert calls == [len(articles) + len(pairs)], "one pass for summaries and answers"
    assert together == apart, "the same outputs as two passes"

    calls.clear()
    monkeypatch.setitem(engine.settings, "answer", {**engine.settings["answer"], "max_new_tokens": 4})
    engine.summarize_and_answer(articles, pairs)
    assert calls == [len(articles), len(pairs)], "different decoding: two passes"
