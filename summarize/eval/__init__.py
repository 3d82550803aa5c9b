"""Eval suites that are not the YAML gold of :mod:`summarize.check`: the attribution gold of
``../shared/data/dispute_dev.jsonl`` (:mod:`.dispute`), scored as its own tool scores it."""
