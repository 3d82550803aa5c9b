"""Engines turn articles into summaries and answers. ``create_engine`` picks one by name."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from summarize.engines.base import Engine
from summarize.engines.profiles import PROFILES, check_profile
from summarize.errors import ConfigError, ModelNotFoundError
from summarize.prompts import PromptSet

ENGINES = ("auto", "seq2seq", "offline")
#: How a seq2seq model runs: ``auto`` (CTranslate2 when it can run the model here, else torch),
#: transformers on ``torch``, or ``ctranslate2`` (int8 on CPU).
BACKENDS = ("auto", "torch", "ctranslate2")


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
    backend: str = "auto",
    spacy_model: str | None = None,
    model_profile: str = "auto",
) -> Engine:
    """Build the named engine. ``auto`` uses the seq2seq engine when its weights load, and the
    offline engine otherwise; the offline engine's ``notice`` then says why. A seq2seq engine runs
    on ``backend``: ``auto`` is CTranslate2 when it can run the model, else torch (whose ``notice``
    says why, when CTranslate2 was tried and failed); ``generation["backend"]`` records which.
    ``model_profile`` (``auto``, ``instruct``, ``summarizer``; see :mod:`summarize.engines.profiles`)
    says whether the model follows instructions or only summarizes; the offline engine ignores it."""
    if name not in ENGINES:
        raise ConfigError(f"unknown engine {name!r}; choose one of {', '.join(ENGINES)}")
    if backend not in BACKENDS:
        raise ConfigError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    check_profile(model_profile)
    from summarize.offline.engine import OfflineEngine

    words = max_words
    if name == "offline":
        return OfflineEngine(max_words=words, spacy_model=spacy_model)
    if name == "auto":
        try:
            return _seq2seq(model, revision, device, prompts, generation, batch_size, max_input_tokens, backend,
                            model_profile)
        except ModelNotFoundError as missing:
            return OfflineEngine(max_words=words, notice=f"using the offline engine: {missing}", spacy_model=spacy_model)
    return _seq2seq(model, revision, device, prompts, generation, batch_size, max_input_tokens, backend, model_profile)


def _seq2seq(  # type: ignore[no-untyped-def]
    model, revision, device, prompts, generation, batch_size, max_input_tokens, backend, model_profile,
) -> Engine:
    options = dict(revision=revision, device=device, prompts=prompts, generation=generation, batch_size=batch_size,
                   max_input_tokens=max_input_tokens, model_profile=model_profile)
    if backend == "auto":
        return _auto_backend(model, options)
    if backend == "ctranslate2":
        try:
            from summarize.engines.ct2 import CTranslate2Engine
        except ImportError as exc:
            raise ConfigError(f"backend ctranslate2 needs the ctranslate2 package: pip install 'ctranslate2>=4.5' ({exc})") from None
        return CTranslate2Engine(model, **options)
    from summarize.engines.seq2seq import Seq2SeqEngine

    return Seq2SeqEngine(model, **options)


def _auto_backend(model: str | None, options: dict[str, Any]) -> Engine:
    """CTranslate2 when it runs the model here, else torch with a notice saying why. Never fails
    where torch would not: only a model that is missing (or that torch refuses too) raises."""
    from summarize.engines.loading import resolve_device
    from summarize.engines.seq2seq import Seq2SeqEngine

    if resolve_device(options["device"]).startswith("mps"):
        return Seq2SeqEngine(model, **options)  # CTranslate2 has no MPS backend: torch runs on the GPU
    try:
        from summarize.engines.ct2 import CTranslate2Engine
    except ImportError as exc:
        reason = f"ctranslate2 cannot be imported: {_first_line(exc)}"
    else:
        try:
            return CTranslate2Engine(model, **options)
        except ModelNotFoundError:
            raise
        except Exception as exc:  # noqa: BLE001 - whatever stops CTranslate2, torch is the fallback
            reason = _first_line(exc)
    engine = Seq2SeqEngine(model, **options)
    engine.notice = f"backend auto: using torch, CTranslate2 cannot run this model ({reason})"
    return engine


def _first_line(exc: BaseException) -> str:
    """The first line of an error; with its type, unless it is one of ours (already one clear line)."""
    text = str(exc).strip()
    line = text.splitlines()[0] if text else ""
    if isinstance(exc, ConfigError):
        return line or type(exc).__name__
    return f"{type(exc).__name__}: {line}" if line else type(exc).__name__


__all__ = ["BACKENDS", "ENGINES", "PROFILES", "Engine", "create_engine"]
