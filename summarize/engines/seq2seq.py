"""The seq2seq engine: any Hugging Face encoder-decoder (flan-t5 by default) driven by ``generate``.

Prompts from every article of a batch are tokenized once, sorted by length and generated in
dynamically padded batches, then put back in input order. Articles longer than the model's input
window are never truncated: they are split at sentence boundaries (the shared spaCy pipeline's, see
:mod:`summarize.chunking`) into chunks that fit, each chunk is summarized, and the chunk summaries are
combined (repeatedly, if even they do not fit). Questions on a long article are answered from its most
relevant passages.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from summarize.chunking import pack, pack_groups, sentences, split_many
from summarize.engines.base import Engine
from summarize.engines.loading import DEFAULT_MODEL, load_model
from summarize.errors import ConfigError
from summarize.prompts import Prompt, PromptSet, load_prompts
from summarize.records import Answer, Article, Summary
from summarize.relevance import best_evidence, rank

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
_NO_ANSWER = {"", "unanswerable", "unknown", "no answer", "none", "not stated", "not mentioned", "n/a"}


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
    ) -> None:
        if batch_size < 1:
            raise ConfigError(f"batch size must be at least 1, got {batch_size}")
        if max_input_tokens is not None and max_input_tokens < 64:
            raise ConfigError(f"max input tokens must be at least 64, got {max_input_tokens}")
        self.prompts = prompts or load_prompts()
        self.settings = generation_settings(generation)
        self.batch_size = batch_size
        self.loaded = load_model(model or DEFAULT_MODEL, revision=revision, device=device)
        self.tokenizer = self.loaded.tokenizer
        self.window = max_input_tokens or self.loaded.max_input_tokens

    @property
    def model(self) -> dict[str, str | None]:
        return {"id": self.loaded.model_id, "revision": self.loaded.revision}

    @property
    def generation(self) -> dict[str, Any]:
        return {
            **{task: dict(values) for task, values in self.settings.items()},
            "max_input_tokens": self.window,
            "batch_size": self.batch_size,
            "device": self.loaded.device,
        }

    # -- summaries -------------------------------------------------------------------------

    def summarize(self, articles: list[Article]) -> list[Summary]:
        budget = self._budget(self.prompts.summary)
        lengths = self.count_tokens([a.text for a in articles])
        pieces = [
            [a.text] if n <= budget else self._chunks(a.text, budget) for a, n in zip(articles, lengths)
        ]
        partial = self._run_jobs(self.prompts.summary, pieces, self.settings["summary"])
        warnings: list[list[str]] = [[] for _ in articles]
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
        budget = self._budget(self.prompts.combine)
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
            merged = self._run_jobs(self.prompts.combine, groups, self.settings["summary"], only=pending)
            for i in pending:
                partial[i] = merged[i]
            pending = [i for i in pending if len(partial[i]) > 1]

    # -- answers ---------------------------------------------------------------------------

    def answer(self, questions: list[tuple[Article, str]]) -> list[Answer]:
        lengths: dict[int, int] = {}
        contexts: list[str] = []
        #: The sentences evidence is picked from: the article's, or those of the chosen passages.
        candidates: list[list[str] | None] = []
        chunked: list[bool] = []
        passages: dict[tuple[int, int], list[list[str]]] = {}
        for article, question in questions:
            key = id(article)
            if key not in lengths:
                lengths[key] = self.count_tokens([article.text])[0]
            budget = self._budget(self.prompts.answer, question=question)
            if lengths[key] <= budget:
                contexts.append(article.text)
                candidates.append(None)
                chunked.append(False)
                continue
            # Passages a third of the budget long, so several relevant ones fit together.
            size = max(budget // 3, 16)
            if (key, size) not in passages:
                passages[key, size] = self._sentence_groups(article.text, size)
            chosen = self._relevant_passages(passages[key, size], question, budget)
            contexts.append(" ".join(" ".join(group) for group in chosen))
            candidates.append([s for group in chosen for s in group])
            chunked.append(True)
        prompts = [self.prompts.answer.render(text=c, question=q) for c, (_, q) in zip(contexts, questions)]
        outputs = self._generate(prompts, self.settings["answer"])
        whole = list(dict.fromkeys(c for c, found in zip(contexts, candidates) if found is None))
        split = dict(zip(whole, split_many(whole)))  # every article's sentences, parsed in one batch
        answers = []
        for (_, question), context, found, output, was_chunked in zip(questions, contexts, candidates, outputs, chunked):
            if output.strip(" .!\"'").lower() in _NO_ANSWER:
                reason = "the model found no answer in the article"
                answers.append(Answer(question, None, [], reason=reason, chunked=was_chunked))
                continue
            evidence = best_evidence(output, question, split[context] if found is None else found)
            answers.append(Answer(question, output, evidence, chunked=was_chunked))
        return answers

    def _relevant_passages(self, passages: list[list[str]], question: str, budget: int) -> list[list[str]]:
        """The passages (sentence groups) most relevant to ``question`` that fit ``budget``, in
        article order."""
        texts = [" ".join(group) for group in passages]
        sizes = self.count_tokens(texts)
        chosen, used = [], 0
        for index, _ in rank(question, texts):
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

    def _generate(self, prompts: list[str], settings: dict[str, Any]) -> list[str]:
        """Generate for every prompt: longest first in dynamically padded batches, in input order out."""
        import torch

        if not prompts:
            return []
        encoded = self.tokenizer(prompts, truncation=True, max_length=self.window)["input_ids"]
        order = sorted(range(len(prompts)), key=lambda i: (-len(encoded[i]), i))
        results = [""] * len(prompts)
        for start in range(0, len(order), self.batch_size):
            batch = order[start : start + self.batch_size]
            padded = self.tokenizer.pad({"input_ids": [encoded[i] for i in batch]}, return_tensors="pt")
            padded = {name: tensor.to(self.loaded.device) for name, tensor in padded.items()}
            with torch.inference_mode():
                generated = self.loaded.model.generate(**padded, **settings)
            for i, text in zip(batch, self.tokenizer.batch_decode(generated, skip_special_tokens=True)):
                results[i] = " ".join(text.split())
        return results
