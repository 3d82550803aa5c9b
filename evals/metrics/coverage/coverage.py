"""The `coverage` check of the summarize eval suite as a local `evaluate` module (no hub):

    evaluate.load("evals/metrics/coverage").compute(predictions=[...], references=["evals/gold/<id>.yaml"])
"""

from summarize.check import metric


class Coverage(metric.GoldCheckMetric):
    check_name = "coverage"
