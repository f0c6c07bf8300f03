"""Record raw HTTP exchanges with real Gradio servers as JSON fixtures.

Run it with the interpreter that has Gradio installed (the same one that runs
the servers)::

    /path/to/gradio-venv/bin/python scripts/record_fixtures.py
    /path/to/gradio-venv/bin/python scripts/record_fixtures.py --only echo cancel
    .venvs-matrix/gradio-4.8.0/bin/python scripts/record_fixtures.py --app matrix

Each scenario starts from the apps in ``scripts/apps/``, talks to them over
plain HTTP with httpx (never through a Gradio client library) and writes
``tests/fixtures/gradio-<version>/<scenario>.json``. Response bodies are stored
exactly as received, with content encoding disabled so that the bytes on the
wire are the bytes in the file. Event streams are stored whole, from the first
byte to the point where the server ended them.

The ``matrix_*`` scenarios (``--app matrix``) run on every Gradio from 3.50 on,
in the environments that ``scripts/matrix/setup`` creates, and use the flow of
the server's protocol. On 3.x that is a websocket, recorded as an exchange with
method ``WEBSOCKET`` whose ``frames`` list every text frame in both directions.
They need nothing beyond httpx and, on 3.x, websockets, which Gradio installs.
"""

from __future__ import annotations

import argparse
import base64
import importlib.util
import json
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx

REPO_ROOT = Path(__file__).resolve().parents[1]
FIXTURES_ROOT = REPO_ROOT / "tests" / "fixtures"
RECORDED_BY = "scripts/record_fixtures.py"

# Every stream in these scenarios ends within a few seconds. One still open
# after this long means the scenario is broken, so recording stops.
STREAM_DEADLINE_SECONDS = 60.0
REQUEST_TIMEOUT_SECONDS = 30.0

Message = dict[str, Any]
# Called for every ``data:`` message while a stream is read, so that a scenario
# can send further requests at a precise point of the stream.
MessageHook = Callable[[Message], None]


def load_servers_module() -> ModuleType:
    # Loaded by path: the tests directory is not an installed package, and a
    # plain "tests" import could pick up some other distribution's tests.
    path = REPO_ROOT / "tests" / "support" / "servers.py"
    spec = importlib.util.spec_from_file_location("gradio_raw_test_servers", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


servers = load_servers_module()


class StreamDeadlineError(RuntimeError):
    pass


@dataclass
class Exchange:
    method: str
    path: str
    query: str
    request_json: Any
    status: int | None = None
    content_type: str | None = None
    body: bytes = b""
    # Set only for method "WEBSOCKET". The frames are every text frame in both
    # directions in order, each {"direction": "send" or "recv", "text": ...}.
    # The close is {"code": ..., "reason": ...} from the server's close frame,
    # or None when the connection ended without one.
    frames: list[dict[str, str]] | None = None
    close: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        record: dict[str, Any] = {
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "request_json": self.request_json,
            "status": self.status,
            "content_type": self.content_type,
        }
        try:
            record["body"] = self.body.decode("utf-8")
        except UnicodeDecodeError:
            record["body_b64"] = base64.b64encode(self.body).decode("ascii")
        if self.frames is not None:
            record["frames"] = self.frames
            record["close"] = self.close
        return record


@dataclass
class ServerView:
    """What a scenario needs to know about a server, read once from its /config."""

    base_url: str
    gradio_version: str
    # "ws" when the config has no protocol field (Gradio 3.x).
    protocol: str
    api_prefix: str
    fn_index_by_api_name: dict[str, int]

    @classmethod
    def from_config(cls, base_url: str, config: dict[str, Any]) -> ServerView:
        # Dependencies carry an "id" from 4.32 on. Before that, the fn_index is
        # the position in the list.
        indices = {
            dep["api_name"]: dep.get("id", position)
            for position, dep in enumerate(config["dependencies"])
            if isinstance(dep.get("api_name"), str)
        }
        return cls(
            base_url=base_url,
            gradio_version=str(config["version"]),
            protocol=str(config.get("protocol", "ws")),
            api_prefix=str(config.get("api_prefix", "")),
            fn_index_by_api_name=indices,
        )


@dataclass
class Recorder:
    """Sends requests for one scenario and keeps every exchange in sending order."""

    client: httpx.Client
    server: ServerView
    session_hash: str
    exchanges: list[Exchange] = field(default_factory=list)

    def api(self, suffix: str) -> str:
        return f"{self.server.api_prefix}{suffix}"

    def request(
        self,
        method: str,
        path: str,
        *,
        query: dict[str, str] | None = None,
        json_body: Any = None,
    ) -> Exchange:
        exchange = self._open_exchange(method, path, query, json_body)
        response = self.client.request(
            method,
            self._url(exchange),
            content=None if json_body is None else json.dumps(json_body).encode(),
            headers={"Content-Type": "application/json"} if json_body is not None else None,
        )
        exchange.status = response.status_code
        exchange.content_type = response.headers.get("content-type")
        exchange.body = response.content
        return exchange

    def join(self, api_name: str, data: list[Any]) -> str | None:
        """POST a queue join and return the event id, or None if the server rejected it."""
        body = {
            "data": data,
            "event_data": None,
            "fn_index": self.server.fn_index_by_api_name[api_name],
            "trigger_id": None,
            "session_hash": self.session_hash,
        }
        exchange = self.request("POST", self.api("/queue/join"), json_body=body)
        if exchange.status != 200:
            return None
        event_id: str = json.loads(exchange.body)["event_id"]
        return event_id

    def stream(
        self,
        *,
        on_message: MessageHook | None = None,
        tolerate_abort: bool = False,
        path: str | None = None,
        query: dict[str, str] | None = None,
    ) -> None:
        """Read an event stream until the server ends it.

        By default it is the session's stream (``queue/data``). ``path`` and
        ``query`` name another, such as the per-call ``queue/join`` stream of
        the ``sse`` protocol. With ``tolerate_abort`` a connection the server
        drops mid-body is recorded as far as it got instead of failing the
        scenario.
        """
        if path is None:
            path = self.api("/queue/data")
            query = {"session_hash": self.session_hash}
        exchange = self._open_exchange("GET", path, query, None)
        deadline = time.monotonic() + STREAM_DEADLINE_SECONDS
        received = bytearray()
        try:
            with self.client.stream("GET", self._url(exchange)) as response:
                exchange.status = response.status_code
                exchange.content_type = response.headers.get("content-type")
                for message in _messages(response.iter_raw(), received):
                    if time.monotonic() > deadline:
                        raise StreamDeadlineError("stream still open after the deadline")
                    if on_message is not None:
                        on_message(message)
        except httpx.RemoteProtocolError:
            if not tolerate_abort:
                raise
        finally:
            exchange.body = bytes(received)

    def call(
        self, api_name: str, data: list[Any], *, on_message: MessageHook | None = None
    ) -> None:
        """Run one queued call with the flow of the server's protocol, to its end."""
        if self.server.protocol == "ws":
            self.websocket(api_name, data, on_message=on_message)
        elif self.server.protocol == "sse":
            self.sse_call(api_name, data, on_message=on_message)
        else:
            self.join(api_name, data)
            self.stream(on_message=on_message)

    def sse_call(
        self, api_name: str, data: list[Any], *, on_message: MessageHook | None = None
    ) -> None:
        """Run one call with the ``sse`` protocol of Gradio 4.0 to 4.8.

        The call's own stream is ``GET queue/join``. When it sends
        ``send_data``, the inputs go to ``POST queue/data`` with the event id
        from that message, and the stream ends after ``process_completed``.
        """
        fn_index = self.server.fn_index_by_api_name[api_name]

        def send_data_on_request(message: Message) -> None:
            if message.get("msg") == "send_data":
                # The server drops the event unless the data arrives within 5 s.
                body = {
                    "data": data,
                    "event_data": None,
                    "fn_index": fn_index,
                    "session_hash": self.session_hash,
                    "event_id": message["event_id"],
                }
                self.request("POST", self.api("/queue/data"), json_body=body)
            if on_message is not None:
                on_message(message)

        query = {"fn_index": str(fn_index), "session_hash": self.session_hash}
        self.stream(path=self.api("/queue/join"), query=query, on_message=send_data_on_request)

    def websocket(
        self, api_name: str, data: list[Any], *, on_message: MessageHook | None = None
    ) -> None:
        """Run one call over the websocket queue of Gradio 3.x, recording every frame.

        The server requests the session hash (``send_hash``), then the inputs
        (``send_data``) once a worker is free, and closes the socket after
        ``process_completed``. Compression is turned off, so each recorded
        text is the frame's payload as it crossed the wire.
        """
        # Imported here because only the 3.x environments need it. Gradio 3.x
        # depends on websockets, so they all have it.
        from websockets.exceptions import ConnectionClosed
        from websockets.sync.client import connect

        fn_index = self.server.fn_index_by_api_name[api_name]
        exchange = self._open_exchange("WEBSOCKET", self.api("/queue/join"), None, None)
        frames: list[dict[str, str]] = []
        exchange.frames = frames
        url = "ws" + self._url(exchange).removeprefix("http")
        deadline = time.monotonic() + STREAM_DEADLINE_SECONDS
        with connect(url, open_timeout=REQUEST_TIMEOUT_SECONDS, compression=None) as socket:
            exchange.status = socket.response.status_code

            def send(message: Message) -> None:
                text = json.dumps(message)
                frames.append({"direction": "send", "text": text})
                socket.send(text)

            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise StreamDeadlineError("websocket still open after the deadline")
                try:
                    frame = socket.recv(timeout=remaining)
                except ConnectionClosed as closed:
                    if closed.rcvd is not None:
                        exchange.close = {"code": closed.rcvd.code, "reason": closed.rcvd.reason}
                    break
                except TimeoutError:
                    raise StreamDeadlineError("websocket still open after the deadline") from None
                text = frame if isinstance(frame, str) else frame.decode("utf-8")
                frames.append({"direction": "recv", "text": text})
                message = json.loads(text)
                if on_message is not None:
                    on_message(message)
                if message.get("msg") == "send_hash":
                    send({"fn_index": fn_index, "session_hash": self.session_hash})
                elif message.get("msg") == "send_data":
                    send(
                        {
                            "data": data,
                            "event_data": None,
                            "fn_index": fn_index,
                            "session_hash": self.session_hash,
                        }
                    )

    def _open_exchange(
        self, method: str, path: str, query: dict[str, str] | None, json_body: Any
    ) -> Exchange:
        # Appended before the request goes out, so a stream that finishes after
        # later requests still appears where it was sent.
        exchange = Exchange(
            method=method,
            path=path,
            query=urlencode(query) if query else "",
            request_json=json_body,
        )
        self.exchanges.append(exchange)
        return exchange

    def _url(self, exchange: Exchange) -> str:
        url = self.server.base_url.rstrip("/") + exchange.path
        return f"{url}?{exchange.query}" if exchange.query else url


def _messages(chunks: Iterator[bytes], received: bytearray) -> Iterator[Message]:
    """Yield each ``data:`` payload while copying every raw byte into ``received``."""
    pending = b""
    for chunk in chunks:
        received.extend(chunk)
        pending += chunk
        *lines, pending = pending.split(b"\n")
        for line in lines:
            if line.startswith(b"data:"):
                yield json.loads(line[len(b"data:") :])


@dataclass(frozen=True)
class Scenario:
    name: str
    app: str
    description: str
    play: Callable[[Recorder], None]

    @property
    def session_hash(self) -> str:
        return "fixture-" + self.name.replace("_", "-")


# --- scenarios -------------------------------------------------------------


def play_echo(rec: Recorder) -> None:
    rec.request("GET", "/config")
    rec.request("GET", rec.api("/info"), query={"all_endpoints": "True"})
    rec.request("GET", rec.api("/info"))
    rec.join("echo", ["hello", 3])
    rec.stream()


def play_single_call(api_name: str, data: list[Any]) -> Callable[[Recorder], None]:
    def play(rec: Recorder) -> None:
        rec.join(api_name, data)
        rec.stream()

    return play


def play_image(rec: Recorder) -> None:
    urls: list[str] = []

    def collect_file_url(message: Message) -> None:
        if message.get("msg") == "process_completed" and message.get("success"):
            urls.extend(_file_urls(message["output"]["data"]))

    rec.join("image", [8])
    rec.stream(on_message=collect_file_url)
    for url in urls:
        rec.request("GET", urlsplit(url).path)


def _file_urls(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        if isinstance(value.get("url"), str):
            yield value["url"]
        for item in value.values():
            yield from _file_urls(item)
    elif isinstance(value, list):
        for item in value:
            yield from _file_urls(item)


def play_concurrent(rec: Recorder) -> None:
    for text in ("one", "two", "three"):
        rec.join("upper", [text])
    rec.stream()


def play_counter_state(rec: Recorder) -> None:
    # The State input travels as null; the server substitutes the session's value.
    for text in ("first", "second"):
        rec.join("counter", [text, None])
        rec.stream()


def play_wrong_arity(rec: Recorder) -> None:
    rec.join("echo", ["too few"])
    rec.stream()
    rec.join("echo", ["too many", 2, "extra", 4])
    rec.stream()


def play_cancel(rec: Recorder) -> None:
    event_id = rec.join("slow", [5])
    cancelled = False

    def cancel_once_started(message: Message) -> None:
        nonlocal cancelled
        if message.get("msg") == "process_starts" and not cancelled:
            cancelled = True
            rec.request(
                "POST",
                rec.api("/cancel"),
                json_body={
                    "event_id": event_id,
                    "session_hash": rec.session_hash,
                    "fn_index": rec.server.fn_index_by_api_name["slow"],
                },
            )

    rec.stream(on_message=cancel_once_started)


def play_unknown_session(rec: Recorder) -> None:
    rec.stream(tolerate_abort=True)


def play_queue_full(rec: Recorder) -> None:
    overfilled = False

    def overfill_once_running(message: Message) -> None:
        # The running job has left the queue, so one more join fills the only
        # waiting slot and the join after it is rejected.
        nonlocal overfilled
        if message.get("msg") == "process_starts" and not overfilled:
            overfilled = True
            rec.join("slow", [1])
            if rec.join("slow", [1]) is not None:
                raise RuntimeError("queue_full failed: the server accepted a join past max_size")

    rec.request("GET", "/config")
    rec.request("GET", rec.api("/info"), query={"all_endpoints": "True"})
    rec.join("slow", [1])
    rec.stream(on_message=overfill_once_running)


def play_imagegen_infer(rec: Recorder) -> None:
    rec.request("GET", "/config")
    rec.request("GET", rec.api("/info"))
    # prompt, seed, width, height, randomize_seed, num_inference_steps
    rec.join("infer", ["cat", 0, 256, 256, False, 4])
    rec.stream()


def play_imagegen_run(rec: Recorder) -> None:
    rec.request("GET", "/config")
    rec.request("GET", rec.api("/info"))
    # prompt, negative_prompt, seed, randomize_seed, guidance_scale
    rec.join("run", ["cat", "blurry", 0, False, 7.5])
    rec.stream()


# --- matrix scenarios: the same calls on every protocol generation ---------

MATRIX_APP = "matrix"


def play_matrix_config(rec: Recorder) -> None:
    rec.request("GET", "/config")
    rec.request("GET", rec.api("/info"))
    if rec.server.protocol == "ws":
        # 3.x clients fall back to the config embedded in the page.
        rec.request("GET", "/")


def play_matrix_call(api_name: str, data: list[Any]) -> Callable[[Recorder], None]:
    def play(rec: Recorder) -> None:
        rec.call(api_name, data)

    return play


def play_matrix_image(rec: Recorder) -> None:
    outputs: list[Any] = []

    def collect_outputs(message: Message) -> None:
        if message.get("msg") == "process_completed" and message.get("success"):
            outputs.extend(message["output"]["data"])

    rec.call("image", [8], on_message=collect_outputs)
    # 3.x sends the picture inline as a data URL, so there is nothing to fetch.
    for path in _file_download_paths(outputs, rec):
        rec.request("GET", path)


def _file_download_paths(value: Any, rec: Recorder) -> Iterator[str]:
    """Yield the URL path of each FileData in ``value``, to download it.

    That is the path of its ``url``. Before 4.18 the server leaves ``url``
    null, so the path is built from the file route and the server-side ``path``.
    """
    if isinstance(value, dict) and isinstance(value.get("path"), str):
        url = value.get("url")
        yield urlsplit(url).path if isinstance(url, str) else rec.api("/file=" + value["path"])
    elif isinstance(value, dict):
        for item in value.values():
            yield from _file_download_paths(item, rec)
    elif isinstance(value, list):
        for item in value:
            yield from _file_download_paths(item, rec)


def play_matrix_noq(rec: Recorder) -> None:
    body = {
        "data": ["q"],
        "event_data": None,
        "fn_index": rec.server.fn_index_by_api_name["noq"],
        "session_hash": rec.session_hash,
    }
    rec.request("POST", rec.api("/run/predict"), json_body=body)


MATRIX_SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "matrix_config",
        MATRIX_APP,
        "Reads /config and the API info of the matrix app; on 3.x also the HTML "
        "page, which embeds the same config as window.gradio_config.",
        play_matrix_config,
    ),
    Scenario(
        "matrix_echo",
        MATRIX_APP,
        "Calls /echo with text 'ab' and n=3 through the queue, with the flow of the "
        "server's protocol: websocket frames (ws), a queue/join stream plus a "
        "queue/data post (sse), or a queue/join post plus the session stream.",
        play_matrix_call("echo", ["ab", 3]),
    ),
    Scenario(
        "matrix_gen",
        MATRIX_APP,
        "Calls the /gen generator with count=5 through the queue; it yields "
        "a, ab, abc, abcd, abcde (as diffs from sse_v2 on).",
        play_matrix_call("gen", [5]),
    ),
    Scenario(
        "matrix_fail",
        MATRIX_APP,
        "Calls /fail, which raises gr.Error('custom failure'), so the call ends "
        "with an unsuccessful process_completed.",
        play_matrix_call("fail", ["x"]),
    ),
    Scenario(
        "matrix_image",
        MATRIX_APP,
        "Calls /image with size=8 through the queue and downloads the file it "
        "returns (3.x returns the picture inline as a data URL instead).",
        play_matrix_image,
    ),
    Scenario(
        "matrix_noq",
        MATRIX_APP,
        "Calls the non-queued /noq endpoint with text 'q' by POST run/predict with "
        "its fn_index, without the queue.",
        play_matrix_noq,
    ),
)


SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "echo",
        "testbed",
        "Reads /config and /info (with and without all_endpoints), then calls /echo "
        "through the queue and reads the session stream to close_stream.",
        play_echo,
    ),
    Scenario(
        "gen",
        "testbed",
        "Calls the /gen generator with count=8; later process_generating messages "
        "carry diffs against the previous output.",
        play_single_call("gen", [8]),
    ),
    Scenario(
        "chat",
        "testbed",
        "Calls the /chat generator with an empty history; the assistant reply grows "
        "word by word through process_generating diffs.",
        play_single_call("chat", ["hello there", []]),
    ),
    Scenario(
        "fail",
        "testbed",
        "Calls /fail, whose gr.Error with a title reaches the client as an "
        "unsuccessful process_completed despite show_error=False.",
        play_single_call("fail", ["boom"]),
    ),
    Scenario(
        "fail_plain",
        "testbed",
        "Calls /fail_plain, which raises a plain ValueError; with show_error=False "
        "the failed process_completed carries a null error.",
        play_single_call("fail_plain", ["boom"]),
    ),
    Scenario(
        "prog",
        "testbed",
        "Calls /prog with steps=3, whose stream carries log messages (info and "
        "warning) and progress updates before the result.",
        play_single_call("prog", [3]),
    ),
    Scenario(
        "image",
        "testbed",
        "Calls /image with size=8, whose result is a file reference, then downloads "
        "that file through the URL the server returned.",
        play_image,
    ),
    Scenario(
        "concurrent",
        "testbed",
        "Joins /upper three times on one session before opening its stream; the one "
        "stream carries all three events and closes after the last completes.",
        play_concurrent,
    ),
    Scenario(
        "counter_state",
        "testbed",
        "Calls /counter twice on one session, each join followed by its own stream; "
        "the gr.State input is sent as null and the count persists between calls.",
        play_counter_state,
    ),
    Scenario(
        "wrong_arity",
        "testbed",
        "Joins /echo once with too few data items (the call fails with a null "
        "error) and once with too many (the extras are ignored), each with its stream.",
        play_wrong_arity,
    ),
    Scenario(
        "cancel",
        "testbed",
        "Joins /slow with seconds=5, opens the stream and, once process_starts "
        "arrives, posts /cancel; the stream then ends with an empty successful "
        "process_completed.",
        play_cancel,
    ),
    Scenario(
        "unknown_session",
        "testbed",
        "Opens the stream for a session that never joined; the server answers 200, "
        "sends one unexpected_error message and then aborts the chunked body, so "
        "the recorded body is what arrived before the connection dropped.",
        play_unknown_session,
    ),
    Scenario(
        "queue_full",
        "queue_limited",
        "On an app with max_size=1 and concurrency 1, joins /slow, waits on the "
        "stream until it runs, fills the one waiting slot, and records the next "
        "join being rejected with 503 before both jobs finish.",
        play_queue_full,
    ),
    Scenario(
        "imagegen_infer",
        "imagegen_infer",
        "Reads /config and /info of the image-generation stand-in, then calls /infer "
        "with prompt 'cat', seed 0, 256x256, randomize_seed false and 4 steps.",
        play_imagegen_infer,
    ),
    Scenario(
        "imagegen_run",
        "imagegen_run",
        "Reads /config and /info of the gallery-returning stand-in, then calls /run "
        "with prompt 'cat' and seed 0, whose result is a gallery of two images.",
        play_imagegen_run,
    ),
    *MATRIX_SCENARIOS,
)


# --- running ---------------------------------------------------------------


def make_client() -> httpx.Client:
    # Identity encoding keeps bodies byte-identical to what was sent, and
    # trust_env=False keeps proxy settings away from loopback traffic.
    return httpx.Client(
        timeout=REQUEST_TIMEOUT_SECONDS,
        trust_env=False,
        headers={"Accept-Encoding": "identity"},
    )


def read_server_view(client: httpx.Client, base_url: str) -> ServerView:
    response = client.get(base_url + "config")
    response.raise_for_status()
    return ServerView.from_config(base_url, response.json())


def record(scenario: Scenario, client: httpx.Client, server: ServerView) -> dict[str, Any]:
    recorder = Recorder(client=client, server=server, session_hash=scenario.session_hash)
    scenario.play(recorder)
    return {
        "description": scenario.description,
        "gradio_version": server.gradio_version,
        "recorded_by": RECORDED_BY,
        "app": scenario.app,
        "base_url": server.base_url,
        "session_hash": scenario.session_hash,
        "exchanges": [exchange.to_json() for exchange in recorder.exchanges],
    }


def write_fixture(out_root: Path, name: str, fixture: dict[str, Any]) -> Path:
    directory = out_root / f"gradio-{fixture['gradio_version']}"
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.json"
    path.write_text(json.dumps(fixture, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def display_path(path: Path) -> str:
    """Return ``path`` relative to the repository, or absolute when it lies outside."""
    resolved = path.resolve()
    if resolved.is_relative_to(REPO_ROOT):
        return str(resolved.relative_to(REPO_ROOT))
    return str(resolved)


def record_app(app: str, scenarios: list[Scenario], python: str, out_root: Path) -> None:
    with servers.running_app(app, python=python) as running, make_client() as client:
        server = read_server_view(client, running.url)
        for scenario in scenarios:
            path = write_fixture(out_root, scenario.name, record(scenario, client, server))
            print(f"wrote {display_path(path)}", flush=True)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    names = [scenario.name for scenario in SCENARIOS]
    apps = sorted({scenario.app for scenario in SCENARIOS})
    parser = argparse.ArgumentParser(description="Record Gradio wire-protocol fixtures.")
    parser.add_argument("--only", nargs="+", choices=names, metavar="SCENARIO")
    parser.add_argument(
        "--app",
        choices=apps,
        help="record only the scenarios of this app (default: every app but "
        f"{MATRIX_APP}, whose scenarios run on any Gradio from 3.50 on)",
    )
    parser.add_argument(
        "--python",
        default=sys.executable,
        help="interpreter that runs the servers (default: this one)",
    )
    parser.add_argument("--out-root", type=Path, default=FIXTURES_ROOT)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    chosen = list(SCENARIOS)
    if args.app is not None:
        chosen = [s for s in chosen if s.app == args.app]
    elif args.only is None:
        # The other apps need Gradio 6, so a plain run leaves the matrix out.
        chosen = [s for s in chosen if s.app != MATRIX_APP]
    if args.only is not None:
        chosen = [s for s in chosen if s.name in args.only]
    by_app: dict[str, list[Scenario]] = {}
    for scenario in chosen:
        by_app.setdefault(scenario.app, []).append(scenario)
    for app, scenarios in by_app.items():
        record_app(app, scenarios, args.python, args.out_root)
    return 0


if __name__ == "__main__":
    sys.exit(main())
