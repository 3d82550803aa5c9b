"""Engines turn articles into summaries and answers. ``create_engine`` picks one by name."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from summarize.engines.base import Engine
from summarize.errors import ConfigError, ModelNotFoundError
from summarize.prompts import PromptSet

ENGINES = ("auto", "seq2seq", "offline")


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
) -> Engine:
    """Build the named engine. ``auto`` uses the seq2seq engine when its weights load, and the
    offline engine otherwise; the offline engine's ``notice`` then says why."""
    if name not in ENGINES:
        raise ConfigError(f"unknown engine {name!r}; choose one of {', '.join(ENGINES)}")
    from summarize.engines.offline import DEFAULT_MAX_WORDS, OfflineEngine

    words = max_words or DEFAULT_MAX_WORDS
    if name == "offline":
        return OfflineEngine(max_words=words)
    from summarize.engines.seq2seq import Seq2SeqEngine

    if name == "auto":
        try:
            return _seq2seq(model, revision, device, prompts, generation, batch_size, max_input_tokens)
        except ModelNotFoundError as missing:
            return OfflineEngine(max_words=words, notice=f"using the offline engine: {missing}")
    return _seq2seq(model, revision, device, prompts, generation, batch_size, max_input_tokens)


def _seq2seq(model, revision, device, prompts, generation, batch_size, max_input_tokens) -> Engine:  # type: ignore[no-untyped-def]
    from summarize.engines.seq2seq import Seq2SeqEngine

    return Seq2SeqEngine(
        model,
        revision=revision,
        device=device,
        prompts=prompts,
        generation=generation,
        batch_size=batch_size,
        max_input_tokens=max_input_tokens,
    )


__all__ = ["ENGINES", "Engine", "create_engine"]
