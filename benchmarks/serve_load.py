"""Load test of ``summarize serve`` on loopback: N single-article clients against 1, and against
a batched ``Summarizer.run`` over the same articles in the same run.

    python benchmarks/serve_load.py [--size tiny|small|base] [--clients 16] [--articles 32]
                                    [--requests N] [--seconds S] [--new-tokens 32] [--questions 1]
                                    [--batch-size 8] [--max-batch-wait-ms 20] [--threads N]
                                    [--quick] [--json FILE]

The model is a random-weight T5 built from config in a temp folder (no download), as in
``benchmarks/seq2seq_speed.py``: ``--size base`` has flan-t5-base dimensions, ``small``
flan-t5-small's, ``tiny`` the test model (``--quick``: tiny, 16 articles, 16 new tokens, well
under a minute). Articles are that benchmark's distinct variants of the seed and eval articles,
here 300-450 tokens so that nothing is chunked. Decoding is greedy with min = max new tokens, so
every system decodes the same number of tokens; each article gets its summary and ``--questions``
of the default questions. The result cache is off everywhere.

1. ``run``: one ``Summarizer.run`` over all the articles in this process (after a warm-up), the
   batched throughput of ``summarize run``.
2. The service: ``summarize serve`` in a subprocess on 127.0.0.1 with the same model, settings and
   thread count; after a warm-up, closed-loop phases of 1 client and of ``--clients`` clients, each
   client sending one article per request (the articles in turn). A phase stops after ``--requests``
   requests (default: twice the number of articles) or ``--seconds`` (then waits for those in flight).
3. ``run`` again, once the service has exited; the faster of the two ``run`` figures is the
   reference (other load on the machine slows either; the faster one gives the conservative ratio).

For each phase: requests, errors, articles/s, p50/p95/p99 latency, mean articles per engine call
(from ``summarize_batch_articles`` in /metrics) and the ratio of its throughput to ``run``'s. The
issue's target, at base size: ``--clients`` 16 reach at least 0.8 x the ``run`` throughput.

Measured on a 2-core machine shared with other jobs (``--size base --threads 1``, 32 articles,
summary + 1 question, 32 new tokens): run 0.157 and 0.174 articles/s; the service 0.086 articles/s
with 1 client (0.49 x, p50 11.5 s) and 0.172 with 16 (0.99 x, p50 92 s, 16.0 articles per engine
call, no errors). Torch threads spin: on a busy machine keep ``--threads`` under the free cores.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
TARGET = 0.8


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="base", choices=["tiny", "small", "base"], help="model size (default base)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients of the N-client phase (default 16)")
    parser.add_argument("--articles", type=int, help="distinct articles (default 32; --quick 16)")
    parser.add_argument("--requests", type=int, help="requests per phase at most (default: 2 x --articles)")
    parser.add_argument("--seconds", type=float, default=120.0, help="time per phase at most (default 120)")
    parser.add_argument("--new-tokens", type=int, help="min = max new tokens (default 32; --quick 16)")
    parser.add_argument("--questions", type=int, default=1, help="default questions asked per article (default 1)")
    parser.add_argument("--batch-size", type=int, default=8, help="engine batch size (default 8)")
    parser.add_argument("--max-batch-wait-ms", type=float, default=20.0, help="the service's gathering wait (default 20)")
    parser.add_argument("--threads", type=int, default=max(1, (os.cpu_count() or 2) - 1),
                        help="torch threads of run and of the service (default: all CPUs but one, left to the clients)")
    parser.add_argument("--quick", action="store_true", help="tiny model, 16 articles, 16 new tokens")
    parser.add_argument("--json", type=Path, help="also write every figure here")
    args = parser.parse_args()
    if args.quick:
        args.size = "tiny"
    args.articles = args.articles or (16 if args.quick else 32)
    args.new_tokens = args.new_tokens or (16 if args.quick else 32)
    args.requests = args.requests or 2 * args.articles
    if min(args.clients, args.articles, args.requests, args.new_tokens, args.threads) < 1 or args.questions < 0:
        parser.error("--clients, --articles, --requests, --new-tokens and --threads must be >= 1")
    return args


ARGS = parse_args() if __name__ == "__main__" else None
if ARGS is not None:
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[name] = str(ARGS.threads)
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

import httpx  # noqa: E402

import seq2seq_speed as speed  # noqa: E402


def articles(folder: Path, count: int) -> list[str]:
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(folder)
    speed.MAX_TOKENS = 450  # under the 512-token window with the prompt: no chunking
    return speed.corpus(count, lambda text: len(tokenizer(text, add_special_tokens=False)["input_ids"]))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(q / 100 * len(ordered) + 0.5)) - 1))] if ordered else float("nan")


def batch_stats(base: str) -> tuple[float, float]:
    text = httpx.get(f"{base}/metrics", timeout=30).text
    value = lambda name: float(re.search(rf"^{name} (\S+)$", text, re.M).group(1))  # noqa: E731
    return value("summarize_batch_articles_sum"), value("summarize_batch_articles_count")


async def phase(base: str, texts: list[str], questions: list[str], clients: int, requests: int, seconds: float) -> dict[str, Any]:
    """Closed loop: each client sends one article, waits for it, sends the next."""
    latencies: list[float] = []
    errors: dict[str, int] = {}
    sent = 0
    deadline = time.monotonic() + seconds

    async def client(http: httpx.AsyncClient) -> None:
        nonlocal sent
        while sent < requests and time.monotonic() < deadline:
            text = texts[sent % len(texts)]
            sent += 1
            start = time.perf_counter()
            try:
                response = await http.post("/v1/summarize", json={"articles": [{"text": text}], "questions": questions})
                ok = response.status_code == 200 and "error" not in response.json()["results"][0]
                key = "ok" if ok else str(response.status_code)
            except httpx.HTTPError as exc:
                key = type(exc).__name__
            if key == "ok":
                latencies.append(time.perf_counter() - start)
            else:
                errors[key] = errors.get(key, 0) + 1

    before = batch_stats(base)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, timeout=600, limits=limits) as http:
        start = time.perf_counter()
        await asyncio.gather(*[client(http) for _ in range(clients)])
        wall = time.perf_counter() - start
    after = batch_stats(base)
    calls = after[1] - before[1]
    return {
        "clients": clients, "requests": sent, "ok": len(latencies), "errors": errors, "seconds": wall,
        "articles_per_s": len(latencies) / wall,
        "p50_s": percentile(latencies, 50), "p95_s": percentile(latencies, 95), "p99_s": percentile(latencies, 99),
        "engine_calls": calls, "articles_per_call": (after[0] - before[0]) / calls if calls else float("nan"),
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(folder: Path, args: argparse.Namespace, port: int) -> subprocess.Popen[str]:
    gen = ["--gen", "num_beams=1", "--gen", f"max_new_tokens={args.new_tokens}", "--gen", f"min_new_tokens={args.new_tokens}"]
    command = [sys.executable, "-m", "summarize.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
               "--engine", "seq2seq", "--model", str(folder), "--device", "cpu", "--no-cache", "-b", str(args.batch_size),
               "--max-batch-wait-ms", str(args.max_batch_wait_ms), "--timeout", "600", "--log-level", "warning", *gen]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"summarize serve exited {server.returncode}: {server.communicate()[0][-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.25)
    server.kill()
    raise SystemExit("summarize serve did not become healthy within 300 s")


def main(args: argparse.Namespace) -> dict[str, Any]:
    import torch

    from summarize import Summarizer

    torch.set_num_threads(args.threads)
    workdir = Path(tempfile.mkdtemp(prefix="serve-load-"))
    folder = speed.build_model(workdir / args.size, args.size, speed.source_texts())
    texts = articles(folder, args.articles)
    generation = {"num_beams": 1, "max_new_tokens": args.new_tokens, "min_new_tokens": args.new_tokens}

    summarizer = Summarizer(engine="seq2seq", model=str(folder), device="cpu", generation=generation, batch_size=args.batch_size)
    questions = summarizer.default_questions[: args.questions]
    print(f"size {args.size}, {len(texts)} articles of 300-450 tokens, summary + {len(questions)} question(s), "
          f"{args.new_tokens} new tokens greedy, batch size {args.batch_size}, {args.threads} threads", flush=True)
    list(summarizer.run(texts[:2], questions=questions))  # warm-up

    def batched_run(when: str) -> float:
        start = time.perf_counter()
        results = list(summarizer.run(texts, questions=questions))
        seconds = time.perf_counter() - start
        failed = sum(not r.ok for r in results)
        print(f"batched Summarizer.run ({when}): {len(texts) / seconds:.3f} articles/s "
              f"({len(texts)} in {seconds:.1f} s, {failed} failed)", flush=True)
        return len(texts) / seconds

    run_rates = [batched_run("before the service")]
    run_rate = run_rates[0]
    gc.collect()

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(folder, args, port)
    phases = []
    try:
        asyncio.run(phase(base, texts[:2], questions, 1, 2, 300))  # warm-up
        print(f"{'clients':>7} {'requests':>8} {'errors':>6} {'art/s':>8} {'p50 s':>7} {'p95 s':>7} {'p99 s':>7} "
              f"{'art/call':>8}", flush=True)
        for clients in dict.fromkeys([1, args.clients]):
            figures = asyncio.run(phase(base, texts, questions, clients, args.requests, args.seconds))
            phases.append(figures)
            print(f"{clients:>7} {figures['requests']:>8} {sum(figures['errors'].values()):>6} "
                  f"{figures['articles_per_s']:>8.3f} {figures['p50_s']:>7.2f} {figures['p95_s']:>7.2f} "
                  f"{figures['p99_s']:>7.2f} {figures['articles_per_call']:>8.2f}"
                  + (f"  errors: {figures['errors']}" if figures["errors"] else ""), flush=True)
    finally:
        server.terminate()
        try:
            server_exit = server.wait(timeout=120)
        except subprocess.TimeoutExpired:
            server.kill()
            server_exit = None
    # Again, now the service is gone: the faster of the two is the reference (the conservative ratio).
    run_rates.append(batched_run("after the service"))
    run_rate = max(run_rates)
    for figures in phases:
        figures["ratio_vs_run"] = figures["articles_per_s"] / run_rate
    many = phases[-1]
    verdict = "met" if many["ratio_vs_run"] >= TARGET else "NOT met"
    print(f"{many['clients']} clients reach {many['ratio_vs_run']:.2f} x the batched run throughput "
          f"(target >= {TARGET} at base size: {verdict}); 1 client {phases[0]['ratio_vs_run']:.2f} x; "
          f"server exit {server_exit} on SIGTERM")
    return {"size": args.size, "articles": len(texts), "questions": questions, "new_tokens": args.new_tokens,
            "batch_size": args.batch_size, "threads": args.threads, "max_batch_wait_ms": args.max_batch_wait_ms,
            "run_articles_per_s": run_rate, "run_articles_per_s_each": run_rates, "phases": phases,
            "server_exit": server_exit}


if __name__ == "__main__":
    assert ARGS is not None
    figures = main(ARGS)
    if ARGS.json:
        ARGS.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
