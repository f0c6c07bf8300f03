"""Parse recorded data streams in memory, with no network: messages per second.

Run it with the Python of `.venv`: `python parser_bench.py RECORDING [--repeat N]`.
The recording (written by `floor_client.py URL record PATH`) contains the app's
config and the raw bytes of two streams: one long generator call, and many
concurrent echo calls in one session. Each stream is cut into network-sized
chunks and read the way gradio-raw reads a live one:

- `sse`: httpx-sse's parser alone (`EventSource.aiter_sse` on an
  `httpx.Response` fed from memory);
- `sse+json`: plus `parse_message` on each message's data;
- `full`: plus routing by event id to one `JobMachine` per job, as the
  session reader does, which applies diffs and builds the public events;
- `diff`: `apply_diff` alone, on the generator's diffs already parsed;
- `floor`: the floor client's plain way: split lines, `json.loads`, append.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
from _common import emit
from httpx_sse import EventSource

from gradio_raw._config import parse_config
from gradio_raw._diff import apply_diff
from gradio_raw._endpoints import Endpoint, EndpointMap
from gradio_raw._machine import JobMachine, parse_message
from gradio_raw._outputs import OutputDecoder

# httpcore reads at most 64 KiB from the socket at a time.
CHUNK_BYTES = 65_536


class MemoryStream(httpx.AsyncByteStream):
    def __init__(self, data: bytes) -> None:
        self.data = data

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for start in range(0, len(self.data), CHUNK_BYTES):
            yield self.data[start : start + CHUNK_BYTES]


def response_for(data: bytes) -> httpx.Response:
    return httpx.Response(
        200, headers={"content-type": "text/event-stream"}, stream=MemoryStream(data)
    )


async def sse_only(data: bytes) -> int:
    count = 0
    async for sse in EventSource(response_for(data)).aiter_sse():
        if sse.data:
            count += 1
    return count


async def sse_json(data: bytes) -> int:
    count = 0
    async for sse in EventSource(response_for(data)).aiter_sse():
        if sse.data:
            parse_message(sse.data)
            count += 1
    return count


def full_pass(endpoint: Endpoint, decoder: OutputDecoder, diffs: bool) -> Callable[..., Any]:
    async def run(data: bytes) -> int:
        machines: dict[str, JobMachine] = {}
        count = 0
        async for sse in EventSource(response_for(data)).aiter_sse():
            if not sse.data:
                continue
            message = parse_message(sse.data)
            count += 1
            event_id = message.get("event_id")
            if message["msg"] in ("heartbeat", "close_stream") or not isinstance(event_id, str):
                continue
            machine = machines.get(event_id)
            if machine is None:
                machine = machines[event_id] = JobMachine(endpoint, decoder, diffs=diffs)
                machine.event_id = event_id
            machine.feed(message)
        unfinished = [m for m in machines.values() if m.result is None]
        if unfinished:
            raise RuntimeError(f"{len(unfinished)} jobs did not finish with a result")
        return count

    return run


async def floor_parse(data: bytes) -> int:
    count = 0
    texts: dict[str, Any] = {}
    for line in data.split(b"\n"):
        if not line.startswith(b"data:"):
            continue
        message = json.loads(line[5:])
        count += 1
        if message["msg"] == "process_generating":
            event_id = message["event_id"]
            value = message["output"]["data"][0]
            if event_id in texts:
                for _action, _path, text in value:
                    texts[event_id] += text
            else:
                texts[event_id] = value
    return count


def generator_diffs(data: bytes) -> tuple[Any, list[Any]]:
    first: Any = None
    diffs = []
    for line in data.split(b"\n"):
        if line.startswith(b"data:"):
            message = json.loads(line[5:])
            if message["msg"] == "process_generating":
                value = message["output"]["data"][0]
                if first is None:
                    first = value
                else:
                    diffs.append(value)
    return first, diffs


def diff_pass(first: Any, diffs: list[Any]) -> Callable[..., Any]:
    async def run(data: bytes) -> int:
        value = first
        for operations in diffs:
            value = apply_diff(value, operations)
        return len(diffs)

    return run


def measure(run: Callable[..., Any], data: bytes, repeat: int) -> dict[str, Any]:
    rates = []
    count = 0
    for _ in range(repeat):
        start = time.perf_counter()
        count = asyncio.run(run(data))
        rates.append(count / (time.perf_counter() - start))
    return {"messages": count, "per_s": statistics.median(rates), "runs": repeat}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("recording")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with open(args.recording, encoding="utf-8") as file:
        document = json.load(file)
    url = document["url"]
    config = parse_config(document["config"], url=url + "config")
    endpoints = EndpointMap(config, url=url)
    decoder = OutputDecoder(url, config.prefix_path, config.root)

    report: dict[str, Any] = {}
    for name, api_name in (("generator", "/gen"), ("concurrent", "/echo")):
        data = document[name]["stream"].encode()
        passes: dict[str, Callable[..., Any]] = {
            "sse": sse_only,
            "sse+json": sse_json,
            "full": full_pass(endpoints.get(api_name), decoder, config.diffs),
            "floor": floor_parse,
        }
        if name == "generator":
            passes["diff"] = diff_pass(*generator_diffs(data))
        report[name] = {
            "bytes": len(data),
            **{label: measure(run, data, args.repeat) for label, run in passes.items()},
        }
    emit({"client": "gradio-raw", "parser": report})


if __name__ == "__main__":
    sys.exit(main())
