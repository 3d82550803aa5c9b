"""The checks as Hugging Face ``evaluate`` modules, loadable from local files with no hub:

    import evaluate
    coverage = evaluate.load("evals/metrics/coverage")
    coverage.compute(predictions=[summary_or_json], references=["evals/gold/<id>.yaml"])

A prediction is a summary string or a JSON object in the run contract (``summary``, ``answers``);
a reference is the path of a gold file. Each module under evals/metrics/ subclasses this one.
"""

from __future__ import annotations

import json
from typing import Any

import datasets
import evaluate

from summarize.check.checks import Output
from summarize.check.gold import load_gold


class GoldCheckMetric(evaluate.Metric):
    """An eval check over (prediction, gold file) pairs: the mean score, the pass rate, and each
    pair's result with its explanation."""

    check_name = ""

    def _info(self) -> evaluate.MetricInfo:
        from summarize.check import CHECKS

        return evaluate.MetricInfo(
            description=(CHECKS[self.check_name].__doc__ or self.check_name).strip(),
            citation="",
            inputs_description="predictions: summaries, or JSON objects with summary and answers; "
            "references: paths of gold YAML files (evals/gold/*.yaml).",
            features=datasets.Features({"predictions": datasets.Value("string"), "references": datasets.Value("string")}),
        )

    def _compute(self, predictions: list[str], references: list[str]) -> dict[str, Any]:
        from summarize.check import CHECKS

        check = CHECKS[self.check_name]
        results = []
        for prediction, reference in zip(predictions, references):
            gold = load_gold(reference)
            source = gold.load_article().text
            results.append(check(_output(prediction, gold.id), gold, source))
        applied = [r for r in results if r.passed is not None]
        return {
            "score": sum(r.score or 0.0 for r in applied) / len(applied) if applied else None,
            "pass_rate": sum(bool(r.passed) for r in applied) / len(applied) if applied else None,
            "passed": [r.passed for r in results],
            "scores": [r.score for r in results],
            "details": [r.detail for r in results],
        }


def _output(prediction: str, article_id: str) -> Output:
    text = prediction.strip()
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            data = None
        if isinstance(data, dict):
            return Output(str(data.get("id", article_id)), str(data.get("summary") or ""), list(data.get("answers") or []))
    return Output(article_id, prediction, [])
