"""The HTTP service (``summarize serve``): FastAPI on uvicorn, with cross-request batching.

Requests are parsed on the event loop and queued as jobs; one worker thread owns the engine. It
takes the oldest job and gathers whatever else is queued or keeps arriving with gaps under
``max_batch_wait_ms`` (up to ``max_batch_articles`` articles, ``max_batch_tokens`` article tokens
and a tenth of the last call's time), runs them as one :meth:`Summarizer.run` call (so the result
cache and per-article failures work as in ``summarize run``), and settles each request's asyncio
future from the results, in request order. Under load the wait costs little: what queued during
one engine call is the next call's batch, and the clients it just answered can join it.
"""

from __future__ import annotations

import asyncio
import hmac
import math
import signal
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, HTTPException, Security
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPBearer
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from pydantic import BaseModel, Field

from summarize.errors import InputError, SummarizeError
from summarize.generate import Summarizer, check_question
from summarize.ingest import article_from_text
from summarize.records import Answer, Article, Result

GATHER_SHARE = 0.1  # a batch gathers for at most this share of the last engine call's time (or the wait)
ENDPOINTS = ("/v1/summarize", "/v1/ask", "/healthz", "/metrics", "/docs", "/openapi.json")


@dataclass
class ServeSettings:
    """Batching and limits of one service process (the ``summarize serve`` options)."""

    max_batch_wait_ms: float = 20.0  # a batch closes when no request came for this long
    max_batch_articles: int | None = None  # per engine call; default: the run window, batch_size x 4
    max_batch_tokens: int = 16384  # article tokens per engine call (an article over it goes alone)
    max_queue: int = 256  # articles queued and not yet in an engine call; more is 503
    max_articles: int = 64  # per request; more is 422
    max_body_mb: float = 2.0  # request body; more is 413
    timeout_s: float = 120.0  # per request, queue time included; past it 504
    api_key: str | None = None  # when set, /v1/* needs "Authorization: Bearer KEY"


class ArticleIn(BaseModel):
    id: str | int | None = Field(None, description="Stable id [default: sha256 of the text, 12 hex digits].")
    text: str = Field(..., min_length=1, description="Raw article text; agency headers and boilerplate are parsed as in `run`.")
    title: str | None = None
    date: str | None = None
    dateline: str | None = None
    link: str | None = None
    questions: list[str] | None = Field(None, description="Asked of this article in addition to the request's.")


class SummarizeIn(BaseModel):
    articles: list[ArticleIn] = Field(..., min_length=1)
    questions: list[str] | None = Field(None, description="Replaces the default question set.")


class SummarizeOut(BaseModel):
    results: list[dict[str, Any]] = Field(..., description="One output-contract object per article, in request order.")


class AskIn(BaseModel):
    text: str = Field(..., min_length=1)
    question: str = Field(..., min_length=1)
    id: str | int | None = None
    title: str | None = None
    date: str | None = None


class AskOut(BaseModel):
    id: str
    question: str
    answer: str | None
    evidence: list[str]
    reason: str | None = None
    confidence: float | None = None


class QueueFull(Exception):
    """The queue cannot take the request now; ``retry_after`` seconds is a fair wait."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Metrics:
    """Prometheus metrics of one app, in their own registry (several apps may share a process)."""

    def __init__(self) -> None:
        self.registry = r = CollectorRegistry()
        self.requests = Counter("summarize_requests", "HTTP requests by endpoint and status", ["endpoint", "status"], registry=r)
        self.latency = Histogram("summarize_request_seconds", "Request latency (queue time included) by endpoint and status",
                                 ["endpoint", "status"], registry=r,
                                 buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300))
        self.queue = Gauge("summarize_queue_depth", "Articles queued, not yet in an engine call", registry=r)
        self.batch = Histogram("summarize_batch_articles", "Articles in each engine call (cache hits not counted)",
                               registry=r, buckets=(1, 2, 4, 8, 12, 16, 24, 32, 48, 64, 96, 128, 256))
        self.batch_seconds = Histogram("summarize_batch_seconds", "Wall time of each engine call", registry=r,
                                       buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300))
        self.cache_hits = Counter("summarize_cache_hits", "Articles served from the result cache", registry=r)


@dataclass(eq=False)
class Job:
    """One request: articles to summarize, or one article and a ``question`` to answer."""

    articles: list[Article]
    question: str | None
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[Any]
    enqueued: float = field(default_factory=time.monotonic)
    tokens: int | None = None
    abandoned: bool = False  # timed out or the client left: skipped if not yet started


class Batcher:
    """Owns the one worker thread that calls the engine with batches gathered across requests."""

    def __init__(self, summarizer: Summarizer, settings: ServeSettings, metrics: Metrics) -> None:
        self.summarizer, self.settings, self.metrics = summarizer, settings, metrics
        self.max_articles = settings.max_batch_articles or summarizer.batch_size * 4
        self.wait_s = settings.max_batch_wait_ms / 1000
        self.calls = 0  # engine calls made
        self._queue: deque[Job] = deque()
        self._pending = 0  # articles in the queue
        self._cond = threading.Condition()
        self._stopping = False
        self._last_call_s = 1.0
        self._free_since = time.monotonic()  # when the engine last became free
        self._thread = threading.Thread(target=self._work, name="summarize-batcher", daemon=True)  # started by start()

    @property
    def alive(self) -> bool:
        return self._thread.is_alive() and not self._stopping

    def start(self) -> None:
        if not self._thread.is_alive():  # an app may be started again after a stop (tests do)
            self._stopping = False
            self._thread = threading.Thread(target=self._work, name="summarize-batcher", daemon=True)
            self._thread.start()

    def stop(self, timeout: float | None = None) -> None:
        """Take no more jobs, finish the queued ones, end the worker."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._thread.is_alive():
            self._thread.join(timeout)

    async def submit(self, articles: list[Article], question: str | None = None) -> Any:
        """Queue a job and wait for its results (a list of Result, or one Answer)."""
        loop = asyncio.get_running_loop()
        job = Job(articles, question, loop, loop.create_future())
        with self._cond:
            if self._stopping:
                raise QueueFull("the service is shutting down", 1)
            if self._pending + len(articles) > self.settings.max_queue:
                calls_ahead = math.ceil((self._pending + len(articles)) / self.max_articles)
                raise QueueFull(f"queue full ({self._pending} articles waiting, at most {self.settings.max_queue})",
                                max(1, math.ceil(calls_ahead * self._last_call_s)))
            self._queue.append(job)
            self._pending += len(articles)
            self.metrics.queue.set(self._pending)
            self._cond.notify()
        try:
            return await asyncio.wait_for(job.future, self.settings.timeout_s)
        except BaseException:  # timeout, or the request was cancelled: nobody waits for it any more
            job.abandoned = True
            raise

    # -- the worker thread ------------------------------------------------------------------

    def _work(self) -> None:
        while True:
            batch = self._gather()
            if batch is None:
                return
            summaries = [j for j in batch if j.question is None]
            asks = [j for j in batch if j.question is not None]
            if summaries:
                self._call(summaries, self._run_summaries)
            if asks:
                self._call(asks, self._run_asks)
            self._free_since = time.monotonic()

    def _take(self, deadline: float | None) -> Job | None:
        """The next queued job; None when stopping with an empty queue, or at ``deadline``."""
        with self._cond:
            while not self._queue:
                remaining = None if deadline is None else deadline - time.monotonic()
                if self._stopping or (remaining is not None and remaining <= 0):
                    return None
                self._cond.wait(remaining)
            return self._queue.popleft()

    def _release(self, job: Job) -> None:
        with self._cond:
            self._pending -= len(job.articles)
            self.metrics.queue.set(self._pending)

    def _gather(self) -> list[Job] | None:
        """Jobs for one engine call: the oldest, then whatever fits the budget until no request has
        come for the wait (counted from a request's arrival or, for one that queued behind a call,
        from that call's end), or a tenth of the last call's time has passed (at least the wait).
        So a burst is gathered whole, and clients just answered by one call join the next instead
        of splitting into groups that alternate in smaller calls."""
        batch: list[Job] = []
        articles = tokens = 0
        deadline = closes = None
        while True:
            job = self._take(deadline)
            if job is None:
                return batch or None
            if job.abandoned:
                self._release(job)
                continue
            if job.tokens is None:
                job.tokens = self._count(job)
            if batch and (articles + len(job.articles) > self.max_articles
                          or tokens + job.tokens > self.settings.max_batch_tokens):
                with self._cond:
                    self._queue.appendleft(job)  # first in the next batch
                return batch
            self._release(job)
            batch.append(job)
            articles += len(job.articles)
            tokens += job.tokens
            arrived = max(job.enqueued, self._free_since)
            if closes is None:
                closes = arrived + max(self.wait_s, GATHER_SHARE * self._last_call_s)
            deadline = min(closes, arrived + self.wait_s)
            if articles >= self.max_articles or tokens >= self.settings.max_batch_tokens:
                return batch

    def _count(self, job: Job) -> int:
        texts = [a.text for a in job.articles]
        count = getattr(self.summarizer.engine, "count_tokens", None)
        if count is None:  # an engine without a tokenizer: about four characters a token
            return sum(len(t) // 4 + 1 for t in texts)
        with self.summarizer._lock:  # the tokenizer is not safe to share across threads
            return sum(count(texts))

    def _call(self, jobs: list[Job], run: Callable[[list[Job]], list[Any]]) -> None:
        start = time.perf_counter()
        try:
            outputs = run(jobs)
        except Exception as exc:
            if len(jobs) > 1:  # keep a failure with the request that caused it
                for job in jobs:
                    self._call([job], run)
                return
            outputs, error = [None], exc
        else:
            error = None
        self._last_call_s = time.perf_counter() - start
        self.metrics.batch_seconds.observe(self._last_call_s)
        for job, output in zip(jobs, outputs):
            self._settle(job, output, error)

    def _run_summaries(self, jobs: list[Job]) -> list[list[Result]]:
        articles = [a for job in jobs for a in job.articles]
        cache = self.summarizer.cache
        hits = cache.hits if cache is not None else 0
        # Each article carries its whole question list, so [] here asks exactly those.
        results = list(self.summarizer.run(articles, questions=[]))
        served = cache.hits - hits if cache is not None else 0
        self._observe(len(articles) - served)
        if served:
            self.metrics.cache_hits.inc(served)
        grouped, start = [], 0
        for job in jobs:
            grouped.append(results[start : start + len(job.articles)])
            start += len(job.articles)
        return grouped

    def _run_asks(self, jobs: list[Job]) -> list[Answer]:
        pairs = [(job.articles[0], job.question or "") for job in jobs]
        with self.summarizer._lock:
            answers = self.summarizer.guarded_answers(pairs, self.summarizer.engine.answer(pairs))
        self._observe(len(pairs))
        return answers

    def _observe(self, articles: int) -> None:
        if articles > 0:
            self.calls += 1
            self.metrics.batch.observe(articles)

    @staticmethod
    def _settle(job: Job, output: Any, error: BaseException | None) -> None:
        def settle() -> None:
            if job.future.done():
                return
            if error is not None:
                job.future.set_exception(error)
            else:
                job.future.set_result(output)

        try:
            job.loop.call_soon_threadsafe(settle)
        except RuntimeError:  # the event loop is gone: nobody is waiting
            pass


def one_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0]}" if text else type(exc).__name__


def _validation_detail(errors: list[Any]) -> str:
    parts = []
    for error in errors[:5]:
        if error.get("type") == "json_invalid":
            parts.append(f"body: malformed JSON ({error.get('ctx', {}).get('error', 'cannot parse')}, "
                         f"at character {error.get('loc', ('', '?'))[-1]})")
            continue
        where = ".".join(str(part) for part in error.get("loc", ()) if part != "body") or "body"
        parts.append(f"{where}: {error.get('msg', 'invalid')}")
    return "; ".join(parts)[:500].replace("\n", " ")


class _Guard:
    """Pure ASGI middleware: metrics for every request, the API key, and the body limit (checked
    before the app reads a byte, so an oversized or unauthorised body is never buffered)."""

    def __init__(self, app: Any, settings: ServeSettings, metrics: Metrics) -> None:
        self.app, self.settings, self.metrics = app, settings, metrics
        self.max_body = int(settings.max_body_mb * 1024 * 1024)

    async def __call__(self, scope: dict[str, Any], receive: Callable[[], Awaitable[Any]], send: Callable[..., Any]) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        endpoint = scope["path"] if scope["path"] in ENDPOINTS else "other"
        status = [500]
        start = time.perf_counter()

        async def sending(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            refusal = self._refusal(scope)
            if refusal is None and scope["method"] in ("POST", "PUT", "PATCH"):
                refusal, receive = await self._buffer(receive)
            if refusal is not None:
                code, detail, headers = refusal
                return await JSONResponse({"detail": detail}, code, headers=headers)(scope, receive, sending)
            await self.app(scope, receive, sending)
        finally:
            self.metrics.requests.labels(endpoint, str(status[0])).inc()
            self.metrics.latency.labels(endpoint, str(status[0])).observe(time.perf_counter() - start)

    def _refusal(self, scope: dict[str, Any]) -> tuple[int, str, dict[str, str]] | None:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        key = self.settings.api_key
        if key and scope["path"].startswith("/v1/"):
            scheme, _, token = headers.get("authorization", "").partition(" ")
            if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(), key.encode()):
                return 401, "missing or wrong API key: send 'Authorization: Bearer KEY'", {"WWW-Authenticate": "Bearer"}
        length = headers.get("content-length")
        if length is not None:
            if not length.strip().isdigit():
                return 400, "bad Content-Length header", {}
            if int(length) > self.max_body:
                return 413, f"request body over {self.settings.max_body_mb:g} MB", {}
        return None

    async def _buffer(self, receive: Callable[[], Awaitable[Any]]) -> tuple[Any, Callable[[], Awaitable[Any]]]:
        """Read the whole body (refusing it past the limit) and replay it to the app."""
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return (400, "the client went away", {}), receive
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.max_body:
                return (413, f"request body over {self.settings.max_body_mb:g} MB", {}), receive
            if not message.get("more_body"):
                break
        replayed = [False]

        async def replay() -> dict[str, Any]:
            if replayed[0]:
                return await receive()
            replayed[0] = True
            return {"type": "http.request", "body": b"".join(chunks), "more_body": False}

        return None, replay


def create_app(summarizer: Summarizer, settings: ServeSettings | None = None) -> FastAPI:
    """The service around a loaded ``summarizer``; its batcher runs while the app's lifespan does."""
    settings = settings or ServeSettings()
    if settings.max_articles > settings.max_queue:
        raise ValueError("max_articles must not exceed max_queue")
    metrics = Metrics()
    batcher = Batcher(summarizer, settings, metrics)
    state = {"ready": False}

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> Any:
        batcher.start()
        state["ready"] = True
        try:
            yield
        finally:  # uvicorn has finished the requests in flight; finish anything still queued
            state["ready"] = False
            await asyncio.to_thread(batcher.stop, settings.timeout_s)

    app = FastAPI(title="summarize", version="0.1.0", lifespan=lifespan,
                  description="Neutral news summaries and answers; concurrent requests are batched into shared engine calls.")
    app.state.batcher, app.state.metrics, app.state.settings = batcher, metrics, settings
    app.add_middleware(_Guard, settings=settings, metrics=metrics)
    bearer = HTTPBearer(auto_error=False, description="Needed when the service runs with --api-key.")

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Any, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": _validation_detail(list(exc.errors()))}, 422)

    @app.exception_handler(Exception)
    async def crashed(_request: Any, exc: Exception) -> JSONResponse:
        return JSONResponse({"detail": one_line(exc)}, 500)

    async def submit(articles: list[Article], question: str | None = None) -> Any:
        try:
            return await batcher.submit(articles, question)
        except QueueFull as full:
            raise HTTPException(503, str(full), headers={"Retry-After": str(full.retry_after)}) from None
        except asyncio.TimeoutError:
            raise HTTPException(504, f"not done within the {settings.timeout_s:g} s request timeout") from None
        except SummarizeError as exc:
            raise HTTPException(422, str(exc)) from None
        except Exception as exc:
            raise HTTPException(500, one_line(exc)) from None

    def article(index: int | None, item: ArticleIn | AskIn, questions: list[str]) -> Article:
        where = "<request>" if index is None else f"<request>#{index + 1}"
        try:
            return article_from_text(item.text, source=where, id=None if item.id is None else str(item.id),
                                     title=item.title, date=item.date, dateline=getattr(item, "dateline", None),
                                     link=getattr(item, "link", None), questions=questions)
        except InputError as exc:
            raise HTTPException(422, f"{'text' if index is None else f'articles.{index}.text'}: {exc.problem}") from None

    def questions(asked: list[str] | None, where: str) -> list[str]:
        try:
            return [check_question(q) for q in asked or []]
        except SummarizeError:
            raise HTTPException(422, f"{where}: a question is empty") from None

    @app.post("/v1/summarize", response_model=SummarizeOut, dependencies=[Security(bearer)],
              summary="Summarize articles and answer questions (the output contract of `summarize run`)")
    async def summarize_route(body: SummarizeIn) -> JSONResponse:
        if len(body.articles) > settings.max_articles:
            raise HTTPException(422, f"{len(body.articles)} articles in one request; at most {settings.max_articles}")
        base = questions(body.questions, "questions") if body.questions is not None else summarizer.default_questions
        articles = [article(i, item, list(dict.fromkeys([*base, *questions(item.questions, f"articles.{i}.questions")])))
                    for i, item in enumerate(body.articles)]
        results = await submit(articles)
        return JSONResponse({"results": [result.to_dict() for result in results]})

    @app.post("/v1/ask", response_model=AskOut, dependencies=[Security(bearer)],
              summary="Answer one question about one article, with its evidence sentences")
    async def ask_route(body: AskIn) -> JSONResponse:
        (question,) = questions([body.question], "question")
        item = article(None, body, [])
        answer = await submit([item], question)
        return JSONResponse({"id": item.id, **answer.to_dict()})

    @app.get("/healthz", summary="200 once the engine is loaded and the batcher runs")
    async def healthz() -> JSONResponse:
        ok = state["ready"] and batcher.alive
        return JSONResponse({"status": "ok" if ok else "unavailable", "engine": summarizer.engine.name,
                             "model": summarizer.engine.model}, 200 if ok else 503)

    @app.get("/metrics", summary="Prometheus metrics")
    async def metrics_route() -> Response:
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    return app


def serve(summarizer: Summarizer, settings: ServeSettings, host: str = "127.0.0.1", port: int = 8000,
          log_level: str = "info") -> None:
    """Run the service until SIGTERM or SIGINT: stop accepting, finish what is in flight, return."""
    import uvicorn

    config = uvicorn.Config(create_app(summarizer, settings), host=host, port=port, log_level=log_level,
                            lifespan="on", timeout_graceful_shutdown=settings.timeout_s + 5,
                            limit_concurrency=max(64, settings.max_queue * 2))
    server = uvicorn.Server(config)
    # uvicorn re-raises the signal it stopped on once it is done; answer that with "return" (exit 0).
    previous = {sig: signal.signal(sig, lambda *_: None) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        server.run()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
