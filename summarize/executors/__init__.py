"""Executors that run the Summarizer pipeline beyond one process (``ray_executor``: a Ray cluster)."""
