"""Login, sleeping Spaces, retries, queue limits and heartbeats (hand-written responses).

Each server response here is written by hand to reproduce one situation; the
config comes from a recording of a real Gradio 6.31 app.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable

import anyio
import httpx
import pytest
from pytest_httpx import HTTPXMock

import gradio_raw._http
import gradio_raw._spaces
from gradio_raw import (
    AuthenticationError,
    Client,
    JobCancelled,
    JobTimeout,
    RateLimited,
    RequestFailed,
    SpaceNotReady,
    SpaceUnavailable,
    Timeouts,
)

from .replay import allow_heartbeat, body_bytes, find, load

pytestmark = pytest.mark.anyio

APP = "http://127.0.0.1:60903"
HUB = "http://127.0.0.1:9999"
EVENT_STREAM = {"content-type": "text/event-stream; charset=utf-8"}


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make retries and Space polls immediate, so the tests take no real time."""
    monkeypatch.setattr(gradio_raw._http, "backoff_delay", lambda attempt, after=None: 0.0)
    monkeypatch.setattr(gradio_raw._spaces, "_POLL_FIRST", 0.01)
    monkeypatch.setattr(gradio_raw._spaces, "_POLL_MAX", 0.01)


def recorded_config(**changes: object) -> dict[str, object]:
    config: dict[str, object] = json.loads(body_bytes(find(load("echo"), "GET", "/config")[0]))
    config.update(changes)
    return config


def add_config(httpx_mock: HTTPXMock, **changes: object) -> None:
    allow_heartbeat(httpx_mock)
    httpx_mock.add_response(method="GET", url=f"{APP}/config", json=recorded_config(**changes))


def add_space(httpx_mock: HTTPXMock, *stages: str) -> None:
    httpx_mock.add_response(
        method="GET", url=f"{HUB}/api/spaces/owner/app/host", json={"host": APP}
    )
    for stage in stages:
        httpx_mock.add_response(
            method="GET", url=f"{HUB}/api/spaces/owner/app/runtime", json={"stage": stage}
        )


async def test_login_sends_form_and_keeps_cookie(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(
        method="POST",
        url=f"{APP}/login",
        json={"success": True},
        headers={"set-cookie": "access-token-unsecure-x=TOKEN123; Path=/; HttpOnly"},
    )
    add_config(httpx_mock)

    async with Client(APP, auth=("alice", "secret")):
        pass

    login, config = httpx_mock.get_requests()[:2]
    assert login.content == b"username=alice&password=secret"
    assert "access-token-unsecure-x=TOKEN123" in config.headers["cookie"]


async def test_login_wrong_password(
    httpx_mock: HTTPXMock, caplog: pytest.LogCaptureFixture
) -> None:
    httpx_mock.add_response(
        method="POST",
        url=f"{APP}/login",
        status_code=400,
        json={"detail": "Incorrect credentials."},
    )

    with pytest.raises(AuthenticationError, match="rejected the username or password"):
        async with Client(APP, auth=("alice", "wrong")):
            pass

    assert "wrong" not in caplog.text


async def test_login_required_says_so(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(
        method="GET",
        url=f"{APP}/config",
        status_code=401,
        json={"detail": {"error": "Not authenticated", "auth_message": "Use the lab account."}},
    )

    with pytest.raises(AuthenticationError, match="pass auth=") as caught:
        async with Client(APP):
            pass

    assert "Use the lab account." in str(caught.value)


async def test_sleeping_space_woken_and_waited(httpx_mock: HTTPXMock) -> None:
    add_space(httpx_mock, "SLEEPING", "APP_STARTING", "RUNNING")
    httpx_mock.add_response(
        method="GET", url=f"{APP}/config", status_code=503, text="Starting", is_optional=True
    )
    add_config(httpx_mock)
    seen: list[str] = []

    async with Client(
        "owner/app", hub_url=HUB, on_space_status=lambda stage, waited: seen.append(stage)
    ) as client:
        assert client.base_url == APP + "/"

    assert seen == ["SLEEPING", "APP_STARTING"]


@pytest.mark.parametrize("stage", ["PAUSED", "RUNTIME_ERROR", "BUILD_ERROR", "NO_APP_FILE"])
async def test_broken_space_fails_at_once(httpx_mock: HTTPXMock, stage: str) -> None:
    add_space(httpx_mock, stage)

    with pytest.raises(SpaceUnavailable, match=stage) as caught:
        async with Client("owner/app", hub_url=HUB):
            pass

    assert caught.value.stage == stage


async def test_building_space_wait_is_bounded(httpx_mock: HTTPXMock) -> None:
    add_space(httpx_mock)
    httpx_mock.add_response(
        method="GET",
        url=f"{HUB}/api/spaces/owner/app/runtime",
        json={"stage": "BUILDING"},
        is_reusable=True,
    )

    with anyio.fail_after(5):
        with pytest.raises(SpaceNotReady, match="still BUILDING") as caught:
            async with Client("owner/app", hub_url=HUB, timeouts=Timeouts(space_start=0.2)):
                pass

    assert caught.value.stage == "BUILDING"


async def test_config_retried_after_proxy_errors(httpx_mock: HTTPXMock) -> None:
    for status in (502, 503):
        httpx_mock.add_response(method="GET", url=f"{APP}/config", status_code=status)
    add_config(httpx_mock)

    async with Client(APP) as client:
        assert client.config.version == "6.31.0"

    assert len([r for r in httpx_mock.get_requests() if r.url.path == "/config"]) == 3


async def test_config_retries_are_bounded(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_exception(httpx.ConnectError("refused"), is_reusable=True)

    with pytest.raises(RequestFailed, match="ConnectError"):
        async with Client(APP, retries=2):
            pass

    assert len(httpx_mock.get_requests()) == 3


async def test_config_429_is_rate_limited(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(
        method="GET",
        url=f"{APP}/config",
        status_code=429,
        headers={"retry-after": "30"},
        text="Too Many Requests",
    )

    with pytest.raises(RateLimited) as caught:
        async with Client(APP):
            pass

    assert caught.value.retry_after == 30
    assert caught.value.raw == "Too Many Requests"


async def test_unsent_join_is_retried(httpx_mock: HTTPXMock) -> None:
    add_config(httpx_mock)
    httpx_mock.add_exception(
        httpx.ConnectError("refused"), method="POST", url=f"{APP}/gradio_api/queue/join"
    )
    httpx_mock.add_response(
        method="POST", url=f"{APP}/gradio_api/queue/join", json={"event_id": "E1"}
    )
    completed = {
        "msg": "process_completed",
        "event_id": "E1",
        "output": {"data": ["OK"]},
        "success": True,
    }
    httpx_mock.add_response(
        method="GET",
        url=f"{APP}/gradio_api/queue/data?session_hash=S1",
        headers=EVENT_STREAM,
        content=f"data: {json.dumps(completed)}\n\n".encode(),
    )

    async with Client(APP, session_hash="S1") as client:
        assert await client.predict(1, "ok") == ["OK"]


async def test_join_timeout_not_retried(httpx_mock: HTTPXMock) -> None:
    # The server may have queued a join whose response timed out, so sending it
    # again could run the job twice.
    add_config(httpx_mock)
    httpx_mock.add_exception(
        httpx.ReadTimeout("slow"), method="POST", url=f"{APP}/gradio_api/queue/join"
    )

    async with Client(APP) as client:
        with pytest.raises(RequestFailed, match="Timed out"):
            await client.predict(1, "ok")

    joins = [r for r in httpx_mock.get_requests() if r.url.path.endswith("/queue/join")]
    assert len(joins) == 1


async def test_queue_wait_limit(httpx_mock: HTTPXMock) -> None:
    add_config(httpx_mock)
    httpx_mock.add_response(
        method="POST", url=f"{APP}/gradio_api/queue/join", json={"event_id": "E1"}
    )
    cancelled = anyio.Event()

    class StuckInQueue(httpx.AsyncByteStream):
        async def __aiter__(self) -> AsyncIterator[bytes]:
            estimation = {"msg": "estimation", "event_id": "E1", "rank": 5, "queue_size": 6}
            yield f"data: {json.dumps(estimation)}\n\n".encode()
            await cancelled.wait()

    httpx_mock.add_response(
        method="GET",
        url=f"{APP}/gradio_api/queue/data?session_hash=S1",
        headers=EVENT_STREAM,
        stream=StuckInQueue(),
    )

    def on_cancel(request: httpx.Request) -> httpx.Response:
        cancelled.set()
        return httpx.Response(200, json={"success": True})

    httpx_mock.add_callback(on_cancel, method="POST", url=f"{APP}/gradio_api/cancel")

    async with Client(APP, session_hash="S1", timeouts=Timeouts(queue=0.3)) as client:
        with anyio.fail_after(5):
            with pytest.raises(JobTimeout, match="did not start") as caught:
                await client.predict(1, "x")

    assert not caught.value.may_have_run
    assert cancelled.is_set()


async def test_heartbeat_held_for_stateful_apps(httpx_mock: HTTPXMock) -> None:
    add_config(httpx_mock, connect_heartbeat=True)
    httpx_mock.add_response(
        method="POST", url=f"{APP}/gradio_api/queue/join", json={"event_id": "E1"}
    )
    completed = {"msg": "process_completed", "event_id": "E1", "output": {"data": ["A"]}}
    httpx_mock.add_response(
        method="GET",
        url=f"{APP}/gradio_api/queue/data?session_hash=S1",
        headers=EVENT_STREAM,
        content=f"data: {json.dumps(completed)}\n\n".encode(),
    )

    async with Client(APP, session_hash="S1") as client:
        await client.predict(1, "a")
        await anyio.sleep(0.05)

    paths = [request.url.path for request in httpx_mock.get_requests()]
    assert "/gradio_api/heartbeat/S1" in paths


async def test_reset_session_changes_hash(httpx_mock: HTTPXMock) -> None:
    add_config(httpx_mock)

    async with Client(APP, session_hash="S1") as client:
        fresh = client.reset_session()

    assert fresh is client.session
    assert fresh.session_hash != "S1"


def serve_joins(
    httpx_mock: HTTPXMock,
    on_join: Callable[[httpx.Request], Awaitable[httpx.Response]],
    feed: httpx.AsyncByteStream,
) -> None:
    """Mock every join with `on_join`, and session S1's data stream with `feed`."""
    httpx_mock.add_callback(
        on_join, method="POST", url=f"{APP}/gradio_api/queue/join", is_reusable=True
    )
    httpx_mock.add_response(
        method="GET",
        url=f"{APP}/gradio_api/queue/data?session_hash=S1",
        headers=EVENT_STREAM,
        stream=feed,
    )


class CompletionFeed(httpx.AsyncByteStream):
    """A data stream that completes each joined event, one message per join."""

    def __init__(self, expected: int) -> None:
        self.send, self.receive = anyio.create_memory_object_stream[str](expected)
        self.expected = expected

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for _ in range(self.expected):
            event_id = await self.receive.receive()
            completed = {
                "msg": "process_completed",
                "event_id": event_id,
                "output": {"data": [event_id]},
                "success": True,
            }
            yield f"data: {json.dumps(completed)}\n\n".encode()


async def test_joins_in_flight_never_exceed_the_limit(httpx_mock: HTTPXMock) -> None:
    add_config(httpx_mock)
    calls = 60
    feed = CompletionFeed(calls)
    in_flight = 0
    peak = 0

    async def on_join(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await anyio.sleep(0.002)
        in_flight -= 1
        event_id = "E-" + json.loads(request.content)["data"][0]
        await feed.send.send(event_id)
        return httpx.Response(200, json={"event_id": event_id})

    serve_joins(httpx_mock, on_join, feed)

    async with Client(APP, session_hash="S1", max_concurrent_joins=3) as client:
        with anyio.fail_after(10):
            jobs = [client.submit(1, str(n)) for n in range(calls)]
            results = [await job for job in jobs]
    feed.send.close()
    feed.receive.close()

    assert [result.value for result in results] == [f"E-{n}" for n in range(calls)]
    assert peak == 3


async def test_queued_submissions_cancelled_or_closed_are_never_sent(
    httpx_mock: HTTPXMock,
) -> None:
    add_config(httpx_mock)
    release = anyio.Event()

    async def on_join(request: httpx.Request) -> httpx.Response:
        await release.wait()
        return httpx.Response(200, json={"event_id": "E1"})

    httpx_mock.add_callback(
        on_join, method="POST", url=f"{APP}/gradio_api/queue/join", is_optional=True
    )

    async with Client(APP, max_concurrent_joins=1) as client:
        first = client.submit(1, "first")
        waiting = [client.submit(1, str(n)) for n in range(5)]
        await anyio.sleep(0.05)
        await waiting[0].cancel()
        with pytest.raises(JobCancelled, match="cancelled by the caller"):
            await waiting[0]
        # Closing ends the queued jobs at once and the join in flight too.
    with anyio.fail_after(1):
        for job in [first, *waiting[1:]]:
            with pytest.raises(JobCancelled, match="closed"):
                await job

    joins = [r for r in httpx_mock.get_requests() if r.url.path.endswith("/queue/join")]
    assert [json.loads(r.content)["data"] for r in joins] == [["first"]]


class ScriptedFeed(httpx.AsyncByteStream):
    """A data stream that sends whatever messages the test puts in, until closed."""

    def __init__(self) -> None:
        self.send, self.receive = anyio.create_memory_object_stream[dict[str, object]](100)

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with self.receive:
            async for message in self.receive:
                yield f"data: {json.dumps(message)}\n\n".encode()


async def test_jobs_waiting_in_the_app_queue_are_bounded(httpx_mock: HTTPXMock) -> None:
    # The app starts no job until the test sends process_starts, so every
    # joined job waits in its queue and only max_queued_jobs of them are sent.
    add_config(httpx_mock)
    feed = ScriptedFeed()
    joined: list[str] = []

    async def on_join(request: httpx.Request) -> httpx.Response:
        event_id = "E-" + json.loads(request.content)["data"][0]
        joined.append(event_id)
        return httpx.Response(200, json={"event_id": event_id})

    serve_joins(httpx_mock, on_join, feed)

    async with Client(APP, session_hash="S1", max_queued_jobs=3) as client:
        with anyio.fail_after(10):
            jobs = [client.submit(1, str(n)) for n in range(6)]
            await anyio.sleep(0.1)
            assert sorted(joined) == ["E-0", "E-1", "E-2"]

            await feed.send.send({"msg": "process_starts", "event_id": "E-1"})
            while len(joined) < 4:
                await anyio.sleep(0.01)
            await anyio.sleep(0.05)
            assert sorted(joined) == ["E-0", "E-1", "E-2", "E-3"]

            for n in range(6):
                if n > 3:
                    while len(joined) <= n:
                        await anyio.sleep(0.01)
                completed = {
                    "msg": "process_completed",
                    "event_id": f"E-{n}",
                    "output": {"data": [f"done {n}"]},
                    "success": True,
                }
                await feed.send.send(completed)
            results = [(await job).value for job in jobs]
        feed.send.close()

    assert results == [f"done {n}" for n in range(6)]
    assert sorted(joined) == [f"E-{n}" for n in range(6)]
