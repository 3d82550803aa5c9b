"""The seq2seq engine: any Hugging Face encoder-decoder (flan-t5 by default) driven by ``generate``.

Prompts from every article of a batch are tokenized once, sorted by length and generated in
dynamically padded batches, then put back in input order. Articles longer than the model's input
window are never truncated: they are split at sentence boundaries (the shared spaCy pipeline's, see
:mod:`summarize.chunking`) into chunks that fit, each chunk is summarized, and the chunk summaries are
combined (repeatedly, if even they do not fit).

An answer prompt carries at most ``answer_context_tokens`` tokens of the article (default 256, a
few hundred): the whole article when it is that short, else its lede and the passages most relevant
to the question, in article order. Most of a job's compute is the encoder over its prompts, and five
questions over a whole 512-token window cost several times the summary. The questions of one article
share a batch, and when summaries and answers decode alike, ``summarize_and_answer`` runs both in one
pass.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any

from summarize.chunking import pack, pack_groups, sentences, split_many
from summarize.engines.base import Engine
from summarize.engines.loading import DEFAULT_MODEL, load_model
from summarize.engines.profiles import ModelProfile, check_profile, resolve_profile
from summarize.errors import ConfigError
from summarize.prompts import Prompt, PromptSet, load_prompts
from summarize.records import Answer, Article, Summary
from summarize.relevance import best_evidence, rank, terms

#: Deterministic decoding by default: beam search with fixed lengths and no repeated trigrams.
DEFAULT_GENERATION: dict[str, dict[str, Any]] = {
    "summary": {
        "num_beams": 4, "do_sample": False, "max_new_tokens": 128, "min_new_tokens": 24,
        "no_repeat_ngram_size": 3, "length_penalty": 1.0, "early_stopping": True,
    },
    "answer": {
        "num_beams": 4, "do_sample": False, "max_new_tokens": 48, "min_new_tokens": 1,
        "no_repeat_ngram_size": 3, "length_penalty": 1.0, "early_stopping": True,
    },
}
#: Article tokens an answer prompt carries at most: the question's most relevant passages, not the
#: whole window (five whole-window answers cost several times the summary, for little gain).
DEFAULT_ANSWER_CONTEXT_TOKENS = 256
#: Question words that say what kind of answer is wanted, not where it is (stemmed as ``terms`` does).
_GENERIC_QUESTION_TERMS = frozenset(terms("happen happened happens happening involved involve involves occur occurred take took taken place"))
_NO_ANSWER = {"", "unanswerable", "unknown", "no answer", "none", "not stated", "not mentioned", "n/a"}


def plan_batches(
    lengths: Sequence[int], fits: Callable[[int, int], bool], groups: Sequence[Hashable] | None = None
) -> list[list[int]]:
    """Prompt indices in batches, longest first. ``fits(count, longest)`` says whether a batch of
    ``count`` prompts padded to ``longest`` tokens is allowed. Prompts of one group (one article's
    questions) go into one batch: groups come longest first, a group joins the current batch when
    all of it fits, else it starts the next one, and only a group too big for any batch is split.
    Without groups every prompt is its own group: plain length-sorted batches."""
    members: dict[Hashable, list[int]] = {}
    for i in range(len(lengths)):
        members.setdefault(groups[i] if groups is not None else i, []).append(i)
    ordered = [sorted(m, key=lambda i: (-lengths[i], i)) for m in members.values()]
    ordered.sort(key=lambda m: (-lengths[m[0]], m[0]))
    batches: list[list[int]] = []
    for group in ordered:
        last = batches[-1] if batches else None
        if last and fits(len(last) + len(group), max(lengths[last[0]], lengths[group[0]])):
            last.extend(group)
            continue
        batch: list[int] = []
        for i in group:
            if batch and not fits(len(batch) + 1, lengths[batch[0]]):
                batches.append(batch)
                batch = []
            batch.append(i)
        batches.append(batch)
    return batches


def generation_settings(overrides: Mapping[str, Any] | None = None) -> dict[str, dict[str, Any]]:
    """Defaults plus overrides. A plain key (``num_beams``) sets both the summary and the answer
    settings; ``summary.KEY`` or ``answer.KEY`` sets one. Keys must be ``GenerationConfig`` fields."""
    from transformers import GenerationConfig

    known = set(GenerationConfig().to_dict())
    settings = {task: dict(values) for task, values in DEFAULT_GENERATION.items()}
    for key, value in (overrides or {}).items():
        task, _, name = key.rpartition(".")
        targets = [task] if task else list(settings)
        if task and task not in settings:
            raise ConfigError(f"generation setting {key!r}: prefix must be 'summary.' or 'answer.'")
        if name not in known:
            raise ConfigError(f"unknown generation setting {name!r} (see transformers.GenerationConfig)")
        for target in targets:
            settings[target][name] = value
    for task, values in settings.items():
        if values.get("min_new_tokens", 0) > values.get("max_new_tokens", 1):
            raise ConfigError(f"{task}: min_new_tokens ({values['min_new_tokens']}) exceeds max_new_tokens ({values['max_new_tokens']})")
        if values.get("num_beams", 1) < 1:
            raise ConfigError(f"{task}: num_beams must be at least 1")
        if values.get("num_beams", 1) == 1:
            values.pop("early_stopping", None)  # only meaningful for beam search
    return settings


class Seq2SeqEngine(Engine):
    """Summaries and answers from a local or hub seq2seq model (see ``load_model``)."""

    name = "seq2seq"

    def __init__(
        self,
        model: str | None = None,
        *,
        revision: str | None = None,
        device: str = "auto",
        prompts: PromptSet | None = None,
        generation: Mapping[str, Any] | None = None,
        batch_size: int = 8,
        max_input_tokens: int | None = None,
        answer_context_tokens: int | None = DEFAULT_ANSWER_CONTEXT_TOKENS,
        model_profile: str = "auto",
    ) -> None:
        """``answer_context_tokens``: article tokens an answer prompt carries at most (None: as
        many as the input window holds). ``model_profile``: ``instruct``, ``summarizer`` or
        ``auto`` (see :mod:`summarize.engines.profiles`)."""
        self._configure(prompts, generation, batch_size, max_input_tokens, answer_context_tokens, model_profile)
        self.loaded = load_model(model or DEFAULT_MODEL, revision=revision, device=device)
        self.tokenizer = self.loaded.tokenizer
        self.window = max_input_tokens or self.loaded.max_input_tokens
        self._use_profile()

    def _configure(
        self, prompts: PromptSet | None, generation: Mapping[str, Any] | None, batch_size: int,
        max_input_tokens: int | None, answer_context_tokens: int | None, model_profile: str = "auto",
    ) -> None:
        """Check and keep the settings every backend shares."""
        self._asked_profile = check_profile(model_profile)
        if batch_size < 1:
            raise ConfigError(f"batch size must be at least 1, got {batch_size}")
        if max_input_tokens is not None and max_input_tokens < 64:
            raise ConfigError(f"max input tokens must be at least 64, got {max_input_tokens}")
        if answer_context_tokens is not None and answer_context_tokens < 16:
            raise ConfigError(f"answer context tokens must be at least 16, got {answer_context_tokens}")
        self.prompts = prompts or load_prompts()
        self.settings = generation_settings(generation)
        self.batch_size = batch_size
        self.answer_context_tokens = answer_context_tokens

    def _use_profile(self) -> None:
        """Settle the model profile once the model (id and config) is known. A summarizer gets the
        bare text instead of the summary and combine prompts, and the offline reader answers."""
        self.profile: ModelProfile = resolve_profile(self._asked_profile, self.loaded.model_id, self.loaded.config)
        self._summary_prompt, self._combine_prompt = self.profile.summary_prompts(self.prompts)
        self.reader: Any = None
        if self.profile.summarizer:
            from summarize.offline.engine import OfflineEngine

            self.name = "seq2seq+offline"
            self.reader = OfflineEngine()

    @property
    def warnings(self) -> list[str]:
        warning = self.profile.warning()
        return [warning] if warning else []

    def prompts_meta(self, prompts: PromptSet) -> dict[str, dict[str, str]]:
        return self.profile.prompts_meta(prompts)

    @property
    def analyses(self) -> Any:
        """The offline reader's readings (so ``--claims`` reads nothing twice), when it answers."""
        return self.reader.analyses if self.reader is not None else None

    @property
    def model(self) -> dict[str, str | None]:
        return {"id": self.loaded.model_id, "revision": self.loaded.revision}

    @property
    def generation(self) -> dict[str, Any]:
        return {
            **{task: dict(values) for task, values in self.settings.items()},
            "max_input_tokens": self.window,
            "answer_context_tokens": self.answer_context_tokens,
            "batch_size": self.batch_size,
            "device": self.loaded.device,
            "backend": "torch",
            "model_profile": self.profile.name,
        }

    # -- summaries -------------------------------------------------------------------------

    def summarize(self, articles: list[Article]) -> list[Summary]:
        pieces, lengths = self._summary_pieces(articles)
        partial = self._run_jobs(self._summary_prompt, pieces, self.settings["summary"])
        return self._summaries(pieces, lengths, partial)

    def summary_candidates(self, articles: list[Article], n: int) -> list[list[str]]:
        """Up to ``n`` alternative summaries per article, best first (the top ``n`` beams), for the
        guard to choose from; an article over the input window (summarized in chunks) gets none."""
        pieces, _ = self._summary_pieces(articles)
        whole = [i for i, chunks in enumerate(pieces) if len(chunks) == 1]
        settings = dict(self.settings["summary"])
        settings.update(num_beams=max(n, settings.get("num_beams", 1)), num_return_sequences=n, do_sample=False)
        settings.setdefault("early_stopping", True)
        found = self._candidates([self._summary_prompt.render(text=pieces[i][0]) for i in whole], settings, n)
        out: list[list[str]] = [[] for _ in articles]
        for i, options in zip(whole, found):
            out[i] = list(dict.fromkeys(o for o in options if o.strip()))
        return out

    def _candidates(self, prompts: list[str], settings: dict[str, Any], n: int) -> list[list[str]]:
        """``n`` outputs per prompt (``settings`` ask for ``num_return_sequences=n``), best first."""
        if not prompts:
            return []
        import torch

        encoded = self.tokenizer(prompts, truncation=True, max_length=self.window)["input_ids"]
        results: list[list[str]] = [[] for _ in prompts]
        fits = lambda count, longest: count * n <= max(self.batch_size, n)  # noqa: E731
        for batch in plan_batches([len(ids) for ids in encoded], fits):
            padded = self.tokenizer.pad({"input_ids": [encoded[i] for i in batch]}, return_tensors="pt")
            padded = {name: tensor.to(self.loaded.device) for name, tensor in padded.items()}
            with torch.inference_mode():
                generated = self.loaded.model.generate(**padded, **settings)
            texts = [" ".join(t.split()) for t in self.tokenizer.batch_decode(generated, skip_special_tokens=True)]
            for j, i in enumerate(batch):
                results[i] = texts[j * n : (j + 1) * n]
        return results

    def _summary_pieces(self, articles: list[Article]) -> tuple[list[list[str]], list[int]]:
        """Each article's text as one piece, or its window-sized chunks; and its token count."""
        budget = self._budget(self._summary_prompt)
        lengths = self.count_tokens([a.text for a in articles])
        pieces = [
            [a.text] if n <= budget else self._chunks(a.text, budget) for a, n in zip(articles, lengths)
        ]
        return pieces, lengths

    def _summaries(self, pieces: list[list[str]], lengths: list[int], partial: list[list[str]]) -> list[Summary]:
        """Summaries from the first pass's outputs: chunk summaries combined, warnings added."""
        warnings: list[list[str]] = [[] for _ in pieces]
        for i, chunks in enumerate(pieces):
            if len(chunks) > 1:
                warnings[i].append(
                    f"article is {lengths[i]} tokens, over the {self.window}-token input window: "
                    f"summarized {len(chunks)} chunks split at sentence boundaries, then combined"
                )
        self._combine(partial, warnings)
        return [
            Summary(text=parts[0], chunked=len(chunks) > 1, warnings=warn)
            for parts, chunks, warn in zip(partial, pieces, warnings)
        ]

    def _combine(self, partial: list[list[str]], warnings: list[list[str]]) -> None:
        """Merge each article's chunk summaries until one remains (map-reduce, in rounds)."""
        budget = self._budget(self._combine_prompt)
        pending = [i for i, parts in enumerate(partial) if len(parts) > 1]
        while pending:
            groups: list[list[str]] = [[] for _ in partial]
            for i in pending:
                grouped = pack(partial[i], self._count_one, budget)
                if len(grouped) >= len(partial[i]):
                    # Each summary fills the window alone (max_new_tokens close to the window):
                    # merge everything in one pass and let the tokenizer cut the tail, loudly.
                    grouped = [" ".join(partial[i])]
                    warnings[i].append("chunk summaries did not fit the input window; their tail was cut")
                groups[i] = grouped
            merged = self._run_jobs(self._combine_prompt, groups, self.settings["summary"], only=pending)
            for i in pending:
                partial[i] = merged[i]
            pending = [i for i in pending if len(partial[i]) > 1]

    # -- answers ---------------------------------------------------------------------------

    def answer(self, questions: list[tuple[Article, str]]) -> list[Answer]:
        if self.reader is not None:  # a summarizer cannot answer: the offline reader does
            return self.reader.answer(questions)
        contexts = self._answer_contexts(questions)
        prompts = self._answer_prompts(questions, contexts)
        outputs = self._generate(prompts, self.settings["answer"], groups=[id(a) for a, _ in questions])
        return self._answers(questions, contexts, outputs)

    def summarize_and_answer(
        self, articles: list[Article], questions: list[tuple[Article, str]]
    ) -> tuple[list[Summary], list[Answer]]:
        """``summarize(articles)`` and ``answer(questions)``; in one generate pass, each article's
        summary batched with its questions, when the model answers (not the offline reader) and
        summaries and answers decode alike (the backend takes one set of decoding settings per
        call), else in two."""
        if self.reader is not None or self._decoding(self.settings["summary"]) != self._decoding(self.settings["answer"]):
            return self.summarize(articles), self.answer(questions)
        pieces, lengths = self._summary_pieces(articles)
        contexts = self._answer_contexts(questions)
        owners = [i for i, chunks in enumerate(pieces) for _ in chunks]
        prompts = [self._summary_prompt.render(text=t) for chunks in pieces for t in chunks]
        prompts += self._answer_prompts(questions, contexts)
        groups = [id(articles[i]) for i in owners] + [id(a) for a, _ in questions]
        outputs = self._generate(prompts, self.settings["summary"], groups=groups)
        partial: list[list[str]] = [[] for _ in articles]
        for owner, output in zip(owners, outputs):
            partial[owner].append(output)
        return self._summaries(pieces, lengths, partial), self._answers(questions, contexts, outputs[len(owners):])

    def _decoding(self, settings: Mapping[str, Any]) -> str:
        """What decides how this backend decodes: prompts generated with equal keys can share a call."""
        return json.dumps(dict(settings), sort_keys=True, default=repr)

    def _answer_contexts(self, questions: list[tuple[Article, str]]) -> list[tuple[str, list[str] | None, bool]]:
        """Per (article, question): the article text the answer prompt carries, the sentences
        evidence is picked from (None: the whole article's), and whether the article was over the
        input window. An article within ``answer_context_tokens`` (and the window) goes whole;
        a longer one is cut into passages, and its lede and the passages most relevant to the
        question that fit go, in article order."""
        lengths: dict[int, int] = {}
        budgets: dict[str, int] = {}
        passages: dict[tuple[int, int], list[list[str]]] = {}
        contexts: list[tuple[str, list[str] | None, bool]] = []
        for article, question in questions:
            key = id(article)
            if key not in lengths:
                lengths[key] = self.count_tokens([article.text])[0]
            if question not in budgets:
                budgets[question] = self._budget(self.prompts.answer, question=question)
            window = budgets[question]
            budget = min(window, self.answer_context_tokens or window)
            if lengths[key] <= budget:
                contexts.append((article.text, None, False))
                continue
            # Passages a third of the budget long, so the lede and two or more relevant ones fit.
            size = max(budget // 3, 16)
            if (key, size) not in passages:
                passages[key, size] = self._sentence_groups(article.text, size)
            chosen = self._relevant_passages(passages[key, size], question, budget)
            contexts.append((" ".join(" ".join(group) for group in chosen), [s for group in chosen for s in group],
                             lengths[key] > window))
        return contexts

    def _answer_prompts(self, questions: list[tuple[Article, str]], contexts: list[tuple[str, list[str] | None, bool]]) -> list[str]:
        return [self.prompts.answer.render(text=c, question=q) for (c, _, _), (_, q) in zip(contexts, questions)]

    def _answers(
        self, questions: list[tuple[Article, str]], contexts: list[tuple[str, list[str] | None, bool]], outputs: list[str]
    ) -> list[Answer]:
        """Answers from the generated outputs, each with its evidence sentences."""
        whole = list(dict.fromkeys(c for c, found, _ in contexts if found is None))
        split = dict(zip(whole, split_many(whole)))  # every article's sentences, parsed in one batch
        answers = []
        for (_, question), (context, found, chunked), output in zip(questions, contexts, outputs):
            if output.strip(" .!\"'").lower() in _NO_ANSWER:
                reason = "the model found no answer in the article"
                answers.append(Answer(question, None, [], reason=reason, chunked=chunked))
                continue
            evidence = best_evidence(output, question, split[context] if found is None else found)
            answers.append(Answer(question, output, evidence, chunked=chunked))
        return answers

    def _relevant_passages(self, passages: list[list[str]], question: str, budget: int) -> list[list[str]]:
        """The lede (first passage) and the passages (sentence groups) most relevant to
        ``question`` that fit ``budget``, in article order. The lede goes first: it is where news
        says what happened, who, when and where, which plain word overlap does not find."""
        texts = [" ".join(group) for group in passages]
        sizes = self.count_tokens(texts)
        chosen, used = [], 0
        # Words every news question could ask ("what happened", "who was involved") match whichever
        # passage repeats them, not the one that answers: with only those, article order decides.
        topical = [t for t in terms(question) if t not in _GENERIC_QUESTION_TERMS]
        for index in [0, *(i for i, _ in rank(topical, texts) if i != 0)]:
            if used + sizes[index] <= budget:
                chosen.append(index)
                used += sizes[index]
        return [passages[i] for i in sorted(chosen)]

    # -- batching --------------------------------------------------------------------------

    def count_tokens(self, texts: list[str]) -> list[int]:
        if not texts:
            return []
        return [len(ids) for ids in self.tokenizer(texts, add_special_tokens=False)["input_ids"]]

    def _count_one(self, text: str) -> int:
        return self.count_tokens([text])[0]

    def _budget(self, prompt: Prompt, **fields: str) -> int:
        """Tokens left for the article text once the template (and question) are in."""
        empty = prompt.render(**{"text": "", **fields})
        overhead = len(self.tokenizer(empty)["input_ids"])
        budget = self.window - overhead - max(4, self.window // 50)  # margin: joins may add tokens
        if budget < 16:
            raise ConfigError(
                f"prompt {prompt.id!r} leaves only {budget} tokens of a {self.window}-token window for the article"
            )
        return budget

    def _chunks(self, text: str, budget: int) -> list[str]:
        """``text`` cut at sentence boundaries into chunks of at most ``budget`` tokens."""
        return [" ".join(group) for group in self._sentence_groups(text, budget)]

    def _sentence_groups(self, text: str, budget: int) -> list[list[str]]:
        """The sentences of ``text`` grouped into runs of at most ``budget`` tokens (a sentence over
        the budget is cut at word boundaries into groups of its own)."""
        found = sentences(text)
        sizes = dict(zip(found, self.count_tokens(found)))
        counter: Callable[[str], int] = lambda s: sizes[s] if s in sizes else self._count_one(s)
        return pack_groups(found, counter, budget)

    def _run_jobs(
        self, prompt: Prompt, texts: list[list[str]], settings: dict[str, Any], only: list[int] | None = None
    ) -> list[list[str]]:
        """Render ``prompt`` over every text of every article, generate in one pass, regroup."""
        owners = [i for i in (only if only is not None else range(len(texts))) for _ in texts[i]]
        prompts = [prompt.render(text=t) for i in (only if only is not None else range(len(texts))) for t in texts[i]]
        outputs = self._generate(prompts, settings)
        grouped: list[list[str]] = [[] for _ in texts]
        for owner, output in zip(owners, outputs):
            grouped[owner].append(output)
        return grouped

    def _generate(
        self, prompts: list[str], settings: dict[str, Any], groups: Sequence[Hashable] | None = None
    ) -> list[str]:
        """Generate for every prompt: longest first in dynamically padded batches of at most
        ``batch_size``, the prompts of one group (article) together; in input order out."""
        import torch

        if not prompts:
            return []
        encoded = self.tokenizer(prompts, truncation=True, max_length=self.window)["input_ids"]
        results = [""] * len(prompts)
        fits = lambda count, longest: count <= self.batch_size  # noqa: E731
        for batch in plan_batches([len(ids) for ids in encoded], fits, groups):
            padded = self.tokenizer.pad({"input_ids": [encoded[i] for i in batch]}, return_tensors="pt")
            padded = {name: tensor.to(self.loaded.device) for name, tensor in padded.items()}
            with torch.inference_mode():
                generated = self.loaded.model.generate(**padded, **settings)
            for i, text in zip(batch, self.tokenizer.batch_decode(generated, skip_special_tokens=True)):
                results[i] = " ".join(text.split())
        return results
