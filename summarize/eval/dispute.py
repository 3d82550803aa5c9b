"""The dispute suite: hand-written gold for "who denied what?" in JSONL, scored as ``score_gold.py`` does.

One JSON object per line names a corpus article (``corpus_id``: its text is read from the corpus
file at eval time, never stored) and gives ``facts`` (``must_mention`` groups of alternative words),
``contested_claims`` (who denied them: ``denied_by`` aliases) and ``qa`` (questions with acceptable
wordings). The suite YAML names the gold and corpus files (``format: dispute``)::

    name: dispute-dev
    format: dispute
    gold: dispute_dev.jsonl       # in the data folder
    corpus: bbc_corpus.jsonl
    data: ../../shared/data       # relative to the suite file; --data or $SUMMARIZE_DATA override it
    thresholds: {qa: 0.8, qa_f1: 0.75, facts: 0.55, denials: 0.85}

Metrics, the same as the project's owners use on held-out articles: an answer is right when it
contains a gold wording (both lower-cased, punctuation and a/an/the/mr/mrs/ms dropped) in at most 30
words, graded by token F1 against the best wording; a fact is kept when every ``must_mention`` group
has an alias in the summary (whole words); a contested claim's denial is kept when the summary names
one ``denied_by`` alias and uses a denial verb. Thresholds are minimum shares of all questions,
facts and denials in the suite.
"""

from __future__ import annotations

import json
import os
import re
import string
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from summarize.check.gold import DATA_ENV, GoldError, read_yaml
from summarize.generate import Summarizer
from summarize.records import Article

#: The metrics a dispute suite gates on, with what each counts.
METRICS = {"qa": "questions answered", "qa_f1": "mean answer F1", "facts": "facts kept", "denials": "denials kept"}
_SUITE_FIELDS = {"name", "description", "format", "gold", "corpus", "data", "engine", "thresholds"}
MAX_ANSWER_WORDS = 30
DENIAL_VERBS = re.compile(r"\b(den(y|ied|ies|ial|ying)|reject(s|ed)?|refut(e|ed|es)|dismiss(ed|es)?|rebuff(ed)?)\b", re.I)
_DROPPED = re.compile(r"\b(a|an|the|mr|mrs|ms)\b")


class Fact(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: str
    statement: str
    must_mention: list[list[str]] = Field(min_length=1)
    attributed_to: list[str] | None = None


class ContestedClaim(BaseModel):
    model_config = ConfigDict(extra="ignore")
    claim: str
    claimed_by: list[str] = []
    denied_by: list[str] = []
    note: str | None = None


class Question(BaseModel):
    model_config = ConfigDict(extra="ignore")
    question: str = Field(min_length=1)
    answers: list[str] = Field(min_length=1)


class DisputeGold(BaseModel):
    """One article's gold, as a line of ``dispute_dev.jsonl``."""

    model_config = ConfigDict(extra="ignore")
    id: str = Field(min_length=1)
    corpus_id: str = Field(min_length=1)
    title: str | None = None
    facts: list[Fact] = []
    contested_claims: list[ContestedClaim] = []
    qa: list[Question] = []


@dataclass
class DisputeArticle:
    gold: DisputeGold
    title: str
    text: str

    def article(self) -> Article:
        """The article as ``score_gold.py`` hands it to a system: a title line, a blank line, the text."""
        return Article.from_text(f"{self.title}\n\n{self.text}\n", id=self.gold.id, source=f"{self.gold.corpus_id}")


@dataclass
class DisputeSuite:
    path: Path
    name: str
    articles: list[DisputeArticle]
    thresholds: dict[str, float]
    engine: str = "offline"
    gold_file: Path | None = None
    corpus_file: Path | None = None


def is_dispute_suite(path: str | Path) -> bool:
    """Does the suite file say ``format: dispute``?"""
    data = read_yaml(Path(path), "suite")
    return isinstance(data, dict) and data.get("format") == "dispute"


def load_dispute_suite(path: str | Path, data_folder: str | Path | None = None) -> DisputeSuite:
    """Read the suite, its gold lines and the texts they name; every problem is one GoldError line."""
    path = Path(path)
    data = read_yaml(path, "suite")
    where = str(path)
    unknown = sorted(set(data) - _SUITE_FIELDS)
    if unknown:
        raise GoldError(f"{where}: unknown field '{unknown[0]}' (allowed: {', '.join(sorted(_SUITE_FIELDS))})")
    for key in ("gold", "corpus"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise GoldError(f"{where}: {key}: expected a file name in the data folder")
    if data_folder is not None:
        folder = Path(data_folder).expanduser()
    elif os.environ.get(DATA_ENV):
        folder = Path(os.environ[DATA_ENV]).expanduser()
    else:
        folder = path.parent / str(data.get("data") or ".")
    thresholds = data.get("thresholds") or {}
    if not isinstance(thresholds, dict):
        raise GoldError(f"{where}: thresholds: expected a mapping of {', '.join(METRICS)}")
    for name, value in thresholds.items():
        if name not in METRICS:
            raise GoldError(f"{where}: thresholds: unknown metric '{name}' (metrics: {', '.join(METRICS)})")
        if not isinstance(value, (int, float)) or not 0 <= value <= 1:
            raise GoldError(f"{where}: thresholds.{name}: expected a share between 0 and 1, got {value!r}")
    gold_file, corpus_file = folder / data["gold"].strip(), folder / data["corpus"].strip()
    golds = _read_golds(gold_file, folder)
    texts = _read_corpus(corpus_file, {g.corpus_id for g in golds}, folder)
    articles = []
    for gold in golds:
        found = texts.get(gold.corpus_id)
        if found is None:
            raise GoldError(f"{gold_file}: {gold.id}: corpus_id '{gold.corpus_id}' is not in {corpus_file}")
        articles.append(DisputeArticle(gold, found[0], found[1]))
    return DisputeSuite(path=path, name=str(data.get("name") or path.stem), articles=articles,
                        thresholds={k: float(v) for k, v in thresholds.items()}, engine=str(data.get("engine") or "offline"),
                        gold_file=gold_file, corpus_file=corpus_file)


def _read_golds(path: Path, folder: Path) -> list[DisputeGold]:
    if not path.is_file():
        raise GoldError(f"dispute gold {path.name} not found in {folder.resolve()} (set --data DIR or {DATA_ENV})")
    golds: list[DisputeGold] = []
    seen: set[str] = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            gold = DisputeGold.model_validate_json(line)
        except ValidationError as exc:
            error = exc.errors()[0]
            place = ".".join(str(p) for p in error["loc"]) or "line"
            raise GoldError(f"{path}:{number}: {place}: {error['msg']}") from None
        if gold.id in seen:
            raise GoldError(f"{path}:{number}: id '{gold.id}' appears twice")
        seen.add(gold.id)
        golds.append(gold)
    if not golds:
        raise GoldError(f"{path}: no gold lines")
    return golds


def _read_corpus(path: Path, wanted: set[str], folder: Path) -> dict[str, tuple[str, str]]:
    if not path.is_file():
        raise GoldError(f"corpus {path.name} not found in {folder.resolve()} (set --data DIR or {DATA_ENV})")
    found: dict[str, tuple[str, str]] = {}
    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise GoldError(f"{path}:{number}: not JSON: {exc.msg}") from None
            if isinstance(record, dict) and record.get("id") in wanted:
                found[record["id"]] = (str(record.get("title") or ""), str(record.get("text") or ""))
    return found


# -- the metrics (as score_gold.py computes them) ----------------------------------------------------


def normalize(text: str) -> str:
    text = "".join(ch for ch in text.lower() if ch not in set(string.punctuation))
    return " ".join(_DROPPED.sub(" ", text).split())


def token_f1(answer: str, wording: str) -> float:
    got, want = normalize(answer).split(), normalize(wording).split()
    same = sum((Counter(got) & Counter(want)).values())
    if not got or not want or not same:
        return 0.0
    precision, recall = same / len(got), same / len(want)
    return 2 * precision * recall / (precision + recall)


def mentions(aliases: list[str], text: str) -> bool:
    return any(re.search(r"(?<!\w)" + re.escape(alias.lower()) + r"(?!\w)", text.lower()) for alias in aliases)


def score_article(article: DisputeArticle, summary: str, answers: dict[str, str]) -> dict[str, Any]:
    """One article's grades: each question, fact and contested claim with whether it passed."""
    gold = article.gold
    qa = []
    for question in gold.qa:
        answer = answers.get(question.question) or ""
        hit = any(normalize(w) and normalize(w) in normalize(answer) for w in question.answers) and len(answer.split()) <= MAX_ANSWER_WORDS
        qa.append({"question": question.question, "answer": answer, "hit": hit,
                   "f1": round(max((token_f1(answer, w) for w in question.answers), default=0.0), 4), "gold": question.answers})
    facts = [{"id": f.id, "statement": f.statement, "kept": all(mentions(group, summary) for group in f.must_mention)} for f in gold.facts]
    denials = [{"claim": c.claim, "denied_by": c.denied_by, "kept": mentions(c.denied_by, summary) and bool(DENIAL_VERBS.search(summary))}
               for c in gold.contested_claims if c.denied_by]
    return {"id": gold.id, "corpus_id": gold.corpus_id, "title": article.title, "summary": summary,
            "summary_words": len(summary.split()), "qa": qa, "facts": facts, "denials": denials}


def totals(articles: list[dict[str, Any]]) -> dict[str, Any]:
    """The suite's figures: counts and shares of questions answered, facts and denials kept, mean F1."""
    qa = [q for a in articles for q in a["qa"]]
    facts = [f for a in articles for f in a["facts"]]
    denials = [d for a in articles for d in a["denials"]]

    def share(items: list[dict[str, Any]], key: str) -> dict[str, Any]:
        passed = sum(1 for i in items if i[key])
        return {"passed": passed, "total": len(items), "share": round(passed / len(items), 4) if items else None}

    return {
        "qa": share(qa, "hit"),
        "qa_f1": {"share": round(sum(q["f1"] for q in qa) / len(qa), 4) if qa else None, "total": len(qa)},
        "facts": share(facts, "kept"),
        "denials": share(denials, "kept"),
        "mean_answer_words": round(sum(len(q["answer"].split()) for q in qa) / len(qa), 1) if qa else None,
        "mean_summary_words": round(sum(a["summary_words"] for a in articles) / len(articles)) if articles else None,
    }


def gate(figures: dict[str, Any], thresholds: dict[str, float]) -> dict[str, dict[str, Any]]:
    """Each metric's share against its threshold."""
    out = {}
    for name in METRICS:
        share, threshold = figures[name]["share"], thresholds.get(name)
        out[name] = {"share": share, "threshold": threshold,
                     "passed": None if share is None or threshold is None else share >= threshold}
    return out


def score_outputs(suite: DisputeSuite, outputs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Grade outputs (``summarize run`` records by gold id) against the suite."""
    articles = []
    for article in suite.articles:
        record = outputs.get(article.gold.id)
        if record is None:
            continue
        summary = record.get("summary") or ""
        summary = summary.get("text", "") if isinstance(summary, dict) else str(summary)
        answers = {a.get("question"): a.get("answer") if isinstance(a.get("answer"), str) else ("" if a.get("answer") is None else json.dumps(a.get("answer")))
                   for a in record.get("answers") or [] if isinstance(a, dict)}
        articles.append(score_article(article, summary, answers))
    figures = totals(articles)
    gated = gate(figures, suite.thresholds)
    return {"articles": articles, "totals": figures, "gate": gated, "passed": all(g["passed"] is not False for g in gated.values()),
            "not_scored": [a.gold.id for a in suite.articles if a.gold.id not in outputs]}


def generate_outputs(suite: DisputeSuite, engine: str, **options: Any) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """Run the summarizer on each article with its gold questions, as ``summarize run FILE -q …`` would."""
    summarizer = Summarizer(engine, **options)
    outputs: dict[str, dict[str, Any]] = {}
    meta: dict[str, Any] = {}
    for article in suite.articles:
        result = next(summarizer.run([article.article()], questions=[q.question for q in article.gold.qa]))
        record = result.to_dict()
        outputs[article.gold.id] = record
        meta = {"engine": record.get("engine"), "model": record.get("model"), "prompts": record.get("prompts") or {},
                "notice": summarizer.notice, "guard": summarizer.guard.mode if summarizer.guard is not None else "off"}
    return outputs, meta


def headline(figures: dict[str, Any]) -> str:
    """The figures in score_gold.py's words."""
    qa, facts, denials = figures["qa"], figures["facts"], figures["denials"]
    return (f"QA hit {qa['passed']}/{qa['total']} ({_percent(qa['share'])}), mean F1 {figures['qa_f1']['share'] or 0:.2f}, "
            f"mean answer {figures['mean_answer_words']} words, facts {facts['passed']}/{facts['total']}, "
            f"denials kept {denials['passed']}/{denials['total']}, summary {figures['mean_summary_words']} words")


def _percent(share: float | None) -> str:
    return "n/a" if share is None else f"{100 * share:.0f}%"
