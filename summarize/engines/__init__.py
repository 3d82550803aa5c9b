"""Engines turn articles into summaries and answers. ``create_engine`` picks one by name."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from summarize.engines.base import Engine
from summarize.errors import ConfigError, ModelNotFoundError
from summarize.prompts import PromptSet

ENGINES = ("auto", "seq2seq", "offline")
#: How a seq2seq model runs: transformers on torch, or CTranslate2 (optional extra, int8 on CPU).
BACKENDS = ("torch", "ctranslate2")


def create_engine(
    name: str = "auto",
    *,
    model: str | None = None,
    revision: str | None = None,
    device: str = "auto",
    prompts: PromptSet | None = None,
    generation: Mapping[str, Any] | None = None,
    batch_size: int = 8,
    max_input_tokens: int | None = None,
    max_words: int | None = None,
    backend: str = "torch",
    spacy_model: str | None = None,
) -> Engine:
    """Build the named engine. ``auto`` uses the seq2seq engine when its weights load, and the
    offline engine otherwise; the offline engine's ``notice`` then says why."""
    if name not in ENGINES:
        raise ConfigError(f"unknown engine {name!r}; choose one of {', '.join(ENGINES)}")
    if backend not in BACKENDS:
        raise ConfigError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    from summarize.offline.engine import DEFAULT_MAX_WORDS, OfflineEngine

    words = max_words or DEFAULT_MAX_WORDS
    if name == "offline":
        return OfflineEngine(max_words=words, spacy_model=spacy_model)
    from summarize.engines.seq2seq import Seq2SeqEngine

    if name == "auto":
        try:
            return _seq2seq(model, revision, device, prompts, generation, batch_size, max_input_tokens, backend)
        except ModelNotFoundError as missing:
            return OfflineEngine(max_words=words, notice=f"using the offline engine: {missing}", spacy_model=spacy_model)
    return _seq2seq(model, revision, device, prompts, generation, batch_size, max_input_tokens, backend)


def _seq2seq(model, revision, device, prompts, generation, batch_size, max_input_tokens, backend) -> Engine:  # type: ignore[no-untyped-def]
    if backend == "ctranslate2":
        try:
            from summarize.engines.ct2 import CTranslate2Engine
        except ImportError as exc:
            raise ConfigError(f"backend ctranslate2 needs the optional extra: pip install 'summarize[fast]' ({exc})") from None
        engine_class = CTranslate2Engine
    else:
        from summarize.engines.seq2seq import Seq2SeqEngine

        engine_class = Seq2SeqEngine
    return engine_class(
        model,
        revision=revision,
        device=device,
        prompts=prompts,
        generation=generation,
        batch_size=batch_size,
        max_input_tokens=max_input_tokens,
    )


__all__ = ["BACKENDS", "ENGINES", "Engine", "create_engine"]
