"""Summary throughput of the seq2seq path: naive per-article generate, the engine, the int8 fast path.

    python benchmarks/seq2seq_speed.py [--sizes small,base] [--articles 64] [--rounds 2] [--per-round N]
                                       [--new-tokens 80] [--batch-size 8] [--threads N]
                                       [--quick] [--json FILE]

The default (both sizes, 64 articles, 80 new tokens, 2 rounds) takes about 16 minutes on 2 cores;
``--quick`` (tiny model, 12 articles, 16 new tokens) about 20 seconds.

Timing does not depend on weight values, so the models are random-initialised T5s of real sizes,
built from config and saved with ``save_pretrained`` to a temp folder that the engines load the
normal way: flan-t5-small dimensions (d_model 512, d_ff 1024, d_kv 64, 8+8 layers, 6 heads) and
flan-t5-base (768, 2048, 64, 12+12 layers, 12 heads), gated-gelu, untied head, vocab 32128. The
tokenizer is the test one (``summarize.testing.build_tiny_seq2seq``: Unigram trained on the article
texts), its vocabulary padded with never-matching placeholder pieces up to 32128, so that every id the
random model emits decodes to a distinct piece and the parity check compares every generated token.
``--quick`` runs the same comparison on the tiny test model itself (CI smoke run, well under a minute).

Articles are the seed and the eval articles, repeated and varied (paragraphs rotated and shuffled
deterministically, numbers shifted) until there are ``--articles`` distinct texts of 300-900 tokens
(two joined when one is short, cut at a sentence boundary when long). Each is rendered with the
shipped summary prompt and cut to the 512-token input window, the same prompts for every system:

  1. naive   one ``model.generate`` per article, in input order (what the removed transformers
             summarization pipeline did), on the engine's own loaded model and tokenizer;
  2. engine  ``Seq2SeqEngine._generate``: length-sorted, dynamically padded batches of --batch-size;
  3. ct2     the ctranslate2 backend's ``_generate`` (int8 on CPU, token-budget batches); skipped,
             with a note, when the backend cannot be imported.

Decoding is the project's summary settings (so no_repeat_ngram_size 3) with num_beams 1 (greedy)
and min_new_tokens = max_new_tokens, so every system decodes exactly the same number of tokens per
article (checked on one article for naive and ct2). Everything runs in this one process with the
same thread count (torch, OpenMP/MKL and CTranslate2 intra_threads). After a warm-up on two articles
per system, the systems alternate (1, 2, 3, 1, 2, 3, ...) for ``--rounds`` rounds. A round times
``--per-round`` articles of the set, the same ones for every system; by default the rounds split the
set (2 rounds of 32 of the 64 articles), so each system times every article exactly once and the
full run fits in about 16 minutes: a round of all 64 costs ~10 minutes at base size. Every prompt
fills the 512-token window and decodes 80 tokens, so rounds cost the same whichever articles they
hold; the table reports each system's fastest round. Peak RSS is sampled every 10 ms by a background
thread during a system's timed rounds; it is the whole process's RSS, so it includes every model
this process holds. The CPU time other processes used during each timed round is measured too, and
a warning printed when they competed for the cores (the figures are then worth a rerun).

The physical floor is estimated in the same run: memory bandwidth from copying a 512 MiB buffer
(read + written bytes / time, numpy and torch, the higher) and matmul throughput from a float32
2048 x 2048 torch.mm at the pinned thread count. Floor seconds per article = decoder weight bytes read per decoded token x new tokens
/ bandwidth + 2 x encoder-side params x input tokens / matmul FLOP/s. Decoder bytes are the decoder
layers (without the cross-attention key/value projections, which run once per article over the
encoder output, so they are counted with the encoder-side FLOPs instead) plus the LM head, at 4
bytes per parameter for the float32 systems and 1 byte for the int8 fast path. It assumes each
article streams the decoder weights once per token, as a batch of one must; batching shares that
read across a batch, so a batched system can land under 1x. ratio_to_floor = measured seconds per
article / floor seconds per article.

Targets (issue): at flan-t5-base size, ~600-token inputs, 80 new tokens, greedy: the engine >= 2x
naive; the fast path >= 4x naive and within 2x of its floor.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import re
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZES: dict[str, dict[str, int]] = {
    "small": dict(d_model=512, d_ff=1024, d_kv=64, num_layers=8, num_decoder_layers=8, num_heads=6),
    "base": dict(d_model=768, d_ff=2048, d_kv=64, num_layers=12, num_decoder_layers=12, num_heads=12),
}
VOCAB = 32128
MIN_TOKENS, MAX_TOKENS = 300, 900


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="small,base", help="comma-separated: small, base (default both)")
    parser.add_argument("--articles", type=int, help="articles in the set (default 64; --quick 12)")
    parser.add_argument("--rounds", type=int, default=2, help="timed rounds per system, alternating (default 2)")
    parser.add_argument("--per-round", type=int, help="articles timed per round, the same for every system "
                        "(default: articles / rounds, so each system times every article once)")
    parser.add_argument("--new-tokens", type=int, help="min = max new tokens (default 80; --quick 16)")
    parser.add_argument("--batch-size", type=int, default=8, help="engine batch size (default 8)")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1, help="threads for every system (default: all CPUs)")
    parser.add_argument("--quick", action="store_true", help="tiny test model, few articles and tokens (CI smoke run)")
    parser.add_argument("--json", type=Path, help="also write every figure here")
    args = parser.parse_args()
    args.articles = args.articles or (12 if args.quick else 64)
    args.new_tokens = args.new_tokens or (16 if args.quick else 80)
    args.sizes = ["tiny"] if args.quick else [s.strip() for s in args.sizes.split(",") if s.strip()]
    for size in args.sizes:
        if size not in SIZES and size != "tiny":
            parser.error(f"unknown size {size!r}; choose from {', '.join(SIZES)}")
    if min(args.rounds, args.per_round or 1, args.new_tokens, args.threads) < 1 or args.articles < 2:
        parser.error("--rounds, --per-round, --new-tokens and --threads must be >= 1, --articles >= 2")
    args.per_round = min(args.per_round or -(-args.articles // args.rounds), args.articles)
    return args


ARGS = parse_args() if __name__ == "__main__" else None
if ARGS is not None:  # pin threads before torch (and its OpenMP pool) is imported
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[name] = str(ARGS.threads)
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

import psutil  # noqa: E402

from summarize.ingest import load_articles  # noqa: E402
from summarize.prompts import load_prompts  # noqa: E402
from summarize.offline import nlp  # noqa: E402  (spaCy loads on first use, after the thread pinning)


# -- articles ---------------------------------------------------------------------------------

def source_texts() -> list[str]:
    return [a.text for a in load_articles([ROOT / "seeds", ROOT / "evals" / "articles"])]


def variant(text: str, k: int) -> str:
    """Paragraphs after the first rotated by ``k``, every other pass also shuffled (seeded by
    ``k``), every number shifted by ``k``: distinct texts of the same kind."""
    paragraphs = text.split("\n\n")
    rest = paragraphs[1:]
    shift = k % max(len(rest), 1)
    rest = [*rest[shift:], *rest[:shift]]
    if k % 2:
        random.Random(k).shuffle(rest)
    return re.sub(r"\d+", lambda m: str(int(m.group(0)) + k), "\n\n".join([paragraphs[0], *rest]))


def corpus(count: int, count_tokens: Callable[[str], int]) -> list[str]:
    """``count`` distinct articles of MIN_TOKENS..MAX_TOKENS tokens (by the benchmark tokenizer)."""
    sources = source_texts()
    texts: list[str] = []
    for i in range(count):
        k = i // len(sources)
        text = variant(sources[i % len(sources)], k)
        if count_tokens(text) < MIN_TOKENS:  # too short: join the next source's variant
            text += "\n\n" + variant(sources[(i + 1) % len(sources)], k + 1)
        if count_tokens(text) > MAX_TOKENS:  # too long: cut at the last sentence boundary that fits
            kept: list[str] = []
            for sentence in nlp.sentences(text):
                if count_tokens(" ".join([*kept, sentence])) > MAX_TOKENS:
                    break
                kept.append(sentence)
            text = " ".join(kept)
        n = count_tokens(text)
        assert MIN_TOKENS <= n <= MAX_TOKENS, f"article {i}: {n} tokens"
        texts.append(text)
    assert len(set(texts)) == len(texts), "articles must be distinct"
    return texts


# -- models -----------------------------------------------------------------------------------

def pad_vocabulary(folder: Path, size: int) -> None:
    """Append placeholder pieces to the trained Unigram vocabulary up to ``size``. They use a
    character no article contains and score far below any real piece, so tokenization of real text
    is unchanged, but each id up to ``size`` decodes to its own piece."""
    path = folder / "tokenizer.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    vocab = data["model"]["vocab"]
    vocab += [[f"\u2581\u27e8{i}\u27e9", -100.0] for i in range(len(vocab), size)]
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def build_model(folder: Path, size: str, texts: list[str]) -> Path:
    """Tokenizer trained as in the tests on ``texts``; for a real size, a random T5 of that size."""
    import torch
    from transformers import T5Config, T5ForConditionalGeneration
    from transformers.utils import logging as hf_logging

    from summarize.testing import build_tiny_seq2seq

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    if size == "tiny":
        return build_tiny_seq2seq(folder, texts)
    build_tiny_seq2seq(folder, texts, vocab_size=8000, d_model=8, layers=1, heads=1)  # tokenizer (+ a stub model)
    pad_vocabulary(folder, VOCAB)
    torch.manual_seed(0)
    config = T5Config(
        vocab_size=VOCAB, feed_forward_proj="gated-gelu", tie_word_embeddings=False,
        pad_token_id=0, eos_token_id=1, decoder_start_token_id=0, **SIZES[size],
    )
    T5ForConditionalGeneration(config).save_pretrained(folder)  # replaces the stub's weights and config
    return folder


def parameter_counts(model: Any) -> dict[str, int]:
    """Parameters by when they are read: per input token (encoder side) or per decoded token."""
    encoder = sum(p.numel() for n, p in model.encoder.named_parameters() if "embed_tokens" not in n)
    cross_kv = sum(p.numel() for n, p in model.decoder.named_parameters() if re.search(r"EncDecAttention\.[kv]\.", n))
    decoder = sum(p.numel() for n, p in model.decoder.named_parameters() if "embed_tokens" not in n)
    return {
        "total": sum(p.numel() for p in model.parameters()),
        "encoder_side": encoder + cross_kv,
        "decoder_per_token": decoder - cross_kv + model.lm_head.weight.numel(),
    }


# -- measuring --------------------------------------------------------------------------------

class Monitor:
    """While the block runs: this process's peak RSS, sampled every ``interval`` s by a background
    thread, and the share of all CPUs that other processes used (busy minus this process's time)."""

    def __init__(self, interval: float = 0.01) -> None:
        self.interval, self.peak, self.background = interval, 0, 0.0
        self._process, self._stop = psutil.Process(), threading.Event()

    def _sample(self) -> None:
        while not self._stop.wait(self.interval):
            self.peak = max(self.peak, self._process.memory_info().rss)

    @staticmethod
    def _busy() -> float:
        times = psutil.cpu_times()
        return sum(times) - times.idle - getattr(times, "iowait", 0.0)

    def _own(self) -> float:
        times = self._process.cpu_times()
        return times.user + times.system

    def __enter__(self) -> Monitor:
        self.peak = self._process.memory_info().rss
        self._start = (time.perf_counter(), self._busy(), self._own())
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._process.memory_info().rss)
        wall, busy, own = (now - then for now, then in zip((time.perf_counter(), self._busy(), self._own()), self._start))
        self.background = max(0.0, busy - own) / (wall * (psutil.cpu_count() or 1))


def memory_bandwidth(mib: int = 512, repeats: int = 5) -> dict[str, float]:
    """GB/s copying a large buffer (bytes read + bytes written), best of ``repeats``, with numpy
    (one thread, memcpy) and torch (copy_ at the pinned thread count); the floor uses the higher."""
    import numpy as np
    import torch

    source = torch.ones(mib * 2**20 // 4, dtype=torch.float32)
    target = torch.empty_like(source)
    target.copy_(source)
    rates = {"torch": 2 * mib * 2**20 / min(_timed(lambda: target.copy_(source)) for _ in range(repeats)) / 1e9}
    a, b = source.numpy(), target.numpy()
    np.copyto(b, a)
    rates["numpy"] = 2 * mib * 2**20 / min(_timed(lambda: np.copyto(b, a)) for _ in range(repeats)) / 1e9
    del source, target, a, b
    return rates


def matmul_gflops(n: int = 2048, repeats: int = 5) -> float:
    """GFLOP/s of a float32 n x n torch.mm at the pinned thread count, best of ``repeats``."""
    import torch

    a, b = torch.randn(n, n), torch.randn(n, n)
    torch.mm(a, b)
    best = min(_timed(lambda: torch.mm(a, b)) for _ in range(repeats))
    return 2 * n**3 / best / 1e9


def _timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


# -- systems ----------------------------------------------------------------------------------

def naive_system(engine: Any, settings: dict[str, Any]) -> Callable[[list[str]], list[str]]:
    """One generate per prompt, input order, on the engine's loaded model and tokenizer."""
    import torch

    model, tokenizer, window = engine.loaded.model, engine.tokenizer, engine.window

    def run(prompts: list[str]) -> list[str]:
        outputs = []
        for prompt in prompts:
            encoded = tokenizer(prompt, truncation=True, max_length=window, return_tensors="pt")
            with torch.inference_mode():
                generated = model.generate(**encoded, **settings)
            outputs.append(" ".join(tokenizer.decode(generated[0], skip_special_tokens=True).split()))
        return outputs

    return run


def decoded_lengths(engine: Any, ct2: Any, prompt: str, settings: dict[str, Any]) -> dict[str, int]:
    """New tokens actually decoded for one prompt by naive generate and by CTranslate2."""
    import torch

    encoded = engine.tokenizer(prompt, truncation=True, max_length=engine.window, return_tensors="pt")
    with torch.inference_mode():
        generated = engine.loaded.model.generate(**encoded, **settings)
    lengths = {"naive": int(generated.shape[-1]) - 1}  # minus the decoder start token
    if ct2 is not None:
        try:  # the backend's own option mapping, so the check sees what its _generate asks for
            from summarize.engines.ct2 import _options

            tokens = engine.tokenizer.convert_ids_to_tokens(encoded["input_ids"][0].tolist())
            result = ct2.translator.translate_batch([tokens], max_input_length=0, **_options(ct2.settings["summary"]))
            lengths["ct2"] = len(result[0].hypotheses[0])
        except (ImportError, AttributeError, TypeError) as exc:
            print(f"  note: ct2 decoded length not checked ({exc})", file=sys.stderr)
    return lengths


def bench_size(size: str, texts_for: Callable[[Callable[[str], int]], list[str]], args: argparse.Namespace,
               floor_hw: dict[str, float], workdir: Path) -> dict[str, Any]:
    import torch

    from summarize import Summarizer

    started = time.perf_counter()
    folder = build_model(workdir / size, size, source_texts())
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(folder)
    count = lambda text: len(tokenizer(text, add_special_tokens=False)["input_ids"])  # noqa: E731
    texts = texts_for(count)
    generation = {"num_beams": 1, "max_new_tokens": args.new_tokens, "min_new_tokens": args.new_tokens}

    # The fast path first: its one-time conversion loads (then drops) a second copy of the weights.
    ct2_engine, ct2_note = None, None
    try:
        import summarize.engines.ct2  # noqa: F401

        ct2_engine = Summarizer(engine="seq2seq", model=str(folder), device="cpu", backend="ctranslate2",
                                generation=generation, batch_size=args.batch_size).engine
    except Exception as exc:  # noqa: BLE001 - any failure means: no fast path in this run
        ct2_note = f"skipped: ctranslate2 backend unavailable ({type(exc).__name__}: {exc})"
    gc.collect()
    engine = Summarizer(engine="seq2seq", model=str(folder), device="cpu", generation=generation,
                        batch_size=args.batch_size).engine
    settings = engine.settings["summary"]
    template = load_prompts().summary
    prompts = [template.render(text=t) for t in texts]
    input_tokens = [min(len(ids), engine.window) for ids in tokenizer(prompts)["input_ids"]]
    params = parameter_counts(engine.loaded.model)
    setup_s = time.perf_counter() - started

    systems: dict[str, Callable[[list[str]], list[str]]] = {
        "naive": naive_system(engine, settings),
        "engine": lambda p: engine._generate(p, settings),
    }
    if ct2_engine is not None:
        systems["ct2"] = lambda p: ct2_engine._generate(p, ct2_engine.settings["summary"])

    lengths = decoded_lengths(engine, ct2_engine, prompts[0], settings)
    for name, run in systems.items():  # warm-up: lazy imports, allocator, thread pools
        run(prompts[:2])

    per_round, rounds = args.per_round, args.rounds
    seconds: dict[str, list[float]] = {name: [] for name in systems}
    peaks: dict[str, int] = {name: 0 for name in systems}
    background: dict[str, list[float]] = {name: [] for name in systems}
    outputs: dict[str, dict[int, str]] = {name: {} for name in systems}
    for r in range(rounds):
        # The next per_round articles of the set, cycling; the same ones for every system.
        chosen = [(r * per_round + j) % len(prompts) for j in range(per_round)]
        for name, run in systems.items():
            with Monitor() as monitor:
                start = time.perf_counter()
                result = run([prompts[i] for i in chosen])
                seconds[name].append(time.perf_counter() - start)
            peaks[name] = max(peaks[name], monitor.peak)
            background[name].append(monitor.background)
            for i, text in zip(chosen, result):
                if outputs[name].setdefault(i, text) != text:
                    print(f"  note: {name} output for article {i} changed between rounds", file=sys.stderr)

    n, new = per_round, args.new_tokens
    timed = sorted(outputs["naive"])
    mean_in = statistics.fmean(input_tokens[i] for i in timed)
    floor = {}
    for kind, width in (("float32", 4), ("int8", 1)):
        decode_s = params["decoder_per_token"] * width * new / (floor_hw["bandwidth_gbs"] * 1e9)
        encode_s = 2 * params["encoder_side"] * mean_in / (floor_hw["gflops"] * 1e9)
        floor[kind] = {"seconds_per_article": decode_s + encode_s, "decode_s": decode_s, "encode_s": encode_s,
                       "decoder_bytes_per_token": params["decoder_per_token"] * width}
    figures: dict[str, Any] = {}
    naive_rate = n / min(seconds["naive"])
    for name in systems:
        best = min(seconds[name])
        floor_s = floor["int8" if name == "ct2" else "float32"]["seconds_per_article"]
        figures[name] = {
            "articles_per_s": n / best, "tokens_per_s": n * new / best, "peak_rss_mb": peaks[name] / 2**20,
            "ratio_vs_naive": n / best / naive_rate, "ratio_to_floor": (best / n) / floor_s,
            "seconds_per_round": seconds[name], "background_cpu_share": max(background[name]),
        }
    differing = [i for i in timed if outputs["naive"][i] != outputs["engine"][i]]
    parity: dict[str, Any] = {"identical": not differing, "differing_articles": len(differing), "articles": len(timed)}
    if differing:
        i = differing[0]
        parity["first_example"] = {"article": i, "naive": outputs["naive"][i], "engine": outputs["engine"][i]}
    if "ct2" in outputs:
        parity["ct2_vs_naive_differing"] = sum(outputs["naive"][i] != outputs["ct2"][i] for i in timed)
    return {
        "size": size, "dimensions": SIZES.get(size, "summarize.testing.build_tiny_seq2seq defaults"),
        "parameters": params, "articles": len(prompts), "articles_per_round": per_round, "rounds": rounds,
        "articles_timed": len(timed), "new_tokens": new,
        "decoded_tokens_checked": lengths, "input_window": engine.window,
        "article_tokens_mean": statistics.fmean(count(texts[i]) for i in timed),
        "article_tokens_range": [min(count(t) for t in texts), max(count(t) for t in texts)],
        "input_tokens_mean": mean_in, "inputs_truncated": sum(len(tokenizer(prompts[i])["input_ids"]) > engine.window for i in timed),
        "batch_size": args.batch_size, "ct2": ct2_note or {"compute_type": ct2_engine.compute_type,
                                                          "max_batch_tokens": ct2_engine.max_batch_tokens,
                                                          "intra_threads": torch.get_num_threads()},
        "settings": settings, "floor": floor, "systems": figures, "parity": parity,
        "setup_s": setup_s, "wall_s": time.perf_counter() - started,
    }


# -- report -----------------------------------------------------------------------------------

LABELS = {
    "naive": "1 naive: generate per article",
    "engine": "2 engine: sorted batches of {batch}",
    "ct2": "3 ctranslate2 int8 backend",
}


def print_table(r: dict[str, Any], hw: dict[str, float], threads: int) -> None:
    name = {"tiny": "tiny test T5"}.get(r["size"], f"flan-t5-{r['size']} dimensions")
    p = r["parameters"]
    low, high = r["article_tokens_range"]
    print(f"\n== {name}, random weights, {p['total'] / 1e6:.1f}M parameters ==")
    print(f"{r['articles']} articles of {low}-{high} tokens; each round times {r['articles_per_round']} of them "
          f"(the same for every system), {r['rounds']} alternating rounds, {r['articles_timed']} distinct articles timed")
    print(f"timed articles: {r['article_tokens_mean']:.0f} tokens on average; prompt + article cut to the "
          f"{r['input_window']}-token window ({r['inputs_truncated']} cut): {r['input_tokens_mean']:.0f} input tokens on average")
    print(f"greedy, {r['new_tokens']} new tokens per article (decoded, checked: {r['decoded_tokens_checked']}), "
          f"{threads} threads; figures from each system's fastest round")
    print(f"{'system':<38}{'articles/s':>11}{'tokens/s':>10}{'peak RSS MB':>13}{'vs naive':>10}{'vs floor':>10}")
    for key, f in r["systems"].items():
        label = LABELS[key].format(batch=r["batch_size"])
        print(f"{label:<38}{f['articles_per_s']:>11.3f}{f['tokens_per_s']:>10.1f}{f['peak_rss_mb']:>13.0f}"
              f"{f['ratio_vs_naive']:>9.2f}x{f['ratio_to_floor']:>9.2f}x")
    if isinstance(r["ct2"], str):
        print(f"3 ctranslate2 {r['ct2']}")
    else:
        print(f"  (ctranslate2: {r['ct2']['compute_type']}, batches of up to {r['ct2']['max_batch_tokens']} padded tokens, "
              f"intra_threads {r['ct2']['intra_threads']}; peak RSS is the whole process, all models loaded)")
    for kind, f in r["floor"].items():
        print(f"floor {kind:<8} {f['seconds_per_article']:.3g} s/article = {f['decoder_bytes_per_token'] / 1e6:.3g} MB/token x "
              f"{r['new_tokens']} / {hw['bandwidth_gbs']:.1f} GB/s ({f['decode_s']:.3g} s) + "
              f"2 x {p['encoder_side'] / 1e6:.3g}M params x {r['input_tokens_mean']:.0f} tokens / {hw['gflops']:.0f} GFLOP/s ({f['encode_s']:.3g} s)")
    par = r["parity"]
    if par["identical"]:
        print(f"parity (1 vs 2): identical ({par['articles']} articles)")
    else:
        ex = par["first_example"]
        print(f"parity (1 vs 2): {par['differing_articles']} of {par['articles']} articles differ; first, article {ex['article']}:")
        print(f"  naive:  {ex['naive'][:160]}")
        print(f"  engine: {ex['engine'][:160]}")
    if "ct2_vs_naive_differing" in par:
        print(f"ct2 vs naive (int8 weights, not expected to match): {par['ct2_vs_naive_differing']} of {par['articles']} differ")
    busy = {k: f["background_cpu_share"] for k, f in r["systems"].items()}
    flag = "  WARNING: other processes competed for the CPUs" if max(busy.values()) > 0.05 else ""
    print("CPU used by other processes during timed rounds (worst round): "
          + ", ".join(f"{k} {v:.0%}" for k, v in busy.items()) + flag)


def targets(r: dict[str, Any]) -> list[str]:
    s = r["systems"]
    lines = [f"engine >= 2x naive: {s['engine']['ratio_vs_naive']:.2f}x -> {'met' if s['engine']['ratio_vs_naive'] >= 2 else 'MISSED'}"]
    if "ct2" in s:
        c = s["ct2"]
        lines.append(f"fast path >= 4x naive: {c['ratio_vs_naive']:.2f}x -> {'met' if c['ratio_vs_naive'] >= 4 else 'MISSED'}")
        lines.append(f"fast path within 2x of floor: {c['ratio_to_floor']:.2f}x -> {'met' if c['ratio_to_floor'] <= 2 else 'MISSED'}")
    else:
        lines.append("fast path targets: not measured (backend unavailable)")
    return lines


def rounded(value: Any) -> Any:
    if isinstance(value, float):
        return float(f"{value:.5g}")
    if isinstance(value, dict):
        return {k: rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [rounded(v) for v in value]
    return value


def main() -> None:
    args = ARGS or parse_args()
    started = time.perf_counter()
    import torch

    torch.set_num_threads(args.threads)
    with tempfile.TemporaryDirectory(prefix="seq2seq-speed-") as workdir:
        os.environ["SUMMARIZE_CACHE"] = str(Path(workdir) / "cache")  # ct2 conversions: throwaway
        copies = memory_bandwidth()
        hw = {"bandwidth_gbs": max(copies.values()), "gflops": matmul_gflops()}
        gc.collect()
        print(f"{args.threads} threads; memory bandwidth {hw['bandwidth_gbs']:.1f} GB/s (512 MiB copy, read + write; "
              f"numpy {copies['numpy']:.1f}, torch {copies['torch']:.1f}); float32 torch.mm {hw['gflops']:.0f} GFLOP/s")
        results = []
        for size in args.sizes:
            result = bench_size(size, lambda count: corpus(args.articles, count), args, hw, Path(workdir))
            print_table(result, hw, args.threads)
            print(f"({size}: setup {result['setup_s']:.0f} s, total {result['wall_s']:.0f} s)")
            results.append(result)
            gc.collect()
    base = next((r for r in results if r["size"] == "base"), None)
    verdict = targets(base) if base else None
    if verdict:
        print("\ntargets at flan-t5-base size:")
        for line in verdict:
            print("  " + line)
    total = time.perf_counter() - started
    print(f"\ntotal {total:.0f} s")
    if args.json:
        args.json.write_text(json.dumps(rounded({
            "threads": args.threads, "bandwidth_gbs": hw["bandwidth_gbs"], "bandwidth_copies_gbs": copies, "gflops": hw["gflops"],
            "settings": {"articles": args.articles, "per_round": args.per_round, "rounds": args.rounds, "new_tokens": args.new_tokens,
                         "batch_size": args.batch_size, "quick": args.quick, "sizes": args.sizes,
                         "report": "fastest round per system"},
            "sizes": {r["size"]: r for r in results}, "targets_base": verdict, "total_s": total,
        }), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
