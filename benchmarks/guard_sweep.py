"""False alarms of the source-only checks on real news: the offline summary of each corpus article
(contiguous source sentences, faithful by construction) run through the guard's checks.

    python benchmarks/guard_sweep.py [--data ../shared/data] [--limit 300] [--seed 0] [--show 20]

Every violation printed is either a false alarm of a check or a real defect of the offline
engine; both are worth reading. Prints the share of summaries that pass, violations by check, the
first ``--show`` failures with their sentences, and the time the checks take per article.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from summarize.guard import Guard  # noqa: E402
from summarize.ingest import article_from_text  # noqa: E402
from summarize.offline.engine import OfflineEngine  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--limit", type=int, default=300, help="articles sampled from the corpus (default 300)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--show", type=int, default=20, help="failures printed in full")
    args = parser.parse_args()
    corpus = args.data / "bbc_corpus.jsonl"
    if not corpus.is_file():
        sys.exit(f"guard_sweep: {corpus} not found (pass --data)")
    records = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
    random.Random(args.seed).shuffle(records)
    records = records[: args.limit]
    engine, guard = OfflineEngine(), Guard("flag")
    by_check: Counter[str] = Counter()
    failures = []
    checking = 0.0
    for record in records:
        article = article_from_text(record["text"], source=str(corpus), id=str(record.get("id")), title=record.get("title"))
        summary = engine.summarize([article])[0].text
        start = time.perf_counter()
        found = guard.check(summary, article.text)
        checking += time.perf_counter() - start
        by_check.update(v.check for v in found)
        if found:
            failures.append((article.id, found))
    n = len(records)
    print(f"{n} corpus articles: {n - len(failures)} offline summaries pass the source-only checks "
          f"({(n - len(failures)) / n:.1%}); violations by check: {dict(by_check) or 'none'}")
    print(f"checks: {checking / n * 1000:.0f} ms per article (summary against its source)")
    for article_id, found in failures[: args.show]:
        for v in found:
            print(f"- {article_id} {v.check}: {v.detail[:200]}\n    in: {(v.sentence or '')[:200]}")


if __name__ == "__main__":
    main()
