"""The `hygiene` check of the summarize eval suite as a local `evaluate` module (no hub):

    evaluate.load("evals/metrics/hygiene").compute(predictions=[...], references=["evals/gold/<id>.yaml"])
"""

from summarize.check import metric


class Hygiene(metric.GoldCheckMetric):
    check_name = "hygiene"
