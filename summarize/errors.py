"""Errors that reach the user as one line each.

Every error the CLI can report is a :class:`SummarizeError`; its ``str()`` is the whole message, so
callers print it as-is and never need a traceback to understand what went wrong.
"""

from __future__ import annotations


class SummarizeError(Exception):
    """Base class: a problem the user can act on, described in one line."""


class InputError(SummarizeError):
    """An input (file, line, feed entry, row) that cannot be read or used.

    ``source`` names the input (``path``, ``path:line`` or ``path#entry``) so that a batch can
    report the bad piece and carry on with the rest.
    """

    def __init__(self, source: str, problem: str) -> None:
        self.source = source
        self.problem = problem
        super().__init__(f"{source}: {problem}")


class ModelNotFoundError(SummarizeError):
    """The seq2seq weights are neither a local folder, nor cached, nor reachable."""


class ConfigError(SummarizeError):
    """A bad option value: unknown engine, device, generation setting, prompt folder."""
