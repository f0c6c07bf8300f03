"""Call flows where one job has a connection of its own.

The multiplexed queue of Gradio 4.9 and later lives in `_session.py`. This
module contains the others, each feeding the job's messages to its state machine:

- `run_direct`: `POST <prefix>run/predict`, for events outside the queue;
- `run_sse`: Gradio 4.0 to 4.8, a GET stream per job that asks for the data;
- `run_ws`: Gradio 3.x, a websocket per job (needs the `ws` extra);
- `run_call`: the `/call/<api_name>` REST route, for proxies that break the
  queue stream.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import AsyncIterator
from contextlib import aclosing, asynccontextmanager
from typing import TYPE_CHECKING, Any

import anyio
import httpx
from httpx_sse import EventSource

from ._endpoints import Endpoint
from ._exceptions import (
    JoinRejected,
    MalformedMessage,
    ProtocolError,
    RequestFailed,
    StreamEnded,
    UnsupportedProtocol,
    shorten,
)
from ._http import describe_status, limit_stream, request_json
from ._machine import parse_message

if TYPE_CHECKING:
    from ._job import Job
    from ._session import Session

__all__ = ["run_call", "run_direct", "run_sse", "run_ws"]

logger = logging.getLogger("gradio_raw")

# Seconds to wait for the server to end a response after the job completed.
_CLOSE_GRACE = 5.0
_MAX_WS_MESSAGE = 64 * 1024 * 1024


@asynccontextmanager
async def _open_event_stream(
    session: Session,
    url: str,
    params: dict[str, str] | None,
    error_type: type[RequestFailed],
    failure: str,
) -> AsyncIterator[httpx.Response]:
    """Open an event stream of the app; raise `error_type` for a non-200 status."""
    client = session.client
    async with client._http.stream(
        "GET",
        url,
        params=params,
        headers={**client.headers, "Accept": "text/event-stream"},
        auth=client._auth or httpx.USE_CLIENT_DEFAULT,
        timeout=client.timeouts.for_stream(),
    ) as response:
        if response.status_code != 200:
            body = (await response.aread()).decode("utf-8", "replace")
            raise error_type(
                f"{failure} with HTTP {response.status_code}: {describe_status(response, body)}",
                status_code=response.status_code,
                url=url,
                raw=body,
            )
        yield response


async def run_direct(session: Session, job: Job, endpoint: Endpoint, data: list[Any]) -> bool:
    """Call a non-queued event; return False when the app wants it queued instead."""
    client = session.client
    url = client._api_url("run/predict")
    body = {
        "data": data,
        "fn_index": endpoint.fn_index,
        "session_hash": session.session_hash,
        "event_data": None,
    }
    response, text = await client._post_api(url, body, what="the direct call response")
    status = response.status_code
    if status == 404 and "queue" in text.lower():
        # Apps on Spaces refuse direct calls to queued events ("join the
        # queue to use this API"); the queue serves them instead.
        logger.debug("The app rejected a direct call to %s; using its queue", endpoint.name)
        return False

    try:
        output = json.loads(text)
    except ValueError:
        output = None
    if status == 200 and isinstance(output, dict):
        session._deliver(job, {"msg": "process_completed", "output": output, "success": True})
        return True
    if status == 500 and isinstance(output, dict) and "error" in output:
        session._deliver(job, {"msg": "process_completed", "output": output, "success": False})
        return True
    raise JoinRejected(
        f"The app rejected the direct call to {endpoint.name} with HTTP {status}: "
        f"{describe_status(response, text)}",
        status_code=status,
        url=url,
        raw=text,
    )


async def run_sse(session: Session, job: Job, endpoint: Endpoint, data: list[Any]) -> None:
    """Gradio 4.0 to 4.8: stream `queue/join`, and post the data on the server's `send_data`."""
    client = session.client
    url = client._api_url("queue/join")
    params = {"fn_index": str(endpoint.fn_index), "session_hash": session.session_hash}

    async def send_data(message: dict[str, Any]) -> None:
        event_id = message.get("event_id")
        job.event_id = event_id if isinstance(event_id, str) else None
        response, text = await request_json(
            client._http,
            "POST",
            client._api_url("queue/data"),
            what="the data upload response",
            auth=client._auth,
            headers=client.headers,
            timeout=client.timeouts.for_requests(),
            json_body={
                "data": data,
                "event_data": None,
                "fn_index": endpoint.fn_index,
                "session_hash": session.session_hash,
                "event_id": job.event_id,
            },
        )
        if response.status_code != 200:
            raise JoinRejected(
                f"The app rejected the data for {endpoint.name} with HTTP "
                f"{response.status_code}: {describe_status(response, text)}",
                status_code=response.status_code,
                raw=text,
            )

    await _read_job_stream(session, job, url, params, send_data)


async def _read_job_stream(
    session: Session,
    job: Job,
    url: str,
    params: dict[str, str],
    on_send_data: Any,
) -> None:
    client = session.client
    try:
        async with _open_event_stream(
            session, url, params, JoinRejected, "The app rejected the job stream"
        ) as response:
            with anyio.CancelScope() as scope:
                limited = limit_stream(response, client.max_message_size, scope)
                async with aclosing(EventSource(response).aiter_sse()) as messages:
                    async for sse in messages:
                        if not sse.data:
                            continue
                        message = parse_message(sse.data)
                        kind = message["msg"]
                        if kind == "send_data":
                            await on_send_data(message)
                        elif kind not in ("heartbeat", "close_stream"):
                            session._deliver(job, message)
                        if job.done and scope.deadline == math.inf:
                            scope.deadline = anyio.current_time() + _CLOSE_GRACE
            if limited is not None and limited.error is not None:
                raise limited.error
    except httpx.TimeoutException:
        raise StreamEnded(
            f"The job stream was silent for {client.timeouts.stream_idle} s.",
            may_have_run=job.started,
        ) from None
    except httpx.HTTPError as exc:
        if not job.done:
            raise StreamEnded(
                f"The job stream broke: {type(exc).__name__}: {exc or 'no detail'}",
                may_have_run=job.started,
            ) from exc
    if not job.done:
        raise StreamEnded(
            "The job stream ended before the job completed.", may_have_run=job.started
        )


async def run_ws(session: Session, job: Job, endpoint: Endpoint, data: list[Any]) -> None:
    """Run a job over its own websocket (Gradio 3.x).

    The client sends the session hash on the server's `send_hash` message and
    the inputs on its `send_data` message.
    """
    try:
        from httpx_ws import (
            AsyncWebSocketSession,
            WebSocketDisconnect,
            WebSocketUpgradeError,
            aconnect_ws,
        )
    except ImportError:
        raise UnsupportedProtocol(
            f"The app at {session.client.base_url} runs Gradio "
            f"{session.client.config.version} and speaks the 'ws' (websocket) protocol; "
            "install the extra with: pip install 'gradio-raw[ws]'",
            protocol="ws",
            version=session.client.config.version,
        ) from None

    client = session.client
    # httpx-ws takes the http(s) URL and upgrades the connection itself.
    url = client._api_url("queue/join")
    hello = {"fn_index": endpoint.fn_index, "session_hash": session.session_hash}
    idle = client.timeouts.stream_idle
    try:
        socket: AsyncWebSocketSession
        async with aconnect_ws(
            url,
            client._http,
            headers=client.headers,
            auth=client._auth or httpx.USE_CLIENT_DEFAULT,
            # Gradio 3 sends images inline as base64, far above the default.
            max_message_size_bytes=_MAX_WS_MESSAGE,
        ) as socket:
            while not job.done:
                with anyio.fail_after(idle if idle is not None else math.inf):
                    text = await socket.receive_text()
                message = parse_message(text)
                kind = message["msg"]
                if kind == "send_hash":
                    await socket.send_json(hello)
                elif kind == "send_data":
                    await socket.send_json({**hello, "data": data, "event_data": None})
                else:
                    session._deliver(job, message)
    except TimeoutError:
        raise StreamEnded(
            f"The websocket was silent for {idle} s.", may_have_run=job.started
        ) from None
    except WebSocketDisconnect as exc:
        if not job.done:
            raise StreamEnded(
                f"The websocket closed before the job completed (code {exc.code}).",
                may_have_run=job.started,
            ) from None
    except WebSocketUpgradeError as exc:
        response = exc.response
        raise RequestFailed(
            f"The app rejected the websocket at {url} with HTTP {response.status_code}.",
            status_code=response.status_code,
            url=url,
            raw=response.text if response.is_stream_consumed else None,
        ) from None
    except httpx.HTTPError as exc:
        raise RequestFailed(
            f"Could not open the websocket at {url}: {type(exc).__name__}: {exc}", url=url
        ) from exc


async def run_call(session: Session, job: Job, endpoint: Endpoint, data: list[Any]) -> None:
    """Use the REST route: `POST <prefix>call/<name>`, then read its named events."""
    client = session.client
    if endpoint.api_name is None:
        raise ProtocolError(
            f"The /call route needs an api name, and {endpoint.name} has none; "
            "use the queue transport."
        )
    name = endpoint.api_name.lstrip("/")
    body: dict[str, Any] = {"data": data}
    # Before Gradio 6.25 the read side found the session by event id, so a
    # caller-chosen session hash made results unreadable.
    if client.config.version_tuple >= (6, 25):
        body["session_hash"] = session.session_hash
    url = client._api_url(f"call/{name}")
    response, text = await client._post_api(url, body, what="the call response")
    try:
        event_id = json.loads(text)["event_id"]
    except (ValueError, KeyError, TypeError):
        event_id = None
    if response.status_code != 200 or not isinstance(event_id, str):
        raise JoinRejected(
            f"The app rejected the call to {endpoint.name} with HTTP {response.status_code}: "
            f"{describe_status(response, text)}",
            status_code=response.status_code,
            url=url,
            raw=text,
        )
    job.event_id = event_id
    if job.machine is not None:
        # The REST route always sends whole values, never diffs.
        job.machine.diffs = False
    await _read_call_events(session, job, client._api_url(f"call/{name}/{event_id}"))


async def _read_call_events(session: Session, job: Job, url: str) -> None:
    client = session.client
    try:
        async with _open_event_stream(
            session, url, None, RequestFailed, "Reading the call events failed"
        ) as response:
            with anyio.CancelScope() as scope:
                limited = limit_stream(response, client.max_message_size, scope)
                async with aclosing(EventSource(response).aiter_sse()) as events:
                    async for sse in events:
                        _deliver_call_event(session, job, sse.event, sse.data)
            if limited is not None and limited.error is not None:
                raise limited.error
    except httpx.TimeoutException:
        raise StreamEnded(
            f"The call events were silent for {client.timeouts.stream_idle} s.",
            may_have_run=True,
        ) from None
    except httpx.HTTPError as exc:
        if not job.done:
            raise StreamEnded(
                f"The call events broke: {type(exc).__name__}: {exc or 'no detail'}",
                may_have_run=True,
            ) from exc
    if not job.done:
        raise StreamEnded(
            "The call events ended without a complete or error event.", may_have_run=True
        )


def _deliver_call_event(session: Session, job: Job, event: str, text: str) -> None:
    if event == "heartbeat" or job.done:
        return
    try:
        value = json.loads(text) if text else None
    except ValueError:
        raise MalformedMessage(
            f"Expected JSON in the '{event}' event of the call route.", raw=text
        ) from None

    if event == "generating" and isinstance(value, list):
        session._deliver(job, {"msg": "process_generating", "output": {"data": value}})
    elif event == "complete" and isinstance(value, list):
        session._deliver(
            job, {"msg": "process_completed", "output": {"data": value}, "success": True}
        )
    elif event == "error":
        # Gradio 6.13+ sends the error object; earlier ones send null, and
        # stream-level failures send a JSON string such as "404: Not Found".
        if isinstance(value, dict):
            output = value
        else:
            output = {"error": value if isinstance(value, str) else None}
        session._deliver(job, {"msg": "process_completed", "output": output, "success": False})
    else:
        logger.debug("Ignoring call event %r: %s", event, shorten(text, 200))
