"""The `neutrality` check of the summarize eval suite as a local `evaluate` module (no hub):

    evaluate.load("evals/metrics/neutrality").compute(predictions=[...], references=["evals/gold/<id>.yaml"])
"""

from summarize.check import metric


class Neutrality(metric.GoldCheckMetric):
    check_name = "neutrality"
