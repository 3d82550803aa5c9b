"""summarize: neutral, attribution-keeping news summaries and answers from local seq2seq models.

    from summarize import Summarizer, load_articles
    summarizer = Summarizer(model="google/flan-t5-base")
    for result in summarizer.run(load_articles("seeds/")):
        print(result.to_dict())
"""

from summarize.errors import ConfigError, InputError, ModelNotFoundError, SummarizeError
from summarize.generate import Summarizer
from summarize.ingest import load_articles
from summarize.records import Answer, Article, Result, Summary

__version__ = "0.1.0"

__all__ = [
    "Answer",
    "Article",
    "ConfigError",
    "InputError",
    "ModelNotFoundError",
    "Result",
    "Summarizer",
    "Summary",
    "SummarizeError",
    "load_articles",
]
