"""Helpers shared by the benchmark's Python workers (standard library only).

Each worker runs one scenario against one app in a process of its own. It
prints one JSON object as the last line of stdout, which the driver reads.
CPU time and memory are the worker process's own, threads included.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

# Inputs are distinct per call so that a reply routed to the wrong call is
# caught, and short so that the payload costs nothing.
ECHO_PREFIX = "msg-"
# How many error messages a worker reports in full; the rest are only counted.
ERROR_SAMPLE_LIMIT = 5


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Run one benchmark scenario.")
    parser.add_argument("url", help="the app's URL, with a trailing slash")
    parser.add_argument("scenario", choices=["connect", "sequential", "concurrent", "generator"])
    parser.add_argument("--count", type=int, default=50, help="calls, connects or updates")
    parser.add_argument(
        "--unpaced",
        action="store_true",
        help="gradio-raw only: send every call at once (max_queued_jobs=None)",
    )
    return parser.parse_args(argv)


def echo_input(index: int) -> str:
    return f"{ECHO_PREFIX}{index}"


def expected_generator_text(count: int) -> str:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return "".join(letters[index % len(letters)] for index in range(count))


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mb() -> float:
    """Return the process's peak RSS so far (VmHWM), in MB.

    Not ru_maxrss: Linux carries that over from the parent across fork and
    exec, so a worker would report at least the driver's own size.
    """
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def current_rss_mb() -> float:
    with open("/proc/self/statm", encoding="ascii") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)


class Outcome:
    """Tally of correct results, wrong results and errors, with a few error messages."""

    def __init__(self) -> None:
        self.correct = 0
        self.wrong = 0
        self.errors = 0
        self.samples: list[str] = []

    def check(self, ok: bool, detail: Callable[[], str]) -> None:
        if ok:
            self.correct += 1
        else:
            self.wrong += 1
            self._keep(f"wrong answer: {detail()}")

    def error(self, exc: BaseException) -> None:
        self.errors += 1
        self._keep(f"{type(exc).__name__}: {exc}"[:300])

    def _keep(self, text: str) -> None:
        if len(self.samples) < ERROR_SAMPLE_LIMIT:
            self.samples.append(text)

    def as_dict(self) -> dict[str, Any]:
        return {
            "correct": self.correct,
            "wrong": self.wrong,
            "errors": self.errors,
            "error_samples": self.samples,
        }


@contextmanager
def measured(report: dict[str, Any]) -> Iterator[None]:
    """Record wall time, CPU time and memory of the block into `report`."""
    report["rss_before_mb"] = current_rss_mb()
    cpu_start = cpu_seconds()
    start = time.perf_counter()
    try:
        yield
    finally:
        report["wall_s"] = time.perf_counter() - start
        report["cpu_s"] = cpu_seconds() - cpu_start
        report["rss_peak_mb"] = peak_rss_mb()


def per_call_summary(durations: list[float]) -> dict[str, Any]:
    ordered = sorted(durations)
    return {
        "median_ms": statistics.median(ordered) * 1000 if ordered else None,
        "p90_ms": ordered[int(0.9 * (len(ordered) - 1))] * 1000 if ordered else None,
    }


def emit(report: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(report) + "\n")
    sys.stdout.flush()
