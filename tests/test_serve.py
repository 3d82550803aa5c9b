"""`summarize serve`: the HTTP contract, limits and errors, cross-request batching, metrics, and a
clean exit on SIGTERM. In-process tests drive the ASGI app with httpx (lifespan included); one test
starts the real command."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from summarize import Summarizer
from summarize.cache import ResultCache
from summarize.cli import app as cli_app
from summarize.serve import ServeSettings, create_app

from .conftest import FAST, SEED

TINY_GEN = ["--gen", "max_new_tokens=8", "--gen", "min_new_tokens=2", "--gen", "num_beams=2", "-b", "4", "--device", "cpu"]


@pytest.fixture(scope="module")
def offline() -> Summarizer:
    return Summarizer(engine="offline")


def call(app: Any, scenario: Callable[[httpx.AsyncClient], Awaitable[Any]], lifespan: bool = True) -> Any:
    """Run ``scenario(client)`` against ``app`` (inside its lifespan, as uvicorn would)."""

    async def main() -> Any:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test", timeout=120) as client:
            if not lifespan:
                return await scenario(client)
            async with app.router.lifespan_context(app):
                return await scenario(client)

    return asyncio.run(main())


def cli_records(*args: str) -> list[dict[str, Any]]:
    result = CliRunner().invoke(cli_app, list(args))
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def without_source(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k != "source"}  # a path for run, <request>#N here


def variants(seed_text: str, n: int) -> list[str]:
    return [f"{seed_text}\n\nThe ministry said talks would resume on day {i}." for i in range(n)]


class Gate:
    """Holds the engine: ``summarizer.run`` waits until ``open()``; ``entered`` says it is waiting."""

    def __init__(self, summarizer: Summarizer, monkeypatch: pytest.MonkeyPatch) -> None:
        self.entered, self.released = threading.Event(), threading.Event()
        run = summarizer.run

        def gated(*args: Any, **kwargs: Any) -> Any:
            self.entered.set()
            self.released.wait(30)
            return run(*args, **kwargs)

        monkeypatch.setattr(summarizer, "run", gated)

    async def wait_entered(self) -> None:
        assert await asyncio.to_thread(self.entered.wait, 30)

    def open(self) -> None:
        self.released.set()


# -- the contract ------------------------------------------------------------------------------

def test_summarize_matches_run_output_offline(offline, seed_text):
    (expected,) = cli_records("run", str(SEED), "--engine", "offline", "--no-cache")

    async def scenario(client):
        return await client.post("/v1/summarize", json={"articles": [{"id": SEED.stem, "text": seed_text}]})

    response = call(create_app(offline), scenario)
    assert response.status_code == 200
    (got,) = response.json()["results"]
    assert got["source"] == "<request>#1"
    assert without_source(got) == without_source(expected)


def test_summarize_matches_run_output_tiny_t5(summarizer, tiny_model, seed_text):
    # The session's summarizer is unguarded (it tests the engine's output): so is this run.
    (expected,) = cli_records("run", str(SEED), "--model", str(tiny_model), "--engine", "seq2seq", "--no-cache", "--guard", "off", *TINY_GEN)

    async def scenario(client):
        return await client.post("/v1/summarize", json={"articles": [{"id": SEED.stem, "text": seed_text}]})

    response = call(create_app(summarizer), scenario)
    assert response.status_code == 200, response.text
    (got,) = response.json()["results"]
    assert got["engine"] == "seq2seq" and got["generation"]["summary"]["max_new_tokens"] == FAST["max_new_tokens"]
    assert without_source(got) == without_source(expected)


def test_ask_matches_the_ask_command(offline, seed_text):
    (expected,) = cli_records("ask", str(SEED), "Who denied what?", "--engine", "offline", "--json")

    async def scenario(client):
        return await client.post("/v1/ask", json={"id": SEED.stem, "text": seed_text, "question": "Who denied what?"})

    response = call(create_app(offline), scenario)
    assert response.status_code == 200
    assert response.json() == expected
    assert expected["answer"] and expected["evidence"]


def test_results_in_request_order_with_questions(offline, seed_text):
    texts = variants(seed_text, 3)
    body = {
        "questions": ["Who denied what?"],
        "articles": [{"id": f"a{i}", "text": t, **({"questions": ["Where?"]} if i == 1 else {})} for i, t in enumerate(texts)],
    }

    async def scenario(client):
        one = client.post("/v1/summarize", json=body)
        other = client.post("/v1/summarize", json={"articles": [{"id": "solo", "text": seed_text, "title": "Arms"}]})
        return await asyncio.gather(one, other)

    first, second = call(create_app(offline), scenario)
    results = first.json()["results"]
    assert [r["id"] for r in results] == ["a0", "a1", "a2"]
    assert [r["source"] for r in results] == ["<request>#1", "<request>#2", "<request>#3"]
    assert [[a["question"] for a in r["answers"]] for r in results] == [
        ["Who denied what?"], ["Who denied what?", "Where?"], ["Who denied what?"]]
    (solo,) = second.json()["results"]
    assert solo["id"] == "solo" and solo["title"] == "Arms"
    assert [a["question"] for a in solo["answers"]] == offline.default_questions


# -- limits and errors -------------------------------------------------------------------------

def test_bad_requests_get_one_line_details(offline, seed_text):
    app = create_app(offline, ServeSettings(max_articles=2))

    async def scenario(client):
        post = lambda **kw: client.post("/v1/summarize", **kw)  # noqa: E731
        return {
            "malformed": await post(content=b'{"articles": [', headers={"Content-Type": "application/json"}),
            "no text": await post(json={"articles": [{"title": "x"}]}),
            "no articles": await post(json={"articles": []}),
            "not a list": await post(json={"articles": "text"}),
            "too many": await post(json={"articles": [{"text": seed_text}] * 3}),
            "blank text": await post(json={"articles": [{"text": "   \n "}]}),
            "empty question": await post(json={"articles": [{"text": seed_text}], "questions": ["  "]}),
            "ask without question": await client.post("/v1/ask", json={"text": seed_text}),
        }

    for name, response in call(app, scenario).items():
        assert response.status_code in (400, 422), name
        detail = response.json()["detail"]
        assert isinstance(detail, str) and detail and "\n" not in detail and "Traceback" not in detail, (name, detail)
    responses = call(app, scenario)
    assert "malformed JSON" in responses["malformed"].json()["detail"]
    assert responses["no text"].json()["detail"] == "articles.0.text: Field required"
    assert "at most 2" in responses["too many"].json()["detail"]


def test_body_over_the_limit_is_413(offline):
    app = create_app(offline, ServeSettings(max_body_mb=0.01))
    big = {"articles": [{"text": "The minister said so. " * 1000}]}

    async def chunks():
        data = json.dumps(big).encode()
        for start in range(0, len(data), 4096):
            yield data[start : start + 4096]

    async def scenario(client):
        sized = await client.post("/v1/summarize", json=big)
        chunked = await client.post("/v1/summarize", content=chunks(), headers={"Content-Type": "application/json"})
        small = await client.post("/v1/summarize", json={"articles": [{"text": "The minister said so."}]})
        return sized, chunked, small

    sized, chunked, small = call(app, scenario)
    assert sized.status_code == 413 and "MB" in sized.json()["detail"]
    assert chunked.status_code == 413
    assert small.status_code == 200


def test_api_key(offline, seed_text, monkeypatch):
    app = create_app(offline, ServeSettings(api_key="s3cret"))
    body = {"articles": [{"text": seed_text}]}

    async def scenario(client):
        return [
            await client.post("/v1/summarize", json=body),
            await client.post("/v1/summarize", json=body, headers={"Authorization": "Bearer wrong"}),
            await client.post("/v1/ask", content=b"{", headers={"Authorization": "Basic s3cret"}),
            await client.post("/v1/summarize", json=body, headers={"Authorization": "Bearer s3cret"}),
            await client.get("/healthz"),
        ]

    missing, wrong, basic, right, health = call(app, scenario)
    for refused in (missing, wrong, basic):
        assert refused.status_code == 401 and refused.headers["WWW-Authenticate"] == "Bearer"
        assert "Bearer" in refused.json()["detail"]
    assert right.status_code == 200 and health.status_code == 200


def test_full_queue_is_503_with_retry_after(offline, seed_text, monkeypatch):
    gate = Gate(offline, monkeypatch)
    app = create_app(offline, ServeSettings(max_queue=2, max_articles=2, max_batch_wait_ms=0))
    texts = variants(seed_text, 4)

    async def scenario(client):
        running = asyncio.create_task(client.post("/v1/summarize", json={"articles": [{"text": texts[0]}]}))
        await gate.wait_entered()  # the worker holds the first request; the queue is empty again
        queued = asyncio.create_task(client.post("/v1/summarize", json={"articles": [{"text": t} for t in texts[1:3]]}))
        while app.state.batcher._pending < 2:
            await asyncio.sleep(0.01)
        refused = await client.post("/v1/summarize", json={"articles": [{"text": texts[3]}]})
        gate.open()
        return refused, await running, await queued

    refused, running, queued = call(app, scenario)
    assert refused.status_code == 503 and int(refused.headers["Retry-After"]) >= 1
    assert "queue full" in refused.json()["detail"]
    assert running.status_code == 200 and queued.status_code == 200
    assert len(queued.json()["results"]) == 2


def test_request_timeout_is_504_and_the_service_goes_on(offline, seed_text, monkeypatch):
    gate = Gate(offline, monkeypatch)
    app = create_app(offline, ServeSettings(timeout_s=0.3))

    async def scenario(client):
        late = await client.post("/v1/summarize", json={"articles": [{"text": seed_text}]})
        gate.open()
        app.state.settings.timeout_s = 60
        return late, await client.post("/v1/summarize", json={"articles": [{"text": seed_text}]})

    late, later = call(app, scenario)
    assert late.status_code == 504 and "timeout" in late.json()["detail"]
    assert later.status_code == 200


def test_an_engine_failure_is_a_one_line_500_for_its_request_only(offline, seed_text, monkeypatch):
    run = offline.run

    def fragile(articles, questions=None, **kwargs):
        if any("poison" in a.text for a in articles):
            raise RuntimeError("engine broke\nsecond line of a long story")
        return run(articles, questions, **kwargs)

    monkeypatch.setattr(offline, "run", fragile)
    app = create_app(offline, ServeSettings(max_batch_wait_ms=300))

    async def scenario(client):
        responses = await asyncio.gather(
            client.post("/v1/summarize", json={"articles": [{"text": seed_text}]}),
            client.post("/v1/summarize", json={"articles": [{"text": "The poison was denied by the minister."}]}),
        )
        return (*responses, await client.get("/healthz"))

    good, bad, health = call(app, scenario)
    assert bad.status_code == 500 and bad.json() == {"detail": "RuntimeError: engine broke"}
    assert good.status_code == 200 and good.json()["results"][0]["summary"]
    assert health.status_code == 200  # the worker goes on


def test_healthz_and_metrics(offline, seed_text):
    app = create_app(offline)

    async def scenario(client):
        health = await client.get("/healthz")
        await client.post("/v1/summarize", json={"articles": [{"text": seed_text}]})
        await client.post("/v1/summarize", json={"articles": []})
        docs = await client.get("/docs")
        schema = await client.get("/openapi.json")
        return health, await client.get("/metrics"), docs, schema

    health, metrics, docs, schema = call(app, scenario)
    assert health.status_code == 200 and health.json()["status"] == "ok" and health.json()["engine"] == "offline"
    assert metrics.headers["content-type"].startswith("text/plain")
    text = metrics.text
    assert 'summarize_requests_total{endpoint="/v1/summarize",status="200"} 1.0' in text
    assert 'summarize_requests_total{endpoint="/v1/summarize",status="422"} 1.0' in text
    assert 'summarize_request_seconds_bucket{endpoint="/v1/summarize",le="+Inf",status="200"} 1.0' in text
    assert "summarize_queue_depth 0.0" in text
    assert "summarize_batch_articles_count 1.0" in text and 'summarize_batch_articles_bucket{le="1.0"} 1.0' in text
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
    assert {"/v1/summarize", "/v1/ask", "/healthz", "/metrics"} <= set(schema.json()["paths"])
    # Not started (no lifespan yet) or stopped: unhealthy, so a load balancer sends nothing.
    assert call(create_app(offline), lambda client: client.get("/healthz"), lifespan=False).status_code == 503


# -- batching and the cache --------------------------------------------------------------------

def test_concurrent_requests_share_engine_calls(summarizer, seed_text, monkeypatch):
    """8 single-article clients arriving while the engine is busy are served by one more call."""
    gate = Gate(summarizer, monkeypatch)
    app = create_app(summarizer, ServeSettings(max_batch_wait_ms=50))
    texts = variants(seed_text, 9)

    async def scenario(client):
        first = asyncio.create_task(client.post("/v1/summarize", json={"articles": [{"id": "first", "text": texts[0]}]}))
        await gate.wait_entered()
        rest = [asyncio.create_task(client.post("/v1/summarize", json={"articles": [{"id": f"c{i}", "text": t}]}))
                for i, t in enumerate(texts[1:])]
        while app.state.batcher._pending < len(rest):
            await asyncio.sleep(0.01)
        gate.open()
        responses = [await first, *[await task for task in rest]]
        return responses, (await client.get("/metrics")).text

    responses, metrics = call(app, scenario)
    assert all(r.status_code == 200 for r in responses)
    assert [r.json()["results"][0]["id"] for r in responses] == ["first", *[f"c{i}" for i in range(8)]]
    assert app.state.batcher.calls == 2  # 9 requests, 2 engine calls
    assert "summarize_batch_articles_count 2.0" in metrics and "summarize_batch_articles_sum 9.0" in metrics


def test_simultaneous_requests_are_gathered_within_the_wait(offline, seed_text):
    app = create_app(offline, ServeSettings(max_batch_wait_ms=300))
    texts = variants(seed_text, 8)

    async def scenario(client):
        return await asyncio.gather(*[client.post("/v1/summarize", json={"articles": [{"text": t}]}) for t in texts])

    responses = call(app, scenario)
    assert all(r.status_code == 200 for r in responses)
    assert app.state.batcher.calls < len(texts)


def test_asks_are_batched_too(offline, seed_text):
    app = create_app(offline, ServeSettings(max_batch_wait_ms=300))
    questions = ["Who denied what?", "Where?", "When?", "Who is Yevgeny Prigozhin?"]

    async def scenario(client):
        return await asyncio.gather(*[client.post("/v1/ask", json={"text": seed_text, "question": q}) for q in questions])

    responses = call(app, scenario)
    assert [r.json()["question"] for r in responses] == questions
    assert app.state.batcher.calls < len(questions)


def test_result_cache_is_used(seed_text, tmp_path):
    cached = Summarizer(engine="offline", cache=ResultCache(tmp_path))
    app = create_app(cached)

    async def scenario(client):
        body = {"articles": [{"id": "x", "text": seed_text}]}
        first = await client.post("/v1/summarize", json=body)
        second = await client.post("/v1/summarize", json=body)
        return first, second, (await client.get("/metrics")).text

    first, second, metrics = call(app, scenario)
    assert first.json() == second.json()
    assert cached.cache.hits == 1 and app.state.batcher.calls == 1
    assert "summarize_cache_hits_total 1.0" in metrics


# -- the command -------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_command_finishes_in_flight_work_on_sigterm(seed_text, tmp_path):
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "summarize.cli", "serve", "--engine", "offline", "--port", str(port), "--no-cache"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env={**os.environ, "SUMMARIZE_API_KEY": ""},
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, server.communicate()[0]
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the service did not become healthy"
            time.sleep(0.2)
        in_flight: dict[str, Any] = {}
        body = {"articles": [{"id": str(i), "text": t} for i, t in enumerate(variants(seed_text, 24))]}
        client = threading.Thread(target=lambda: in_flight.update(
            response=httpx.post(f"{base}/v1/summarize", json=body, timeout=120), answered=time.monotonic()))
        client.start()
        time.sleep(0.3)  # the request is in (24 spaCy parses take seconds)
        signalled = time.monotonic()
        server.send_signal(signal.SIGTERM)
        client.join(120)
        output = server.communicate(timeout=120)[0]
    finally:
        if server.poll() is None:
            server.kill()
    assert server.returncode == 0, output
    assert in_flight["response"].status_code == 200 and in_flight["answered"] > signalled  # in flight at SIGTERM
    assert [r["id"] for r in in_flight["response"].json()["results"]] == [str(i) for i in range(24)]
    assert "Traceback" not in output
