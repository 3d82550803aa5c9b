"""The `rouge` check of the summarize eval suite as a local `evaluate` module (no hub):

    evaluate.load("evals/metrics/rouge").compute(predictions=[...], references=["evals/gold/<id>.yaml"])
"""

from summarize.check import metric


class Rouge(metric.GoldCheckMetric):
    check_name = "rouge"
