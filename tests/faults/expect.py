"""Limits every fault test puts on the client: short timeouts, a hard deadline, cut raw text."""

from __future__ import annotations

from typing import Any

from gradio_raw import Client, GradioRawError, Timeouts
from gradio_raw._exceptions import RAW_LIMIT

from .server import FaultServer

__all__ = ["DEADLINE", "FAST", "RAW_MAX", "assert_raw_cut", "connect"]

# Small timeouts, so that a fault that waits for one costs about a second.
FAST = Timeouts(connect=2, read=2, stream_idle=1)

# Seconds after which a fault test counts as hung; every test runs under it.
DEADLINE = 6

# `.raw` holds at most RAW_LIMIT characters of server text plus a short note
# saying how much was cut, such as "... [39999969 more characters]".
RAW_MAX = RAW_LIMIT + 40


def connect(server: FaultServer, **options: Any) -> Client:
    """A client for the fault server with the suite's short timeouts and no retries.

    Retries would repeat most faults a few times with backoff; the tests of
    retries pass `retries` themselves.
    """
    options.setdefault("timeouts", FAST)
    options.setdefault("retries", 0)
    return Client(server.url, **options)


def assert_raw_cut(error: GradioRawError) -> None:
    assert error.raw is not None
    assert len(error.raw) <= RAW_MAX
