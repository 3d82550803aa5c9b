"""The `faithfulness` check of the summarize eval suite as a local `evaluate` module (no hub):

    evaluate.load("evals/metrics/faithfulness").compute(predictions=[...], references=["evals/gold/<id>.yaml"])
"""

from summarize.check import metric


class Faithfulness(metric.GoldCheckMetric):
    check_name = "faithfulness"
