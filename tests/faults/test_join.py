"""Faults in the response to the join request (`POST /gradio_api/queue/join`)."""

from __future__ import annotations

import logging

import anyio
import pytest

from gradio_raw import (
    JobCancelled,
    JobTimeout,
    JoinRejected,
    ProtocolError,
    QueueFull,
    RequestFailed,
    RequestTimeout,
    Timeouts,
)

from .expect import DEADLINE, assert_raw_cut, connect
from .messages import completed, estimation
from .server import HOLD, FaultServer, Reply, WaitForJoins

pytestmark = pytest.mark.anyio

API = "/gradio_api/"

# A short read timeout for the joins that never get a response.
SHORT_READ = Timeouts(connect=2, read=0.5, stream_idle=1)


async def test_join_422_detail(server: FaultServer) -> None:
    detail = {"detail": [{"loc": ["body", "data"], "msg": "field required"}]}
    server.joins = [Reply.json(detail, status=422)]

    with anyio.fail_after(DEADLINE):
        async with connect(server) as client:
            with pytest.raises(JoinRejected, match="HTTP 422") as caught:
                await client.predict("/echo", "hi", 2)

    assert caught.value.status_code == 422
    assert "field required" in str(caught.value)
    assert caught.value.raw is not None
    assert "field required" in caught.value.raw


async def test_join_500_html_page(server: FaultServer) -> None:
    page = "<html><body>" + "<p>Internal error</p>" * 20_000 + "</body></html>"
    server.joins = [Reply.text(page, 500, "text/html")]

    with anyio.fail_after(DEADLINE):
        async with connect(server) as client:
            with pytest.raises(JoinRejected, match="HTTP 500") as caught:
                await client.predict("/echo", "hi", 2)

    assert caught.value.status_code == 500
    assert_raw_cut(caught.value)
    assert len(str(caught.value)) < 500


async def test_join_503_queue_full(server: FaultServer) -> None:
    server.joins = [Reply.json({"detail": "Queue is full."}, status=503)]

    with anyio.fail_after(DEADLINE):
        async with connect(server) as client:
            with pytest.raises(QueueFull, match="Retry later"):
                await client.predict("/echo", "hi", 2)


async def test_join_503_other_reason(server: FaultServer) -> None:
    server.joins = [Reply.text("Service Unavailable", 503)]

    with anyio.fail_after(DEADLINE):
        async with connect(server) as client:
            with pytest.raises(JoinRejected) as caught:
                await client.predict("/echo", "hi", 2)

    assert not isinstance(caught.value, QueueFull)
    assert caught.value.raw == "Service Unavailable"


async def test_join_200_html(server: FaultServer) -> None:
    server.joins = [Reply.text("<html>Please sign in</html>", content_type="text/html")]

    with anyio.fail_after(DEADLINE):
        async with connect(server) as client:
            with pytest.raises(ProtocolError, match="event_id") as caught:
                await client.predict("/echo", "hi", 2)

    assert caught.value.raw == "<html>Please sign in</html>"


async def test_join_200_empty(server: FaultServer) -> None:
    server.joins = [Reply()]

    with anyio.fail_after(DEADLINE):
        async with connect(server) as client:
            with pytest.raises(ProtocolError, match="event_id") as caught:
                await client.predict("/echo", "hi", 2)

    assert caught.value.raw == ""


async def test_join_event_id_not_string(server: FaultServer) -> None:
    server.joins = [Reply.json({"event_id": 17})]

    with anyio.fail_after(DEADLINE):
        async with connect(server) as client:
            with pytest.raises(ProtocolError, match="event_id"):
                await client.predict("/echo", "hi", 2)


async def test_join_connection_dropped(server: FaultServer) -> None:
    # The join may have reached the queue, so it is not sent again.
    server.joins = [Reply.dropped()]

    with anyio.fail_after(DEADLINE):
        async with connect(server, retries=2) as client:
            with pytest.raises(RequestFailed, match="join response"):
                await client.predict("/echo", "hi", 2)

    assert len(server.requests_to(API + "queue/join")) == 1


async def test_join_proxy_503_not_retried(server: FaultServer) -> None:
    server.joins = [Reply.text("Service Unavailable", 503)]

    with anyio.fail_after(DEADLINE):
        async with connect(server, retries=2) as client:
            with pytest.raises(JoinRejected, match="HTTP 503"):
                await client.predict("/echo", "hi", 2)

    assert len(server.requests_to(API + "queue/join")) == 1


async def test_join_no_response(server: FaultServer) -> None:
    server.joins = [Reply.never()]

    with anyio.fail_after(DEADLINE):
        async with connect(server, timeouts=SHORT_READ) as client:
            start = anyio.current_time()
            with pytest.raises(RequestTimeout, match="join response"):
                await client.predict("/echo", "hi", 2)
            elapsed = anyio.current_time() - start

    assert elapsed < 0.5 + 0.5


async def test_join_stalled_past_job_deadline(server: FaultServer) -> None:
    server.joins = [Reply.never()]
    timeouts = Timeouts(connect=2, read=0.5, stream_idle=1, job=0.3)

    with anyio.fail_after(DEADLINE):
        async with connect(server, timeouts=timeouts) as client:
            start = anyio.current_time()
            with pytest.raises(JobTimeout):
                await client.predict("/echo", "hi", 2)
            elapsed = anyio.current_time() - start

    assert elapsed < 0.3 + 0.5


async def test_close_during_stalled_join(server: FaultServer) -> None:
    server.joins = [Reply.never()]

    with anyio.fail_after(DEADLINE):
        client = await connect(server, timeouts=Timeouts(read=1)).__aenter__()
        client.submit("/echo", "hi", 2)
        await anyio.sleep(0.2)
        start = anyio.current_time()
        await client.aclose()
        elapsed = anyio.current_time() - start

    assert elapsed < 0.5


async def test_close_during_slow_join(
    server: FaultServer, caplog: pytest.LogCaptureFixture
) -> None:
    slow = Reply.json({"event_id": "E1"})
    slow.delay = 0.3
    server.joins = [slow]

    with anyio.fail_after(DEADLINE):
        client = await connect(server).__aenter__()
        job = client.submit("/echo", "hi", 2)
        await anyio.sleep(0.1)
        await client.aclose()

        assert job.done
        with pytest.raises(JobCancelled, match="client was closed"):
            await job

    assert [
        record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR
    ] == []


async def test_malformed_line_with_join_in_flight(server: FaultServer) -> None:
    # The second join gets its response late. Until then the client cannot tell
    # which of the two jobs a line that is not JSON belongs to.
    late = Reply.json({"event_id": "E2"})
    late.delay = 0.5
    server.joins = [Reply.json({"event_id": "E1"}), late]
    server.streams = [
        [
            WaitForJoins(1),
            estimation("E1"),
            b"data: {not json\n\n",
            WaitForJoins(2),
            completed("E1", ["one"]),
            completed("E2", ["two"]),
            HOLD,
        ]
    ]

    with anyio.fail_after(DEADLINE):
        async with connect(server) as client:
            first = client.submit("/echo", "a", 1)
            second = client.submit("/echo", "b", 2)
            results = sorted([list(await first), list(await second)])

    assert results == [["one"], ["two"]]
