"""Gold files: hand-written facts about one article, validated on load, and alias matching.

Schema (documented in evals/README.md): ``id``, the text as ``article`` (path relative to the gold
file) or ``source`` (``{dataset, id}``: a record of a JSONL dataset in the data folder), optional
``desk``, ``aliases`` (group -> surface forms), ``facts``, ``contested``, ``qa``,
``summary_must_have``, ``reference_summary``, ``max_words``, ``thresholds``, ``weights``. Every
problem is reported as ``file: entry: field: what is wrong`` so a gold author can fix it at once.

Matching (:meth:`Gold.find`) runs on lemmas from the shared spaCy pipeline
(:mod:`summarize.offline.nlp`): "denies" finds gold "denied", "rockets" finds "rocket"; alias groups
match longest form first, and the surface text that matched is returned so reports can quote it.
"""

from __future__ import annotations

import json
import os
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

import yaml

from summarize.errors import SummarizeError

if TYPE_CHECKING:
    from summarize.records import Article

CHECK_NAMES = ("coverage", "attribution", "balance", "speakers", "faithfulness", "neutrality", "hygiene", "qa", "rouge")
_GROUP_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class GoldError(SummarizeError):
    """A gold file, suite file or predictions file that cannot be used as written."""


class DatasetNotFound(GoldError):
    """The dataset a gold ``source`` names is not in the data folder (or there is no data folder)."""

    def __init__(self, message: str, dataset: str, folder: Path | None) -> None:
        super().__init__(message)
        self.dataset, self.folder = dataset, folder


#: What a fact object or a claim term is: a literal or alias group name, or a tuple of alternatives
#: (literals or group names), any one of which counts.
Item = Union[str, tuple[str, ...]]

#: Environment variable naming the data folder that gold ``source`` datasets are read from.
DATA_ENV = "SUMMARIZE_DATA"


@dataclass(frozen=True)
class Fact:
    """A must-have fact: ``actor`` (alias group) + ``stance`` verb + ``object`` items, in one
    sentence unless ``same_sentence`` is false."""

    id: str
    actor: str
    stance: str
    #: Each item is required; an item is a literal, an alias group, or a tuple of alternatives.
    object: tuple[Item, ...]
    level: str = "core"
    same_sentence: bool = True


@dataclass(frozen=True)
class Contested:
    """A claim some parties assert and others deny. ``terms`` are its key terms, each a tuple of
    alternative wordings (empty: the checks use the claim's own words); ``asserted_by`` may be empty
    (a claim only its denial reports)."""

    claim: str
    asserted_by: tuple[str, ...]
    denied_by: tuple[str, ...]
    id: str
    terms: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class PartyDenial:
    speaker: str
    denied: tuple[str, ...]


@dataclass(frozen=True)
class Question:
    """A question with acceptable answers (None: the correct answer is to abstain), or, for
    "Who denied what?", the parties and what each denied."""

    question: str
    answers: tuple[str, ...] | None = None
    per_party: tuple[PartyDenial, ...] | None = None


@dataclass(frozen=True)
class Source:
    """Where a gold file's article text comes from when it is not a file of its own: the record
    ``id`` of a JSONL ``dataset`` (fields ``text``, ``title``) in the data folder."""

    dataset: str
    id: str
    path: Path
    text: str
    title: str | None = None
    reference_summary: str | None = None


@dataclass
class Gold:
    id: str
    path: Path
    article: Path | None
    aliases: dict[str, tuple[str, ...]]
    facts: list[Fact]
    contested: list[Contested]
    qa: list[Question]
    summary_must_have: list[str] = field(default_factory=list)
    reference_summary: str | None = None
    max_words: int | None = None
    desk: str | None = None
    thresholds: dict[str, float] = field(default_factory=dict)
    weights: dict[str, float] = field(default_factory=dict)
    source: Source | None = None
    #: The source's claims behind each contested claim (``summarize.check.source``): a gold built
    #: from the source, whose alias groups are only the reader's parties, so speaker identity is
    #: judged by name, as without gold.
    from_source: bool = False
    _found: OrderedDict = field(default_factory=OrderedDict, init=False, repr=False, compare=False)

    def load_article(self) -> Article:
        """The article this gold file is about: its ``article`` file, or its ``source`` record."""
        if self.source is not None:
            from summarize.ingest import article_from_text

            return article_from_text(self.source.text, source=f"{self.source.path}#{self.source.id}",
                                     id=self.id, title=self.source.title)
        from summarize.ingest import load_articles

        article = next(load_articles(self.article))
        article.id = self.id
        return article

    def forms(self, item: Item) -> tuple[str, ...]:
        """Surface forms of an alias group, the literal item itself, or, for a tuple of
        alternatives, the forms of every alternative."""
        if isinstance(item, tuple):
            return tuple(dict.fromkeys(f for alternative in item for f in self.forms(alternative)))
        return self.aliases.get(item, (item,))

    def label(self, item: Item) -> str:
        """A short display of an item: the literal or group name; alternatives joined by " / "."""
        return " / ".join(item) if isinstance(item, tuple) else item

    def find(self, text: str, item: Item) -> str | None:
        """The words of ``text`` that match ``item`` (as written there), or None.

        ``item`` is an alias group, a literal, or a tuple of alternatives (literals or groups; the
        first match in the text wins). Words match by lemma or as written, case-insensitively and
        never inside a longer word ("denies" finds "denied", "rockets" finds "rocket", "Korea" not
        "Koreans"). Alias groups match longest form first across all groups, so in "South Korea",
        "Korea" does not count for a group that means the North."""
        if not text or not text.strip():
            return None
        key = (text, item)
        if key in self._found:
            self._found.move_to_end(key)
            return self._found[key]
        hits = [self._first(text, alternative) for alternative in (item if isinstance(item, tuple) else (item,))]
        hits = [h for h in hits if h is not None]
        found = None
        if hits:  # the earliest match in the text, the longest there
            start = min(h[0] for h in hits)
            found = text[start:max(h[1] for h in hits if h[0] == start)]
        self._found[key] = found
        if len(self._found) > 20_000:
            self._found.popitem(last=False)
        return found

    def _first(self, text: str, item: str) -> tuple[int, int] | None:
        """Character span of the first match of one alias group or literal in ``text``."""
        if item in self.aliases:
            return next((span for span, groups in _group_spans(text, self._group_forms) if item in groups), None)
        spans = _spans(text, item)
        return min(spans, key=lambda s: (s[0], -s[1])) if spans else None

    @cached_property
    def _group_forms(self) -> tuple[tuple[str, frozenset[str]], ...]:
        """Every alias form with the groups that list it (a form may serve two groups)."""
        groups: dict[str, set[str]] = {}
        for name, forms in self.aliases.items():
            for form in forms:
                groups.setdefault(form, set()).add(name)
        return tuple((form, frozenset(names)) for form, names in groups.items())


# ---------------------------------------------------------------------------------------------
# Matching on lemmas. A form (gold wording) is lemmatised once, alone; a text is parsed once by
# the shared pipeline (its parse cache serves the checks and the engine too). A form matches a run
# of text tokens where each token has the form token's spelling or its lemma (lower case), never
# glued to a longer word or a hyphen. The last word of a form (the head of a noun phrase, a
# one-word form) matches any inflection ("rocket" finds "rockets", "supply" finds "supplied");
# a word before it matches by lemma only when both are verbs ("denied arms sales" finds "denies
# arms sales"), so "customer reports" does not match "customers reported". The form's spelling is
# also searched as is, so a wording that the tokenizer splits differently in context still
# matches as it did before lemma matching.

_QUOTE_MAP = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})
#: A token as matching sees it: spelling, lemma (both lower case, straight quotes), kind of word.
Key = tuple[str, str, str]
_FORM_KEYS: dict[str, tuple[Key, ...]] = {}
_FORM_PIPELINE: list[Any] = [None]
_TEXT_TOKENS: OrderedDict[str, list[tuple[Key, int, int]]] = OrderedDict()
_GROUP_SPANS: OrderedDict[tuple[str, int], tuple[Any, list[tuple[tuple[int, int], frozenset[str]]]]] = OrderedDict()
_CACHE_SIZE = 4096


_KIND = {"VERB": "verb", "AUX": "verb", "NOUN": "noun", "PROPN": "noun"}


def _keys(token: Any) -> Key:
    return (token.text.lower().translate(_QUOTE_MAP), token.lemma_.lower().translate(_QUOTE_MAP),
            _KIND.get(token.pos_, token.pos_))


def _same(form: Key, token: Key, last: bool) -> bool:
    """Whether a text token matches a form token: the same spelling, or the same lemma when it is
    the form's last word or both are verbs."""
    if form[0] == token[0]:
        return True
    return form[1] == token[1] and (last or form[2] == token[2] == "verb")


def _form_keys(forms: list[str]) -> list[tuple[Key, ...]]:
    """Each form's tokens as {spelling, lemma} key sets; forms are tagged and lemmatised once, in
    one batch, without the parser and entity recogniser (which lemmas do not need)."""
    from summarize.offline import nlp

    pipeline = nlp.get()
    if _FORM_PIPELINE[0] is not pipeline:  # another pipeline chosen: other lemmas
        _FORM_KEYS.clear()
        _TEXT_TOKENS.clear()
        _GROUP_SPANS.clear()
        _FORM_PIPELINE[0] = pipeline
    missing = list(dict.fromkeys(f for f in forms if f not in _FORM_KEYS))
    if missing:
        skip = [name for name in pipeline.pipe_names if name not in {"tok2vec", "transformer", "tagger", "morphologizer", "attribute_ruler", "lemmatizer"}]
        for form, doc in zip(missing, pipeline.pipe([" ".join(f.split()) for f in missing], disable=skip)):
            _FORM_KEYS[form] = tuple(_keys(t) for t in doc if not t.is_space)
    return [_FORM_KEYS[f] for f in forms]


def _text_tokens(text: str) -> list[tuple[Key, int, int]]:
    tokens = _TEXT_TOKENS.get(text)
    if tokens is None:
        from summarize.offline import nlp

        tokens = [(_keys(t), t.idx, t.idx + len(t.text)) for t in nlp.parse(text) if not t.is_space]
        _TEXT_TOKENS[text] = tokens
        if len(_TEXT_TOKENS) > _CACHE_SIZE:
            _TEXT_TOKENS.popitem(last=False)
    else:
        _TEXT_TOKENS.move_to_end(text)
    return tokens


def _free(text: str, start: int, end: int) -> bool:
    """Whether the span stands alone: no letter, digit, underscore or hyphen right before or after."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (before.isalnum() or before in "_-") and not (after.isalnum() or after in "_-")


def _spans(text: str, form: str, keys: tuple[Key, ...] | None = None) -> set[tuple[int, int]]:
    """Character spans where ``form`` occurs in ``text``: by lemma or spelling, token by token, and
    as written (case-insensitive, on word boundaries)."""
    if keys is None:
        (keys,) = _form_keys([form])
    found = set()
    tokens = _text_tokens(text)
    if keys:
        n = len(keys)
        for i in range(len(tokens) - n + 1):
            if all(_same(keys[j], tokens[i + j][0], j == n - 1) for j in range(n)):
                start, end = tokens[i][1], tokens[i + n - 1][2]
                if _free(text, start, end):
                    found.add((start, end))
    for match in re.finditer(r"(?<![\w-])" + re.escape(" ".join(form.split())) + r"(?![\w-])", text, re.IGNORECASE):
        found.add(match.span())
    return found


def _group_spans(text: str, group_forms: tuple[tuple[str, frozenset[str]], ...]) -> list[tuple[tuple[int, int], frozenset[str]]]:
    """The alias-form matches of ``text``, leftmost first and longest at a position, none
    overlapping (as a regex alternation of all forms, longest first, would find them), each with
    the groups whose forms match exactly that span."""
    cache_key = (text, id(group_forms))
    cached = _GROUP_SPANS.get(cache_key)
    if cached is not None and cached[0] is group_forms:
        _GROUP_SPANS.move_to_end(cache_key)
        return cached[1]
    candidates: dict[tuple[int, int], set[str]] = {}
    for (form, groups), keys in zip(group_forms, _form_keys([f for f, _ in group_forms])):
        for span in _spans(text, form, keys):
            candidates.setdefault(span, set()).update(groups)
    chosen, end = [], -1
    for span in sorted(candidates, key=lambda s: (s[0], -s[1])):
        if span[0] >= end:
            chosen.append((span, frozenset(candidates[span])))
            end = span[1]
    _GROUP_SPANS[cache_key] = (group_forms, chosen)
    if len(_GROUP_SPANS) > _CACHE_SIZE:
        _GROUP_SPANS.popitem(last=False)
    return chosen


_TOP = {"id", "article", "source", "desk", "aliases", "facts", "contested", "qa", "summary_must_have",
        "reference_summary", "max_words", "thresholds", "weights"}
_SOURCE = {"dataset", "id"}
_FACT = {"id", "actor", "stance", "object", "level", "same_sentence"}
_CONTESTED = {"id", "claim", "terms", "asserted_by", "denied_by"}
_QA = {"question", "answers", "per_party"}
_PARTY = {"speaker", "denied"}


def read_yaml(path: Path, kind: str) -> Any:
    """Parse a YAML file; a read or syntax error is one line naming the file and the position."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldError(f"{path}: cannot read {kind} file: {getattr(exc, 'strerror', None) or exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise GoldError(f"{path}: invalid YAML{at}: {problem}") from None


def default_data_folder(near: Path) -> Path | None:
    """The data folder when none is named: ``$SUMMARIZE_DATA``, else the first ``shared/data``
    folder found going up from ``near`` (the layout with ../shared beside the clone)."""
    if os.environ.get(DATA_ENV):
        return Path(os.environ[DATA_ENV]).expanduser()
    for folder in Path(near).resolve().parents:
        if (folder / "shared" / "data").is_dir():
            return folder / "shared" / "data"
    return None


def load_gold(path: str | Path, data_folder: str | Path | None = None) -> Gold:
    """Read and validate one gold file; raise :class:`GoldError` naming file, entry and field.

    ``data_folder`` is the folder a ``source`` dataset is read from (default:
    :func:`default_data_folder`)."""
    path = Path(path)
    where = str(path)
    raw_data = read_yaml(path, "gold")
    if not isinstance(raw_data, dict):
        raise GoldError(f"{where}: expected a mapping with id, article (or source), facts, contested and qa")
    _fields(raw_data, _TOP, where, "top level")
    if not raw_data.get("id"):
        raise GoldError(f"{where}: top level: missing required field 'id'")
    if ("article" in raw_data) == ("source" in raw_data):
        raise GoldError(f"{where}: top level: give exactly one of 'article' (a text file) or 'source' ({{dataset, id}})")
    if str(raw_data["id"]) != path.stem:
        raise GoldError(f"{where}: top level: id '{raw_data['id']}' does not match the file name '{path.stem}'")
    article, source = None, None
    if "article" in raw_data:
        if not raw_data.get("article"):
            raise GoldError(f"{where}: top level: article: expected the path of the article's text file")
        article = (path.parent / str(raw_data["article"])).resolve()
        if not article.is_file():
            raise GoldError(f"{where}: article: no such file {raw_data['article']} (resolved to {article})")
    else:
        folder = Path(data_folder).expanduser() if data_folder is not None else default_data_folder(path)
        source = _source(raw_data["source"], where, folder)
    data = raw_data

    aliases = _aliases(data.get("aliases") or {}, where)
    group = lambda value, entry, name: _group(value, aliases, where, entry, name)  # noqa: E731

    facts = []
    for i, raw in enumerate(_list(data.get("facts"), where, "facts")):
        entry = f"facts[{i}]"
        _fields(raw, _FACT, where, entry)
        level = raw.get("level", "core")
        if level not in {"core", "detail"}:
            raise GoldError(f"{where}: {entry}: level: must be core or detail, got {level!r}")
        facts.append(Fact(
            id=_text(raw.get("id"), where, entry, "id"),
            actor=group(raw.get("actor"), entry, "actor"),
            stance=_text(raw.get("stance"), where, entry, "stance"),
            object=tuple(_item(o, aliases, where, entry, "object", k)
                         for k, o in enumerate(_list(raw.get("object"), where, f"{entry}: object"))),
            level=level,
            same_sentence=bool(raw.get("same_sentence", True)),
        ))
    contested = []
    for i, raw in enumerate(_list(data.get("contested"), where, "contested")):
        entry = f"contested[{i}]"
        _fields(raw, _CONTESTED, where, entry)
        contested.append(Contested(
            claim=_text(raw.get("claim"), where, entry, "claim"),
            asserted_by=tuple(group(p, entry, "asserted_by") for p in _list(raw.get("asserted_by") or [], where, f"{entry}: asserted_by")),
            denied_by=tuple(group(p, entry, "denied_by") for p in _list(raw.get("denied_by") or [], where, f"{entry}: denied_by")),
            id=str(raw.get("id") or f"contested-{i + 1}"),
            terms=tuple(_alternatives(t, where, entry, "terms", k)
                        for k, t in enumerate(_list(raw.get("terms"), where, f"{entry}: terms"))),
        ))
    qa = []
    for i, raw in enumerate(_list(data.get("qa"), where, "qa")):
        entry = f"qa[{i}]"
        _fields(raw, _QA, where, entry)
        question = raw.get("question")
        if not isinstance(question, str) or not question.strip():
            raise GoldError(f"{where}: {entry}: question: empty question")
        if "per_party" in raw and "answers" in raw:
            raise GoldError(f"{where}: {entry}: give either answers or per_party, not both")
        if "per_party" in raw:
            parties = []
            for j, party in enumerate(_list(raw.get("per_party") or [], where, f"{entry}: per_party")):
                _fields(party, _PARTY, where, f"{entry}.per_party[{j}]")
                parties.append(PartyDenial(
                    speaker=group(party.get("speaker"), f"{entry}.per_party[{j}]", "speaker"),
                    denied=tuple(_text(d, where, f"{entry}.per_party[{j}]", "denied") for d in _list(party.get("denied"), where, f"{entry}.per_party[{j}]: denied")),
                ))
            qa.append(Question(question.strip(), per_party=tuple(parties)))
        elif "answers" not in raw:
            raise GoldError(f"{where}: {entry}: missing 'answers' (a list, or null when the article cannot answer)")
        elif raw["answers"] is None:
            qa.append(Question(question.strip(), answers=None))
        else:
            answers = tuple(_text(a, where, entry, "answers") for a in _list(raw["answers"], where, f"{entry}: answers"))
            if not answers:
                raise GoldError(f"{where}: {entry}: answers: empty list; use null for a question the article cannot answer")
            qa.append(Question(question.strip(), answers=answers))

    max_words = data.get("max_words")
    if max_words is not None and (not isinstance(max_words, int) or max_words < 1):
        raise GoldError(f"{where}: max_words: must be a positive integer, got {max_words!r}")
    return Gold(
        id=str(data["id"]), path=path, article=article, aliases=aliases, facts=facts, contested=contested, qa=qa,
        summary_must_have=[_text(m, where, "summary_must_have", "item") for m in _list(data.get("summary_must_have") or [], where, "summary_must_have")],
        reference_summary=_reference(data.get("reference_summary"), source, where),
        max_words=max_words, desk=data.get("desk"),
        thresholds=_numbers(data.get("thresholds"), where, "thresholds"),
        weights=_numbers(data.get("weights"), where, "weights"),
        source=source,
    )


def _reference(raw: Any, source: Source | None, where: str) -> str | None:
    """The reference summary: text, or ``{from: dataset}`` for the source record's ``reference_summary``."""
    if isinstance(raw, dict):
        if raw != {"from": "dataset"}:
            raise GoldError(f"{where}: reference_summary: expected text or {{from: dataset}}, got {raw!r}")
        if source is None:
            raise GoldError(f"{where}: reference_summary: 'from: dataset' needs a 'source' record, not an article file")
        if not source.reference_summary:
            raise GoldError(f"{where}: reference_summary: record '{source.id}' of {source.path} has no 'reference_summary'")
        return source.reference_summary
    return (str(raw).strip() or None) if raw else None


def _source(raw: Any, where: str, folder: Path | None) -> Source:
    """Validate ``source: {dataset, id}`` and read the record's text from the dataset in ``folder``."""
    _fields(raw, _SOURCE, where, "source")
    dataset = _text(raw.get("dataset"), where, "source", "dataset")
    record_id = _text(raw.get("id"), where, "source", "id")
    if not dataset.endswith((".jsonl", ".ndjson")):
        raise GoldError(f"{where}: source: dataset: expected a JSONL file name, got {dataset!r}")
    path = (folder / dataset) if folder is not None else None
    if path is None or not path.is_file():
        place = str(folder.resolve()) if folder is not None else "no data folder"
        raise DatasetNotFound(
            f"{where}: source: dataset {dataset} not found in {place} (set SUMMARIZE_DATA=DIR, or --data DIR on summarize eval)",
            dataset, folder)
    record = read_dataset(path).get(record_id)
    if record is None:
        raise GoldError(f"{where}: source.id: no record with id '{record_id}' in {path.resolve()}")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise GoldError(f"{where}: source.id: record '{record_id}' of {path.resolve()} has no 'text'")
    title = record.get("title")
    reference = record.get("reference_summary")
    return Source(dataset=dataset, id=record_id, path=path.resolve(), text=text,
                  title=title.strip() or None if isinstance(title, str) else None,
                  reference_summary=reference.strip() or None if isinstance(reference, str) else None)


_DATASETS: dict[Path, tuple[tuple[int, int], dict[str, dict[str, Any]]]] = {}


def read_dataset(path: Path) -> dict[str, dict[str, Any]]:
    """The records of a JSONL dataset by id, read once per run (again only if the file changes)."""
    path = path.resolve()
    try:
        stat = path.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
        cached = _DATASETS.get(path)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldError(f"{path}: cannot read dataset: {getattr(exc, 'strerror', None) or exc}") from None
    records: dict[str, dict[str, Any]] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise GoldError(f"{path}:{number}: not valid JSON ({exc.msg})") from None
        if isinstance(record, dict) and record.get("id") not in (None, ""):
            records.setdefault(str(record["id"]), record)
    _DATASETS[path] = (stamp, records)
    return records


def _alternatives(value: Any, where: str, entry: str, name: str, index: int) -> tuple[str, ...]:
    """A list of alternative wordings (a single string counts as a list of one)."""
    if isinstance(value, list):
        if not value:
            raise GoldError(f"{where}: {entry}: {name}[{index}]: empty list of alternatives")
        alternatives = []
        for alternative in value:
            if isinstance(alternative, (list, dict)):
                raise GoldError(f"{where}: {entry}: {name}[{index}]: alternatives must be text, got {type(alternative).__name__}")
            alternatives.append(_text(alternative, where, entry, f"{name}[{index}]"))
        return tuple(dict.fromkeys(alternatives))
    if isinstance(value, dict):
        raise GoldError(f"{where}: {entry}: {name}[{index}]: expected text or a list of alternatives, got a mapping")
    return (_text(value, where, entry, f"{name}[{index}]"),)


def _item(value: Any, aliases: dict[str, tuple[str, ...]], where: str, entry: str, name: str, index: int) -> Item:
    """A fact object: a literal, an alias group, or a list of alternatives (a tuple; one alternative
    stays a plain string). A lower_snake_case word that is no group is taken for a typo."""
    alternatives = _alternatives(value, where, entry, name, index)
    for alternative in alternatives:
        if "_" in alternative and _GROUP_NAME.match(alternative) and alternative not in aliases:
            raise GoldError(f"{where}: {entry}: {name}[{index}]: alias group '{alternative}' is used but not defined under aliases")
    return alternatives[0] if len(alternatives) == 1 else alternatives


def _fields(raw: Any, allowed: set[str], where: str, entry: str) -> None:
    if not isinstance(raw, dict):
        raise GoldError(f"{where}: {entry}: expected a mapping, got {type(raw).__name__}")
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise GoldError(f"{where}: {entry}: unknown field '{unknown[0]}' (allowed: {', '.join(sorted(allowed))})")


def _list(value: Any, where: str, entry: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise GoldError(f"{where}: {entry}: expected a list, got {type(value).__name__}")
    return value


def _text(value: Any, where: str, entry: str, name: str) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise GoldError(f"{where}: {entry}: {name}: expected non-empty text, got {value!r}")
    return value.strip()


def _aliases(raw: Any, where: str) -> dict[str, tuple[str, ...]]:
    if not isinstance(raw, dict):
        raise GoldError(f"{where}: aliases: expected a mapping of group name to a list of forms")
    aliases = {}
    for name, forms in raw.items():
        if not isinstance(name, str) or not _GROUP_NAME.match(name):
            raise GoldError(f"{where}: aliases: group name {name!r} must be lower_snake_case")
        forms = _list(forms, where, f"aliases.{name}")
        if not forms:
            raise GoldError(f"{where}: aliases.{name}: no forms")
        aliases[name] = tuple(_text(f, where, f"aliases.{name}", "form") for f in forms)
    return aliases


def _group(value: Any, aliases: dict[str, tuple[str, ...]], where: str, entry: str, name: str) -> str:
    value = _text(value, where, entry, name)
    if value not in aliases:
        raise GoldError(f"{where}: {entry}: {name}: alias group '{value}' is used but not defined under aliases")
    return value


def _numbers(raw: Any, where: str, name: str) -> dict[str, float]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise GoldError(f"{where}: {name}: expected a mapping of check name to a number")
    out = {}
    for check, value in raw.items():
        if check not in CHECK_NAMES:
            raise GoldError(f"{where}: {name}: unknown check '{check}' (checks: {', '.join(CHECK_NAMES)})")
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise GoldError(f"{where}: {name}.{check}: expected a number, got {value!r}")
        out[check] = float(value)
    return out
