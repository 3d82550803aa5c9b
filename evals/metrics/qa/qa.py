"""The `qa` check of the summarize eval suite as a local `evaluate` module (no hub):

    evaluate.load("evals/metrics/qa").compute(predictions=[...], references=["evals/gold/<id>.yaml"])
"""

from summarize.check import metric


class Qa(metric.GoldCheckMetric):
    check_name = "qa"
