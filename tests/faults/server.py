"""A scriptable HTTP/1.1 server on loopback that breaks the Gradio protocol on purpose.

Real Gradio servers cannot be made to send a truncated chunk, a 40 MB line or
a redirect to another host, so the fault tests talk to this server instead. It
is written on anyio sockets, so every byte it sends is under the test's
control, and each test scripts it through plain attributes:

- `config` and `info`: what `GET /config` and `GET /gradio_api/info` return.
  By default these are the config and API info recorded from a real Gradio
  6.31.0 app (`tests/fixtures/gradio-6.31.0/echo.json`), with `root` set to
  this server's URL.
- `joins`: the responses to successive join requests. Once the list is used up,
  each join is accepted with the event id `E1`, `E2`, ... in order.
- `streams`: the responses to successive data-stream requests, each a `Stream`
  or a list of steps. Once the list is used up, a data stream ends at once
  without a message.
- `routes`: responses for any other `(method, path)`, or overrides of the above.
  A value can also be a function of the `Request`.

The cancel route accepts every request. Every other route returns 404,
including the session heartbeat, so the client stops holding one.

Stream steps are written in order: `bytes` go out as one HTTP chunk, `Pause`
waits, `WaitForJoins` waits until that many joins got a response, `Heartbeats`
sends heartbeats until the client leaves, `HOLD` keeps the response open and
silent, and `ABORT` closes the connection in the middle of the body. A stream
whose steps run out ends with the terminating chunk, as a server that finished
cleanly does.

Use `running()` inside a test's event loop, or `running_in_thread()` for code
that starts its own loop, such as the command line's `main()`. Every request
is kept in `requests`, and `open_connections` counts the client connections
that are still open, so tests can check that the client closed them all.
"""

from __future__ import annotations

import copy
import json
import math
import threading
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import unquote

import anyio
import anyio.from_thread
import anyio.lowlevel
from anyio.abc import SocketAttribute, SocketListener, SocketStream, TaskGroup

from ..replay import body_bytes, find, load

__all__ = [
    "ABORT",
    "HOLD",
    "RECORDED_CONFIG",
    "RECORDED_INFO",
    "FaultServer",
    "Heartbeats",
    "Pause",
    "Reply",
    "Request",
    "Stream",
    "WaitForJoins",
    "event_id_per_endpoint",
    "running",
    "running_in_thread",
    "sse",
]

_ECHO = load("echo")
RECORDED_CONFIG: dict[str, Any] = json.loads(body_bytes(find(_ECHO, "GET", "/config")[0]))
RECORDED_INFO: dict[str, Any] = json.loads(body_bytes(find(_ECHO, "GET", "/info")[0]))

API = "/gradio_api/"

# Largest request head accepted; the client's requests are a few hundred bytes.
_MAX_HEAD_BYTES = 64 * 1024
# Polling interval of WaitForJoins, in seconds.
_POLL_SECONDS = 0.005

_CLIENT_LEFT = (anyio.EndOfStream, anyio.BrokenResourceError, anyio.ClosedResourceError)


def sse(*messages: dict[str, Any] | str) -> bytes:
    """Encode messages as Server-Sent Events, one `data:` line each, as Gradio sends them."""
    lines = []
    for message in messages:
        text = message if isinstance(message, str) else json.dumps(message)
        lines.append(f"data: {text}\n\n")
    return "".join(lines).encode()


@dataclass
class Request:
    """One request as the server read it; header names are lower case."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Reply:
    """An ordinary response with a Content-Length, sent after `delay` seconds.

    A `delay` of `math.inf` never responds: the connection stays open until the
    client gives up and closes it. With `drop`, the server closes the
    connection after the delay instead of responding.
    """

    status: int = 200
    body: bytes = b""
    content_type: str | None = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    drop: bool = False

    @classmethod
    def json(cls, value: Any, status: int = 200) -> Reply:
        return cls(status=status, body=json.dumps(value).encode())

    @classmethod
    def text(cls, text: str, status: int = 200, content_type: str = "text/plain") -> Reply:
        return cls(status=status, body=text.encode(), content_type=content_type)

    @classmethod
    def redirect(cls, location: str, status: int = 307) -> Reply:
        return cls(status=status, content_type=None, headers={"location": location})

    @classmethod
    def never(cls) -> Reply:
        return cls(delay=math.inf)

    @classmethod
    def dropped(cls) -> Reply:
        return cls(drop=True)


def event_id_per_endpoint(request: Request) -> Reply:
    """Accept a join with the event id `fn<fn_index>`, so that concurrent joins get known ids."""
    return Reply.json({"event_id": f"fn{request.json()['fn_index']}"})


@dataclass(frozen=True)
class Pause:
    seconds: float


@dataclass(frozen=True)
class WaitForJoins:
    """Wait until the server has sent responses to `count` join requests in all."""

    count: int


@dataclass(frozen=True)
class Heartbeats:
    """Send a heartbeat message every `interval` seconds until the client leaves."""

    interval: float = 0.05


class _Marker:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


ABORT = _Marker("ABORT")
HOLD = _Marker("HOLD")

Step = bytes | Pause | WaitForJoins | Heartbeats | _Marker


@dataclass
class Stream:
    """A chunked response on the data route, written step by step."""

    steps: Sequence[Step] = ()
    status: int = 200
    content_type: str = "text/event-stream; charset=utf-8"


Response = Reply | Stream
Route = Response | Sequence[Step] | Callable[[Request], Response]


class _RequestReader:
    def __init__(self, stream: SocketStream) -> None:
        self.stream = stream
        self.buffer = bytearray()

    async def read(self) -> Request | None:
        """Read the next request, or return None when the client closed the connection."""
        while b"\r\n\r\n" not in self.buffer:
            if len(self.buffer) > _MAX_HEAD_BYTES:
                raise ValueError("request head too long")
            try:
                self.buffer += await self.stream.receive()
            except _CLIENT_LEFT:
                return None
        head, _, rest = bytes(self.buffer).partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, target, _version = lines[0].split(" ", 2)
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()

        length = int(headers.get("content-length", "0"))
        body = bytearray(rest)
        while len(body) < length:
            try:
                body += await self.stream.receive()
            except _CLIENT_LEFT:
                return None
        self.buffer = bytearray(body[length:])
        path, _, query = target.partition("?")
        return Request(method, unquote(path), query, headers, bytes(body[:length]))


class FaultServer:
    """The scripted server; see the module docstring for what each attribute does."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.url = ""
        self.config: dict[str, Any] | Reply | None = None
        self.info: dict[str, Any] | Reply = RECORDED_INFO
        self.joins: list[Reply] = []
        self.streams: list[Stream | Sequence[Step]] = []
        self.routes: dict[tuple[str, str], Route] = {}
        self.requests: list[Request] = []
        self.open_connections = 0
        self.join_responses_sent = 0
        self._next_event = 1

    def __repr__(self) -> str:
        return f"<FaultServer {self.url or self.host}>"

    def recorded_config(self) -> dict[str, Any]:
        """A copy of the recorded config with `root` set to this server."""
        config = copy.deepcopy(RECORDED_CONFIG)
        config["root"] = self.url.rstrip("/")
        return config

    def requests_to(self, path: str) -> list[Request]:
        return [request for request in self.requests if request.path == path]

    async def wait_until_idle(self, timeout: float = 2.0) -> None:
        """Wait until the client has closed every connection to this server."""
        with anyio.fail_after(timeout):
            while self.open_connections:
                await anyio.sleep(_POLL_SECONDS)

    async def start(self, task_group: TaskGroup) -> None:
        listener = await anyio.create_tcp_listener(local_host=self.host, local_port=0)
        port = listener.extra(SocketAttribute.local_port)
        self.url = f"http://{self.host}:{port}/"
        task_group.start_soon(self._listen, listener)

    async def _listen(self, listener: SocketListener) -> None:
        async with listener:
            await listener.serve(self._serve_connection)

    # Responses.

    def _response_for(self, request: Request) -> Response:
        route = self.routes.get((request.method, request.path))
        if route is None:
            route = self._default_route(request)
        if callable(route):
            route = route(request)
        if isinstance(route, (Reply, Stream)):
            return route
        return Stream(list(route))

    def _default_route(self, request: Request) -> Route:
        key = (request.method, request.path)
        if key == ("GET", "/config"):
            config = self.config if self.config is not None else self.recorded_config()
            return config if isinstance(config, Reply) else Reply.json(config)
        if key == ("GET", API + "info"):
            return self.info if isinstance(self.info, Reply) else Reply.json(self.info)
        if key == ("POST", API + "queue/join"):
            if self.joins:
                return self.joins.pop(0)
            event_id = f"E{self._next_event}"
            self._next_event += 1
            return Reply.json({"event_id": event_id})
        if key == ("GET", API + "queue/data"):
            return self.streams.pop(0) if self.streams else Stream()
        if key == ("POST", API + "cancel"):
            return Reply.json({"success": True})
        return Reply.json({"detail": "Not Found"}, status=404)

    # The connection.

    async def _serve_connection(self, stream: SocketStream) -> None:
        self.open_connections += 1
        try:
            async with stream:
                reader = _RequestReader(stream)
                while True:
                    request = await reader.read()
                    if request is None:
                        return
                    self.requests.append(request)
                    response = self._response_for(request)
                    if isinstance(response, Stream):
                        await self._write_stream(stream, response)
                        return
                    if not await self._write_reply(stream, response, request):
                        return
        except _CLIENT_LEFT:
            pass
        finally:
            self.open_connections -= 1

    async def _write_reply(self, stream: SocketStream, reply: Reply, request: Request) -> bool:
        """Send `reply`; return whether the connection stays usable."""
        if reply.delay == math.inf:
            await _wait_until_client_leaves(stream)
            return False
        if reply.delay:
            await anyio.sleep(reply.delay)
        if reply.drop:
            return False
        headers = {"content-length": str(len(reply.body)), **reply.headers}
        if reply.content_type:
            headers["content-type"] = reply.content_type
        await stream.send(_head(reply.status, headers) + reply.body)
        if request.path == API + "queue/join":
            self.join_responses_sent += 1
        return True

    async def _write_stream(self, stream: SocketStream, response: Stream) -> None:
        headers = {
            "content-type": response.content_type,
            "transfer-encoding": "chunked",
            "cache-control": "no-store",
            "connection": "close",
        }
        await stream.send(_head(response.status, headers))
        async with anyio.create_task_group() as task_group:
            # A client that leaves ends the script, whatever step it is on.
            task_group.start_soon(_cancel_when_client_leaves, stream, task_group)
            try:
                if await self._run_steps(stream, response.steps):
                    await stream.send(b"0\r\n\r\n")
            except _CLIENT_LEFT:
                pass
            task_group.cancel_scope.cancel()

    async def _run_steps(self, stream: SocketStream, steps: Sequence[Step]) -> bool:
        """Write the steps; return False when the script aborts the connection."""
        for step in steps:
            if isinstance(step, bytes):
                if step:  # an empty chunk would end the body
                    await stream.send(b"%x\r\n%b\r\n" % (len(step), step))
            elif isinstance(step, Pause):
                await anyio.sleep(step.seconds)
            elif isinstance(step, WaitForJoins):
                while self.join_responses_sent < step.count:
                    await anyio.sleep(_POLL_SECONDS)
            elif isinstance(step, Heartbeats):
                beat = sse({"msg": "heartbeat", "event_id": None})
                while True:
                    await stream.send(b"%x\r\n%b\r\n" % (len(beat), beat))
                    await anyio.sleep(step.interval)
            elif step is HOLD:
                await anyio.sleep_forever()
            elif step is ABORT:
                return False
            else:
                raise TypeError(f"unknown stream step {step!r}")
        return True


def _head(status: int, headers: dict[str, str]) -> bytes:
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = "Unknown"
    lines = [f"HTTP/1.1 {status} {reason}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


async def _wait_until_client_leaves(stream: SocketStream) -> None:
    try:
        while True:
            await stream.receive()
    except _CLIENT_LEFT:
        return


async def _cancel_when_client_leaves(stream: SocketStream, task_group: TaskGroup) -> None:
    await _wait_until_client_leaves(stream)
    task_group.cancel_scope.cancel()


@asynccontextmanager
async def running(host: str = "127.0.0.1") -> AsyncIterator[FaultServer]:
    """Run a `FaultServer` in the current event loop until the block ends."""
    server = FaultServer(host)
    async with anyio.create_task_group() as task_group:
        await server.start(task_group)
        try:
            yield server
        finally:
            task_group.cancel_scope.cancel()


@contextmanager
def running_in_thread(host: str = "127.0.0.1") -> Iterator[FaultServer]:
    """Run a `FaultServer` on its own event loop in a thread until the block ends.

    Script the server before the client starts: the attributes are read from
    the server's thread while requests arrive.
    """
    server = FaultServer(host)
    ready = threading.Event()
    stop: list[Callable[[], None]] = []

    async def serve() -> None:
        async with anyio.create_task_group() as task_group:
            await server.start(task_group)
            token = anyio.lowlevel.current_token()
            cancel = task_group.cancel_scope.cancel
            stop.append(lambda: anyio.from_thread.run_sync(cancel, token=token))
            ready.set()

    thread = threading.Thread(target=anyio.run, args=(serve,), daemon=True)
    thread.start()
    if not ready.wait(10):
        raise RuntimeError("the fault server did not start within 10 s")
    try:
        yield server
    finally:
        stop[0]()
        thread.join(10)
