"""The `speakers` check of the summarize eval suite as a local `evaluate` module (no hub):

    evaluate.load("evals/metrics/speakers").compute(predictions=[...], references=["evals/gold/<id>.yaml"])
"""

from summarize.check import metric


class Speakers(metric.GoldCheckMetric):
    check_name = "speakers"
