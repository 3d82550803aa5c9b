"""Never redo finished work: a result cache on disk.

An entry is keyed by everything that determines the output: the article text, the questions asked,
the engine, model and revision, each prompt's sha256, the generation settings, whether claims were
asked for, and a fingerprint of this package's code and data. A re-run over the same feed is served from here. Entries are written atomically; one
that is corrupt, truncated or written for another key is ignored (and recomputed), never fatal.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of this package's code and data files (lexicons, and the pinned spaCy pipeline's
    manifest ``data/spacy_models.json``): results made by other code (an upgrade, a changed rule in
    the offline engine, other pinned weights) are other keys, so the cache never serves stale output."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parent
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".txt", ".tsv", ".json"} and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def default_cache_dir() -> Path:
    """``$SUMMARIZE_CACHE/results``, else ``~/.cache/summarize/results``."""
    root = os.environ.get("SUMMARIZE_CACHE")
    return (Path(root) if root else Path.home() / ".cache" / "summarize") / "results"


class ResultCache:
    """Finished results by key, as JSON files under ``folder/<2 hex>/<key>.json``."""

    def __init__(self, folder: str | Path | None = None) -> None:
        self.folder = Path(folder) if folder is not None else default_cache_dir()
        self.hits = 0
        self.misses = 0

    @staticmethod
    def key(text: str, questions: list[str], fingerprint: dict[str, Any]) -> str:
        payload = json.dumps({"text": text, "questions": questions, **fingerprint}, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        try:
            entry = json.loads(self._path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            entry = None
        if not isinstance(entry, dict) or entry.get("key") != key or not isinstance(entry.get("value"), dict):
            self.misses += 1
            return None
        self.hits += 1
        return entry["value"]

    def put(self, key: str, value: dict[str, Any]) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump({"key": key, "value": value}, stream, ensure_ascii=False)
            os.replace(temp, path)
        except OSError:
            pass  # a cache that cannot be written only costs speed, never the run
