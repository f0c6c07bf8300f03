"""A session: one `session_hash`, its jobs, and the one data stream that carries them.

The server keeps State and pending messages per session, and one
`GET <prefix>queue/data?session_hash=...` stream delivers the messages of every
job of the session. The reader runs while the session has jobs pending; when
the server ends the stream (`close_stream`, or EOF on older protocols) and
jobs joined since are still pending, it opens a new stream for them.

Server-side rules the reader obeys: closing a stream while jobs are pending
cancels those jobs on the server, and a session the server has dropped cannot
be resumed.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Awaitable, Callable
from contextlib import aclosing
from typing import TYPE_CHECKING, Any

import anyio
import httpx
from httpx_sse import EventSource

from ._endpoints import Endpoint
from ._exceptions import (
    ArgumentError,
    GradioRawError,
    JobCancelled,
    JoinRejected,
    MalformedMessage,
    MessageTooLarge,
    ProtocolError,
    QueueFull,
    RequestFailed,
    SessionLost,
    StreamEnded,
    ValidationFailed,
    shorten,
)
from ._files import legacy_image_inputs, mark_file_strings
from ._flows import run_call, run_direct, run_sse, run_ws
from ._http import backoff_delay, describe_status, limit_stream, watch_idle
from ._job import Job
from ._machine import JobMachine, parse_message
from ._transfer import upload_inputs
from ._types import Result

if TYPE_CHECKING:
    from ._client import Client

__all__ = ["Session"]

logger = logging.getLogger("gradio_raw")

# Messages that arrive for an event id whose join response has not been read
# yet are held back, up to this many in all.
_EARLY_MESSAGE_LIMIT = 10_000

# Seconds to wait for the server to end the response after close_stream.
_CLOSE_GRACE = 5.0

# A stream that ends this many times in a row without finishing any pending
# job means the server has lost those jobs; reopening waits a little longer
# each time.
_MAX_STALLED_STREAMS = 3
_REOPEN_PAUSE = 0.1


def _dump(message: dict[str, Any]) -> str:
    try:
        return json.dumps(message)
    except (ValueError, TypeError, RecursionError):
        return repr(message)


def _validation_messages(text: str) -> str:
    """Return the per-parameter messages of a Gradio 5.45+ validator rejection, or ``""``."""
    try:
        detail = json.loads(text).get("detail")
    except (ValueError, AttributeError):
        return ""
    if not isinstance(detail, list):
        return ""
    messages = [
        f"{item.get('parameter_name') or 'input'}: {item.get('message') or 'invalid'}"
        for item in detail
        if isinstance(item, dict)
        and item.get("__type__") == "validate"
        and not item.get("is_valid")
    ]
    return "; ".join(messages)


class Session:
    """One server-side session: shared State, one data stream for all its jobs.

    Get the client's default session as `client.session`, or a new independent
    one with `client.new_session()`. Sessions share the client's connections,
    config and API info.
    """

    def __init__(self, client: Client, session_hash: str) -> None:
        self.client = client
        self.session_hash = session_hash
        self._jobs: dict[str, Job] = {}
        self._joining = 0
        self._joining_jobs: set[Job] = set()
        self._early: dict[str, list[dict[str, Any]]] = {}
        self._early_count = 0
        self._reader_running = False
        # Set when the server sends close_stream, so the reader stops reading.
        self._stream_closed = False
        self._heartbeat_scope: anyio.CancelScope | None = None
        # Jobs finished through this session, to tell a stream that made
        # progress from one that did not.
        self._finished = 0

    def __repr__(self) -> str:
        return f"<Session {self.session_hash} pending={len(self._jobs)}>"

    @property
    def pending(self) -> int:
        """The number of jobs joined and not yet finished."""
        return len(self._jobs)

    def submit(self, endpoint: str | int, /, *args: Any, **kwargs: Any) -> Job:
        """Start a call in the background and return its `Job` at once.

        `endpoint` is an api name (`"/infer"`) or an `fn_index`. Errors (an
        unknown endpoint, a rejected join) surface when the job is awaited or
        iterated.
        """
        timeouts = self.client.timeouts
        now = anyio.current_time()
        job = Job(
            self,
            endpoint,
            args,
            kwargs,
            deadline=math.inf if timeouts.job is None else now + timeouts.job,
            queue_deadline=math.inf if timeouts.queue is None else now + timeouts.queue,
        )
        self.client._enqueue(self, job)
        return job

    async def predict(self, endpoint: str | int, /, *args: Any, **kwargs: Any) -> Result:
        """Call the endpoint and return its outputs.

        Cancelling the caller (an anyio cancel scope or timeout around this
        call) cancels the job on the server too.
        """
        job = self.submit(endpoint, *args, **kwargs)
        try:
            return await job.result()
        except BaseException:
            if not job.done:
                with anyio.CancelScope(shield=True):
                    await job.cancel()
            raise

    # The life of a job.

    async def _run_job(self, job: Job) -> None:
        await self._guarded(job, self._prepare, job)

    async def _guarded(self, job: Job, step: Callable[..., Awaitable[None]], *args: Any) -> None:
        try:
            await step(*args)
        except GradioRawError as exc:
            job.finish(error=exc)
        except anyio.get_cancelled_exc_class():
            # Only the client's closing cancels these tasks.
            job.finish(error=JobCancelled("The client was closed."))
            raise
        except Exception as exc:  # a bug here must reach the caller, not the task group
            logger.exception("Unexpected error while submitting %r", job)
            job.finish(error=exc)

    async def _prepare(self, job: Job) -> None:
        client = self.client
        keywords = tuple(job.kwargs)
        endpoint = await client._resolve(job.target, len(job.args), keywords)
        job.endpoint = endpoint
        data = endpoint.bind(job.args, job.kwargs)
        data = await upload_inputs(client, mark_file_strings(endpoint, data), job.push)
        if client.config.protocol == "ws":
            data = legacy_image_inputs(endpoint, data)
        job.machine = JobMachine(endpoint, client._decoder, diffs=client.config.diffs)

        route = client._route_for(endpoint)
        if route == "queue":
            await self._join(job, endpoint, data)
        elif client._closing:
            raise JobCancelled("The client was closed.")
        else:
            # Such a job keeps its connection open while the app works, so it
            # runs in a task of its own instead of taking a submission slot.
            if route == "direct":
                job.leave_queue()  # there is no queue to wait in
            client._start_soon(self._guarded, job, self._run_elsewhere, job, route, endpoint, data)

    async def _run_elsewhere(
        self, job: Job, route: str, endpoint: Endpoint, data: list[Any]
    ) -> None:
        if route == "direct":
            if await run_direct(self, job, endpoint, data):
                return
            route = self.client._queue_route()
        if route == "queue":
            await self._join(job, endpoint, data)
        else:
            await self._run_own_connection(job, route, endpoint, data)

    async def _join(self, job: Job, endpoint: Endpoint, data: list[Any]) -> None:
        body = {
            "data": data,
            "event_data": None,
            "fn_index": endpoint.fn_index,
            "trigger_id": None,
            "session_hash": self.session_hash,
        }
        self._joining += 1
        self._joining_jobs.add(job)
        try:
            if job.cancel_requested:
                raise JobCancelled("The job was cancelled before it was sent.")
            # Shielded, so that a caller's cancellation cannot lose the event
            # id of a job the server has already queued.
            with anyio.CancelScope(shield=True) as scope:
                job.join_scope = scope
                try:
                    event_id = await self._post_join(body, endpoint.name)
                except TypeError as exc:
                    # httpx serialises the body; a value JSON cannot represent
                    # fails here, before anything is sent.
                    raise ArgumentError(
                        f"Endpoint {endpoint.name} received a value that is not JSON: {exc}"
                    ) from None
            if scope.cancelled_caught:
                # The client closed while the join was in flight; the job has
                # already ended with JobCancelled.
                return
            self._register(job, event_id)
        finally:
            self._joining -= 1
            self._joining_jobs.discard(job)
            if self._joining == 0 and self._early:
                dropped = sum(len(messages) for messages in self._early.values())
                logger.debug("Dropping %d messages for unknown event ids", dropped)
                self._early.clear()
                self._early_count = 0

        if job.cancel_requested:
            await self.cancel_job(job, JobCancelled("The job was cancelled by the caller."))

    async def _run_own_connection(
        self, job: Job, route: str, endpoint: Endpoint, data: list[Any]
    ) -> None:
        flows = {"sse": run_sse, "ws": run_ws, "call": run_call}
        with anyio.CancelScope() as scope:
            job.flow_scope = scope
            if job.cancel_requested:
                raise JobCancelled("The job was cancelled before it was sent.")
            await flows[route](self, job, endpoint, data)

    async def _post_join(self, body: dict[str, Any], name: str) -> str:
        client = self.client
        url = client._api_url("queue/join")
        response, text = await client._post_api(url, body, what="the join response")
        status = response.status_code
        if status == 503 and "full" in text.lower():
            raise QueueFull(
                f"The app's queue is full; {name} was not accepted. Retry later. "
                f"Server said: {describe_status(response, text)}",
                status_code=status,
                url=url,
                raw=text,
            )
        if status == 422:
            validation = _validation_messages(text)
            if validation:
                raise ValidationFailed(
                    f"The app's validator rejected the inputs of {name}: {validation}",
                    status_code=status,
                    url=url,
                    raw=text,
                )
        if status != 200:
            raise JoinRejected(
                f"The app rejected the join request for {name} with HTTP {status}: "
                f"{describe_status(response, text)}",
                status_code=status,
                url=url,
                raw=text,
            )
        try:
            event_id = json.loads(text)["event_id"]
        except (ValueError, KeyError, TypeError):
            event_id = None
        if not isinstance(event_id, str):
            raise ProtocolError(
                f'Expected {{"event_id": ...}} in the response to the join request for {name}, '
                f"received: {shorten(text, 200)}",
                raw=text,
            )
        return event_id

    def _register(self, job: Job, event_id: str) -> None:
        job.event_id = event_id
        if self.client._closing:
            job.finish(error=JobCancelled("The client was closed."))
            return
        assert job.machine is not None
        job.machine.event_id = event_id
        self._jobs[event_id] = job

        for message in self._early.pop(event_id, []):
            self._early_count -= 1
            self._deliver(job, message)
        if not self._reader_running and self._jobs:
            self._reader_running = True
            self.client._start_soon(self._read_streams)
        if self._heartbeat_scope is None and self.client.config.connect_heartbeat:
            self._heartbeat_scope = anyio.CancelScope()
            self.client._start_soon(self._hold_heartbeat, self._heartbeat_scope)

    def close_heartbeat(self) -> None:
        """Stop holding the session's heartbeat, so the server may end the session."""
        if self._heartbeat_scope is not None:
            self._heartbeat_scope.cancel()

    async def _hold_heartbeat(self, scope: anyio.CancelScope) -> None:
        # While this stream is open the server counts the session as live and
        # keeps its State; when it closes the server runs the app's unload
        # events. It is reopened with backoff if it drops.
        client = self.client
        url = client._api_url(f"heartbeat/{self.session_hash}")
        failures = 0
        with scope:
            while True:
                try:
                    async with client._http.stream(
                        "GET",
                        url,
                        headers=client.headers,
                        auth=client._auth or httpx.USE_CLIENT_DEFAULT,
                        timeout=client.timeouts.for_stream(),
                    ) as response:
                        if response.status_code == 404:
                            logger.info("The app has no heartbeat route at %s", url)
                            return
                        async for _ in response.aiter_bytes():
                            failures = 0
                except httpx.HTTPError as exc:
                    logger.debug("The heartbeat of session %s dropped: %s", self.session_hash, exc)
                failures += 1
                await anyio.sleep(backoff_delay(min(failures, 6)))

    async def cancel_job(self, job: Job, reason: GradioRawError) -> None:
        """End `job` with `reason` and ask the server to stop it."""
        if job.done:
            return
        event_id = job.event_id
        endpoint = job.endpoint
        if event_id is not None:
            self._jobs.pop(event_id, None)
        job.finish(error=reason)
        if job.flow_scope is not None:
            # A job with a connection of its own: closing it stops the job on
            # the server (Gradio 3 and 4.0 to 4.8 have nothing else).
            job.flow_scope.cancel()
        if event_id is None or endpoint is None:
            return

        self._fail_siblings(job)
        await self.client._send_cancel(self.session_hash, endpoint.fn_index, event_id)

    def _fail_siblings(self, job: Job) -> None:
        # The server's cancel stops every running job of this endpoint in this
        # session, and those jobs never receive a completion message.
        for event_id, other in list(self._jobs.items()):
            if other.fn_index == job.fn_index and other.started:
                self._jobs.pop(event_id, None)
                other.finish(
                    error=JobCancelled(
                        f"The server stopped this job on {other.target} because another "
                        "running job of the same endpoint in the same session was "
                        "cancelled. Use client.new_session() for jobs that must be "
                        "cancelled on their own."
                    )
                )

    # The data stream.

    async def _read_streams(self) -> None:
        stalled = 0
        try:
            while self._jobs and stalled < _MAX_STALLED_STREAMS:
                finished_before = self._finished
                await self._read_one_stream()
                stalled = 0 if self._finished > finished_before else stalled + 1
                if self._jobs and stalled:
                    # The server ended the stream while jobs are pending here:
                    # they joined after it decided to close, or it lost them.
                    await anyio.sleep(_REOPEN_PAUSE * stalled)
            if self._jobs:
                lost = (
                    f"The data stream ended {stalled} times in a row without finishing "
                    "this job; the server has lost it."
                )
                self._fail_all(lambda job: StreamEnded(lost, may_have_run=job.started))
        except Exception as exc:
            logger.exception("The data stream reader failed")
            failure = f"The data stream reader failed: {type(exc).__name__}: {exc}"
            self._fail_all(lambda job: StreamEnded(failure, may_have_run=job.started))
        finally:
            self._reader_running = False
            # A job may have joined while the reader was finishing.
            if self._jobs and not self.client._closing:
                self._reader_running = True
                self.client._start_soon(self._read_streams)

    async def _read_one_stream(self) -> int:
        """Read one data stream to its end; return how many job messages it carried."""
        client = self.client
        url = client._api_url("queue/data")
        delivered = 0
        logger.debug("Opening the data stream of session %s", self.session_hash)
        try:
            async with client._http.stream(
                "GET",
                url,
                params={"session_hash": self.session_hash},
                headers={
                    **client.headers,
                    "Accept": "text/event-stream",
                    "Cache-Control": "no-store",
                },
                auth=client._auth or httpx.USE_CLIENT_DEFAULT,
                timeout=client.timeouts.for_stream(),
            ) as response:
                if not self._check_stream_response(response, await self._peek_error(response)):
                    return 0
                # The stream is read to its end rather than left with `break`:
                # a generator chain abandoned midway is finalized by the garbage
                # collector, which trio reports as a ResourceWarning. After
                # close_stream the server ends the response at once; the
                # deadline covers one that does not.
                with anyio.CancelScope() as scope:
                    limited = limit_stream(response, client.max_message_size, scope)
                    silence = watch_idle(response, limited, client.timeouts.stream_idle)
                    with silence:
                        async with aclosing(EventSource(response).aiter_sse()) as messages:
                            async for sse in messages:
                                if sse.data:
                                    delivered += self._dispatch(sse.data)
                                if self._stream_closed and scope.deadline == math.inf:
                                    scope.deadline = anyio.current_time() + _CLOSE_GRACE
                if limited is not None and limited.error is not None:
                    raise limited.error
                if silence.cancelled_caught:
                    raise httpx.ReadTimeout("silent stream", request=response.request)
        except MessageTooLarge as exc:
            # The stream cannot be resynchronised after an oversized message.
            too_large = exc
            self._fail_all(lambda job: too_large)
        except httpx.TimeoutException:
            idle = client.timeouts.stream_idle
            self._fail_all(
                lambda job: StreamEnded(
                    f"The data stream was silent for {idle} s, without even a heartbeat; "
                    "the server or a proxy stopped sending. The server may still run the "
                    "job."
                    if job.started
                    else f"The data stream was silent for {idle} s, without even a heartbeat.",
                    may_have_run=job.started,
                )
            )
        except httpx.HTTPError as exc:
            broke = (
                f"The data stream broke before the job completed: {type(exc).__name__}: "
                f"{exc or 'no detail'}. The server cancels jobs whose stream closes, "
            )
            self._fail_all(
                lambda job: StreamEnded(
                    broke
                    + (
                        "but this one had started and may have partly run."
                        if job.started
                        else "and this one had not started."
                    ),
                    may_have_run=job.started,
                )
            )
        finally:
            self._stream_closed = False
        return delivered

    async def _peek_error(self, response: httpx.Response) -> str:
        if response.status_code == 200:
            return ""
        await response.aread()
        return response.text

    def _check_stream_response(self, response: httpx.Response, body: str) -> bool:
        status = response.status_code
        if status == 404 and "session" in body.lower():
            self._fail_all(
                lambda job: SessionLost(
                    "The server does not know this session (HTTP 404). Behind several "
                    "replicas this means the load balancer sent the stream to another "
                    "replica: enable sticky sessions.",
                    may_have_run=job.started,
                    raw=body,
                )
            )
            return False
        if status != 200:
            self._fail_all(
                lambda job: RequestFailed(
                    f"The data stream request failed with HTTP {status}: "
                    f"{describe_status(response, body)}",
                    status_code=status,
                    url=str(response.url),
                    raw=body,
                )
            )
            return False
        content_type = response.headers.get("content-type", "")
        if "text/event-stream" not in content_type:
            self._fail_all(
                lambda job: ProtocolError(
                    f"Expected a text/event-stream response on the data stream, received "
                    f"'{content_type or 'no content type'}'."
                )
            )
            return False
        return True

    def _dispatch(self, text: str) -> int:
        """Route one stream message; return 1 when it belonged to a pending job."""
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("recv [%s] %s", self.session_hash, shorten(text, 1000))
        try:
            message = parse_message(text)
        except MalformedMessage as exc:
            return self._on_malformed(exc)

        kind = message["msg"]
        event_id = message.get("event_id")
        if kind == "heartbeat":
            return 0
        if kind == "close_stream":
            self._stream_closed = True
            return 0
        if not isinstance(event_id, str):
            return self._on_session_message(message, text)

        job = self._jobs.get(event_id)
        if job is None:
            return self._hold_early(event_id, message)
        self._deliver(job, message, len(text))
        return 1

    def _deliver(self, job: Job, message: dict[str, Any], size: int = 0) -> None:
        machine = job.machine
        assert machine is not None
        try:
            event = machine.feed(message)
        except GradioRawError as exc:
            machine.fail(exc)
            event = None
        except (ValueError, TypeError, RecursionError) as exc:
            # A value of the wrong shape (pydantic's ValidationError is a
            # ValueError) fails this job only, never the shared stream.
            machine.fail(
                MalformedMessage(
                    f"Could not read a {message.get('msg')!r} message: {type(exc).__name__}: "
                    f"{shorten(str(exc), 300)}",
                    raw=_dump(message),
                )
            )
            event = None
        if event is not None:
            job.push(event, size)
        if machine.done:
            self._finished += 1
            if job.event_id is not None:
                self._jobs.pop(job.event_id, None)
            job.finish(result=machine.result, error=machine.error)

    def _hold_early(self, event_id: str, message: dict[str, Any]) -> int:
        if self._joining == 0 or self._early_count >= _EARLY_MESSAGE_LIMIT:
            logger.debug("Dropping %s for unknown event id %s", message["msg"], event_id)
            return 0
        self._early.setdefault(event_id, []).append(message)
        self._early_count += 1
        return 1

    def _on_session_message(self, message: dict[str, Any], text: str) -> int:
        kind = message["msg"]
        if kind == "unexpected_error":
            detail = str(message.get("message") or "no message")
            error_type = SessionLost if message.get("session_not_found") else StreamEnded
            self._fail_all(
                lambda job: error_type(
                    f"The server reported an error for the whole session: {detail}",
                    may_have_run=job.started,
                    raw=text,
                )
            )
            return 1
        logger.debug("Ignoring session-level message %r", kind)
        return 0

    def _on_malformed(self, error: MalformedMessage) -> int:
        # A message that cannot be read cannot be routed. With a single job
        # pending it must be that job's; otherwise failing every job for one
        # bad line would be worse than waiting for their own messages.
        if len(self._jobs) == 1 and self._joining == 0:
            self._fail_all(lambda job: error)
            return 1
        logger.warning("Skipping a malformed message on the data stream: %s", error.raw)
        return 0

    def close(self) -> None:
        """Fail every job of the session, including joins still in flight."""
        closed = JobCancelled("The client was closed.")
        for job in list(self._joining_jobs):
            job.finish(error=closed)
            if job.join_scope is not None:
                job.join_scope.cancel()
            if job.flow_scope is not None:
                job.flow_scope.cancel()
        self._fail_all(lambda job: closed)

    def _fail_all(self, make_error: Callable[[Job], GradioRawError]) -> None:
        jobs = list(self._jobs.values())
        self._jobs.clear()
        for job in jobs:
            if job.machine is not None:
                job.machine.fail(make_error(job))
                job.finish(error=job.machine.error)
