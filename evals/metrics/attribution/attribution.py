"""The `attribution` check of the summarize eval suite as a local `evaluate` module (no hub):

    evaluate.load("evals/metrics/attribution").compute(predictions=[...], references=["evals/gold/<id>.yaml"])
"""

from summarize.check import metric


class Attribution(metric.GoldCheckMetric):
    check_name = "attribution"
