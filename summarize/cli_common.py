"""What every ``summarize`` command shares: the exit codes, the one-line stderr voice, the wrapper
that turns any failure into one line and its exit code, and the collector of input problems.

Commands import from here; this module imports no command, so ``cli`` and ``cli_eval`` need not
import each other.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import typer

from summarize.errors import InputError, SummarizeError

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 130


def say(message: str) -> None:
    """One line on stderr (a message that came with line breaks is joined onto one line)."""
    typer.echo(" ".join(part.strip() for part in message.splitlines() if part.strip()), err=True)


def one_line_errors(command: F) -> F:
    """Turn every failure into one line on stderr and the documented exit code."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except typer.Exit:
            raise
        except SummarizeError as exc:
            say(f"summarize: error: {exc}")
            raise typer.Exit(EXIT_USAGE) from None
        except KeyboardInterrupt:
            say("summarize: interrupted")
            raise typer.Exit(EXIT_INTERRUPTED) from None
        except BrokenPipeError:  # `summarize … | head`: the reader left; nothing to report
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(EXIT_FAILED) from None
        except Exception as exc:  # the promise is one line, even for a bug
            if os.environ.get("SUMMARIZE_DEBUG"):
                raise
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            say(f"summarize: unexpected error: {type(exc).__name__}: {first} (SUMMARIZE_DEBUG=1 shows the traceback)")
            raise typer.Exit(EXIT_FAILED) from None

    return wrapper  # type: ignore[return-value]


class InputProblems:
    """Collects ingest errors as they happen and reports each as one line; also the place ingest
    warnings go (``load_articles`` calls :meth:`warning`: a renamed duplicate id)."""

    def __init__(self) -> None:
        self.unreadable = 0
        self.bad_records = 0
        self.warnings = 0

    def __call__(self, error: InputError) -> None:
        from summarize.ingest import RecordError

        if isinstance(error, RecordError):
            self.bad_records += 1
            say(f"summarize: skipped {error}")
        else:
            self.unreadable += 1
            say(f"summarize: error: {error}")

    def warning(self, message: str) -> None:
        self.warnings += 1
        say(f"summarize: warning: {message}")
