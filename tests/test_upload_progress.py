"""Upload progress: the per-file counter, and the progress stream against mocked routes.

The progress streams here are hand-written in the shapes that Gradio 6.31.0
sends (`update`, `heartbeat`, `done`). The live test in `test_live.py` checks
those shapes against a real server.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import AsyncIterator

import anyio
import httpx
import pytest
from pytest_httpx import HTTPXMock

from gradio_raw import (
    Client,
    Completed,
    Event,
    FileInput,
    Queued,
    UploadProgress,
    UploadRejected,
    handle_file,
)
from gradio_raw._upload_progress import PROGRESS_THRESHOLD, UploadTracker, wants_progress

from .replay import allow_heartbeat, body_bytes, find, load

APP = "http://127.0.0.1:60903"
TOKEN = "hf_ProgressToken1234567890"
MIB = 1024 * 1024
EVENT_STREAM = {"content-type": "text/event-stream; charset=utf-8"}
PROGRESS_URL = re.compile(rf"{re.escape(APP)}/gradio_api/upload_progress\?upload_id=\w+")
TRACKED_UPLOAD_URL = re.compile(rf"{re.escape(APP)}/gradio_api/upload\?upload_id=\w+")


def sse(*messages: dict[str, object]) -> bytes:
    return "".join(f"data: {json.dumps(message)}\n\n" for message in messages).encode()


def update(name: str, chunk_size: int) -> dict[str, object]:
    return {"msg": "update", "orig_name": name, "chunk_size": chunk_size}


DONE = {"msg": "done"}
HEARTBEAT = {"msg": "heartbeat"}


def counts(events: list[UploadProgress]) -> list[tuple[int, int]]:
    return [(event.index, event.received) for event in events]


# The counter, without I/O.


def test_tracker_adds_up_reports() -> None:
    events: list[UploadProgress] = []
    tracker = UploadTracker([("a.bin", 1000)], events.append)

    tracker.add("a.bin", 100)
    tracker.add("a.bin", 250)
    tracker.finish()

    assert counts(events) == [(0, 100), (0, 350), (0, 1000)]
    assert {event.size for event in events} == {1000}
    assert events[1].fraction == pytest.approx(0.35)


def test_tracker_completes_file_left_behind() -> None:
    events: list[UploadProgress] = []
    tracker = UploadTracker([("a.bin", 1000), ("b.bin", 500)], events.append)

    tracker.add("a.bin", 300)
    tracker.add("b.bin", 100)
    tracker.finish()

    assert counts(events) == [(0, 300), (0, 1000), (1, 100), (1, 500)]


def test_tracker_spills_into_same_named_file() -> None:
    events: list[UploadProgress] = []
    tracker = UploadTracker([("file", 100), ("file", 100)], events.append)

    tracker.add("file", 150)

    assert counts(events) == [(0, 100), (1, 50)]


def test_tracker_unknown_size_not_completed() -> None:
    events: list[UploadProgress] = []
    tracker = UploadTracker([("pipe", None)], events.append)

    tracker.add("pipe", 4096)
    tracker.finish()

    assert counts(events) == [(0, 4096)]
    assert events[0].size is None
    assert events[0].fraction is None


def test_tracker_unknown_name_counts_current_file() -> None:
    events: list[UploadProgress] = []
    tracker = UploadTracker([('say "hi".txt', 1000)], events.append)

    tracker.add("say %22hi%22.txt", 10)

    assert counts(events) == [(0, 10)]


def test_tracker_reports_unreported_files_once() -> None:
    events: list[UploadProgress] = []
    tracker = UploadTracker([("empty.txt", 0), ("small.txt", 3)], events.append)

    tracker.finish()
    tracker.finish()
    tracker.add("small.txt", 3)

    assert counts(events) == [(0, 0), (1, 3)]
    assert events[0].fraction == 1.0


def test_threshold_counts_total_and_unknown() -> None:
    assert not wants_progress([])
    assert not wants_progress([PROGRESS_THRESHOLD - 1])
    assert wants_progress([PROGRESS_THRESHOLD // 2, PROGRESS_THRESHOLD // 2])
    assert wants_progress([10, None])


# The progress stream against mocked routes.


def add_config(httpx_mock: HTTPXMock) -> None:
    allow_heartbeat(httpx_mock)
    config = body_bytes(find(load("echo"), "GET", "/config")[0])
    httpx_mock.add_response(method="GET", url=f"{APP}/config", content=config)


class ProgressStream(httpx.AsyncByteStream):
    """A hand-written progress stream that sets `ended` once the client has read it all."""

    def __init__(self, body: bytes, ended: anyio.Event, *, break_at_end: bool = False) -> None:
        self._body = body
        self._ended = ended
        self._break_at_end = break_at_end

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            for line in self._body.splitlines(keepends=True):
                yield line
            if self._break_at_end:
                raise httpx.RemoteProtocolError("peer closed connection")
        finally:
            self._ended.set()


def add_progress(
    httpx_mock: HTTPXMock, body: bytes, ended: anyio.Event, *, break_at_end: bool = False
) -> None:
    httpx_mock.add_response(
        method="GET",
        url=PROGRESS_URL,
        headers=EVENT_STREAM,
        stream=ProgressStream(body, ended, break_at_end=break_at_end),
    )


def add_upload_after(httpx_mock: HTTPXMock, ready: anyio.Event, paths: list[str]) -> None:
    """Respond to the tracked upload once `ready` is set, as a server does after the last byte."""

    async def answer(request: httpx.Request) -> httpx.Response:
        with anyio.fail_after(5):
            await ready.wait()
        return httpx.Response(200, json=paths)

    httpx_mock.add_callback(answer, method="POST", url=TRACKED_UPLOAD_URL)


def big_file() -> FileInput:
    return handle_file(b"x" * (2 * MIB), name="big.bin")


def upload_id_of(request: httpx.Request) -> str:
    return request.url.params["upload_id"]


@pytest.mark.anyio
async def test_upload_reports_cumulative_bytes(httpx_mock: HTTPXMock) -> None:
    add_config(httpx_mock)
    ended = anyio.Event()
    body = sse(update("big.bin", MIB // 2), HEARTBEAT, update("big.bin", MIB // 4), DONE)
    add_progress(httpx_mock, body, ended)
    add_upload_after(httpx_mock, ended, ["/tmp/gradio/1/big.bin"])
    events: list[UploadProgress] = []

    async with Client(APP, hf_token=TOKEN, headers={"X-Quota": "q1"}) as client:
        uploaded = await client.upload(big_file(), on_progress=events.append)

    assert uploaded[0].path == "/tmp/gradio/1/big.bin"
    assert [event.received for event in events] == [MIB // 2, 3 * MIB // 4, 2 * MIB]
    assert {(event.name, event.index, event.size) for event in events} == {("big.bin", 0, 2 * MIB)}
    progress = httpx_mock.get_request(method="GET", url=PROGRESS_URL)
    upload = httpx_mock.get_request(method="POST", url=TRACKED_UPLOAD_URL)
    assert progress is not None
    assert upload is not None
    assert upload_id_of(progress) == upload_id_of(upload)
    assert progress.headers["Authorization"] == f"Bearer {TOKEN}"
    assert progress.headers["X-Quota"] == "q1"


def add_job_e1(httpx_mock: HTTPXMock, *before: dict[str, object]) -> None:
    """Mock the join as event E1, and session S1's stream as `before` and then "OK"."""
    httpx_mock.add_response(
        method="POST", url=f"{APP}/gradio_api/queue/join", json={"event_id": "E1"}
    )
    completed = {
        "msg": "process_completed",
        "event_id": "E1",
        "output": {"data": ["OK"], "is_generating": False},
        "success": True,
    }
    httpx_mock.add_response(
        method="GET",
        url=f"{APP}/gradio_api/queue/data?session_hash=S1",
        headers=EVENT_STREAM,
        content=sse(*before, completed),
    )


@pytest.mark.anyio
async def test_job_events_start_with_upload(httpx_mock: HTTPXMock) -> None:
    add_config(httpx_mock)
    ended = anyio.Event()
    add_progress(httpx_mock, sse(update("a.bin", MIB), update("b.bin", 1000), DONE), ended)
    add_upload_after(httpx_mock, ended, ["/tmp/gradio/1/a.bin", "/tmp/gradio/2/b.bin"])
    queued = {"msg": "estimation", "event_id": "E1", "rank": 0, "queue_size": 1}
    add_job_e1(httpx_mock, queued)
    files = [handle_file(b"a" * (2 * MIB), name="a.bin"), handle_file(b"b" * 2000, name="b.bin")]

    async with Client(APP, session_hash="S1") as client:
        events: list[Event] = [event async for event in client.submit(1, files)]

    uploads = [event for event in events if isinstance(event, UploadProgress)]
    assert counts(uploads) == [(0, MIB), (0, 2 * MIB), (1, 1000), (1, 2000)]
    assert all(isinstance(event, UploadProgress) for event in events[:4])
    assert isinstance(events[4], Queued)
    assert isinstance(events[-1], Completed)


@pytest.mark.anyio
async def test_unread_job_keeps_latest_upload_progress(httpx_mock: HTTPXMock) -> None:
    add_config(httpx_mock)
    ended = anyio.Event()
    body = sse(update("a.bin", MIB // 2), update("a.bin", MIB // 2), DONE)
    add_progress(httpx_mock, body, ended)
    add_upload_after(httpx_mock, ended, ["/tmp/gradio/1/a.bin"])
    add_job_e1(httpx_mock)

    async with Client(APP, session_hash="S1") as client:
        job = client.submit(1, handle_file(b"a" * (2 * MIB), name="a.bin"))
        await job
        events = [event async for event in job]

    uploads = [event for event in events if isinstance(event, UploadProgress)]
    assert counts(uploads) == [(0, 2 * MIB)]


@pytest.mark.anyio
async def test_small_upload_opens_no_progress_stream(httpx_mock: HTTPXMock) -> None:
    add_config(httpx_mock)
    httpx_mock.add_response(
        method="POST", url=f"{APP}/gradio_api/upload", json=["/tmp/gradio/1/small.bin"]
    )
    events: list[UploadProgress] = []

    async with Client(APP) as client:
        await client.upload(
            handle_file(b"x" * (PROGRESS_THRESHOLD - 1), name="small.bin"),
            on_progress=events.append,
        )

    requested = [request.url.path for request in httpx_mock.get_requests()]
    assert requested == ["/config", "/gradio_api/upload"]
    assert events == []


@pytest.mark.anyio
async def test_upload_without_callback_opens_no_stream(httpx_mock: HTTPXMock) -> None:
    add_config(httpx_mock)
    httpx_mock.add_response(
        method="POST", url=f"{APP}/gradio_api/upload", json=["/tmp/gradio/1/big.bin"]
    )

    async with Client(APP) as client:
        await client.upload(big_file())

    requested = [request.url.path for request in httpx_mock.get_requests()]
    assert requested == ["/config", "/gradio_api/upload"]


@pytest.mark.anyio
async def test_progress_404_still_uploads(
    httpx_mock: HTTPXMock, caplog: pytest.LogCaptureFixture
) -> None:
    add_config(httpx_mock)
    progress_requested = anyio.Event()

    def not_found(request: httpx.Request) -> httpx.Response:
        progress_requested.set()
        return httpx.Response(404, text="Upload not found")

    httpx_mock.add_callback(not_found, method="GET", url=PROGRESS_URL)
    add_upload_after(httpx_mock, progress_requested, ["/tmp/gradio/1/big.bin"])
    caplog.set_level(logging.DEBUG, logger="gradio_raw")
    events: list[UploadProgress] = []

    async with Client(APP) as client:
        uploaded = await client.upload(big_file(), on_progress=events.append)

    assert uploaded[0].path == "/tmp/gradio/1/big.bin"
    assert events == []
    assert "No upload progress" in caplog.text
    assert "HTTP 404" in caplog.text


@pytest.mark.anyio
async def test_broken_progress_stream_still_uploads(
    httpx_mock: HTTPXMock, caplog: pytest.LogCaptureFixture
) -> None:
    add_config(httpx_mock)
    ended = anyio.Event()
    add_progress(httpx_mock, sse(update("big.bin", MIB // 2)), ended, break_at_end=True)
    add_upload_after(httpx_mock, ended, ["/tmp/gradio/1/big.bin"])
    caplog.set_level(logging.DEBUG, logger="gradio_raw")
    events: list[UploadProgress] = []

    async with Client(APP) as client:
        uploaded = await client.upload(big_file(), on_progress=events.append)

    assert uploaded[0].path == "/tmp/gradio/1/big.bin"
    assert [event.received for event in events] == [MIB // 2, 2 * MIB]
    assert "RemoteProtocolError" in caplog.text
    assert not any(record.levelno > logging.DEBUG for record in caplog.records)


@pytest.mark.anyio
async def test_stalled_progress_stream_closed_with_upload(httpx_mock: HTTPXMock) -> None:
    add_config(httpx_mock)
    first_read = anyio.Event()
    closed = anyio.Event()

    class StalledStream(httpx.AsyncByteStream):
        async def __aiter__(self) -> AsyncIterator[bytes]:
            try:
                yield sse(update("big.bin", 1000))
                first_read.set()
                await anyio.sleep_forever()
            finally:
                closed.set()

    httpx_mock.add_response(
        method="GET", url=PROGRESS_URL, headers=EVENT_STREAM, stream=StalledStream()
    )
    add_upload_after(httpx_mock, first_read, ["/tmp/gradio/1/big.bin"])
    events: list[UploadProgress] = []

    async with Client(APP) as client:
        with anyio.fail_after(5):
            uploaded = await client.upload(big_file(), on_progress=events.append)
        stream_closed = closed.is_set()

    assert uploaded[0].path == "/tmp/gradio/1/big.bin"
    assert stream_closed
    assert [event.received for event in events] == [1000, 2 * MIB]


@pytest.mark.anyio
async def test_malformed_progress_messages_skipped(httpx_mock: HTTPXMock) -> None:
    add_config(httpx_mock)
    ended = anyio.Event()
    body = (
        b"data: {not json\n\n"
        + sse({"msg": "update", "orig_name": "big.bin", "chunk_size": "many"})
        + b"data: [1, 2]\n\n"
        + sse(update("big.bin", 1000), DONE)
    )
    add_progress(httpx_mock, body, ended)
    add_upload_after(httpx_mock, ended, ["/tmp/gradio/1/big.bin"])
    events: list[UploadProgress] = []

    async with Client(APP) as client:
        await client.upload(big_file(), on_progress=events.append)

    assert [event.received for event in events] == [1000, 2 * MIB]


@pytest.mark.anyio
async def test_empty_progress_stream_reopened(httpx_mock: HTTPXMock) -> None:
    # Hand-written: Gradio 4.44.1 and older end the stream at once, empty,
    # when the client requests an upload that the server does not track yet.
    add_config(httpx_mock)
    httpx_mock.add_response(method="GET", url=PROGRESS_URL, headers=EVENT_STREAM, content=b"")
    ended = anyio.Event()
    add_progress(httpx_mock, sse(update("big.bin", 1000), DONE), ended)
    add_upload_after(httpx_mock, ended, ["/tmp/gradio/1/big.bin"])
    events: list[UploadProgress] = []

    async with Client(APP) as client:
        await client.upload(big_file(), on_progress=events.append)

    assert len(httpx_mock.get_requests(method="GET", url=PROGRESS_URL)) == 2
    assert [event.received for event in events] == [1000, 2 * MIB]


@pytest.mark.anyio
async def test_rejected_upload_reports_no_completion(httpx_mock: HTTPXMock) -> None:
    add_config(httpx_mock)
    ended = anyio.Event()
    add_progress(httpx_mock, sse(update("big.bin", 1000), DONE), ended)

    async def reject(request: httpx.Request) -> httpx.Response:
        with anyio.fail_after(5):
            await ended.wait()
        return httpx.Response(413, text="File size exceeded maximum allowed size.")

    httpx_mock.add_callback(reject, method="POST", url=TRACKED_UPLOAD_URL)
    events: list[UploadProgress] = []

    async with Client(APP) as client:
        with pytest.raises(UploadRejected) as caught:
            await client.upload(big_file(), on_progress=events.append)

    assert caught.value.status_code == 413
    assert [event.received for event in events] == [1000]


@pytest.mark.anyio
async def test_callback_error_stops_upload(httpx_mock: HTTPXMock) -> None:
    add_config(httpx_mock)
    ended = anyio.Event()
    add_progress(httpx_mock, sse(update("big.bin", 1000), DONE), ended)
    never = anyio.Event()
    add_upload_after(httpx_mock, never, ["/tmp/gradio/1/big.bin"])

    def raise_in_callback(event: UploadProgress) -> None:
        raise KeyError(event.name)

    async with Client(APP) as client:
        with anyio.fail_after(5), pytest.raises(KeyError, match=r"big\.bin"):
            await client.upload(big_file(), on_progress=raise_in_callback)
