"""Load a Hugging Face seq2seq model once per process, safely and offline-aware.

``model`` is a local folder or a hub id. Only safetensors weights are loaded and remote code is never
trusted. A hub id is served from the local cache first; the hub is only contacted when the weights
are not cached, ``HF_HUB_OFFLINE`` is not set, and the hub answers a quick connection probe, so a
machine without network fails in a second with a message that says what to do, instead of after a
minute of retries.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from summarize.errors import ConfigError, ModelNotFoundError

#: Default weights: instruction-tuned, so it follows the summary and answer prompts; 250M parameters
#: run at a few seconds per article on a laptop CPU (small is too weak at keeping attributions,
#: large is three times slower). Apache-2.0.
DEFAULT_MODEL = "google/flan-t5-base"
_FALLBACK_WINDOW = 512
_TRUTHY = {"1", "true", "yes", "on"}


@dataclass
class LoadedModel:
    """A model, its tokenizer and where they came from."""

    model: Any
    tokenizer: Any
    device: str
    model_id: str
    revision: str | None
    max_input_tokens: int
    #: The model's ``transformers`` config (kept when the weights are dropped, e.g. once converted).
    config: Any = None


_cache: dict[tuple[str, str | None, str], LoadedModel] = {}
_cache_lock = threading.Lock()


def hub_offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in _TRUTHY


def resolve_device(device: str = "auto") -> str:
    """``auto`` picks cuda, then mps, then cpu; an explicit device must exist."""
    import torch

    device = (device or "auto").strip().lower()
    if device == "auto":
        if torch.cuda.is_available():
            return "cuda"
        if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
            return "mps"
        return "cpu"
    try:
        parsed = torch.device(device)
    except (RuntimeError, ValueError):
        raise ConfigError(f"unknown device {device!r}; use auto, cpu, cuda, cuda:N or mps") from None
    if parsed.type == "cuda" and not torch.cuda.is_available():
        raise ConfigError(f"device {device!r} requested but no CUDA GPU is available; use --device cpu")
    if parsed.type == "mps" and not (getattr(torch.backends, "mps", None) and torch.backends.mps.is_available()):
        raise ConfigError(f"device {device!r} requested but MPS is not available; use --device cpu")
    return device


def load_model(model: str = DEFAULT_MODEL, *, revision: str | None = None, device: str = "auto") -> LoadedModel:
    """The loaded model for (model, revision, device), loading it on first use only."""
    device = resolve_device(device)
    key = (model, revision, device)
    with _cache_lock:
        if key not in _cache:
            _cache[key] = _load(model, revision, device)
        return _cache[key]


def _load(model: str, revision: str | None, device: str) -> LoadedModel:
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    logging.getLogger("huggingface_hub").setLevel(logging.ERROR)

    folder = Path(model).expanduser()
    local_only = True
    if folder.is_dir():
        if not (folder / "config.json").is_file():
            raise ModelNotFoundError(f"model folder {model}: no config.json; expected a Hugging Face model folder")
        if not _has_safetensors(folder):
            raise ModelNotFoundError(
                f"model folder {model}: no *.safetensors weights (pickled .bin weights are not loaded "
                "for safety; convert them with `safetensors` or re-save with save_pretrained)"
            )
        source = str(folder)
    elif _looks_like_path(model):
        raise ModelNotFoundError(f"model folder {model}: no such folder")
    else:
        source = model
        if _cached_snapshot(model, revision) is None:
            if hub_offline():
                raise ModelNotFoundError(_missing(model, "HF_HUB_OFFLINE is set"))
            if not _hub_reachable():
                raise ModelNotFoundError(_missing(model, f"the hub ({_endpoint()}) is unreachable"))
            local_only = False

    options = dict(revision=revision, trust_remote_code=False, local_files_only=local_only)
    try:
        tokenizer = AutoTokenizer.from_pretrained(source, **options)
        loaded = AutoModelForSeq2SeqLM.from_pretrained(source, use_safetensors=True, **options)
    except ValueError as exc:
        raise ConfigError(f"model {model}: not a seq2seq (encoder-decoder) model: {_first_line(exc)}") from None
    except (OSError, EnvironmentError) as exc:
        raise ModelNotFoundError(f"model {model}: {_first_line(exc)}") from None
    loaded.to(device)
    loaded.eval()
    return LoadedModel(
        model=loaded,
        tokenizer=tokenizer,
        device=device,
        model_id=model,
        revision=_local_revision(folder) if folder.is_dir() else getattr(loaded.config, "_commit_hash", None) or revision,
        max_input_tokens=_input_window(tokenizer, loaded.config),
        config=loaded.config,
    )


def _missing(model: str, why: str) -> str:
    return (
        f"model {model} is not a local folder, not in the Hugging Face cache, and {why}; "
        "download it where there is network (hf download " + model + " --local-dir DIR) "
        "and pass --model DIR"
    )


def _looks_like_path(model: str) -> bool:
    """Hub ids are ``name`` or ``org/name``; anything else is meant as a folder."""
    return model.startswith((".", "/", "~")) or model.count("/") > 1 or "\\" in model


def _has_safetensors(folder: Path) -> bool:
    return any(folder.glob("*.safetensors"))


def _cached_snapshot(model: str, revision: str | None) -> str | None:
    from huggingface_hub import try_to_load_from_cache

    try:
        found = try_to_load_from_cache(model, "config.json", revision=revision)
    except Exception:  # an invalid repo id is simply not cached
        return None
    return found if isinstance(found, str) else None


def _endpoint() -> str:
    return os.environ.get("HF_ENDPOINT", "https://huggingface.co")


def _hub_reachable(timeout: float = 3.0) -> bool:
    """A TCP connection to the hub; skipped (assumed reachable) when a proxy is configured."""
    if any(os.environ.get(v) for v in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy")):
        return True
    url = urlparse(_endpoint())
    try:
        with socket.create_connection((url.hostname or "", url.port or 443), timeout=timeout):
            return True
    except OSError:
        return False


def _local_revision(folder: Path) -> str:
    """A content fingerprint for a local folder: config files whole, weights by size plus their
    first and last 4 MiB (hashing gigabytes on every start would cost seconds)."""
    digest = hashlib.sha256()
    for path in sorted(folder.iterdir()):
        if not path.is_file():
            continue
        digest.update(path.name.encode())
        if path.suffix == ".safetensors":
            size = path.stat().st_size
            digest.update(str(size).encode())
            with path.open("rb") as handle:
                digest.update(handle.read(4 << 20))
                handle.seek(max(0, size - (4 << 20)))
                digest.update(handle.read())
        elif path.suffix in {".json", ".model", ".txt"}:
            digest.update(path.read_bytes())
    return "sha256:" + digest.hexdigest()[:16]


def _input_window(tokenizer: Any, config: Any) -> int:
    window = getattr(tokenizer, "model_max_length", None)
    if isinstance(window, int) and 0 < window < 1_000_000:
        return window
    for name in ("n_positions", "max_position_embeddings"):
        value = getattr(config, name, None)
        if isinstance(value, int) and value > 0:
            return value
    return _FALLBACK_WINDOW


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
