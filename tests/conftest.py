"""Shared fixtures: tiny random-weight models built once per session (no hub, no network)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_8d0dd191232a21b1.txt"

# No test may reach the network: make the hub unreachable by configuration, not by luck.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
# The result cache of CLI runs goes to a throwaway folder, never the user's.
os.environ["SUMMARIZE_CACHE"] = tempfile.mkdtemp(prefix="summarize-test-cache-")


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory, seed_text: str) -> Path:
    """A 2-layer T5 with random weights and a Unigram tokenizer trained on the seed text."""
    from summarize.testing import build_tiny_seq2seq

    return build_tiny_seq2seq(tmp_path_factory.mktemp("tiny-t5"), [seed_text])


@pytest.fixture(scope="session")
def tiny_family(tmp_path_factory: pytest.TempPathFactory, seed_text: str, tiny_model: Path):
    """``tiny_family(name)``: the tiny model of a family (t5, bart, pegasus), built on first use, with
    the same trained tokenizer (BART adds its ``<s>``); ``t5`` is ``tiny_model``."""
    from summarize.testing import build_tiny_seq2seq

    built: dict[str, Path] = {"t5": tiny_model}

    def get(family: str) -> Path:
        if family not in built:
            built[family] = build_tiny_seq2seq(tmp_path_factory.mktemp(f"tiny-{family}"), [seed_text], family=family)
        return built[family]

    return get


# Fast decoding for tests: the model is random, only the mechanics matter.
FAST = {"max_new_tokens": 8, "min_new_tokens": 2, "num_beams": 2}


@pytest.fixture(scope="session")
def summarizer(tiny_model: Path):
    from summarize import Summarizer

    # Unguarded: the tests using it are about the engine's own output (the guard: tests/test_guard.py).
    return Summarizer(model=str(tiny_model), device="cpu", generation=FAST, batch_size=4, guard="off")
