"""Articles per second of the offline engine on real BBC news, one pinned CPU core per worker.

    python benchmarks/offline_speed.py [--data PATH] [--limit 400] [--offset 0] [--workers N]
                                       [--seq2seq N] [--json FILE]

Measures ``Summarizer(engine="offline")`` end to end (``Summarizer.run``: summary + the 5 default
questions) over the first ``--limit`` articles of ``bbc_corpus.jsonl`` (default
``../shared/data/bbc_corpus.jsonl`` from the repository root; texts are read at run time, never
copied here). Each measurement runs in its own spawned process pinned to one core
(``os.sched_setaffinity``) with OMP/MKL/BLAS and torch threads at 1. The engine is built and warmed
up first on a short text that is not in the corpus (the engine may load an NLP pipeline lazily on
first use); construction and warm-up are printed and excluded from the timing.

Prints articles/s on one core and the target line ``target >= 10 articles/s on one core``.
``--workers N`` (N > 1) also runs N processes, each pinned to its own core, over disjoint shards of
the same articles, started together behind a barrier, and prints aggregate articles/s and the
scaling ratio against the 1-worker figure from the same run. ``--seq2seq N`` adds the old
comparison: the seq2seq engine on the tiny random test model over N articles (same pinning).
Exit 2 when the corpus is missing.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import queue as queue_module
import sys
import tempfile
import time
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "TOKENIZERS_PARALLELISM"):
    os.environ.setdefault(_var, "false" if _var == "TOKENIZERS_PARALLELISM" else "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_DATA = ROOT / ".." / "shared" / "data" / "bbc_corpus.jsonl"
TARGET = 10.0
# Written for this benchmark (not from the corpus): a lede, a quote, an accusation and a denial, so
# the warm-up goes through every path of the engine (and loads whatever it loads lazily).
WARMUP_TEXT = (
    "LONDON (Agency) - The ministry on Monday denied a report that it had sold the state airline, "
    "calling it \"entirely false\".\n\n"
    "The opposition leader, Jane Example, accused the government of hiding the sale. \"They have not "
    "told the truth,\" she said in a statement.\n\n"
    "A spokesman for the airline said it would not comment. Shares in the company fell 3% in London."
)


def read_rows(path: Path, offset: int, limit: int) -> list[dict]:
    rows = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                rows.append(json.loads(line))
            if len(rows) >= offset + limit:
                break
    return rows[offset:]


def pin(core: int | None) -> str:
    """Pin this process to ``core``; returns where it runs, for the printout."""
    if core is not None and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {core})
        return f"core {core}"
    return "not pinned (no sched_setaffinity on this platform)"


def one_thread_torch() -> None:
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(1)


def worker(shard: int, rows: list[dict], core: int | None, engine: str, barrier, queue) -> None:
    """Build, warm up, wait for the others, then time ``Summarizer.run`` over ``rows``."""
    try:
        where = pin(core)
        from summarize import Article, Summarizer

        start = time.perf_counter()
        if engine == "seq2seq-tiny":
            from summarize.testing import build_tiny_seq2seq  # test helper, not public API: --seq2seq only

            folder = tempfile.mkdtemp(prefix="offline_speed_")
            model = build_tiny_seq2seq(Path(folder) / "tiny", [WARMUP_TEXT])
            summarizer = Summarizer(engine="seq2seq", model=str(model), device="cpu")
        else:
            summarizer = Summarizer(engine=engine)
        load_s = time.perf_counter() - start
        one_thread_torch()
        start = time.perf_counter()
        list(summarizer.run([Article(id="warmup", text=WARMUP_TEXT, source="warmup")]))
        warmup_s = time.perf_counter() - start
        one_thread_torch()
        articles = [Article(id=r["id"], text=r["text"], source="bbc_corpus", title=r.get("title")) for r in rows]
        if barrier is not None:
            barrier.wait()
        start = time.perf_counter()
        results = list(summarizer.run(articles))
        elapsed = time.perf_counter() - start
        failed = [f"{r.id}: {r.error.splitlines()[0]}" for r in results if r.error]
        queue.put({"shard": shard, "where": where, "articles": len(articles), "failed": len(failed), "first_failures": failed[:3],
                   "load_s": round(load_s, 3), "warmup_s": round(warmup_s, 3), "seconds": round(elapsed, 3),
                   "articles_per_s": round(len(articles) / elapsed, 2) if elapsed else None})
    except BaseException as exc:  # report, so the parent never waits forever
        if barrier is not None:
            barrier.abort()
        queue.put({"shard": shard, "error": f"{type(exc).__name__}: {exc}"})


def launch(shards: list[list[dict]], cores: list[int | None], engine: str = "offline") -> list[dict]:
    """One spawned process per shard, each pinned to its core; their reports, in shard order."""
    ctx = mp.get_context("spawn")  # fresh interpreters: the thread settings above apply before any import
    queue = ctx.Queue()
    barrier = ctx.Barrier(len(shards)) if len(shards) > 1 else None
    procs = [ctx.Process(target=worker, args=(i, shard, core, engine, barrier, queue), daemon=True)
             for i, (shard, core) in enumerate(zip(shards, cores))]
    for proc in procs:
        proc.start()
    reports: list[dict] = []
    while len(reports) < len(procs):
        try:
            reports.append(queue.get(timeout=2))
        except queue_module.Empty:
            dead = [p.exitcode for p in procs if p.exitcode not in (None, 0)]
            if dead:  # killed without a report (out of memory, a crash in native code)
                raise SystemExit(f"offline_speed: a worker died with exit code {dead[0]}")
    for proc in procs:
        proc.join()
    errors = [r["error"] for r in reports if "error" in r]
    if errors:
        raise SystemExit(f"offline_speed: a worker failed: {errors[0]}")
    return sorted(reports, key=lambda r: r["shard"])


def line(label: str, r: dict) -> str:
    return (f"{label:<36}{r['articles']:>9}{r['failed']:>8}{r['seconds']:>10.2f}{r['articles_per_s']:>12.1f}"
            f"   load {r['load_s']:.2f} s, warm-up {r['warmup_s']:.2f} s, {r['where']}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="bbc_corpus.jsonl (default: %(default)s)")
    parser.add_argument("--limit", type=int, default=400, help="articles to time (default: %(default)s)")
    parser.add_argument("--offset", type=int, default=0, help="skip this many articles first")
    parser.add_argument("--workers", type=int, default=1, help="also run N pinned processes over disjoint shards")
    parser.add_argument("--seq2seq", type=int, default=0, metavar="N",
                        help="also time the seq2seq engine on the tiny random test model over N articles")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    data = args.data.resolve()
    if not data.is_file():
        print(f"offline_speed: corpus not found: {data} (pass --data PATH to bbc_corpus.jsonl)")
        return 2
    rows = read_rows(data, args.offset, args.limit)
    if not rows:
        print(f"offline_speed: no articles in {data} after --offset {args.offset}")
        return 2
    cores: list[int | None] = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else [None]
    workers = max(1, args.workers)
    if workers > len(cores) and cores != [None]:
        print(f"note: --workers {workers} but only {len(cores)} cores available to this process; using {len(cores)}")
        workers = len(cores)
    words = sum(len(r["text"].split()) for r in rows) / len(rows)
    print(f"{len(rows)} BBC articles from {data.name} (offset {args.offset}), {words:.0f} words on average, "
          f"summary + 5 default questions each; one thread per process")
    print(f"{'run':<36}{'articles':>9}{'failed':>8}{'seconds':>10}{'articles/s':>12}")

    single = launch([rows], [cores[0]])[0]
    print(line("offline, 1 worker", single))
    figures: dict = {"articles": len(rows), "mean_words": round(words, 1), "offline_1_worker": single}
    if workers > 1:
        shards = [rows[i::workers] for i in range(workers)]
        reports = launch(shards, cores[:workers])
        for i, report in enumerate(reports):
            print(line(f"offline, worker {i + 1}/{workers}", report))
        slowest = max(r["seconds"] for r in reports)
        aggregate = round(len(rows) / slowest, 2) if slowest else None
        scaling = round(aggregate / single["articles_per_s"], 2) if aggregate and single["articles_per_s"] else None
        print(f"offline, {workers} workers: {aggregate} articles/s aggregate (all articles / slowest worker); "
              f"scaling vs 1 worker: {scaling}x (ideal {workers}x)")
        figures.update(offline_workers=reports, workers=workers, aggregate_articles_per_s=aggregate, scaling=scaling)
    if args.seq2seq > 0:
        seq = launch([rows[: args.seq2seq]], [cores[0]], engine="seq2seq-tiny")[0]
        print(line("seq2seq (tiny random T5, defaults)", seq))
        ratio = round(single["articles_per_s"] / seq["articles_per_s"], 2)
        print(f"offline / seq2seq tiny: {ratio}x")
        figures.update(seq2seq_tiny=seq, offline_over_seq2seq=ratio)
    if single["failed"]:
        print(f"{single['failed']} of {len(rows)} articles failed (timed anyway); first: "
              + "; ".join(single["first_failures"]))
    if min([single["seconds"], *(r["seconds"] for r in figures.get("offline_workers", []))]) < 2.0:
        print("note: a timed run took under 2 s; figures (the scaling ratio most) are noisy: raise --limit")
    rate = single["articles_per_s"] or 0.0
    met = rate >= TARGET
    print(f"target >= {TARGET:g} articles/s on one core: {rate:.1f} -> {'met' if met else 'NOT met'}")
    figures.update(target_articles_per_s=TARGET, target_met=met)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
