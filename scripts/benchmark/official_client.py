"""Benchmark worker for the official `gradio_client`; run it with the Python of `.venv-gradio`.

The client is used as its documentation shows: `Client(url)`, then `predict`,
or `submit` and `result()` for many calls at once, with its default of 40
worker threads. Downloads, telemetry and console output are turned off.
"""

from __future__ import annotations

import os

# Read when gradio_client is imported: no telemetry and no Hub look-ups.
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"

import time
from typing import Any

import gradio_client
from _common import (
    Outcome,
    echo_input,
    emit,
    expected_generator_text,
    measured,
    parse_args,
    per_call_summary,
)
from gradio_client import Client

WARM_UP_CALLS = 5


def open_client(url: str) -> Client:
    return Client(url, verbose=False, download_files=False, analytics_enabled=False)


def connect(url: str, count: int) -> dict[str, Any]:
    outcome = Outcome()
    durations = []
    for _ in range(count):
        start = time.perf_counter()
        try:
            client = open_client(url)
        except Exception as exc:
            outcome.error(exc)
            continue
        durations.append(time.perf_counter() - start)
        outcome.check(True, str)
        client.close()
    return {
        "first_ms": durations[0] * 1000 if durations else None,
        **per_call_summary(durations[1:]),
        **outcome.as_dict(),
    }


def echo_once(client: Client, index: int, outcome: Outcome) -> None:
    text = echo_input(index)
    try:
        result = client.predict(text, api_name="/echo")
    except BaseException as exc:  # its failures include a bare CancelledError
        outcome.error(exc)
        return
    outcome.check(result == text, lambda: repr(result))


def sequential(url: str, count: int) -> dict[str, Any]:
    report: dict[str, Any] = {}
    outcome = Outcome()
    client = open_client(url)
    for index in range(WARM_UP_CALLS):
        echo_once(client, index, Outcome())
    durations = []
    with measured(report):
        for index in range(count):
            start = time.perf_counter()
            echo_once(client, index, outcome)
            durations.append(time.perf_counter() - start)
    client.close()
    return {**report, **per_call_summary(durations), **outcome.as_dict()}


def concurrent(url: str, count: int) -> dict[str, Any]:
    report: dict[str, Any] = {}
    outcome = Outcome()
    client = open_client(url)
    echo_once(client, -1, Outcome())
    texts = [echo_input(index) for index in range(count)]
    with measured(report):
        jobs = [client.submit(text, api_name="/echo") for text in texts]
        for text, job in zip(texts, jobs, strict=True):
            try:
                result = job.result()
            except BaseException as exc:
                outcome.error(exc)
                continue
            outcome.check(result == text, lambda r=result: repr(r))
    client.close()
    return {**report, **outcome.as_dict()}


def generator(url: str, count: int) -> dict[str, Any]:
    # submit() and result(); the job keeps every partial output, which the
    # benchmark reads afterwards to count updates.
    report: dict[str, Any] = {}
    outcome = Outcome()
    expected = expected_generator_text(count)
    client = open_client(url)
    client.predict(10, api_name="/gen")
    updates = 0
    with measured(report):
        try:
            job = client.submit(count, api_name="/gen")
            result = job.result()
            updates = len(job.outputs())
        except BaseException as exc:
            outcome.error(exc)
        else:
            outcome.check(result == expected, lambda: f"final text of {len(str(result))} letters")
    client.close()
    return {**report, "updates": updates, **outcome.as_dict()}


SCENARIOS = {
    "connect": connect,
    "sequential": sequential,
    "concurrent": concurrent,
    "generator": generator,
}


def main() -> None:
    args = parse_args()
    report = SCENARIOS[args.scenario](args.url, args.count)
    emit({"client": "gradio_client", "version": gradio_client.__version__, **report})
    # A failed job can leave one of the client's worker threads blocked, and
    # the interpreter would wait for it at exit.
    os._exit(0)


if __name__ == "__main__":
    main()
