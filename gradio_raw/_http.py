"""HTTP plumbing: timeouts, credentials scoped to an origin, and error mapping.

Every request the client sends goes through `send_json`/`get_json` here or
through the session stream, so httpx errors become gradio-raw errors in one
place.
"""

from __future__ import annotations

import json
import logging
import math
import random
from collections.abc import AsyncIterator, Generator, Iterable
from dataclasses import dataclass
from typing import Any

import anyio
import httpx

from ._exceptions import MessageTooLarge, RequestFailed, RequestTimeout, shorten
from ._redact import SECRETS, redact
from ._version import __version__

__all__ = [
    "USER_AGENT",
    "Timeouts",
    "TokenAuth",
    "backoff_delay",
    "limit_stream",
    "origin_of",
    "redact",
    "redacting_filter",
    "request_json",
    "watch_idle",
]

logger = logging.getLogger("gradio_raw")

USER_AGENT = f"gradio-raw/{__version__}"


class RedactingFilter(logging.Filter):
    """Masks tokens in every record of the gradio_raw logger, at every level."""

    def __init__(self) -> None:
        super().__init__()
        self.secrets = SECRETS

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message or record.args:
            record.msg = cleaned
            record.args = None
        return True


redacting_filter = RedactingFilter()
logger.addFilter(redacting_filter)


class LimitedStream(httpx.AsyncByteStream):
    """A response body that stops once one stream message grows past `limit` bytes.

    Messages end at a blank line. The check runs on every chunk as it arrives,
    so a hostile server cannot make the client hold a huge message first.
    Stopping cancels `scope`: the cancellation then surfaces at the next read
    inside httpx, which unwinds and closes every stream generator, where an
    exception raised here would leave them to the garbage collector. The
    caller raises `error` once the scope has exited.
    """

    def __init__(
        self, stream: httpx.AsyncByteStream, limit: int, url: str, scope: anyio.CancelScope
    ) -> None:
        self._stream = stream
        self._limit = limit
        self._url = url
        self._scope = scope
        self.error: MessageTooLarge | None = None
        self._idle_scope: anyio.CancelScope | None = None
        self._idle = math.inf
        self._refresh_at = math.inf

    def watch_idle(self, scope: anyio.CancelScope, idle: float) -> None:
        """Cancel `scope` once no bytes arrive for `idle` to 1.25 x `idle` seconds.

        With a read timeout, httpcore arms a timer around every socket read
        (about 5 µs each on a 2-core test machine, where a whole message
        costs the client about 14 µs). Here the deadline moves forward as
        chunks arrive, at most every `idle / 4` seconds.
        """
        self._idle_scope = scope
        self._idle = idle
        self._refresh_idle(anyio.current_time())

    def _refresh_idle(self, now: float) -> None:
        assert self._idle_scope is not None
        self._idle_scope.deadline = now + 1.25 * self._idle
        self._refresh_at = now + self._idle / 4

    async def __aiter__(self) -> AsyncIterator[bytes]:
        pending = 0
        head = b""
        carry = b""
        async for chunk in self._stream:
            if self._idle_scope is not None:
                now = anyio.current_time()
                if now >= self._refresh_at:
                    self._refresh_idle(now)
            if self.error is not None:
                continue
            window = carry + chunk
            boundary = max(window.rfind(b"\n\n"), window.rfind(b"\r\n\r\n"))
            if boundary >= 0:
                rest = window[boundary:].lstrip(b"\r\n")
                pending = len(rest)
                head = rest[:_HEAD_BYTES]
            else:
                pending += len(chunk)
                head = (head + chunk)[:_HEAD_BYTES]
            if pending > self._limit:
                self.error = MessageTooLarge(
                    f"A message on the stream from {self._url} exceeded the limit of "
                    f"{self._limit} bytes (max_message_size); the stream was closed.",
                    raw=head,
                )
                self._scope.cancel()
                continue
            carry = window[-3:]
            yield chunk

    async def aclose(self) -> None:
        await self._stream.aclose()


def limit_stream(
    response: httpx.Response, limit: int | None, scope: anyio.CancelScope
) -> LimitedStream | None:
    """Make `response` stop when one of its stream messages exceeds `limit` bytes."""
    if limit is None or not isinstance(response.stream, httpx.AsyncByteStream):
        return None
    limited = LimitedStream(response.stream, limit, str(response.url), scope)
    response.stream = limited
    return limited


def watch_idle(
    response: httpx.Response, limited: LimitedStream | None, idle: float | None
) -> anyio.CancelScope:
    """Return a scope to read `response` in that ends once the stream stays silent.

    The scope takes over from the read timeout, which is lifted for the
    body: httpcore reads it from the request when the body starts. Without
    a `LimitedStream` to see the chunks, the read timeout stays.
    """
    scope = anyio.CancelScope()
    if limited is None or idle is None:
        return scope
    timeout = response.request.extensions.get("timeout")
    if isinstance(timeout, dict):
        response.request.extensions["timeout"] = {**timeout, "read": None}
    limited.watch_idle(scope, idle)
    return scope


_HEAD_BYTES = 2000


@dataclass(frozen=True)
class Timeouts:
    """Time limits in seconds; None means no limit.

    - `connect`: to open a connection.
    - `read`: for the response to an ordinary request (config, info, join,
      cancel), per attempt when the client retries.
    - `stream_idle`: the longest silence tolerated on a data stream. Servers send
      a heartbeat every 15 s on an idle stream, so the default allows three
      missed heartbeats and a margin for proxies that buffer. Once messages
      flow, a silence ends the stream after `stream_idle` to 1.25 x
      `stream_idle` seconds.
    - `queue`: the longest a job may wait in the app's queue before it starts.
    - `job`: the deadline of a whole job, from submission to result.
    - `space_start`: the longest to wait for a sleeping or building Space.
    """

    connect: float | None = 10.0
    read: float | None = 60.0
    stream_idle: float | None = 60.0
    queue: float | None = None
    job: float | None = None
    space_start: float | None = 600.0

    def for_requests(self) -> httpx.Timeout:
        return httpx.Timeout(connect=self.connect, read=self.read, write=self.read, pool=None)

    def for_stream(self) -> httpx.Timeout:
        return httpx.Timeout(
            connect=self.connect, read=self.stream_idle, write=self.read, pool=None
        )


def origin_of(url: httpx.URL | str) -> tuple[str, str, int | None]:
    parsed = httpx.URL(url)
    port = parsed.port or {"http": 80, "https": 443}.get(parsed.scheme)
    return (parsed.scheme, parsed.host, port)


class TokenAuth(httpx.Auth):
    """Adds `Authorization: Bearer <token>` only to requests for the given origins.

    httpx drops the header itself when a redirect leaves the origin, so the token
    never reaches another host.
    """

    def __init__(self, token: str, origins: Iterable[httpx.URL | str]) -> None:
        self._token = token
        self._origins = {origin_of(origin) for origin in origins}

    def add_origin(self, url: httpx.URL | str) -> None:
        self._origins.add(origin_of(url))

    def __repr__(self) -> str:
        return f"TokenAuth(origins={sorted(map(str, self._origins))})"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if origin_of(request.url) in self._origins:
            request.headers["Authorization"] = f"Bearer {self._token}"
        yield request


def describe_status(response: httpx.Response, body: str) -> str:
    """Return a short reason for an error status, from a JSON `detail` when there is one."""
    try:
        document = json.loads(body)
    except ValueError:
        return shorten(body.strip(), 200) or response.reason_phrase
    if isinstance(document, dict) and "detail" in document:
        detail = document["detail"]
        if isinstance(detail, dict):
            return str(detail.get("error") or detail)
        return str(detail)
    return shorten(body.strip(), 200) or response.reason_phrase


# Statuses a proxy returns while an app restarts or wakes up.
_RETRY_STATUSES = frozenset({502, 503, 504})
# Errors raised before any byte of the request left the client, so a retry
# cannot run anything twice on the server.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
_MAX_BACKOFF = 8.0


def backoff_delay(attempt: int, retry_after: str | None = None) -> float:
    """Seconds to wait before retry number `attempt` (0-based): exponential, jittered."""
    if retry_after is not None and retry_after.strip().isdigit():
        return min(float(retry_after), 30.0)
    return min(0.5 * 2.0**attempt, _MAX_BACKOFF) * (0.5 + random.random() / 2)


async def request_json(
    http: httpx.AsyncClient,
    method: str,
    url: str,
    *,
    what: str,
    auth: httpx.Auth | None,
    headers: dict[str, str],
    timeout: httpx.Timeout,
    json_body: Any = None,
    params: dict[str, str] | None = None,
    retries: int = 0,
    idempotent: bool = True,
) -> tuple[httpx.Response, str]:
    """Send one request and return the response with its body as text.

    Network failures and timeouts become `RequestFailed`/`RequestTimeout`;
    status codes are left to the caller, because their meaning depends on the request.
    `what` names the request in messages ("the config", "the join response").

    Up to `retries` more attempts follow, with exponential backoff, after a
    failure that left the request unsent; an `idempotent` request is also
    retried after a dropped connection or a 502, 503 or 504 from a proxy.
    """
    attempt = 0
    while True:
        try:
            response = await http.request(
                method,
                url,
                json=json_body,
                params=params,
                headers=headers,
                auth=auth or httpx.USE_CLIENT_DEFAULT,
                timeout=timeout,
            )
        except httpx.HTTPError as exc:
            retryable = isinstance(exc, _NOT_SENT) or (
                idempotent and isinstance(exc, (httpx.TransportError))
            )
            if retryable and attempt < retries:
                await _wait_to_retry(method, url, attempt, retries, type(exc).__name__)
                attempt += 1
                continue
            raise _request_error(exc, what, url) from exc

        if idempotent and response.status_code in _RETRY_STATUSES and attempt < retries:
            await response.aclose()
            await _wait_to_retry(
                method,
                url,
                attempt,
                retries,
                f"HTTP {response.status_code}",
                response.headers.get("retry-after"),
            )
            attempt += 1
            continue
        break

    body = response.text
    if logger.isEnabledFor(logging.DEBUG):
        logger.debug("%s %s -> %s %s", method, url, response.status_code, shorten(body, 500))
    return response, body


async def _wait_to_retry(
    method: str,
    url: str,
    attempt: int,
    retries: int,
    reason: str,
    retry_after: str | None = None,
) -> None:
    delay = backoff_delay(attempt, retry_after)
    logger.info(
        "Retrying %s %s in %.1f s after %s (retry %d of %d)",
        method,
        url,
        delay,
        reason,
        attempt + 1,
        retries,
    )
    await anyio.sleep(delay)


def _request_error(exc: httpx.HTTPError, what: str, url: str) -> RequestFailed:
    if isinstance(exc, httpx.TimeoutException):
        return RequestTimeout(
            f"Timed out waiting for {what} from {url} ({type(exc).__name__}); "
            "raise the timeout if the app is slow to respond.",
            url=url,
        )
    return RequestFailed(
        f"Could not get {what} from {url}: {type(exc).__name__}: {exc or 'no detail'}",
        url=url,
    )
