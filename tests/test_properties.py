"""Property tests of the event-stream path, through the whole client.

The client runs on an `httpx.MockTransport` that serves discovery and the
join from recorded Gradio 6.31.0 transcripts and delivers the data stream in
pieces that hypothesis chooses. Two properties:

- any chunking of a valid recorded stream yields the same events and result
  as the stream delivered whole;
- any bytes on the data stream end the call within its timeouts, with a
  result or a gradio-raw error, never another exception.

The diff applier's property (a server-style diff sequence rebuilds the final
value) lives in tests/test_diff.py.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import AsyncIterator
from typing import Any

import anyio
import anyio.lowlevel
import httpx
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from gradio_raw import Client, Event, GradioRawError, Result, Timeouts

from .replay import body_bytes, find, load, stream_body

pytestmark = pytest.mark.anyio

DISCOVERY = load("echo")
CONFIG = body_bytes(find(DISCOVERY, "GET", "/config")[0])
INFO = body_bytes(find(DISCOVERY, "GET", "/info")[0])
BASE_URL = "http://127.0.0.1:60903/"

# Recorded calls whose streams cover queue estimates, progress and logs,
# generator diffs on text and on a chatbot, and a file output.
SCENARIOS = ["echo", "gen", "chat", "prog", "image"]

# Seconds any single example may take before it counts as hung.
EXAMPLE_DEADLINE = 10

PROPERTY_SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


class ChunkedStream(httpx.AsyncByteStream):
    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            yield chunk
            await anyio.lowlevel.checkpoint()


def app_transport(join_body: bytes, chunks: list[bytes]) -> httpx.MockTransport:
    """The recorded app: discovery, one join, then `chunks` on the first data stream.

    A data stream opened again afterwards gets the 404 a Gradio server sends
    for a session it no longer has, which ends a pending job at once.
    """
    streams = [chunks]

    def handle(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/config":
            return httpx.Response(200, content=CONFIG, headers={"content-type": "application/json"})
        if path.endswith("/info"):
            return httpx.Response(200, content=INFO, headers={"content-type": "application/json"})
        if path.endswith("/queue/join"):
            return httpx.Response(200, content=join_body)
        if path.endswith("/queue/data"):
            if not streams:
                return httpx.Response(404, json={"detail": "Session not found."})
            return httpx.Response(
                200,
                headers={"content-type": "text/event-stream; charset=utf-8"},
                stream=ChunkedStream(streams.pop()),
            )
        return httpx.Response(404, json={"detail": "Not Found"})

    return httpx.MockTransport(handle)


def recorded_call(name: str) -> tuple[int, list[Any], bytes, bytes]:
    """The fn_index, input values, join response and stream of a recorded scenario."""
    fixture = load(name)
    join = find(fixture, "POST", "/queue/join")[0]
    request = join["request_json"]
    return request["fn_index"], request["data"], body_bytes(join), stream_body(fixture)


def cut(data: bytes, points: list[int]) -> list[bytes]:
    bounds = [0, *sorted(set(points)), len(data)]
    return [data[start:end] for start, end in itertools.pairwise(bounds) if end > start]


async def run_call(
    fn_index: int, values: list[Any], join_body: bytes, chunks: list[bytes]
) -> tuple[list[Event], Result]:
    """Iterate one job over the mocked app and return its events and result."""
    timeouts = Timeouts(connect=2, read=2, stream_idle=2, job=EXAMPLE_DEADLINE / 2)
    async with httpx.AsyncClient(transport=app_transport(join_body, chunks)) as http:
        async with Client(BASE_URL, http_client=http, timeouts=timeouts, retries=0) as client:
            job = client.submit(fn_index, *values)
            events = [event async for event in job]
            return events, await job


@st.composite
def recorded_chunkings(draw: st.DrawFn) -> tuple[str, list[int]]:
    name = draw(st.sampled_from(SCENARIOS))
    length = len(recorded_call(name)[3])
    points = draw(st.lists(st.integers(min_value=1, max_value=length - 1), max_size=60))
    return name, points


@PROPERTY_SETTINGS
@given(case=recorded_chunkings())
async def test_chunking_keeps_events(case: tuple[str, list[int]]) -> None:
    name, points = case
    fn_index, values, join_body, stream = recorded_call(name)

    with anyio.fail_after(EXAMPLE_DEADLINE):
        whole_events, whole_result = await run_call(fn_index, values, join_body, [stream])
        events, result = await run_call(fn_index, values, join_body, cut(stream, points))

    assert events == whole_events
    assert result == whole_result
    assert result.raw == whole_result.raw


@PROPERTY_SETTINGS
@given(text=st.text(), points=st.lists(st.integers(min_value=1), max_size=40))
async def test_chunking_keeps_unicode(text: str, points: list[int]) -> None:
    # Cuts inside multi-byte characters must not change the text.
    completed = {
        "msg": "process_completed",
        "event_id": "E1",
        "output": {"data": [text]},
        "success": True,
    }
    stream = f"data: {json.dumps(completed, ensure_ascii=False)}\n\n".encode()
    points = [point % len(stream) for point in points]

    with anyio.fail_after(EXAMPLE_DEADLINE):
        _, result = await run_call(0, ["hi", 2], b'{"event_id": "E1"}', cut(stream, points))

    assert result == [text]


# Pieces of valid and broken stream syntax, and whole messages, so that
# random streams reach past the line decoder into message routing and the
# job's state.
MESSAGES = [
    b'{"msg": "heartbeat"}',
    b'{"msg": "close_stream"}',
    b'{"msg": "estimation", "event_id": "E1", "rank": 0}',
    b'{"msg": "process_starts", "event_id": "E1"}',
    b'{"msg": "process_generating", "event_id": "E1", "output": {"data": ["a"]}}',
    b'{"msg": "process_completed", "event_id": "E1", "output": {"data": ["ok"]}}',
    b'{"msg": "process_completed", "event_id": "E1", "output": {"error": "boom"}}',
    b'{"msg": "process_completed", "event_id": "E2", "output": {"data": ["x"]}}',
    b'{"msg": "unexpected_error", "message": "stopped"}',
    b'{"msg": "something_new", "event_id": "E1"}',
]
FRAGMENTS = [
    b"data: ",
    b"data:",
    b"\n",
    b"\r\n",
    b"\r",
    b"\n\n",
    b": comment\n",
    b"event: message\n",
    b"id: 7\n",
    b"retry: 10\n",
    b'{"msg": ',
    b'"process_completed"',
    b'"event_id": "E1"',
    b", ",
    b"}",
    b"[",
    b"null",
    *MESSAGES,
    "\u00e9\u732b".encode(),
    b"\xff\xfe\xc3",
]
EVENTS = [b"data: " + message + b"\n\n" for message in MESSAGES]

# Whole events are drawn twice as often as the other pieces, so that some
# streams complete the job.
random_streams = st.lists(
    st.one_of(
        st.binary(max_size=40),
        st.sampled_from(FRAGMENTS),
        st.sampled_from(EVENTS),
        st.sampled_from(EVENTS),
    ),
    max_size=30,
).map(b"".join)


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(stream=random_streams, points=st.lists(st.integers(min_value=1), max_size=10))
async def test_random_stream_ends_cleanly(stream: bytes, points: list[int]) -> None:
    # Shapes known to crash the stream reader (deep nesting, mistyped
    # progress or file fields) are left out here; the fault suite covers them.
    chunks = cut(stream, [point % len(stream) for point in points]) if stream else []

    with anyio.fail_after(EXAMPLE_DEADLINE):
        try:
            _, result = await run_call(0, ["hi", 2], b'{"event_id": "E1"}', chunks)
        except GradioRawError as error:
            event(type(error).__name__)
            return

    event("Result")
    assert isinstance(result, Result)
