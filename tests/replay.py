"""Replay transcripts recorded from real Gradio servers through pytest-httpx.

Each file in `tests/fixtures/gradio-<version>/` contains the exchanges of one
scenario, recorded byte for byte by `scripts/record_fixtures.py`. `Replay`
registers them as mocked responses so that the client under test talks to
"the server" exactly as it answered then.
"""

from __future__ import annotations

import json
import re
from base64 import b64decode
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pytest_httpx import HTTPXMock, IteratorStream

FIXTURES = Path(__file__).parent / "fixtures"
GRADIO_VERSION = "6.31.0"


def load(name: str, version: str = GRADIO_VERSION) -> dict[str, Any]:
    fixture: dict[str, Any] = json.loads(
        (FIXTURES / f"gradio-{version}" / f"{name}.json").read_text(encoding="utf-8")
    )
    return fixture


def body_bytes(exchange: dict[str, Any]) -> bytes:
    if exchange.get("body_b64") is not None:
        return b64decode(exchange["body_b64"])
    return str(exchange.get("body") or "").encode("utf-8")


def chunks(data: bytes, size: int) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


def find(fixture: dict[str, Any], method: str, path_suffix: str) -> list[dict[str, Any]]:
    return [
        exchange
        for exchange in fixture["exchanges"]
        if exchange["method"] == method and exchange["path"].endswith(path_suffix)
    ]


def stream_body(fixture: dict[str, Any], index: int = 0) -> bytes:
    return body_bytes(find(fixture, "GET", "/queue/data")[index])


def allow_heartbeat(httpx_mock: HTTPXMock) -> None:
    """Mock the session heartbeat that the client keeps open for apps with State.

    The transcripts do not record it: the real stream only sends `ALIVE` every
    15 s. Here it ends at once, and the client may reopen it any number of times.
    """
    httpx_mock.add_response(
        method="GET",
        url=re.compile(r".*/heartbeat/[^/]+$"),
        headers={"content-type": "text/event-stream"},
        content=b"data: ALIVE\n\n",
        is_optional=True,
        is_reusable=True,
    )


class Replay:
    """Registers a fixture's exchanges on `httpx_mock`.

    Discovery (config and API info) comes from `discovery`, a fixture of the
    same app and server run, when the scenario did not record it itself.
    Streams are cut into `chunk_size` pieces to exercise the parser at
    arbitrary byte boundaries.
    """

    def __init__(
        self,
        httpx_mock: HTTPXMock,
        fixture: dict[str, Any],
        *,
        discovery: dict[str, Any] | None = None,
        chunk_size: int | None = None,
    ) -> None:
        self.mock = httpx_mock
        self.fixture = fixture
        self.base_url: str = fixture["base_url"].rstrip("/")
        self.session_hash: str = fixture["session_hash"]
        self.chunk_size = chunk_size
        allow_heartbeat(httpx_mock)
        source = discovery or fixture
        for exchange in find(source, "GET", "/config")[:1]:
            self.add(exchange, optional=False)
        for exchange in find(source, "GET", "/info")[:1]:
            self.add(exchange, any_query=True, optional=True)

    def add(
        self,
        exchange: dict[str, Any],
        *,
        optional: bool = False,
        any_query: bool = False,
        body: bytes | None = None,
    ) -> None:
        url = self.base_url + exchange["path"]
        matcher: Any
        if any_query:
            matcher = re.compile(re.escape(url) + r"(\?.*)?$")
        else:
            matcher = url + (f"?{exchange['query']}" if exchange.get("query") else "")

        headers = {"content-type": exchange.get("content_type") or "application/json"}
        data = body if body is not None else body_bytes(exchange)
        options: dict[str, Any] = {
            "method": exchange["method"],
            "url": matcher,
            "status_code": exchange["status"],
            "headers": headers,
            "is_optional": optional,
        }
        if exchange.get("request_json") is not None:
            options["match_json"] = exchange["request_json"]
        if self.chunk_size and "event-stream" in headers["content-type"]:
            options["stream"] = IteratorStream(list(chunks(data, self.chunk_size)))
        else:
            options["content"] = data
        self.mock.add_response(**options)

    def add_calls(self, *, skip: tuple[str, ...] = ("/config", "/info")) -> None:
        """Register every exchange except discovery, in recorded order."""
        for exchange in self.fixture["exchanges"]:
            if exchange["path"].endswith(skip):
                continue
            self.add(exchange)

    def requests_to(self, path_suffix: str) -> int:
        return sum(
            1 for request in self.mock.get_requests() if request.url.path.endswith(path_suffix)
        )
