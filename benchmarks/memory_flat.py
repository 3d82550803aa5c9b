"""Peak memory of `summarize run` does not grow with the input: articles stream through.

    python benchmarks/memory_flat.py [--small 100] [--large 10000]

Writes two JSONL batches made from the test articles (the large one 100x the small one), runs the
offline engine over each in a fresh process (`summarize run … --no-cache -o FILE`), samples the
process's resident memory every 10 ms, and prints both peaks and their ratio. Target (issue #5):
the large run's peak within 1.3x of the small run's.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarize.ingest import load_articles  # noqa: E402


def write_batch(path: Path, count: int) -> None:
    texts = [a.text for a in load_articles([ROOT / "seeds", ROOT / "evals" / "articles"])]
    with path.open("w", encoding="utf-8") as handle:
        for i in range(count):
            handle.write(json.dumps({"id": f"a{i}", "text": texts[i % len(texts)] + f"\n\nThe agency said note {i}."}) + "\n")


def peak_rss_mb(batch: Path, out: Path) -> tuple[float, float]:
    command = [sys.executable, "-m", "summarize.cli", "run", str(batch), "-e", "offline", "--no-cache", "-o", str(out)]
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env={**os.environ, "HF_HUB_OFFLINE": "1"})
    handle, peak = psutil.Process(process.pid), 0
    while process.poll() is None:
        try:
            peak = max(peak, handle.memory_info().rss)
        except psutil.Error:
            break
        time.sleep(0.01)
    if process.returncode != 0:
        raise SystemExit(f"summarize run failed on {batch} (exit {process.returncode})")
    return peak / 2**20, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=100)
    parser.add_argument("--large", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        rows = []
        for count in (args.small, args.large):
            batch = Path(folder) / f"batch-{count}.jsonl"
            write_batch(batch, count)
            peak, seconds = peak_rss_mb(batch, Path(folder) / f"out-{count}.jsonl")
            rows.append((count, peak, seconds))
    print(f"{'articles':>9} {'peak RSS MB':>12} {'seconds':>9}")
    for count, peak, seconds in rows:
        print(f"{count:>9} {peak:>12.1f} {seconds:>9.1f}")
    ratio = rows[1][1] / rows[0][1]
    print(f"peak RSS ratio {args.large}/{args.small}: {ratio:.2f} (target <= 1.30: {'met' if ratio <= 1.3 else 'MISSED'})")


if __name__ == "__main__":
    main()
