"""Regression sweep of the offline engine over real BBC news text: crashes, speed, invariants, lists to read.

    python benchmarks/offline_sweep.py [--data PATH] [--topic T] [--offset K] [--limit N]
                                       [--max-list N] [--claims] [--json FILE] [--fail-on-error]

Runs ``Summarizer(engine="offline")`` (summary + the default questions) over ``bbc_corpus.jsonl``
(default ``../shared/data/bbc_corpus.jsonl`` from the repository root; the texts are read at run
time and never copied here) and reports, counts first and lists below:

- failures: articles whose result has ``error`` set, or whose run raised (caught per article);
- articles/s, wall clock, for ``Summarizer.run`` end to end (claims and checks not included);
- summaries using a word (letters/digits, case-insensitive) that the source does not contain;
- summary sentences that are not verbatim (substring of the whitespace-normalised source), each
  with its closest source sentence (difflib), so a reader sees what the compression changed;
- pronoun rewrites: a pronoun in the closest source sentence replaced by a name in the summary
  (or the reverse), with the two source sentences before it for context;
- claims whose ``mention`` is a pronoun resolved to another ``speaker`` (listed with ``--claims``);
- the share of articles with a denial verb in the text that get an answer to "Who denied what?".

Only the public API is used (``Summarizer``, ``Article``), so the sweep survives engine rewrites.
Exit 0 (it is a report); 1 with ``--fail-on-error`` when any article failed; 2 when data is missing.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_DATA = ROOT / ".." / "shared" / "data" / "bbc_corpus.jsonl"

PRONOUNS = {"he", "she", "it", "they", "him", "her", "them", "his", "its", "their"}
DENIAL = re.compile(r"\b(?:deny|denies|denied|denying|rejects?|rejected|rejecting|refutes?|refuted|refuting|"
                    r"dismiss(?:es|ed|ing)?|rebuff(?:s|ed|ing)?)\b", re.IGNORECASE)
DENIAL_QUESTION = "who denied what?"
WORD = re.compile(r"[^\W_]+")
TOKEN = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]")
# Sentence end: . ! ? (plus closing quotes/brackets), whitespace, then a capital, digit or opening quote.
BOUNDARY = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")
ABBREV = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|St|Sir|Prof|Gen|Lt|Col|Sgt|Rev|Jr|Sr|No|vs|etc|Inc|Ltd|Co|Corp)|\b[A-Z])\.$")


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text``: paragraph breaks always end one; a few abbreviations never do."""
    out: list[str] = []
    for para in re.split(r"\n\s*\n", text):
        para = " ".join(para.split())
        start = 0
        for m in BOUNDARY.finditer(para):
            chunk = para[start:m.start()]
            closers = m.group(0).rstrip()
            if ABBREV.search(chunk) and not closers:
                continue
            out.append((chunk + closers).strip())
            start = m.end()
        if para[start:].strip():
            out.append(para[start:].strip())
    return out


NAME_GLUE = {"the", "of", "and", "de", "van", "von", "'s", "’s"}
NOT_NAMES = {"however", "but", "and", "yet", "also", "meanwhile", "separately", "still", "the", "a", "an", "this",
             "that", "these", "those", "in", "on", "at", "for", "mr", "mrs", "ms", "dr"}


def is_name(tokens: list[str]) -> bool:
    """A short run of capitalised words ("Tony Blair", "the Bank of England", "Blair's"), no pronoun."""
    if not 0 < len(tokens) <= 6 or not all(re.fullmatch(r"[\w'’.-]+", t) for t in tokens):
        return False
    if any(t.lower() in PRONOUNS for t in tokens) or tokens[0].lower() in NOT_NAMES - {"the", "mr", "mrs", "ms", "dr"}:
        return False
    caps = [t for t in tokens if t[:1].isupper() and t.lower() not in NOT_NAMES]
    return bool(caps) and all(t[:1].isupper() or t.lower() in NAME_GLUE for t in tokens)


def changes(summary_sentence: str, source_sentence: str) -> str:
    """Word-level edits from source to summary, case-only changes left out: '-[Yet] [he]->[Blair]'."""
    a, b = TOKEN.findall(source_sentence), TOKEN.findall(summary_sentence)
    edits = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        old, new = " ".join(a[i1:i2]), " ".join(b[j1:j2])
        if op == "equal" or old.lower() == new.lower():
            continue
        edits.append(f"-[{old}]" if op == "delete" else f"+[{new}]" if op == "insert" else f"[{old}]->[{new}]")
    return " ".join(edits)


def pronoun_swaps(summary_sentence: str, source_sentence: str) -> list[tuple[str, str]]:
    """(source side, summary side) pairs where a pronoun became a name or a name a pronoun."""
    a, b = TOKEN.findall(source_sentence), TOKEN.findall(summary_sentence)
    swaps = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op != "replace":
            continue
        old, new = a[i1:i2], b[j1:j2]
        if len(old) == 1 and old[0].lower() in PRONOUNS and is_name(new):
            swaps.append((old[0], " ".join(new)))
        elif len(new) == 1 and new[0].lower() in PRONOUNS and is_name(old):
            swaps.append((" ".join(old), new[0]))
    return swaps


def read_corpus(path: Path, topic: str | None, offset: int, limit: int | None) -> list[dict]:
    rows = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                row = json.loads(line)
                row_topic = row.get("topic") or row["id"].split("-")[1]
                if topic is None or row_topic == topic:
                    rows.append(row)
    return rows[offset: offset + limit if limit is not None else None]


def run_articles(summarizer, articles, chunk: int = 32):
    """(article, result or None, error or None) for each article; one raising never stops the sweep."""
    for i in range(0, len(articles), chunk):
        window = articles[i: i + chunk]
        try:
            results = list(summarizer.run(window))
            yield from ((a, r, r.error) for a, r in zip(window, results))
        except Exception:  # redo one by one so the failure stays with its article
            for article in window:
                try:
                    result = list(summarizer.run([article]))[0]
                    yield article, result, result.error
                except Exception as exc:
                    yield article, None, f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}"


def check(article, result, claims, found: dict) -> None:
    """Apply every invariant to one successful result, appending to the lists in ``found``."""
    text, summary = article.text, result.summary or ""
    source_norm = " ".join(text.split())
    source_words = {w.lower() for w in WORD.findall(text)}
    new_words = sorted({w for w in WORD.findall(summary) if w.lower() not in source_words})
    if new_words:
        found["new_words"].append({"id": article.id, "words": new_words})
    source_sents = split_sentences(text)
    for sentence in split_sentences(summary):
        if sentence in source_norm:
            continue
        best = max(source_sents, key=lambda s: difflib.SequenceMatcher(None, sentence, s, autojunk=False).ratio(),
                   default="")
        found["non_verbatim"].append({"id": article.id, "summary_sentence": sentence, "closest_source": best,
                                      "changes": changes(sentence, best)})
        k = source_sents.index(best) if best else 0
        for old, new in pronoun_swaps(sentence, best):
            found["pronoun_rewrites"].append({"id": article.id, "source_side": old, "summary_side": new,
                                              "summary_sentence": sentence, "source_sentence": best,
                                              "context_before": source_sents[max(0, k - 2): k]})
    for claim in claims or []:
        mention = (getattr(claim, "mention", "") or "").strip()
        if mention.lower() in PRONOUNS and claim.speaker.strip().lower() != mention.lower():
            found["resolved_claims"].append({"id": article.id, "mention": mention, "speaker": claim.speaker,
                                             "sentence": claim.sentence})
    if DENIAL.search(text):
        answer = next((a for a in result.answers if a.question.strip().lower() == DENIAL_QUESTION), None)
        if answer is not None:
            entry = {"id": article.id, "verbs": sorted({m.lower() for m in DENIAL.findall(text)}),
                     "answered": answer.answer is not None, "answer": answer.answer, "reason": answer.reason}
            found["denials"].append(entry)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="bbc_corpus.jsonl (default: %(default)s)")
    parser.add_argument("--topic", help="only ids bbc-<topic>-NNN (business, entertainment, politics, sport, tech)")
    parser.add_argument("--offset", type=int, default=0, help="skip this many articles (after --topic)")
    parser.add_argument("--limit", type=int, help="at most this many articles")
    parser.add_argument("--max-list", type=int, default=20, help="print at most N entries per list (0: none)")
    parser.add_argument("--claims", action="store_true", help="print the list of claims with a resolved pronoun")
    parser.add_argument("--json", type=Path, help="also write counts and every list here")
    parser.add_argument("--fail-on-error", action="store_true", help="exit 1 when any article failed")
    args = parser.parse_args()
    data = args.data.resolve()
    if not data.is_file():
        print(f"offline_sweep: corpus not found: {data} (pass --data PATH to bbc_corpus.jsonl)")
        return 2

    from summarize import Article, Summarizer

    rows = read_corpus(data, args.topic, args.offset, args.limit)
    articles = [Article(id=r["id"], text=r["text"], source=data.name, title=r.get("title")) for r in rows]
    start = time.perf_counter()
    summarizer = Summarizer(engine="offline")
    load_s = time.perf_counter() - start
    has_claims = callable(getattr(summarizer, "claims", None))
    found: dict[str, list] = {k: [] for k in ("failures", "new_words", "non_verbatim", "pronoun_rewrites",
                                              "resolved_claims", "denials")}
    done, run_s, sweep_start = [], 0.0, time.perf_counter()
    outcomes = run_articles(summarizer, articles)
    while True:
        tick = time.perf_counter()
        item = next(outcomes, None)
        run_s += time.perf_counter() - tick
        if item is None:
            break
        article, result, error = item
        if error is not None:
            found["failures"].append({"id": article.id, "stage": "run", "error": error.splitlines()[0]})
            continue
        claims = None
        if has_claims:
            try:
                claims = summarizer.claims(article)
            except Exception as exc:
                found["failures"].append({"id": article.id, "stage": "claims", "error": f"{type(exc).__name__}: {exc}"})
        done.append(article.id)
        check(article, result, claims, found)
    sweep_s = time.perf_counter() - sweep_start

    denials = found["denials"]
    answered = sum(d["answered"] for d in denials)
    counts = {
        "articles": len(articles), "ok": len(done), "failures": len(found["failures"]),
        "failed_articles": len({f["id"] for f in found["failures"]}),
        "engine_load_s": round(load_s, 3), "run_s": round(run_s, 3), "sweep_s": round(sweep_s, 3),
        "articles_per_s": round(len(articles) / run_s, 2) if run_s else None,
        "summaries_with_new_words": len(found["new_words"]),
        "non_verbatim_sentences": len(found["non_verbatim"]),
        "articles_with_non_verbatim": len({x["id"] for x in found["non_verbatim"]}),
        "pronoun_rewrites": len(found["pronoun_rewrites"]),
        "resolved_pronoun_claims": len(found["resolved_claims"]) if has_claims else None,
        "denial_articles": len(denials), "denial_answered": answered,
        "denial_answered_share": round(answered / len(denials), 3) if denials else None,
    }
    where = f"{data.name}" + (f" topic={args.topic}" if args.topic else "") + f" offset={args.offset}"
    print(f"offline sweep over {len(articles)} articles ({where})")
    print(f"  failures                       {counts['failures']} ({counts['failed_articles']} articles)")
    print(f"  articles/s (run, wall clock)   {counts['articles_per_s']}  [{run_s:.2f} s run, engine load {load_s:.2f} s,"
          f" sweep incl. checks {sweep_s:.2f} s]")
    print(f"  summaries with new words       {counts['summaries_with_new_words']} / {len(done)}")
    print(f"  non-verbatim summary sentences {counts['non_verbatim_sentences']}"
          f" (in {counts['articles_with_non_verbatim']} articles)")
    print(f"  pronoun rewrites               {counts['pronoun_rewrites']}")
    print(f"  resolved pronouns in claims    {counts['resolved_pronoun_claims'] if has_claims else 'n/a (no Summarizer.claims)'}")
    share = f"{answered}/{len(denials)} = {counts['denial_answered_share']:.0%}" if denials else "no denial articles"
    print(f"  'Who denied what?' answered    {share} of articles with a denial verb")

    def section(title: str, items: list, fmt) -> None:
        shown = items[: max(args.max_list, 0)]
        print(f"\n== {title}: {len(items)}" + (f" (showing {len(shown)})" if len(shown) < len(items) else ""))
        for item in shown:
            print(fmt(item))

    section("failures", found["failures"], lambda f: f"{f['id']} [{f['stage']}] {f['error']}")
    section("summaries with words not in the source", found["new_words"], lambda x: f"{x['id']}: {', '.join(x['words'])}")
    section("non-verbatim summary sentences", found["non_verbatim"],
            lambda x: f"{x['id']}  changes: {x['changes']}\n  summary: {x['summary_sentence']}\n"
                      f"  closest: {x['closest_source']}")
    section("pronoun rewrites (id | pronoun -> name | summary sentence | source sentence)", found["pronoun_rewrites"],
            lambda x: f"{x['id']} | {x['source_side']} -> {x['summary_side']} | {x['summary_sentence']} | "
                      f"{x['source_sentence']}" + "".join(f"\n    before: {c}" for c in x["context_before"]))
    if has_claims and args.claims:
        section("--claims: pronoun mentions resolved to a speaker (id | mention -> speaker | sentence)",
                found["resolved_claims"], lambda x: f"{x['id']} | {x['mention']} -> {x['speaker']} | {x['sentence']}")
    section("denial-verb articles with no answer to 'Who denied what?'", [d for d in denials if not d["answered"]],
            lambda d: f"{d['id']} [{', '.join(d['verbs'])}] {d['reason'] or ''}")
    if args.json:
        args.json.write_text(json.dumps({"counts": counts, **found}, indent=2, ensure_ascii=False), encoding="utf-8")
        print(f"\nwrote {args.json}")
    return 1 if args.fail_on_error and found["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
