"""Gold files: hand-written facts about one article, validated on load, and alias matching.

Schema (documented in evals/README.md): ``id``, ``article`` (path relative to the gold file),
optional ``desk``, ``aliases`` (group -> surface forms), ``facts``, ``contested``, ``qa``,
``summary_must_have``, ``reference_summary``, ``max_words``, ``thresholds``, ``weights``. Every
problem is reported as ``file: entry: field: what is wrong`` so a gold author can fix it at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from summarize.errors import SummarizeError

CHECK_NAMES = ("coverage", "attribution", "balance", "faithfulness", "neutrality", "hygiene", "qa", "rouge")
_GROUP_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class GoldError(SummarizeError):
    """A gold file, suite file or predictions file that cannot be used as written."""


@dataclass(frozen=True)
class Fact:
    """A must-have fact: ``actor`` (alias group) + ``stance`` verb + ``object`` items, in one
    sentence unless ``same_sentence`` is false."""

    id: str
    actor: str
    stance: str
    object: tuple[str, ...]
    level: str = "core"
    same_sentence: bool = True


@dataclass(frozen=True)
class Contested:
    """A claim some parties assert and others deny."""

    claim: str
    asserted_by: tuple[str, ...]
    denied_by: tuple[str, ...]
    id: str


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


@dataclass
class Gold:
    id: str
    path: Path
    article: Path
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

    def forms(self, item: str) -> tuple[str, ...]:
        """Surface forms of an alias group, or the literal item itself."""
        return self.aliases.get(item, (item,))

    @cached_property
    def _matcher(self) -> re.Pattern[str]:
        forms = sorted({f for group in self.aliases.values() for f in group}, key=len, reverse=True)
        return re.compile(
            r"(?<![\w-])(" + "|".join(re.escape(f) for f in forms) + r")(?![\w-])", re.IGNORECASE
        ) if forms else re.compile(r"(?!x)x")

    def find(self, text: str, item: str) -> str | None:
        """The alias form of ``item`` that ``text`` contains, or None. Case-insensitive, on word
        boundaries, and longest match first across all groups: in "South Korea", "Korea" does not
        count for a group that means the North."""
        if item in self.aliases:
            wanted = {f.lower() for f in self.aliases[item]}
            for match in self._matcher.finditer(text):
                if match.group(1).lower() in wanted:
                    return match.group(1)
            return None
        found = re.search(r"(?<![\w-])" + re.escape(item) + r"(?![\w-])", text, re.IGNORECASE)
        return found.group(0) if found else None


_TOP = {"id", "article", "desk", "aliases", "facts", "contested", "qa", "summary_must_have",
        "reference_summary", "max_words", "thresholds", "weights"}
_FACT = {"id", "actor", "stance", "object", "level", "same_sentence"}
_CONTESTED = {"id", "claim", "asserted_by", "denied_by"}
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


def load_gold(path: str | Path) -> Gold:
    """Read and validate one gold file; raise :class:`GoldError` naming file, entry and field."""
    path = Path(path)
    where = str(path)
    data = read_yaml(path, "gold")
    if not isinstance(data, dict):
        raise GoldError(f"{where}: expected a mapping with id, article, facts, contested and qa")
    _fields(data, _TOP, where, "top level")
    for required in ("id", "article"):
        if not data.get(required):
            raise GoldError(f"{where}: top level: missing required field '{required}'")
    if str(data["id"]) != path.stem:
        raise GoldError(f"{where}: top level: id '{data['id']}' does not match the file name '{path.stem}'")
    article = (path.parent / str(data["article"])).resolve()
    if not article.is_file():
        raise GoldError(f"{where}: article: no such file {data['article']} (resolved to {article})")

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
            object=tuple(_text(o, where, entry, "object") for o in _list(raw.get("object"), where, f"{entry}: object")),
            level=level,
            same_sentence=bool(raw.get("same_sentence", True)),
        ))
    contested = []
    for i, raw in enumerate(_list(data.get("contested"), where, "contested")):
        entry = f"contested[{i}]"
        _fields(raw, _CONTESTED, where, entry)
        contested.append(Contested(
            claim=_text(raw.get("claim"), where, entry, "claim"),
            asserted_by=tuple(group(p, entry, "asserted_by") for p in _list(raw.get("asserted_by"), where, f"{entry}: asserted_by")),
            denied_by=tuple(group(p, entry, "denied_by") for p in _list(raw.get("denied_by") or [], where, f"{entry}: denied_by")),
            id=str(raw.get("id") or f"contested-{i + 1}"),
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
                    denied=tuple(_text(d, where, entry, "denied") for d in _list(party.get("denied"), where, f"{entry}.per_party[{j}]: denied")),
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
        reference_summary=(str(data["reference_summary"]).strip() or None) if data.get("reference_summary") else None,
        max_words=max_words, desk=data.get("desk"),
        thresholds=_numbers(data.get("thresholds"), where, "thresholds"),
        weights=_numbers(data.get("weights"), where, "weights"),
    )


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
