"""Per-job flows: direct calls, the Gradio 4.0-4.8 stream, the /call route.

Configs come from a recording of a real Gradio 6.31 app, changed where a test
needs an older protocol; every answer below is hand-written for one situation
(the replay tests cover recorded exchanges).
"""

from __future__ import annotations

import json

import pytest
from pytest_httpx import HTTPXMock

from gradio_raw import AppError, Client, JobCancelled, Output, ValidationFailed

from .replay import allow_heartbeat, body_bytes, find, load

pytestmark = pytest.mark.anyio

APP = "http://127.0.0.1:60903"
EVENT_STREAM = {"content-type": "text/event-stream; charset=utf-8"}


def add_config(httpx_mock: HTTPXMock, **changes: object) -> None:
    config = json.loads(body_bytes(find(load("echo"), "GET", "/config")[0]))
    config.update(changes)
    allow_heartbeat(httpx_mock)
    httpx_mock.add_response(method="GET", url=f"{APP}/config", json=config)


def sse(*messages: dict[str, object]) -> bytes:
    return "".join(f"data: {json.dumps(m)}\n\n" for m in messages).encode()


NOQ = 11  # fn_index of the testbed's /noq, whose dependency has queue=False


async def test_direct_call_for_unqueued(httpx_mock: HTTPXMock) -> None:
    add_config(httpx_mock)
    httpx_mock.add_response(
        method="POST",
        url=f"{APP}/gradio_api/run/predict",
        json={"data": ["noq:x"], "is_generating": False, "duration": 0.01},
    )

    async with Client(APP, session_hash="S1") as client:
        result = await client.predict("/noq", "x")

    request = httpx_mock.get_requests()[-1]
    assert result == ["noq:x"]
    assert json.loads(request.content)["fn_index"] == NOQ


async def test_direct_call_app_error(httpx_mock: HTTPXMock) -> None:
    add_config(httpx_mock)
    httpx_mock.add_response(
        method="POST",
        url=f"{APP}/gradio_api/run/predict",
        status_code=500,
        json={"error": "custom failure", "title": "Oops"},
    )

    async with Client(APP) as client:
        with pytest.raises(AppError, match="Oops: custom failure"):
            await client.predict("/noq", "x")


async def test_refused_direct_call_uses_queue(httpx_mock: HTTPXMock) -> None:
    add_config(httpx_mock)
    httpx_mock.add_response(
        method="POST",
        url=f"{APP}/gradio_api/run/predict",
        status_code=404,
        json={
            "detail": "This API endpoint does not accept direct HTTP POST requests. "
            "Please join the queue to use this API."
        },
    )
    httpx_mock.add_response(
        method="POST", url=f"{APP}/gradio_api/queue/join", json={"event_id": "E1"}
    )
    completed = {"msg": "process_completed", "event_id": "E1", "output": {"data": ["noq:q"]}}
    httpx_mock.add_response(
        method="GET",
        url=f"{APP}/gradio_api/queue/data?session_hash=S1",
        headers=EVENT_STREAM,
        content=sse(completed),
    )

    async with Client(APP, session_hash="S1") as client:
        assert await client.predict("/noq", "q") == ["noq:q"]


async def test_gradio4_sse_flow_posts_data(httpx_mock: HTTPXMock) -> None:
    add_config(httpx_mock, protocol="sse", version="4.8.0", api_prefix="")
    base = APP
    stream = sse(
        {"msg": "estimation", "rank": 0, "queue_size": 1, "rank_eta": None},
        {"msg": "send_data", "event_id": "E1"},
        {"msg": "process_starts"},
        {"msg": "process_generating", "output": {"data": ["a"]}, "success": True},
        {"msg": "process_generating", "output": {"data": ["ab"]}, "success": True},
        {"msg": "process_completed", "output": {"data": ["ab"]}, "success": True},
    )
    httpx_mock.add_response(
        method="GET",
        url=f"{base}/queue/join?fn_index=2&session_hash=S1",
        headers=EVENT_STREAM,
        content=stream,
    )
    httpx_mock.add_response(
        method="POST",
        url=f"{base}/queue/data",
        json={"ok": True},
        match_json={
            "data": [2],
            "event_data": None,
            "fn_index": 2,
            "session_hash": "S1",
            "event_id": "E1",
        },
    )

    async with Client(base, session_hash="S1") as client:
        job = client.submit("/gen", 2)
        partials = [event.data[0] async for event in job if isinstance(event, Output)]
        result = await job

    assert partials == ["a", "ab"]
    assert result == ["ab"]


async def test_gradio4_sse_queue_full(httpx_mock: HTTPXMock) -> None:
    add_config(httpx_mock, protocol="sse", version="4.8.0", api_prefix="")
    httpx_mock.add_response(
        method="GET",
        url=f"{APP}/queue/join?fn_index=1&session_hash=S1",
        headers=EVENT_STREAM,
        content=sse({"msg": "queue_full"}),
    )

    async with Client(APP, session_hash="S1") as client:
        with pytest.raises(Exception, match="queue is full"):
            await client.predict("/upper", "x")


async def test_call_route_events(httpx_mock: HTTPXMock) -> None:
    add_config(httpx_mock)
    httpx_mock.add_response(
        method="POST", url=f"{APP}/gradio_api/call/gen", json={"event_id": "C1"}
    )
    events = (
        b"event: heartbeat\ndata: null\n\n"
        b'event: generating\ndata: ["a"]\n\n'
        b'event: generating\ndata: ["ab"]\n\n'
        b'event: complete\ndata: ["ab"]\n\n'
    )
    httpx_mock.add_response(
        method="GET", url=f"{APP}/gradio_api/call/gen/C1", headers=EVENT_STREAM, content=events
    )

    async with Client(APP, transport="call") as client:
        job = client.submit("/gen", 2)
        partials = [event.data[0] async for event in job if isinstance(event, Output)]
        result = await job

    assert partials == ["a", "ab"]
    assert result == ["ab"]


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (b"null", "did not share its details"),
        (b'"CUDA out of memory"', "CUDA out of memory"),
        (b'{"error": "custom failure", "title": "Oops"}', "Oops: custom failure"),
    ],
)
async def test_call_route_errors(httpx_mock: HTTPXMock, payload: bytes, expected: str) -> None:
    add_config(httpx_mock)
    httpx_mock.add_response(
        method="POST", url=f"{APP}/gradio_api/call/fail", json={"event_id": "C1"}
    )
    httpx_mock.add_response(
        method="GET",
        url=f"{APP}/gradio_api/call/fail/C1",
        headers=EVENT_STREAM,
        content=b"event: error\ndata: " + payload + b"\n\n",
    )

    async with Client(APP, transport="call") as client:
        with pytest.raises(AppError, match=expected):
            await client.predict("/fail", "x")


async def test_call_route_cut_short(httpx_mock: HTTPXMock) -> None:
    add_config(httpx_mock)
    httpx_mock.add_response(
        method="POST", url=f"{APP}/gradio_api/call/upper", json={"event_id": "C1"}
    )
    httpx_mock.add_response(
        method="GET",
        url=f"{APP}/gradio_api/call/upper/C1",
        headers=EVENT_STREAM,
        content=b"event: heartbeat\ndata: null\n\n",
    )

    async with Client(APP, transport="call") as client:
        with pytest.raises(Exception, match="without a complete or error event"):
            await client.predict("/upper", "x")


async def test_validator_messages_listed(httpx_mock: HTTPXMock) -> None:
    add_config(httpx_mock)
    detail = [
        {
            "__type__": "validate",
            "is_valid": False,
            "message": "too short",
            "parameter_name": "text",
        },
        {"__type__": "validate", "is_valid": True, "message": "", "parameter_name": "n"},
    ]
    httpx_mock.add_response(
        method="POST",
        url=f"{APP}/gradio_api/queue/join",
        status_code=422,
        json={"detail": detail},
    )

    async with Client(APP) as client:
        with pytest.raises(ValidationFailed, match="text: too short") as caught:
            await client.predict("/echo", "a", 1)

    assert "n:" not in str(caught.value)


async def test_old_server_cancel_uses_reset(httpx_mock: HTTPXMock) -> None:
    add_config(httpx_mock, version="4.26.0", api_prefix="")
    httpx_mock.add_response(method="POST", url=f"{APP}/queue/join", json={"event_id": "E1"})
    started = {"msg": "process_starts", "event_id": "E1"}
    httpx_mock.add_response(
        method="GET",
        url=f"{APP}/queue/data?session_hash=S1",
        headers=EVENT_STREAM,
        content=sse(started),
        is_optional=True,
        is_reusable=True,
    )
    httpx_mock.add_response(
        method="POST", url=f"{APP}/reset", json={"success": True}, match_json={"event_id": "E1"}
    )

    async with Client(APP, session_hash="S1") as client:
        job = client.submit("/slow", 5)
        with pytest.raises(JobCancelled):
            async for event in job:
                if event.kind == "started":
                    await job.cancel()

    assert any(r.url.path == "/reset" for r in httpx_mock.get_requests())
