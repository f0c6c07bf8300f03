"""Faults on the data stream: truncation, bad messages, silence, and oversized data.

Each test scripts the fault server, calls the recorded testbed app through it,
and checks the typed error, its raw text and how long the client took. The
`server` fixture then checks that no connection, task or file descriptor is
left behind.
"""

from __future__ import annotations

import json
import logging

import anyio
import pytest

from gradio_raw import (
    Completed,
    GradioRawError,
    JobTimeout,
    MalformedMessage,
    ProtocolError,
    RawMessage,
    RequestFailed,
    StreamEnded,
    Timeouts,
)

from .expect import DEADLINE, FAST, RAW_MAX, assert_raw_cut, connect
from .messages import CLOSE_STREAM, completed, estimation, generating, starts
from .server import ABORT, HOLD, FaultServer, Heartbeats, Pause, Reply, Stream, sse

pytestmark = pytest.mark.anyio

API = "/gradio_api/"


# The stream ends or breaks before the job completes.


async def test_stream_clean_end_before_completion(server: FaultServer) -> None:
    server.streams = [[estimation("E1"), starts("E1")]]

    with anyio.fail_after(DEADLINE):
        async with connect(server) as client:
            with pytest.raises(StreamEnded, match="3 times in a row") as caught:
                await client.predict("/echo", "hi", 2)

    assert caught.value.may_have_run
    # The client reopened the stream for the pending job before giving up.
    assert len(server.requests_to(API + "queue/data")) > 1


async def test_stream_abort_mid_line(server: FaultServer) -> None:
    server.streams = [[estimation("E1"), starts("E1"), b'data: {"msg": "process_comp', ABORT]]

    with anyio.fail_after(DEADLINE):
        async with connect(server) as client:
            with pytest.raises(StreamEnded, match="broke") as caught:
                await client.predict("/echo", "hi", 2)

    assert caught.value.may_have_run
    assert "may have partly run" in str(caught.value)


async def test_stream_abort_before_start(server: FaultServer) -> None:
    server.streams = [[estimation("E1"), ABORT]]

    with anyio.fail_after(DEADLINE):
        async with connect(server) as client:
            with pytest.raises(StreamEnded) as caught:
                await client.predict("/echo", "hi", 2)

    assert not caught.value.may_have_run
    assert "had not started" in str(caught.value)


# Messages the protocol does not allow.


async def test_stream_malformed_json(server: FaultServer) -> None:
    server.streams = [[estimation("E1"), b"data: {not json\n\n", HOLD]]

    with anyio.fail_after(DEADLINE):
        async with connect(server) as client:
            with pytest.raises(MalformedMessage, match="not JSON") as caught:
                await client.predict("/echo", "hi", 2)

    assert caught.value.raw == "{not json"


async def test_stream_message_without_msg(server: FaultServer) -> None:
    server.streams = [[estimation("E1"), sse({"event_id": "E1", "output": {}}), HOLD]]

    with anyio.fail_after(DEADLINE):
        async with connect(server) as client:
            with pytest.raises(MalformedMessage, match="'msg'") as caught:
                await client.predict("/echo", "hi", 2)

    assert caught.value.raw == '{"event_id": "E1", "output": {}}'


async def test_stream_unknown_msg_passed_on(server: FaultServer) -> None:
    future = {"msg": "process_paused", "event_id": "E1", "reason": "maintenance"}
    server.streams = [[estimation("E1"), sse(future), completed("E1", ["done"]), CLOSE_STREAM]]

    with anyio.fail_after(DEADLINE):
        async with connect(server) as client:
            job = client.submit("/echo", "hi", 2)
            events = [event async for event in job]

    raw = [event for event in events if isinstance(event, RawMessage)]
    assert [event.msg for event in raw] == ["process_paused"]
    assert raw[0].payload == future
    assert isinstance(events[-1], Completed)
    assert events[-1].result == ["done"]


async def test_stream_completion_for_unknown_event(server: FaultServer) -> None:
    stray = completed("E-not-mine", ["stray"])
    server.streams = [[estimation("E1"), stray, completed("E1", ["mine"]), CLOSE_STREAM]]

    with anyio.fail_after(DEADLINE):
        async with connect(server) as client:
            result = await client.predict("/echo", "hi", 2)

    assert result == ["mine"]


async def test_stream_duplicate_completion(server: FaultServer) -> None:
    first = completed("E1", ["first"])
    second = completed("E1", ["second"])
    server.streams = [[estimation("E1"), first, second, CLOSE_STREAM]]

    with anyio.fail_after(DEADLINE):
        async with connect(server) as client:
            job = client.submit("/echo", "hi", 2)
            events = [event async for event in job]
            result = await job

    assert result == ["first"]
    assert [type(event).__name__ for event in events] == ["Queued", "Completed"]


async def test_stream_completion_without_output(server: FaultServer) -> None:
    broken = {"msg": "process_completed", "event_id": "E1", "output": "oops", "success": True}
    server.streams = [[estimation("E1"), sse(broken), HOLD]]

    with anyio.fail_after(DEADLINE):
        async with connect(server) as client:
            with pytest.raises(MalformedMessage, match="'output' object") as caught:
                await client.predict("/echo", "hi", 2)

    assert json.loads(caught.value.raw or "") == broken


async def test_stream_deeply_nested_message(server: FaultServer) -> None:
    # Nesting deeper than Python's JSON parser can follow, as a broken proxy
    # or server could send.
    server.streams = [[estimation("E1"), b"data: " + b"[" * 100_000 + b"\n\n", HOLD]]

    with anyio.fail_after(DEADLINE):
        async with connect(server) as client:
            with pytest.raises(MalformedMessage) as caught:
                await client.predict("/echo", "hi", 2)

    assert_raw_cut(caught.value)


# Silence.


async def test_stream_heartbeats_until_deadline(server: FaultServer) -> None:
    server.streams = [[estimation("E1"), starts("E1"), Heartbeats(0.05)]]
    timeouts = Timeouts(connect=2, read=2, stream_idle=1, job=0.5)

    with anyio.fail_after(DEADLINE):
        async with connect(server, timeouts=timeouts) as client:
            start = anyio.current_time()
            with pytest.raises(JobTimeout) as caught:
                await client.predict("/echo", "hi", 2)
            elapsed = anyio.current_time() - start

    assert caught.value.may_have_run
    assert elapsed < 0.5 + 0.5
    cancel = server.requests_to(API + "cancel")
    assert [request.json()["event_id"] for request in cancel] == ["E1"]


async def test_stream_heartbeats_until_caller_gives_up(server: FaultServer) -> None:
    # Without a job deadline heartbeats keep a job alive; the caller's own
    # timeout ends the call and cancels the job on the server.
    server.streams = [[estimation("E1"), starts("E1"), Heartbeats(0.05)]]

    with anyio.fail_after(DEADLINE):
        async with connect(server) as client:
            with pytest.raises(TimeoutError):
                with anyio.fail_after(0.5):
                    await client.predict("/echo", "hi", 2)

    cancel = server.requests_to(API + "cancel")
    assert [request.json()["event_id"] for request in cancel] == ["E1"]


async def test_stream_stall_mid_line(server: FaultServer) -> None:
    server.streams = [[estimation("E1"), starts("E1"), b'data: {"msg": "process_gen', HOLD]]

    with anyio.fail_after(DEADLINE):
        async with connect(server) as client:
            start = anyio.current_time()
            with pytest.raises(StreamEnded, match="silent for 1") as caught:
                await client.predict("/echo", "hi", 2)
            elapsed = anyio.current_time() - start

    assert caught.value.may_have_run
    assert elapsed < FAST.stream_idle + 0.5  # type: ignore[operator]


async def test_stream_silent_without_headers(server: FaultServer) -> None:
    server.routes[("GET", API + "queue/data")] = Reply.never()

    with anyio.fail_after(DEADLINE):
        async with connect(server) as client:
            start = anyio.current_time()
            with pytest.raises(StreamEnded, match="silent") as caught:
                await client.predict("/echo", "hi", 2)
            elapsed = anyio.current_time() - start

    assert not caught.value.may_have_run
    assert elapsed < FAST.stream_idle + 0.5  # type: ignore[operator]


# Error responses on the data route.


async def test_stream_error_status_html(server: FaultServer) -> None:
    page = "<html><body>" + "Bad gateway. " * 10_000 + "</body></html>"
    server.routes[("GET", API + "queue/data")] = Reply.text(page, 502, "text/html")

    with anyio.fail_after(DEADLINE):
        async with connect(server) as client:
            with pytest.raises(RequestFailed, match="HTTP 502") as caught:
                await client.predict("/echo", "hi", 2)

    assert caught.value.status_code == 502
    assert_raw_cut(caught.value)
    assert len(str(caught.value)) < 500


async def test_stream_not_event_stream(server: FaultServer) -> None:
    page = Stream([b"<html>Sign in</html>"], content_type="text/html")
    server.routes[("GET", API + "queue/data")] = page

    with anyio.fail_after(DEADLINE):
        async with connect(server) as client:
            with pytest.raises(ProtocolError, match="text/html"):
                await client.predict("/echo", "hi", 2)


# Oversized data.


async def test_stream_long_line_small_chunks(server: FaultServer) -> None:
    # A 4 MB line in 4 KiB chunks: the line decoder must not copy the
    # growing line on every chunk.
    message = completed("E1", ["y" * 4_000_000])
    pieces = [message[start : start + 4096] for start in range(0, len(message), 4096)]
    server.streams = [[estimation("E1"), *pieces, CLOSE_STREAM]]

    with anyio.fail_after(DEADLINE):
        async with connect(server) as client:
            result = await client.predict("/echo", "hi", 2)

    assert len(result[0]) == 4_000_000


async def test_stream_huge_malformed_message(server: FaultServer) -> None:
    junk = b"data: " + b"<" * 5_000_000 + b"\n\n"
    server.streams = [[estimation("E1"), junk, HOLD]]

    with anyio.fail_after(DEADLINE):
        async with connect(server) as client:
            with pytest.raises(MalformedMessage) as caught:
                await client.predict("/echo", "hi", 2)

    assert_raw_cut(caught.value)
    assert len(str(caught.value)) < 500


async def test_stream_huge_message_logged_cut(
    server: FaultServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="gradio_raw")
    server.streams = [[estimation("E1"), completed("E1", ["z" * 1_000_000]), CLOSE_STREAM]]

    with anyio.fail_after(DEADLINE):
        async with connect(server) as client:
            await client.predict("/echo", "hi", 2)

    assert caplog.records
    assert max(len(record.getMessage()) for record in caplog.records) < 2 * RAW_MAX


async def test_stream_huge_message_rejected(server: FaultServer) -> None:
    # Proposed default limit: 16 MiB per message. Files travel as URLs since
    # Gradio 4, so a message this large is a broken or hostile server.
    server.streams = [[estimation("E1"), completed("E1", ["x" * 40_000_000]), CLOSE_STREAM]]

    with anyio.fail_after(DEADLINE):
        async with connect(server) as client:
            with pytest.raises(ProtocolError, match="limit") as caught:
                await client.predict("/echo", "hi", 2)

    assert_raw_cut(caught.value)


async def test_stream_message_limit_option(server: FaultServer) -> None:
    # Proposed option: Client(max_message_size=...) in bytes. The limit must
    # apply while the line is read, before it is held whole in memory.
    pieces = [b"data: ", *[b"x" * 65_536] * 32, b"\n\n"]
    server.streams = [[estimation("E1"), *pieces, HOLD]]

    with anyio.fail_after(DEADLINE):
        async with connect(server, max_message_size=1_000_000) as client:
            with pytest.raises(ProtocolError, match="1000000"):
                await client.predict("/echo", "hi", 2)


async def test_stream_buffered_output_limit(server: FaultServer) -> None:
    # Proposed option: Client(max_buffered_output=...) in bytes, checked in
    # Job.push while a caller iterates. Here the caller starts iterating and
    # then stops reading while the generator sends 30 outputs of 100 kB. The
    # caller, not the server, is at fault, so any gradio-raw error will do.
    chunk = "c" * 100_000
    first = generating("E1", [chunk])
    replacements = [generating("E1", [[["replace", [], chunk]]]) for _ in range(29)]
    server.streams = [[estimation("E1"), starts("E1"), Pause(0.2), first, *replacements, HOLD]]

    with anyio.fail_after(DEADLINE):
        async with connect(server, max_buffered_output=1_000_000) as client:
            job = client.submit("/gen", 3)
            iterator = aiter(job)
            await anext(iterator)
            await anyio.sleep(1)
            with pytest.raises(GradioRawError, match="1000000"):
                async for _ in iterator:
                    pass
