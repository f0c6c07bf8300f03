"""The floor: the least a client must do to call a Gradio app, on plain httpx.

Run it with the Python of `.venv`. A call is `POST <prefix>queue/join`, then
`GET <prefix>queue/data?session_hash=...` read line by line until the call's
`process_completed`. The server ends that stream with `close_stream` once the
session has no job left, and the floor opens it again if jobs remain. Concurrent
calls share one session and so one stream, as the protocol allows. Nothing is
validated beyond what the benchmark checks, and generator updates are
rebuilt with the one diff operation the bench app produces (`append`).

With `record PATH` instead of a scenario, it saves the config and the raw
bytes of two streams (a long generator, and many concurrent echo calls) for
the parser benchmark.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
import uuid
from typing import Any

import anyio
import httpx
from _common import (
    Outcome,
    echo_input,
    emit,
    expected_generator_text,
    measured,
    parse_args,
    per_call_summary,
)

WARM_UP_CALLS = 5


class App:
    """One session of the app: its routes, and the outputs of finished jobs."""

    def __init__(self, http: httpx.AsyncClient, url: str, config: dict[str, Any]) -> None:
        self.http = http
        prefix = url + config.get("api_prefix", "").strip("/") + "/"
        self.join_url = prefix + "queue/join"
        self.data_url = prefix + "queue/data"
        self.fn_index = {
            "/" + dep["api_name"]: index
            for index, dep in enumerate(config["dependencies"])
            if dep.get("api_name")
        }
        self.session_hash = uuid.uuid4().hex
        self.finished: dict[str, dict[str, Any]] = {}
        self.generated: dict[str, str] = {}
        self.updates: dict[str, int] = {}
        self.recording: bytearray | None = None

    async def join(self, api_name: str, data: list[Any]) -> str:
        body = {
            "data": data,
            "fn_index": self.fn_index[api_name],
            "session_hash": self.session_hash,
            "event_data": None,
            "trigger_id": None,
        }
        response = await self.http.post(self.join_url, json=body)
        response.raise_for_status()
        event_id: str = response.json()["event_id"]
        return event_id

    async def read_until(self, done: int) -> None:
        """Read streams until `done` jobs have finished in this session."""
        while len(self.finished) < done:
            params = {"session_hash": self.session_hash}
            async with self.http.stream("GET", self.data_url, params=params) as response:
                response.raise_for_status()
                if self.recording is not None:
                    lines = self._recorded_lines(response)
                else:
                    lines = response.aiter_lines()
                async for line in lines:
                    if not line.startswith("data:"):
                        continue
                    message = json.loads(line[5:])
                    kind = message["msg"]
                    if kind == "process_generating":
                        self._generated(message)
                    elif kind == "process_completed":
                        self.finished[message["event_id"]] = message
                    # After close_stream the server ends the response, which
                    # ends this loop and leaves the connection reusable.

    async def _recorded_lines(self, response: httpx.Response) -> Any:
        assert self.recording is not None
        pending = b""
        async for chunk in response.aiter_bytes():
            self.recording += chunk
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in lines:
                yield line.decode()

    def _generated(self, message: dict[str, Any]) -> None:
        event_id = message["event_id"]
        value = message["output"]["data"][0]
        if event_id in self.generated:
            for action, _path, text in value:
                assert action == "append", action
                self.generated[event_id] += text
        else:
            self.generated[event_id] = value
        self.updates[event_id] = self.updates.get(event_id, 0) + 1

    async def call(self, api_name: str, data: list[Any]) -> dict[str, Any]:
        event_id = await self.join(api_name, data)
        await self.read_until(len(self.finished) + 1)
        return self.finished[event_id]

    async def call_many(self, api_name: str, inputs: list[list[Any]]) -> list[Any]:
        # The stream opens once the first join has returned, because the server
        # ends a stream for a session it does not know with a session_not_found error.
        first_joined = asyncio.Event()

        async def join(data: list[Any]) -> str:
            event_id = await self.join(api_name, data)
            first_joined.set()
            return event_id

        async def read() -> None:
            await first_joined.wait()
            await self.read_until(already + len(inputs))

        already = len(self.finished)
        joins = asyncio.gather(*(join(data) for data in inputs), return_exceptions=True)
        reader = asyncio.ensure_future(read())
        event_ids = await joins
        if any(isinstance(event_id, BaseException) for event_id in event_ids):
            reader.cancel()
        else:
            await reader
        return [
            event_id if isinstance(event_id, BaseException) else self.finished.get(event_id)
            for event_id in event_ids
        ]


def output_text(message: dict[str, Any] | None) -> Any:
    if message is None or not message.get("success"):
        return message
    return message["output"]["data"][0]


async def open_app(http: httpx.AsyncClient, url: str) -> App:
    response = await http.get(url + "config")
    response.raise_for_status()
    return App(http, url, response.json())


def new_http() -> httpx.AsyncClient:
    # No timeouts: a burst of 1,000 joins waits for the pool's 100 connections.
    return httpx.AsyncClient(timeout=None)


async def connect(url: str, count: int) -> dict[str, Any]:
    # The timer starts once the httpx client exists, as it does for gradio-raw,
    # whose constructor builds one: each connect still opens a new connection.
    # httpx loads anyio's event loop backend (a few hundred ms of imports) on
    # its first request. gradio-raw's constructor has loaded it already, so
    # the floor loads it before its timer too.
    await anyio.sleep(0)
    outcome = Outcome()
    durations = []
    for _ in range(count):
        async with new_http() as http:
            start = time.perf_counter()
            try:
                await open_app(http, url)
            except Exception as exc:
                outcome.error(exc)
                continue
            durations.append(time.perf_counter() - start)
            outcome.check(True, str)
    return {
        "first_ms": durations[0] * 1000 if durations else None,
        **per_call_summary(durations[1:]),
        **outcome.as_dict(),
    }


async def echo_once(app: App, index: int, outcome: Outcome) -> None:
    text = echo_input(index)
    try:
        message = await app.call("/echo", [text])
    except Exception as exc:
        outcome.error(exc)
        return
    outcome.check(output_text(message) == text, lambda: repr(message)[:200])


async def sequential(url: str, count: int) -> dict[str, Any]:
    report: dict[str, Any] = {}
    outcome = Outcome()
    async with new_http() as http:
        app = await open_app(http, url)
        for index in range(WARM_UP_CALLS):
            await echo_once(app, index, Outcome())
        durations = []
        with measured(report):
            for index in range(count):
                start = time.perf_counter()
                await echo_once(app, index, outcome)
                durations.append(time.perf_counter() - start)
    return {**report, **per_call_summary(durations), **outcome.as_dict()}


async def concurrent(url: str, count: int) -> dict[str, Any]:
    report: dict[str, Any] = {}
    outcome = Outcome()
    async with new_http() as http:
        app = await open_app(http, url)
        await echo_once(app, -1, Outcome())
        texts = [echo_input(index) for index in range(count)]
        with measured(report):
            try:
                results = await app.call_many("/echo", [[text] for text in texts])
            except Exception as exc:
                outcome.error(exc)
                results = []
        # `results` is empty when call_many itself failed, already counted.
        for text, result in zip(texts, results, strict=False):
            if isinstance(result, BaseException):
                outcome.error(result)
            else:
                outcome.check(output_text(result) == text, lambda r=result: repr(r)[:200])
    return {**report, **outcome.as_dict()}


async def generator(url: str, count: int) -> dict[str, Any]:
    report: dict[str, Any] = {}
    outcome = Outcome()
    expected = expected_generator_text(count)
    async with new_http() as http:
        app = await open_app(http, url)
        await app.call("/gen", [10])
        with measured(report):
            try:
                event_id = await app.join("/gen", [count])
                await app.read_until(len(app.finished) + 1)
            except Exception as exc:
                outcome.error(exc)
            else:
                text = app.generated.get(event_id)
                final = output_text(app.finished.get(event_id))
                outcome.check(
                    text == expected and final == expected,
                    lambda: f"{len(text or '')} letters streamed, final {final!r:.80}",
                )
    updates = max(app.updates.values(), default=0)
    return {**report, "updates": updates, **outcome.as_dict()}


async def record(url: str, path: str, updates: int, calls: int) -> None:
    async with new_http() as http:
        response = await http.get(url + "config")
        config_text = response.text
        app = App(http, url, json.loads(config_text))
        app.recording = bytearray()
        await app.call("/gen", [updates])
        generator_stream = bytes(app.recording)

        app = App(http, url, json.loads(config_text))
        app.recording = bytearray()
        await app.call_many("/echo", [[echo_input(index)] for index in range(calls)])
        concurrent_stream = bytes(app.recording)
    document = {
        "url": url,
        "config": config_text,
        "generator": {"updates": updates, "stream": generator_stream.decode()},
        "concurrent": {"calls": calls, "stream": concurrent_stream.decode()},
    }
    with open(path, "w", encoding="utf-8") as file:
        json.dump(document, file)


SCENARIOS = {
    "connect": connect,
    "sequential": sequential,
    "concurrent": concurrent,
    "generator": generator,
}


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[2] == "record":
        parser = argparse.ArgumentParser(description="Record streams for the parser benchmark.")
        parser.add_argument("url")
        parser.add_argument("record")
        parser.add_argument("path")
        parser.add_argument("--updates", type=int, default=20_000)
        parser.add_argument("--calls", type=int, default=200)
        args = parser.parse_args()
        asyncio.run(record(args.url, args.path, args.updates, args.calls))
        return
    args = parse_args()
    report = asyncio.run(SCENARIOS[args.scenario](args.url, args.count))
    emit({"client": "floor", "version": httpx.__version__, **report})


if __name__ == "__main__":
    main()
