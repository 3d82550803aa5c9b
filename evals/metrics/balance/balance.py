"""The `balance` check of the summarize eval suite as a local `evaluate` module (no hub):

    evaluate.load("evals/metrics/balance").compute(predictions=[...], references=["evals/gold/<id>.yaml"])
"""

from summarize.check import metric


class Balance(metric.GoldCheckMetric):
    check_name = "balance"
