"""The seq2seq engine on CTranslate2: same prompts, chunking and answers, faster (int8) decoding.

The Hugging Face model is converted once per (model, revision, quantization) into a cache folder and
reused by every later run, so the HF weights are only loaded when a conversion is needed. Batches are
formed by a token budget instead of a fixed count: short prompts batch wide, long ones narrow; an
article's questions share a batch. On CPU the cores are split among a few workers (CTranslate2's
``inter_threads``), each running whole batches on its own: decoding steps are small matrix products
that one core runs about as fast as two, so two batches at once get through nearly twice the work.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import ctranslate2

from summarize.engines.loading import (
    DEFAULT_MODEL, LoadedModel, _cached_snapshot, _first_line, _has_safetensors, _input_window, _load,
    _local_revision, _looks_like_path, resolve_device,
)
from summarize.engines.ct2_convert import convert
from summarize.engines.seq2seq import DEFAULT_ANSWER_CONTEXT_TOKENS, Seq2SeqEngine, plan_batches
from summarize.errors import ConfigError
from summarize.prompts import PromptSet

DEFAULT_MAX_BATCH_TOKENS = 8192
#: CPU workers (batches run at once, one per group of cores) at most; the rest of the cores go to
#: each worker's own threads.
MAX_CPU_WORKERS = 4
#: GenerationConfig names -> translate_batch keywords. Sampling keys only count with do_sample.
_OPTIONS = {"num_beams": "beam_size", "max_new_tokens": "max_decoding_length", "min_new_tokens": "min_decoding_length"}
_OPTIONS.update((name, name) for name in ("no_repeat_ngram_size", "length_penalty", "repetition_penalty"))
_SAMPLING = {"top_k": "sampling_topk", "top_p": "sampling_topp", "temperature": "sampling_temperature"}
# early_stopping: CTranslate2's beam search already stops once num_beams hypotheses are finished;
# max_length/min_length: transformers ignores them too when max/min_new_tokens are set (always, here).
_IGNORED = {"do_sample", "early_stopping", "max_length", "min_length"}
# forced_bos_token_id/forced_eos_token_id: emulated by _generate (a target prefix, one token less).
_FORCED = ("forced_bos_token_id", "forced_eos_token_id")


def cache_folder(model_id: str, revision: str | None, quantization: str) -> Path:
    """One folder per (model, revision, quantization) under ``$SUMMARIZE_CACHE/ct2`` (default
    ``~/.cache/summarize/ct2``): a new revision or quantization never reuses stale weights."""
    root = Path(os.environ.get("SUMMARIZE_CACHE") or Path.home() / ".cache" / "summarize").expanduser()
    digest = hashlib.sha256("\0".join([model_id, revision or "", quantization]).encode()).hexdigest()[:16]
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", model_id).strip("-.")[-48:].lstrip("-.") or "model"
    return root / "ct2" / f"{slug}-{quantization}-{digest}"


def _complete(folder: Path) -> bool:
    return (folder / "model.bin").is_file()


def _on_disk(model: str, revision: str | None) -> tuple[str, str] | None:
    """(local folder, revision) of a model already on disk, found without loading its weights; the
    revision is the one the torch engine records (content fingerprint, or the hub commit)."""
    folder = Path(model).expanduser()
    if folder.is_dir():
        if (folder / "config.json").is_file() and _has_safetensors(folder):
            return str(folder), _local_revision(folder)
        return None
    if _looks_like_path(model):
        return None
    found = _cached_snapshot(model, revision)
    return (str(Path(found).parent), Path(found).parent.name) if found else None


def _convert(loaded: LoadedModel, source: str, folder: Path, quantization: str) -> None:
    """Convert the already loaded (safetensors-only, no remote code) model into a temp sibling, then
    rename it into place: a crash never leaves a half-written cache entry behind."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.tmp-", dir=folder.parent))
    try:
        convert(loaded.model, loaded.tokenizer, source, str(temp), quantization)
        if folder.exists() and not _complete(folder):
            shutil.rmtree(folder)  # an incomplete entry (copied by hand, or half deleted)
        try:
            temp.rename(folder)
        except OSError:
            if not _complete(folder):  # else another process finished the same conversion first
                raise
    except Exception as exc:
        raise ConfigError(f"model {loaded.model_id}: CTranslate2 cannot convert it: {_first_line(exc)}") from None
    finally:
        shutil.rmtree(temp, ignore_errors=True)


def _forced_tokens(generation: Any) -> dict[str, Any]:
    """The model's own forced first and last tokens (``forced_bos_token_id``, ``forced_eos_token_id``
    of its GenerationConfig: BART and Pegasus checkpoints set them), which torch's ``generate``
    applies without being asked and CTranslate2 does not know."""
    return {name: getattr(generation, name, None) for name in _FORCED}


def _generation_config(folder: str) -> Any:
    """The GenerationConfig ``from_pretrained`` gives a model in ``folder`` (as transformers'
    GenerationMixin does: generation_config.json, else the generation keys of config.json)."""
    from transformers import GenerationConfig

    try:
        return GenerationConfig.from_pretrained(folder, local_files_only=True)
    except OSError:
        return GenerationConfig.from_pretrained(folder, config_file_name="config.json", _from_model_config=True,
                                                local_files_only=True)


def _options(settings: Mapping[str, Any]) -> dict[str, Any]:
    """GenerationConfig-style settings as translate_batch keywords; refuse what has no equivalent
    rather than silently decode differently from what the output records."""
    sampling = bool(settings.get("do_sample"))
    options: dict[str, Any] = {"sampling_topk": 50} if sampling else {}  # transformers' default top_k
    for key, value in settings.items():
        if key in _OPTIONS:
            options[_OPTIONS[key]] = value
        elif key in _SAMPLING:
            if sampling:
                options[_SAMPLING[key]] = value
        elif key not in _IGNORED and key not in _FORCED:
            raise ConfigError(f"generation setting {key!r} is not supported by the ctranslate2 backend")
    return options


def _compute_type(asked: str | None, device: str) -> str:
    """The asked compute type if the device supports it; else int8 on CPU, int8_float16 on CUDA."""
    supported = ctranslate2.get_supported_compute_types(device)
    if asked is None:
        preferred = ("int8_float16", "float16") if device == "cuda" else ("int8",)
        return next((t for t in preferred if t in supported), "float32")
    if asked not in supported:
        raise ConfigError(f"compute type {asked!r} is not supported on {device}; use one of {', '.join(sorted(supported))}")
    return asked


class CTranslate2Engine(Seq2SeqEngine):
    """``Seq2SeqEngine`` whose ``_generate`` runs on CTranslate2; everything above it is inherited."""

    def __init__(
        self, model: str | None = None, *, revision: str | None = None, device: str = "auto",
        prompts: PromptSet | None = None, generation: Mapping[str, Any] | None = None, batch_size: int = 8,
        max_input_tokens: int | None = None, answer_context_tokens: int | None = DEFAULT_ANSWER_CONTEXT_TOKENS,
        compute_type: str | None = None, max_batch_tokens: int = DEFAULT_MAX_BATCH_TOKENS, model_profile: str = "auto",
    ) -> None:
        """Same arguments as ``Seq2SeqEngine``, plus ``compute_type`` (None: int8 on CPU,
        int8_float16 on CUDA) and ``max_batch_tokens`` (padded tokens per translate_batch call)."""
        if max_batch_tokens < 1:
            raise ConfigError(f"max batch tokens must be at least 1, got {max_batch_tokens}")
        self._configure(prompts, generation, batch_size, max_input_tokens, answer_context_tokens, model_profile)
        if not {"num_beams", "answer.num_beams"} & set(generation or {}):
            # Short extractive answers gain little from beams; greedy is several times cheaper.
            self.settings["answer"]["num_beams"] = 1
            self.settings["answer"].pop("early_stopping", None)
        for values in self.settings.values():
            _options(values)  # fail now, not on the first article
        self.max_batch_tokens = max_batch_tokens

        target = resolve_device(device)
        kind, _, index = target.partition(":")
        if kind == "cuda" and ctranslate2.get_cuda_device_count() == 0:
            raise ConfigError(f"device {target!r}: this ctranslate2 build has no CUDA support; use --device cpu")
        ct2_device = "cuda" if kind == "cuda" else "cpu"  # CTranslate2 has no MPS backend
        self.compute_type = _compute_type(compute_type, ct2_device)

        self.loaded, folder = self._prepare(model or DEFAULT_MODEL, revision, target if kind == "cuda" else "cpu")
        self.tokenizer = self.loaded.tokenizer
        self.window = max_input_tokens or self.loaded.max_input_tokens
        self._use_profile()
        import torch

        threads = torch.get_num_threads() or os.cpu_count() or 1
        #: Batches run at once: on CPU one per core up to MAX_CPU_WORKERS; one on a GPU.
        self.workers = min(threads, MAX_CPU_WORKERS) if ct2_device == "cpu" else 1
        try:
            self.translator = ctranslate2.Translator(
                str(folder), device=ct2_device, device_index=int(index or 0), compute_type=self.compute_type,
                intra_threads=max(1, threads // self.workers), inter_threads=self.workers,
            )
        except (RuntimeError, ValueError) as exc:
            raise ConfigError(f"model {self.loaded.model_id}: CTranslate2 cannot load {folder}: {_first_line(exc)}") from None

    def _prepare(self, model: str, revision: str | None, device: str) -> tuple[LoadedModel, Path]:
        """Tokenizer, provenance and converted folder; the HF weights load only when converting."""
        found = _on_disk(model, revision)
        if found and _complete(folder := cache_folder(model, found[1], self.compute_type)):
            from transformers import AutoConfig, AutoTokenizer
            from transformers.utils import logging as hf_logging

            hf_logging.set_verbosity_error()
            try:
                options = dict(trust_remote_code=False, local_files_only=True)
                tokenizer = AutoTokenizer.from_pretrained(found[0], **options)
                config = AutoConfig.from_pretrained(found[0], **options)
                self.forced = _forced_tokens(_generation_config(found[0]))
                return LoadedModel(None, tokenizer, device, model, found[1], _input_window(tokenizer, config), config), folder
            except (OSError, ValueError):
                pass  # the full load below reports the problem properly
        loaded = _load(model, revision, "cpu")  # not load_model: the weights must not stay cached
        self.forced = _forced_tokens(loaded.model.generation_config)
        folder = cache_folder(model, loaded.revision, self.compute_type)
        if not _complete(folder):
            source = _on_disk(model, revision)
            _convert(loaded, source[0] if source else model, folder, self.compute_type)
        return replace(loaded, model=None, device=device), folder

    @property
    def generation(self) -> dict[str, Any]:
        return {
            **super().generation, "backend": "ctranslate2", "compute_type": self.compute_type,
            "max_batch_tokens": self.max_batch_tokens,
        }

    def _batches(self, lengths: list[int], groups: Sequence[Hashable] | None = None) -> list[list[int]]:
        """Indices longest first, cut so each batch's padded size (longest x count) fits the token
        budget and the count stays under ``batch_size * 4``, and so every worker gets a batch; a
        prompt over budget goes alone. An article's prompts (``groups``) share a batch unless they
        fill more than one."""
        cap = max(1, min(self.batch_size * 4, -(-len(lengths) // self.workers)))

        def fits(count: int, longest: int) -> bool:
            return count <= cap and longest * count <= self.max_batch_tokens

        return plan_batches(lengths, fits, groups)

    def _decoding(self, settings: Mapping[str, Any]) -> str:
        options, prefix = self._translate_options(settings)
        return repr((sorted(options.items()), prefix))

    def _translate_options(self, settings: Mapping[str, Any]) -> tuple[dict[str, Any], list[str] | None]:
        """translate_batch keywords and target prefix that decode as torch's ``generate`` does with
        ``settings``, forced tokens included (the model's, unless ``settings`` name their own): a
        forced first token is the target prefix, and a forced last token (``generate`` puts it in
        place of the token that reaches max_new_tokens; decoding drops it) is one token less."""
        options = _options(settings)
        forced = {name: settings.get(name, self.forced[name]) for name in _FORCED}
        if forced["forced_eos_token_id"] is not None:
            limit = max(1, options.get("max_decoding_length", 256) - 1)
            options["max_decoding_length"] = limit
            options["min_decoding_length"] = min(options.get("min_decoding_length", 1), limit)
        bos = forced["forced_bos_token_id"]
        return options, ([self.tokenizer.convert_ids_to_tokens(bos)] if bos is not None else None)

    def _candidates(self, prompts: list[str], settings: dict[str, Any], n: int) -> list[list[str]]:
        """``n`` hypotheses per prompt (beam search of at least ``n``), best first."""
        if not prompts:
            return []
        beams = {k: v for k, v in settings.items() if k not in {"num_return_sequences", "early_stopping"}}
        options, prefix = self._translate_options(beams)
        options["num_hypotheses"] = n
        encoded = self.tokenizer(prompts, truncation=True, max_length=self.window)["input_ids"]
        tokens = [self.tokenizer.convert_ids_to_tokens(ids) for ids in encoded]
        results: list[list[str]] = [[] for _ in prompts]
        for batch in self._batches([len(t) * n for t in tokens]):
            found = self.translator.translate_batch(
                [tokens[i] for i in batch], target_prefix=[prefix] * len(batch) if prefix else None,
                max_input_length=0, **options)
            for i, result in zip(batch, found):
                ids = [self.tokenizer.convert_tokens_to_ids(h) for h in result.hypotheses]
                results[i] = [" ".join(t.split()) for t in self.tokenizer.batch_decode(ids, skip_special_tokens=True)]
        return results

    def _generate(self, prompts: list[str], settings: dict[str, Any], groups: Sequence[Hashable] | None = None) -> list[str]:
        """Generate for every prompt in token-budget batches, all queued at once so that every
        worker is busy; outputs come back in input order."""
        if not prompts:
            return []
        options, prefix = self._translate_options(settings)
        encoded = self.tokenizer(prompts, truncation=True, max_length=self.window)["input_ids"]
        tokens = [self.tokenizer.convert_ids_to_tokens(ids) for ids in encoded]
        # max_input_length=0: inputs are already cut at the window; CTranslate2's own cut is 1024.
        queued = [
            (batch, self.translator.translate_batch(
                [tokens[i] for i in batch], target_prefix=[prefix] * len(batch) if prefix else None,
                max_input_length=0, asynchronous=True, **options))
            for batch in self._batches([len(t) for t in tokens], groups)
        ]
        results = [""] * len(prompts)
        for batch, pending in queued:
            ids = [self.tokenizer.convert_tokens_to_ids(p.result().hypotheses[0]) for p in pending]
            for i, text in zip(batch, self.tokenizer.batch_decode(ids, skip_special_tokens=True)):
                results[i] = " ".join(text.split())
        return results
