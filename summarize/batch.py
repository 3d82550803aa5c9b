"""A batch run that never loses finished work: results stream to the output as they finish, a
resumed run skips the ids the output already holds, and Ctrl-C stops between batches.

The output is written one whole line per article (JSONL): a run killed at any moment leaves only
whole lines, plus at most one torn last line, which ``--resume`` cuts off before appending.
"""

from __future__ import annotations

import json
import signal
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from summarize.errors import ConfigError
from summarize.output import ResultWriter
from summarize.records import Article


@dataclass
class BatchStats:
    written: int = 0
    skipped: int = 0
    failed: list[tuple[str, str, str]] = field(default_factory=list)  # (id, source, error)
    interrupted: bool = False


def finished_ids(path: Path) -> set[str]:
    """Ids of the whole lines in an earlier run's JSONL output; a torn last line is cut off."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the output to resume: {exc.strerror or exc}") from None
    whole = data[: data.rfind(b"\n") + 1]
    if len(whole) != len(data):
        with path.open("r+b") as handle:  # a line torn by a kill: drop it, it will be redone
            handle.truncate(len(whole))
    ids = set()
    for number, line in enumerate(whole.decode("utf-8", errors="replace").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            ids.add(str(json.loads(line)["id"]))
        except (ValueError, KeyError, TypeError):
            raise ConfigError(f"{path}:{number}: not a summarize JSONL result; cannot resume from it") from None
    return ids


def prepare_output(output: Path | None, fmt: str, resume: bool, overwrite: bool) -> set[str]:
    """Check the output before any work; return the ids to skip when resuming."""
    if output is None:
        if resume:
            raise ConfigError("--resume needs --output FILE (the JSONL output of the earlier run)")
        return set()
    if resume and fmt != "jsonl":
        raise ConfigError("--resume works with --format jsonl only")
    if output.exists() and output.stat().st_size > 0:
        if resume:
            return finished_ids(output)
        if not overwrite:
            raise ConfigError(f"{output}: exists; pass --resume to continue that run or --overwrite to replace it")
    return set()


@contextmanager
def stop_between_batches() -> Iterator[Callable[[], bool]]:
    """The first Ctrl-C asks the run to stop after the current batch; a second one stops at once."""
    asked = {"stop": False}
    previous = signal.getsignal(signal.SIGINT)

    def handler(signum: int, frame: Any) -> None:
        if asked["stop"]:
            raise KeyboardInterrupt
        asked["stop"] = True

    try:
        signal.signal(signal.SIGINT, handler)
    except ValueError:  # not the main thread: keep the default behaviour
        previous = None
    try:
        yield lambda: asked["stop"]
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


def run_batch(
    summarizer: Any,
    articles: Iterable[Article],
    writer: ResultWriter,
    *,
    questions: list[str] | None,
    skip: set[str],
    advance: Callable[[], None],
    should_stop: Callable[[], bool],
) -> BatchStats:
    """Stream every article not in ``skip`` through the summarizer into ``writer``."""
    stats = BatchStats()

    def todo() -> Iterator[Article]:
        for article in articles:
            if article.id in skip:
                stats.skipped += 1
                continue
            yield article

    for result in summarizer.run(todo(), questions=questions, should_stop=should_stop):
        if result.ok:
            writer.write(result)
            stats.written += 1
        else:
            stats.failed.append((result.id, result.source, result.error or "failed"))
        advance()
    stats.interrupted = should_stop()
    return stats
