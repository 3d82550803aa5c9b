"""The offline engine: reads news with spaCy and writes attributed summaries and typed answers.

- :mod:`.nlp` loads the spaCy pipeline once per process and checks its weights;
- :mod:`.units`, :mod:`.coref`, :mod:`.claims` (as spaCy components in :mod:`.components`) find
  sentence units, parties, who "he" and "the firm" are, and who said what;
- :mod:`.reading` holds one article's reading; :mod:`.summary` and :mod:`.answers` write from it;
- :mod:`.engine` is the :class:`~summarize.engines.base.Engine` the CLI and API use.
"""

from summarize.offline.reading import Claim, Party, Reading

__all__ = ["Claim", "Party", "Reading"]
