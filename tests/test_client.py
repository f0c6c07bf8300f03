"""Client behaviour around discovery, credentials and broken servers.

Discovery and happy paths reuse recorded transcripts; fault cases use
hand-written answers (named as such) because a real server does not produce
them on demand.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator

import anyio
import httpx
import pytest
from pytest_httpx import HTTPXMock

from gradio_raw import (
    AuthenticationError,
    Client,
    ConfigError,
    JobTimeout,
    JoinRejected,
    MalformedMessage,
    ProtocolError,
    RawMessage,
    SessionLost,
    SpaceNotFound,
    StreamEnded,
    Timeouts,
    UnsupportedProtocol,
)

from .replay import Replay, allow_heartbeat, body_bytes, find, load

pytestmark = pytest.mark.anyio

APP = "http://127.0.0.1:60903"
TOKEN = "hf_TestTokenValue1234567890"
EVENT_STREAM = {"content-type": "text/event-stream; charset=utf-8"}


def recorded_config() -> bytes:
    return body_bytes(find(load("echo"), "GET", "/config")[0])


def add_config(httpx_mock: HTTPXMock, base: str = APP) -> None:
    allow_heartbeat(httpx_mock)
    httpx_mock.add_response(method="GET", url=f"{base}/config", content=recorded_config())


def add_join(httpx_mock: HTTPXMock, event_id: str = "E1", base: str = APP) -> None:
    httpx_mock.add_response(
        method="POST", url=f"{base}/gradio_api/queue/join", json={"event_id": event_id}
    )


def add_stream(httpx_mock: HTTPXMock, text: str, session: str = "S1", base: str = APP) -> None:
    httpx_mock.add_response(
        method="GET",
        url=f"{base}/gradio_api/queue/data?session_hash={session}",
        headers=EVENT_STREAM,
        content=text.encode(),
    )


def sse(*messages: dict[str, object]) -> str:
    return "".join(f"data: {json.dumps(message)}\n\n" for message in messages)


COMPLETED = {
    "msg": "process_completed",
    "event_id": "E1",
    "output": {"data": ["HI"], "is_generating": False},
    "success": True,
}


async def test_mounted_app_uses_sub_path(httpx_mock: HTTPXMock) -> None:
    fixture = load("echo")
    replay = Replay(httpx_mock, {**fixture, "base_url": APP + "/app/", "exchanges": []})
    for exchange in fixture["exchanges"]:
        replay.add(exchange, optional=exchange["path"].endswith("/info"))

    async with Client(APP + "/app", session_hash=fixture["session_hash"]) as client:
        result = await client.predict("/echo", "hello", 3)

    assert client.base_url == APP + "/app/"
    assert result == ["hellohellohello"]
    assert all(request.url.path.startswith("/app/") for request in httpx_mock.get_requests())


@pytest.mark.parametrize("src", [APP, APP + "/", APP + "/?x=1"])
async def test_base_url_normalised(httpx_mock: HTTPXMock, src: str) -> None:
    add_config(httpx_mock)

    async with Client(src) as client:
        assert client.base_url == APP + "/"


async def test_space_id_resolved_through_hub(httpx_mock: HTTPXMock) -> None:
    hub = "http://127.0.0.1:9999"
    httpx_mock.add_response(
        method="GET", url=f"{hub}/api/spaces/owner/app/host", json={"host": APP}
    )
    httpx_mock.add_response(
        method="GET", url=f"{hub}/api/spaces/owner/app/runtime", json={"stage": "RUNNING"}
    )
    add_config(httpx_mock)

    async with Client("owner/app", hub_url=hub, hf_token=TOKEN) as client:
        assert client.base_url == APP + "/"

    host_request, runtime_request, config_request = httpx_mock.get_requests()
    assert host_request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert runtime_request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert config_request.headers["Authorization"] == f"Bearer {TOKEN}"


async def test_unknown_space_without_token(httpx_mock: HTTPXMock) -> None:
    hub = "http://127.0.0.1:9999"
    httpx_mock.add_response(
        method="GET",
        url=f"{hub}/api/spaces/owner/private-app/host",
        status_code=401,
        json={"error": "Invalid credentials in Authorization header"},
    )

    with pytest.raises(SpaceNotFound, match="pass hf_token"):
        async with Client("owner/private-app", hub_url=hub):
            pass


async def test_token_not_sent_to_redirect_target(httpx_mock: HTTPXMock) -> None:
    # 127.0.0.2 is another origin on loopback: a redirect there must lose the token.
    other = "http://127.0.0.2:60903"
    httpx_mock.add_response(
        method="GET", url=f"{APP}/config", status_code=302, headers={"Location": f"{other}/config"}
    )
    add_config(httpx_mock, other)

    async with Client(APP, hf_token=TOKEN):
        pass

    first, second = httpx_mock.get_requests()
    assert first.headers["Authorization"] == f"Bearer {TOKEN}"
    assert "Authorization" not in second.headers


async def test_config_401_names_auth_message(httpx_mock: HTTPXMock) -> None:
    # Hand-written: the body shape a Gradio app launched with auth= returns.
    httpx_mock.add_response(
        method="GET",
        url=f"{APP}/config",
        status_code=401,
        json={"detail": {"error": "Not authenticated", "auth_message": "Ask Alice"}},
    )

    with pytest.raises(AuthenticationError, match="Ask Alice") as caught:
        async with Client(APP):
            pass

    assert caught.value.raw is not None


async def test_config_html_page_is_config_error(httpx_mock: HTTPXMock) -> None:
    # Hand-written: a proxy's login page where the config should be.
    httpx_mock.add_response(
        method="GET",
        url=f"{APP}/config",
        headers={"content-type": "text/html"},
        content=b"<html><body>Sign in</body></html>",
    )

    with pytest.raises(ConfigError, match="not JSON") as caught:
        async with Client(APP):
            pass

    assert caught.value.raw == "<html><body>Sign in</body></html>"


async def test_config_404_is_config_error(httpx_mock: HTTPXMock) -> None:
    # Hand-written: no config route, and a login page without a config.
    httpx_mock.add_response(method="GET", url=f"{APP}/config", status_code=404, text="Not Found")
    httpx_mock.add_response(
        method="GET",
        url=f"{APP}/",
        headers={"content-type": "text/html"},
        text="<html>Login</html>",
    )

    with pytest.raises(ConfigError, match="HTTP 404"):
        async with Client(APP):
            pass


async def test_config_read_from_page(httpx_mock: HTTPXMock) -> None:
    # Hand-written page around a recorded config, as old Gradio apps serve it.
    httpx_mock.add_response(method="GET", url=f"{APP}/config", status_code=404, text="Not Found")
    page = (
        b"<html><head><script>window.gradio_config = "
        + recorded_config()
        + b";</script></head><body></body></html>"
    )
    httpx_mock.add_response(
        method="GET", url=f"{APP}/", headers={"content-type": "text/html"}, content=page
    )
    allow_heartbeat(httpx_mock)

    async with Client(APP) as client:
        assert client.config.version == "6.31.0"


async def test_unknown_protocol_unsupported(httpx_mock: HTTPXMock) -> None:
    # Hand-written: a protocol name no Gradio release has announced.
    httpx_mock.add_response(
        method="GET",
        url=f"{APP}/config",
        json={"version": "9.0.0", "protocol": "sse_v9", "components": [], "dependencies": []},
    )

    with pytest.raises(UnsupportedProtocol) as caught:
        async with Client(APP):
            pass

    assert caught.value.protocol == "sse_v9"
    assert "sse_v3" in str(caught.value)
    assert "9.0.0" in str(caught.value)


async def test_unknown_message_kind_is_raw_event(
    httpx_mock: HTTPXMock, caplog: pytest.LogCaptureFixture
) -> None:
    add_config(httpx_mock)
    add_join(httpx_mock)
    future = {"msg": "some_future_message", "event_id": "E1", "extra": 1}
    add_stream(httpx_mock, sse({"msg": "heartbeat", "event_id": None}, future, COMPLETED))
    caplog.set_level(logging.DEBUG, logger="gradio_raw")

    async with Client(APP, session_hash="S1") as client:
        events = [event async for event in client.submit(1, "hi")]

    raw = [event for event in events if isinstance(event, RawMessage)]
    assert [event.msg for event in raw] == ["some_future_message"]
    assert raw[0].payload["extra"] == 1
    assert "some_future_message" in caplog.text


async def test_join_error_status_keeps_body(httpx_mock: HTTPXMock) -> None:
    add_config(httpx_mock)
    httpx_mock.add_response(
        method="POST",
        url=f"{APP}/gradio_api/queue/join",
        status_code=500,
        text="Internal Server Error",
    )

    async with Client(APP) as client:
        with pytest.raises(JoinRejected) as caught:
            await client.predict(1, "hi")

    assert caught.value.status_code == 500
    assert caught.value.raw == "Internal Server Error"
    assert "HTTP 500" in str(caught.value)


async def test_join_without_event_id_is_protocol_error(httpx_mock: HTTPXMock) -> None:
    add_config(httpx_mock)
    httpx_mock.add_response(method="POST", url=f"{APP}/gradio_api/queue/join", json={"ok": 1})

    async with Client(APP) as client:
        with pytest.raises(ProtocolError, match="event_id") as caught:
            await client.predict(1, "hi")

    assert caught.value.raw == '{"ok":1}'


async def test_malformed_message_fails_only_job(httpx_mock: HTTPXMock) -> None:
    add_config(httpx_mock)
    add_join(httpx_mock)
    add_stream(httpx_mock, "data: {not json\n\n" + sse(COMPLETED))

    async with Client(APP, session_hash="S1") as client:
        with pytest.raises(MalformedMessage) as caught:
            await client.predict(1, "hi")

    assert caught.value.raw == "{not json"


async def test_stream_ending_early_fails_job(httpx_mock: HTTPXMock) -> None:
    add_config(httpx_mock)
    add_join(httpx_mock)
    started = sse({"msg": "process_starts", "event_id": "E1", "eta": None})
    add_stream(httpx_mock, started)
    # Hand-written: the reopened streams carry nothing for the job.
    for _ in range(2):
        add_stream(httpx_mock, "")

    async with Client(APP, session_hash="S1") as client:
        with pytest.raises(StreamEnded) as caught:
            await client.predict(1, "hi")

    assert caught.value.may_have_run
    assert "3 times in a row" in str(caught.value)


async def test_unknown_session_stream_404(httpx_mock: HTTPXMock) -> None:
    add_config(httpx_mock)
    add_join(httpx_mock)
    httpx_mock.add_response(
        method="GET",
        url=f"{APP}/gradio_api/queue/data?session_hash=S1",
        status_code=404,
        json={"detail": "Session not found."},
    )

    async with Client(APP, session_hash="S1") as client:
        with pytest.raises(SessionLost, match="sticky sessions"):
            await client.predict(1, "hi")


async def test_session_error_fails_all_pending(httpx_mock: HTTPXMock) -> None:
    add_config(httpx_mock)
    add_join(httpx_mock, "E1")
    add_join(httpx_mock, "E2")
    stopped = {
        "msg": "unexpected_error",
        "message": "Server stopped unexpectedly.",
        "success": False,
    }
    add_stream(httpx_mock, sse(stopped))

    async with Client(APP, session_hash="S1") as client:
        first = client.submit(1, "a")
        second = client.submit(1, "b")
        for job in (first, second):
            with pytest.raises(StreamEnded, match="Server stopped unexpectedly"):
                await job


async def test_late_frames_for_unknown_event_dropped(httpx_mock: HTTPXMock) -> None:
    # A completion for an event this client never joined (its join timed out
    # earlier, say) must not disturb the job that is pending.
    add_config(httpx_mock)
    add_join(httpx_mock, "E2")
    stale = {**COMPLETED, "event_id": "E1", "output": {"data": ["stale"]}}
    fresh = {**COMPLETED, "event_id": "E2", "output": {"data": ["fresh"]}}
    add_stream(httpx_mock, sse(stale, fresh))

    async with Client(APP, session_hash="S1") as client:
        result = await client.predict(1, "x")

    assert result == ["fresh"]


async def test_job_deadline_cancels_on_server(httpx_mock: HTTPXMock) -> None:
    add_config(httpx_mock)
    add_join(httpx_mock)
    cancelled = anyio.Event()

    class Heartbeats(httpx.AsyncByteStream):
        # Hand-written: a job that starts and then only sends heartbeats.
        async def __aiter__(self) -> AsyncIterator[bytes]:
            yield sse({"msg": "process_starts", "event_id": "E1", "eta": None}).encode()
            while not cancelled.is_set():
                yield sse({"msg": "heartbeat", "event_id": None}).encode()
                await anyio.sleep(0.05)

    httpx_mock.add_response(
        method="GET",
        url=f"{APP}/gradio_api/queue/data?session_hash=S1",
        headers=EVENT_STREAM,
        stream=Heartbeats(),
    )

    def on_cancel(request: httpx.Request) -> httpx.Response:
        cancelled.set()
        return httpx.Response(200, json={"success": True})

    httpx_mock.add_callback(on_cancel, method="POST", url=f"{APP}/gradio_api/cancel")

    async with Client(APP, session_hash="S1", timeouts=Timeouts(job=0.5)) as client:
        with anyio.fail_after(5):
            with pytest.raises(JobTimeout) as caught:
                await client.predict(1, "hi")

    assert caught.value.may_have_run
    assert cancelled.is_set()


async def test_token_never_logged(httpx_mock: HTTPXMock, caplog: pytest.LogCaptureFixture) -> None:
    add_config(httpx_mock)
    add_join(httpx_mock)
    # Hand-written: an app that echoes the token back in its output.
    echoed = {**COMPLETED, "output": {"data": [f"your token is {TOKEN}"]}}
    add_stream(httpx_mock, sse(echoed))
    caplog.set_level(logging.DEBUG, logger="gradio_raw")

    async with Client(APP, session_hash="S1", hf_token=TOKEN) as client:
        await client.predict(1, "hi")
        logging.getLogger("gradio_raw").debug("header was Bearer %s", TOKEN)

    assert caplog.records
    assert TOKEN not in caplog.text
    assert all(TOKEN not in record.getMessage() for record in caplog.records)
