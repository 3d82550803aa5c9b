"""Engines turn articles into summaries and answers. ``create_engine`` picks one by name."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from summarize.engines.base import Engine
from summarize.errors import ConfigError
from summarize.prompts import PromptSet

ENGINES = ("auto", "seq2seq")


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
) -> Engine:
    """Build the named engine. ``auto`` uses the seq2seq engine when its weights can be loaded."""
    if name not in ENGINES:
        raise ConfigError(f"unknown engine {name!r}; choose one of {', '.join(ENGINES)}")
    from summarize.engines.seq2seq import Seq2SeqEngine

    # "auto" has nothing to fall back to yet: a missing model is reported as it is.
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
