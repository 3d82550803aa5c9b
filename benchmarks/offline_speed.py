"""Articles per second of the offline engine, beside the seq2seq engine on the tiny test model.

    python benchmarks/offline_speed.py [--articles 1000] [--seq2seq-articles 40] [--json FILE]

Articles are the seed and the hand-written eval articles, repeated and varied (paragraphs rotated,
numbers shifted) so that no two texts are equal and no cache can serve one from another. Both
engines run in this one process, pinned to one CPU core, each over the same articles with the
default question set. Target from issue #3: the offline engine at >= 200 articles/s on one core.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarize import Article, Summarizer  # noqa: E402
from summarize.ingest import load_articles  # noqa: E402


def corpus(count: int) -> list[Article]:
    """``count`` distinct articles made from the seed and the eval articles."""
    sources = list(load_articles([ROOT / "seeds", ROOT / "evals" / "articles"]))
    articles = []
    for i in range(count):
        base = sources[i % len(sources)]
        paragraphs = base.text.split("\n\n")
        rest = paragraphs[1:]
        shift = (i // len(sources)) % max(len(rest), 1)
        rotated = [paragraphs[0], *rest[shift:], *rest[:shift]]
        text = re.sub(r"\d+", lambda m: str(int(m.group(0)) + i // len(sources)), "\n\n".join(rotated))
        articles.append(Article(id=f"{base.id}-{i}", text=text, source=base.source, date=base.date,
                                dateline=base.dateline))
    return articles


def measure(summarizer: Summarizer, articles: list[Article]) -> dict[str, float]:
    list(summarizer.run(articles[:2]))  # warm-up: lazy imports, data files
    start = time.perf_counter()
    done = sum(1 for result in summarizer.run(articles) if result.ok)
    elapsed = time.perf_counter() - start
    return {"articles": done, "seconds": round(elapsed, 3), "articles_per_s": round(done / elapsed, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000, help="articles for the offline engine")
    parser.add_argument("--seq2seq-articles", type=int, default=40, help="articles for the seq2seq engine")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    import torch

    torch.set_num_threads(1)
    articles = corpus(max(args.articles, args.seq2seq_articles))
    words = sum(len(a.text.split()) for a in articles[: args.articles]) / args.articles

    offline = measure(Summarizer(engine="offline"), articles[: args.articles])
    with tempfile.TemporaryDirectory() as folder:
        from summarize.testing import build_tiny_seq2seq

        model = build_tiny_seq2seq(Path(folder) / "tiny", [(ROOT / "seeds").glob("*.txt").__next__().read_text()])
        seq2seq = measure(Summarizer(engine="seq2seq", model=str(model), device="cpu"), articles[: args.seq2seq_articles])

    ratio = offline["articles_per_s"] / seq2seq["articles_per_s"]
    print(f"one CPU core, {len(articles[: args.articles])} articles of {words:.0f} words on average, 5 default questions each")
    print(f"{'engine':<34}{'articles':>9}{'seconds':>10}{'articles/s':>12}")
    print(f"{'offline':<34}{offline['articles']:>9}{offline['seconds']:>10.2f}{offline['articles_per_s']:>12.1f}")
    print(f"{'seq2seq (tiny random T5, defaults)':<34}{seq2seq['articles']:>9}{seq2seq['seconds']:>10.2f}{seq2seq['articles_per_s']:>12.1f}")
    print(f"offline / seq2seq: {ratio:.1f}x;  target >= 200 articles/s: {'met' if offline['articles_per_s'] >= 200 else 'MISSED'}")
    if args.json:
        args.json.write_text(json.dumps({"offline": offline, "seq2seq_tiny": seq2seq, "ratio": round(ratio, 2)}, indent=2))


if __name__ == "__main__":
    main()
