"""Benchmark worker for gradio-raw; run it with the Python of `.venv`."""

from __future__ import annotations

import time
from typing import Any

import anyio
from _common import (
    Outcome,
    echo_input,
    emit,
    expected_generator_text,
    measured,
    parse_args,
    per_call_summary,
)

from gradio_raw import Client, Output, __version__

WARM_UP_CALLS = 5


async def connect(url: str, count: int) -> dict[str, Any]:
    outcome = Outcome()
    durations = []
    for _ in range(count):
        client = Client(url)
        start = time.perf_counter()
        try:
            await client.__aenter__()
        except Exception as exc:
            outcome.error(exc)
            continue
        durations.append(time.perf_counter() - start)
        outcome.check(True, str)
        await client.aclose()
    return {
        "first_ms": durations[0] * 1000 if durations else None,
        **per_call_summary(durations[1:]),
        **outcome.as_dict(),
    }


async def echo_once(client: Client, index: int, outcome: Outcome) -> None:
    text = echo_input(index)
    try:
        result = await client.predict("/echo", text)
    except Exception as exc:
        outcome.error(exc)
        return
    outcome.check(list(result) == [text], lambda: repr(list(result)))


async def sequential(url: str, count: int) -> dict[str, Any]:
    report: dict[str, Any] = {}
    outcome = Outcome()
    async with Client(url) as client:
        for index in range(WARM_UP_CALLS):
            await echo_once(client, index, Outcome())
        durations = []
        with measured(report):
            for index in range(count):
                start = time.perf_counter()
                await echo_once(client, index, outcome)
                durations.append(time.perf_counter() - start)
    return {**report, **per_call_summary(durations), **outcome.as_dict()}


async def concurrent(url: str, count: int, unpaced: bool = False) -> dict[str, Any]:
    report: dict[str, Any] = {}
    outcome = Outcome()
    options: dict[str, Any] = {"max_queued_jobs": None} if unpaced else {}
    async with Client(url, **options) as client:
        await echo_once(client, -1, Outcome())
        with measured(report):
            async with anyio.create_task_group() as group:
                for index in range(count):
                    group.start_soon(echo_once, client, index, outcome)
    return {**report, **outcome.as_dict()}


async def generator(url: str, count: int) -> dict[str, Any]:
    # The caller iterates every event, as a streaming consumer does, so each
    # update is decoded and handed out, not just the last one.
    report: dict[str, Any] = {}
    outcome = Outcome()
    expected = expected_generator_text(count)
    async with Client(url) as client:
        await client.predict("/gen", 10)
        with measured(report):
            updates = 0
            last: Any = None
            try:
                job = client.submit("/gen", count)
                async for event in job:
                    if isinstance(event, Output):
                        updates += 1
                        last = event.data[0]
                result = await job
            except Exception as exc:
                outcome.error(exc)
            else:
                outcome.check(
                    last == expected and list(result) == [expected],
                    lambda: f"final text of {len(str(last))} letters, {updates} updates",
                )
    return {**report, "updates": updates, **outcome.as_dict()}


SCENARIOS = {
    "connect": connect,
    "sequential": sequential,
    "concurrent": concurrent,
    "generator": generator,
}


def main() -> None:
    args = parse_args()
    if args.scenario == "concurrent":
        report = anyio.run(concurrent, args.url, args.count, args.unpaced)
    else:
        report = anyio.run(SCENARIOS[args.scenario], args.url, args.count)
    name = "gradio-raw unpaced" if args.unpaced else "gradio-raw"
    emit({"client": name, "version": __version__, **report})


if __name__ == "__main__":
    main()
