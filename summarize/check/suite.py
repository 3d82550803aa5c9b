"""An eval run: the suite on disk, outputs to score (from an engine or a predictions file), the
scored results as a ``datasets.Dataset``, and the report dict that ``summarize.report`` writes.

Beside the gold checks, every output carries its guard object (:mod:`summarize.guard`): the one the
engine's guard wrote, or, for outputs no guard saw (``--guard off``, the offline engine, predictions),
the guard's source-only checks run here in flag mode (action ``checked``). ``compare_guard`` scores a
model's run with the guard against the same model's run without it.

Everything that can be wrong with the inputs is found before anything is written, so a failed run
leaves no half-written run folder.
"""

from __future__ import annotations

import glob
import os
import subprocess
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from summarize.check import CHECKS, run_checks
from summarize.check.answers import qa_grades
from summarize.check.checks import Output, sentences_of, stance_verbs
from summarize.check.gold import CHECK_NAMES, DATA_ENV, DatasetNotFound, Gold, GoldError, load_gold, read_yaml

DEFAULT_SUITE = Path("evals/suite.yaml")
_SUITE_FIELDS = {"name", "gold", "thresholds", "engine", "description", "data"}


@dataclass
class Suite:
    path: Path
    name: str
    golds: list[Gold]
    thresholds: dict[str, float] = field(default_factory=dict)
    engine: str = "offline"
    #: The folder gold ``source`` datasets are read from (None: each gold file's default).
    data: Path | None = None

    def gold(self, article_id: str) -> Gold | None:
        return next((g for g in self.golds if g.id == article_id), None)


def load_suite(path: str | Path = DEFAULT_SUITE, data_folder: str | Path | None = None) -> Suite:
    """Read the suite config and every gold file it lists (globs allowed), validating all of them.

    Datasets named by gold ``source`` entries are read from ``data_folder`` (``--data``), else
    ``$SUMMARIZE_DATA``, else the suite's ``data:`` folder (relative to the suite file)."""
    path = Path(path)
    where = str(path)
    data = read_yaml(path, "suite")
    if not isinstance(data, dict):
        raise GoldError(f"{where}: expected a mapping with name, gold and thresholds")
    unknown = sorted(set(data) - _SUITE_FIELDS)
    if unknown:
        raise GoldError(f"{where}: unknown field '{unknown[0]}' (allowed: {', '.join(sorted(_SUITE_FIELDS))})")
    if data.get("data") is not None and (not isinstance(data["data"], str) or not data["data"].strip()):
        raise GoldError(f"{where}: data: expected a folder path (relative to the suite file), got {data['data']!r}")
    if data_folder is not None:
        folder: Path | None = Path(data_folder).expanduser()
    elif os.environ.get(DATA_ENV):
        folder = Path(os.environ[DATA_ENV]).expanduser()
    elif data.get("data"):
        folder = path.parent / data["data"].strip()
    else:
        folder = None
    files: list[Path] = []
    for pattern in data.get("gold") or []:
        matches = sorted(glob.glob(str(path.parent / pattern)))
        if not matches:
            raise GoldError(f"{where}: gold: {pattern!r} matches no file")
        files += [Path(m) for m in matches if Path(m) not in files]
    if not files:
        raise GoldError(f"{where}: gold: no gold files listed")
    try:
        golds = [load_gold(f, folder) for f in files]
    except DatasetNotFound as missing:
        place = str(missing.folder.resolve()) if missing.folder is not None else "no data folder"
        raise GoldError(f"{where}: dataset {missing.dataset} not found in {place} (set --data DIR or {DATA_ENV})") from None
    seen: set[str] = set()
    for gold in golds:
        if gold.id in seen:
            raise GoldError(f"{gold.path}: id '{gold.id}' appears twice in the suite")
        seen.add(gold.id)
    thresholds = data.get("thresholds") or {}
    for name, value in thresholds.items():
        if name not in CHECK_NAMES:
            raise GoldError(f"{where}: thresholds: unknown check '{name}' (checks: {', '.join(CHECK_NAMES)})")
        if not isinstance(value, (int, float)) or not 0 <= value <= 1:
            raise GoldError(f"{where}: thresholds.{name}: expected a pass rate between 0 and 1, got {value!r}")
    return Suite(path=path, name=str(data.get("name") or path.stem), golds=golds,
                 thresholds={k: float(v) for k, v in thresholds.items()}, engine=str(data.get("engine") or "offline"),
                 data=folder)


def load_predictions_file(path: str | Path, ids: set[str]) -> dict[str, dict[str, Any]]:
    """Records of any system's outputs (the ``summarize run`` contract, one JSON object per line) by
    id; every line must be valid, name one of ``ids``, once."""
    from summarize.errors import InputError
    from summarize.output import read_output_records

    try:
        records = read_output_records(path, noun="prediction")
    except InputError as exc:
        raise GoldError(str(exc)) from None
    found: dict[str, dict[str, Any]] = {}
    for where, record in records:
        article_id = str(record["id"])
        if article_id in found:
            raise GoldError(f"{where}: duplicate id '{article_id}'")
        if article_id not in ids:
            raise GoldError(f"{where}: id '{article_id}' is not in the suite")
        found[article_id] = record
    return found


def load_predictions(path: str | Path, suite: Suite) -> dict[str, Output]:
    """Outputs of any system, one JSON object per line in the ``summarize run`` contract (``id``,
    ``summary``, ``answers``). Every line must be valid, with a suite id, once."""
    from summarize.errors import InputError
    from summarize.output import read_output_records

    try:
        records = read_output_records(path, noun="prediction")
    except InputError as exc:
        raise GoldError(str(exc)) from None
    outputs: dict[str, Output] = {}
    for where, record in records:
        article_id = str(record["id"])
        if article_id in outputs:
            raise GoldError(f"{where}: duplicate id '{article_id}'")
        if suite.gold(article_id) is None:
            raise GoldError(f"{where}: id '{article_id}' is not in the suite {suite.path}")
        outputs[article_id] = Output(article_id, record["summary"], record.get("answers") or [])
    return outputs


def generate_outputs(suite: Suite, engine: str = "offline", **options: Any) -> tuple[dict[str, Output], dict[str, Any]]:
    """Run the summarizer over the suite's articles, asking each its gold questions. The offline
    engine gets each gold file's word limit; ``options`` go to the :class:`Summarizer` (``guard``,
    ``guard_candidates``, ``generation``…). Returns the outputs and the run metadata; the metadata's
    ``guard`` is the guard mode the engine ran under, its ``guards`` each article's guard object
    (none when the guard was off)."""
    from summarize.generate import Summarizer

    summarizers: dict[int | None, Summarizer] = {}
    outputs: dict[str, Output] = {}
    guards: dict[str, dict[str, Any]] = {}
    meta: dict[str, Any] = {}
    for gold in suite.golds:
        limit = gold.max_words if engine == "offline" else None
        if limit not in summarizers:
            summarizers[limit] = Summarizer(engine, max_words=limit, **options)
        summarizer = summarizers[limit]
        article = gold.load_article()
        result = next(summarizer.run([article], questions=[q.question for q in gold.qa]))
        if not result.ok:
            raise GoldError(f"{gold.id}: the summarizer failed: {result.error}")
        outputs[gold.id] = Output(gold.id, result.summary or "", [a.to_dict() for a in result.answers])
        if result.guard is not None:
            guards[gold.id] = result.guard.to_dict()
        meta = {"engine": result.engine, "model": result.model, "prompts": result.prompts, "notice": summarizer.notice,
                "guard": summarizer.guard.mode if summarizer.guard is not None else "off"}
    meta["guards"] = guards
    return outputs, meta


def check_outputs(suite: Suite, outputs: dict[str, Output], known: dict[str, dict[str, Any]] | None = None) -> dict[str, dict[str, Any]]:
    """Every output's guard object: the ``known`` ones (the engine's guard wrote them) as they are,
    the others from the guard's source-only checks in flag mode, as ``summarize check`` runs them
    (summary and "who denied…" answers against the article; no length limit), action ``checked``."""
    from summarize.guard import Guard
    from summarize.records import Answer, GuardReport

    guard = Guard("flag")
    found: dict[str, dict[str, Any]] = {}
    for gold in suite.golds:
        output = outputs.get(gold.id)
        if output is None:
            continue
        if known and gold.id in known:
            found[gold.id] = known[gold.id]
            continue
        source = gold.load_article().text
        problems = guard.check(output.summary, source)
        for item in output.answers:
            question, answer = item.get("question"), item.get("answer")
            if isinstance(question, str) and isinstance(answer, str):
                problems += guard.check_answer(Answer(question, answer), source)
        found[gold.id] = GuardReport(passed=not problems, violations=problems, action="checked").to_dict()
    return found


def score(suite: Suite, outputs: dict[str, Output], guards: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """Score outputs against the suite: per-article checks, facts and QA grades, aggregates, and
    the ids not scored (suite articles the outputs lack: listed, never counted as zero). With
    ``guards`` (:func:`check_outputs`), each article also carries its guard object."""
    import datasets

    datasets.disable_progress_bars()
    rows, articles = [], []
    for gold in suite.golds:
        output = outputs.get(gold.id)
        if output is None:
            continue
        article = gold.load_article()
        results = run_checks(output, gold, article.text)
        rows += [{"id": gold.id, **r.to_dict()} for r in results]
        applied = [r for r in results if r.score is not None and r.passed is not None]
        weights = [gold.weights.get(r.name, 1.0) for r in applied]
        entry: dict[str, Any] = {
            "id": gold.id,
            "title": article.title,
            "score": round(sum(w * r.score for w, r in zip(weights, applied)) / sum(weights), 4) if sum(weights) else None,
            "summary": output.summary,
            "checks": [r.to_dict() for r in results],
        }
        if guards is not None:
            entry["guard"] = guards.get(gold.id)
        entry["facts"] = _facts(output, gold)
        entry["qa"] = qa_grades(output, gold) if output.answers else []
        articles.append(entry)
    table = datasets.Dataset.from_list(rows) if rows else datasets.Dataset.from_dict({"id": [], "name": []})
    aggregates = aggregate(table, suite.thresholds)
    return {
        "articles": articles,
        "aggregates": aggregates,
        "not_scored": [g.id for g in suite.golds if g.id not in outputs],
        "passed": all(a["passed"] is not False for a in aggregates.values()),
        "dataset": table,
    }


def aggregate(table: Any, thresholds: dict[str, float]) -> dict[str, dict[str, Any]]:
    """Per check: pass rate and mean score over the articles it applies to, against the threshold."""
    out = {}
    for name in CHECKS:
        applied = table.filter(lambda r: r["name"] == name and r["passed"] is not None) if len(table) else []
        count = len(applied)
        pass_rate = sum(1 for r in applied if r["passed"]) / count if count else None
        mean = sum(r["score"] for r in applied) / count if count else None
        threshold = thresholds.get(name)
        out[name] = {
            "pass_rate": None if pass_rate is None else round(pass_rate, 4),
            "mean_score": None if mean is None else round(mean, 4),
            "articles": count,
            "threshold": threshold,
            "passed": None if pass_rate is None or threshold is None else pass_rate >= threshold,
        }
    return out


def guard_summary(articles: list[dict[str, Any]], mode: str | None) -> dict[str, Any]:
    """The report's top-level ``guard``: the mode the engine ran under (None: predictions), how many
    articles the guard found violations in (before any repair: ``flagged``) and how many outputs pass
    its checks as written (``passed``), the actions taken by kind, and the violations found by check."""
    reports = [a["guard"] for a in articles if a.get("guard")]
    actions: dict[str, int] = {}
    by_check: dict[str, int] = {}
    for report in reports:
        actions[report["action"]] = actions.get(report["action"], 0) + 1
        for violation in report.get("repaired") or report.get("violations") or []:
            by_check[violation["check"]] = by_check.get(violation["check"], 0) + 1
    return {
        "mode": mode,
        "articles": len(reports),
        "flagged": sum(1 for r in reports if r.get("violations") or r.get("repaired")),
        "passed": sum(1 for r in reports if r.get("passed")),
        "actions": dict(sorted(actions.items(), key=lambda kv: (-kv[1], kv[0]))),
        "violations": dict(sorted(by_check.items(), key=lambda kv: (-kv[1], kv[0]))),
    }


def compare_guard(without: dict[str, Any], with_guard: dict[str, Any], mode: str) -> dict[str, Any]:
    """What the guard saved: the scored run without it (``without``, from :func:`score`) against the
    scored run with it in ``mode``. Per article, the gold checks that fail without the guard and not
    with it (``saved``: they pass, or no longer apply, listed again in ``saved_not_applicable``: the
    guard took out what they failed on, e.g. a misattributed quotation replaced by the source's own
    sentence) and those that fail with the guard and not without it (``worse``); per check, the pass
    rates with and without; in all, the gold checks passed with and without. ``without`` keeps the
    unguarded run's aggregates and articles."""
    before = {a["id"]: a for a in without["articles"]}
    changes = []
    for article in with_guard["articles"]:
        old = before.get(article["id"])
        if old is None:
            continue
        was = {c["name"]: c.get("passed") for c in old.get("checks") or []}
        now = {c["name"]: c.get("passed") for c in article.get("checks") or []}
        changes.append({
            "id": article["id"],
            "action": (article.get("guard") or {}).get("action"),
            "summary_changed": old.get("summary") != article.get("summary"),
            "saved": [n for n in now if was.get(n) is False and now[n] is not False],
            "saved_not_applicable": [n for n in now if was.get(n) is False and now[n] is None],
            "worse": [n for n in now if n in was and was[n] is not False and now[n] is False],
        })
    rates = {name: {"without": (without["aggregates"].get(name) or {}).get("pass_rate"), "with": agg.get("pass_rate")}
             for name, agg in with_guard["aggregates"].items()}
    return {
        "guard": mode,
        "saved": sum(len(c["saved"]) for c in changes),
        "worse": sum(len(c["worse"]) for c in changes),
        "checks_passed": {"without": _checks_passed(without["articles"]), "with": _checks_passed(with_guard["articles"])},
        "pass_rates": rates,
        "articles": changes,
        "without": {"guard": "off", "passed": without["passed"], "aggregates": without["aggregates"], "articles": without["articles"]},
    }


def _checks_passed(articles: list[dict[str, Any]]) -> dict[str, int]:
    applied = [c for a in articles for c in a.get("checks") or [] if c.get("passed") is not None]
    return {"passed": sum(1 for c in applied if c["passed"]), "applied": len(applied)}


def _facts(output: Output, gold: Gold) -> list[dict[str, Any]]:
    sentences = sentences_of(output.summary)
    facts = []
    for fact in gold.facts:
        verb = stance_verbs(fact.stance)
        present = any(
            gold.find(s, fact.actor) and verb.search(s) and all(gold.find(s, o) for o in fact.object)
            for s in (sentences if fact.same_sentence else [output.summary])
        )
        facts.append({"id": fact.id, "level": fact.level, "present": bool(present)})
    return facts


def run_metadata(suite: Suite | None, meta: dict[str, Any], predictions: Path | None) -> dict[str, Any]:
    return {
        "engine": meta.get("engine"),
        "model": meta.get("model"),
        "prompts": meta.get("prompts") or {},
        "git_commit": _git_commit(),
        "created": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "suite": str(suite.path) if suite else None,
        "predictions": str(predictions) if predictions else None,
        "guard": meta.get("guard"),
    }


def _git_commit() -> str | None:
    try:
        done = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None
