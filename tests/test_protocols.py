"""Every protocol generation, replayed from transcripts of real Gradio servers.

`tests/fixtures/gradio-<version>/matrix_*.json` were recorded from
`scripts/apps/matrix.py` running on one Gradio release per protocol. HTTP
exchanges go through pytest-httpx; Gradio 3's websocket frames are replayed by
a scripted socket that also checks every frame the client sends.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from pytest_httpx import HTTPXMock

from gradio_raw import AppError, Client, FileData, Output

from .replay import FIXTURES, Replay, load

pytestmark = pytest.mark.anyio

VERSIONS = sorted(
    path.name.removeprefix("gradio-")
    for path in FIXTURES.glob("gradio-*")
    if (path / "matrix_config.json").exists()
)


def matrix_fixture(version: str, scenario: str) -> dict[str, Any]:
    return load(f"matrix_{scenario}", version)


def recorded_data(fixture: dict[str, Any]) -> list[Any]:
    """The input values the recording sent, whatever the protocol."""
    for exchange in fixture["exchanges"]:
        body = exchange.get("request_json")
        if isinstance(body, dict) and "data" in body:
            return list(body["data"])
        for frame in exchange.get("frames") or []:
            if frame["direction"] == "send" and '"data"' in frame["text"]:
                return list(json.loads(frame["text"])["data"])
    raise AssertionError("the recording sent no data")


class ScriptedSocket:
    """Plays the server's recorded websocket frames and checks the client's."""

    def __init__(self, frames: list[dict[str, str]]) -> None:
        self.frames = list(frames)

    def _next(self, direction: str) -> dict[str, str]:
        frame = self.frames.pop(0)
        assert frame["direction"] == direction, f"expected the client to {frame['direction']}"
        return frame

    async def receive_text(self) -> str:
        return self._next("recv")["text"]

    async def send_json(self, value: Any) -> None:
        assert value == json.loads(self._next("send")["text"])


def websocket_replay(monkeypatch: pytest.MonkeyPatch, fixture: dict[str, Any]) -> None:
    frames = next(e["frames"] for e in fixture["exchanges"] if e["method"] == "WEBSOCKET")

    @asynccontextmanager
    async def connect(url: str, client: httpx.AsyncClient, **options: Any) -> AsyncIterator[Any]:
        assert url.endswith("/queue/join")
        yield ScriptedSocket(frames)

    import httpx_ws

    monkeypatch.setattr(httpx_ws, "aconnect_ws", connect)


def replay(
    httpx_mock: HTTPXMock, monkeypatch: pytest.MonkeyPatch, version: str, scenario: str
) -> tuple[Replay, dict[str, Any]]:
    fixture = matrix_fixture(version, scenario)
    discovery = matrix_fixture(version, "config")
    recorded = Replay(httpx_mock, fixture, discovery=discovery)
    for exchange in discovery["exchanges"]:
        if exchange["path"] == "/" and exchange["method"] == "GET":
            recorded.add(exchange, optional=True)
    for exchange in fixture["exchanges"]:
        if exchange["method"] == "WEBSOCKET":
            websocket_replay(monkeypatch, fixture)
        elif "/file=" not in exchange["path"]:
            recorded.add(exchange)
    return recorded, fixture


@pytest.mark.parametrize("version", VERSIONS)
async def test_echo_every_version(
    httpx_mock: HTTPXMock, monkeypatch: pytest.MonkeyPatch, version: str
) -> None:
    recorded, fixture = replay(httpx_mock, monkeypatch, version, "echo")
    text, times = recorded_data(fixture)

    async with Client(recorded.base_url, session_hash=recorded.session_hash) as client:
        result = await client.predict("/echo", text, times)

    assert result == [text * int(times)]


@pytest.mark.parametrize("version", VERSIONS)
async def test_generator_every_version(
    httpx_mock: HTTPXMock, monkeypatch: pytest.MonkeyPatch, version: str
) -> None:
    recorded, fixture = replay(httpx_mock, monkeypatch, version, "gen")
    (count,) = recorded_data(fixture)

    async with Client(recorded.base_url, session_hash=recorded.session_hash) as client:
        job = client.submit("/gen", count)
        partials = [event.data[0] async for event in job if isinstance(event, Output)]
        result = await job

    assert partials == ["a", "ab", "abc", "abcd", "abcde"]
    assert result == ["abcde"]


@pytest.mark.parametrize("version", VERSIONS)
async def test_app_error_every_version(
    httpx_mock: HTTPXMock, monkeypatch: pytest.MonkeyPatch, version: str
) -> None:
    recorded, fixture = replay(httpx_mock, monkeypatch, version, "fail")

    async with Client(recorded.base_url, session_hash=recorded.session_hash) as client:
        with pytest.raises(AppError) as caught:
            await client.predict("/fail", *recorded_data(fixture))

    assert "custom failure" in str(caught.value)


@pytest.mark.parametrize("version", VERSIONS)
async def test_file_output_every_version(
    httpx_mock: HTTPXMock, monkeypatch: pytest.MonkeyPatch, version: str, tmp_path: Path
) -> None:
    recorded, fixture = replay(httpx_mock, monkeypatch, version, "image")
    downloads = [e for e in fixture["exchanges"] if "/file=" in e["path"]]
    for exchange in downloads:
        recorded.add(exchange)

    async with Client(recorded.base_url, session_hash=recorded.session_hash) as client:
        image = (await client.predict("/image", *recorded_data(fixture))).value
        assert isinstance(image, FileData)
        saved = await client.download(image, tmp_path)

    assert saved.read_bytes()[:8] in (b"\x89PNG\r\n\x1a\n", b"RIFF" + saved.read_bytes()[4:8])
    if downloads:
        assert image.url is not None
        assert image.url.startswith(recorded.base_url + "/")
    else:
        assert image.inline_bytes is not None


@pytest.mark.parametrize("version", VERSIONS)
async def test_unqueued_every_version(
    httpx_mock: HTTPXMock, monkeypatch: pytest.MonkeyPatch, version: str
) -> None:
    recorded, fixture = replay(httpx_mock, monkeypatch, version, "noq")

    async with Client(recorded.base_url, session_hash=recorded.session_hash) as client:
        result = await client.predict("/noq", *recorded_data(fixture))

    assert result == ["noq:q"]


def test_every_protocol_recorded() -> None:
    protocols = set()
    for version in VERSIONS:
        body = matrix_fixture(version, "config")["exchanges"][0]["body"]
        protocols.add(json.loads(body).get("protocol", "ws"))

    assert protocols >= {"ws", "sse", "sse_v1", "sse_v2", "sse_v2.1", "sse_v3"}
