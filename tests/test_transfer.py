"""Uploads and downloads against mocked app routes (hand-written answers)."""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from pytest_httpx import HTTPXMock

from gradio_raw import (
    Client,
    DownloadFailed,
    FileData,
    LocalFileError,
    UploadRejected,
    handle_file,
)

from .replay import Replay, allow_heartbeat, body_bytes, find, load

pytestmark = pytest.mark.anyio

APP = "http://127.0.0.1:60903"
OTHER = "http://127.0.0.2:60903"
TOKEN = "hf_TransferToken1234567890"


def add_config(httpx_mock: HTTPXMock, max_file_size: int | None = None) -> None:
    config = json.loads(body_bytes(find(load("echo"), "GET", "/config")[0]))
    config["max_file_size"] = max_file_size
    allow_heartbeat(httpx_mock)
    httpx_mock.add_response(method="GET", url=f"{APP}/config", json=config)


async def test_upload_sends_multipart_files(httpx_mock: HTTPXMock, tmp_path: Path) -> None:
    add_config(httpx_mock)
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    httpx_mock.add_response(
        method="POST", url=f"{APP}/gradio_api/upload", json=["/tmp/gradio/1/notes.txt", "/x/b"]
    )

    async with Client(APP) as client:
        uploaded = await client.upload(path, handle_file(b"raw", name="b.bin"))

    request = httpx_mock.get_requests()[-1]
    body = request.read()
    assert request.headers["content-type"].startswith("multipart/form-data")
    assert body.count(b'name="files"') == 2
    assert b'filename="notes.txt"' in body
    assert b"hello" in body
    assert [file.path for file in uploaded] == ["/tmp/gradio/1/notes.txt", "/x/b"]
    assert uploaded[0].orig_name == "notes.txt"
    assert uploaded[0].url == f"{APP}/gradio_api/file=/tmp/gradio/1/notes.txt"


async def test_upload_413_is_rejected(httpx_mock: HTTPXMock) -> None:
    add_config(httpx_mock)
    httpx_mock.add_response(
        method="POST",
        url=f"{APP}/gradio_api/upload",
        status_code=413,
        text="File size exceeds the maximum allowed size of 1.0 KB.",
    )

    async with Client(APP) as client:
        with pytest.raises(UploadRejected) as caught:
            await client.upload(b"x" * 10)

    assert caught.value.status_code == 413
    assert "maximum allowed size" in str(caught.value)
    assert caught.value.raw is not None


async def test_upload_over_max_file_size_not_sent(httpx_mock: HTTPXMock) -> None:
    add_config(httpx_mock, max_file_size=4)

    async with Client(APP) as client:
        with pytest.raises(UploadRejected, match="at most 4 bytes"):
            await client.upload(handle_file(b"12345", name="five.bin"))

    assert len(httpx_mock.get_requests()) == 1


async def test_missing_local_file(httpx_mock: HTTPXMock, tmp_path: Path) -> None:
    add_config(httpx_mock)

    async with Client(APP) as client:
        with pytest.raises(LocalFileError, match="missing"):
            await client.upload(tmp_path / "nope.txt")
        with pytest.raises(LocalFileError, match="folder"):
            await client.upload(tmp_path)


async def test_download_streams_to_safe_name(httpx_mock: HTTPXMock, tmp_path: Path) -> None:
    add_config(httpx_mock)
    url = f"{APP}/gradio_api/file=/tmp/gradio/x/out.txt"
    httpx_mock.add_response(method="GET", url=url, content=b"content")
    file = FileData(path="/tmp/gradio/x/out.txt", url=url, orig_name="../../out.txt")

    async with Client(APP, hf_token=TOKEN) as client:
        saved = await client.download(file, tmp_path)

    assert saved == tmp_path / "out.txt"
    assert saved.read_bytes() == b"content"
    assert httpx_mock.get_requests()[-1].headers["Authorization"] == f"Bearer {TOKEN}"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


async def test_download_other_origin_without_token(httpx_mock: HTTPXMock, tmp_path: Path) -> None:
    add_config(httpx_mock)
    url = f"{OTHER}/cat.png"
    httpx_mock.add_response(method="GET", url=url, content=b"png")

    async with Client(APP, hf_token=TOKEN) as client:
        await client.download(FileData(path=url, url=url), tmp_path)

    assert "Authorization" not in httpx_mock.get_requests()[-1].headers


async def test_download_error_status(httpx_mock: HTTPXMock, tmp_path: Path) -> None:
    add_config(httpx_mock)
    url = f"{APP}/gradio_api/file=/etc/passwd"
    httpx_mock.add_response(
        method="GET", url=url, status_code=403, json={"detail": "File not allowed: /etc/passwd."}
    )

    async with Client(APP) as client:
        with pytest.raises(DownloadFailed, match="HTTP 403: File not allowed") as caught:
            await client.download(FileData(path="/etc/passwd", url=url), tmp_path)

    assert caught.value.status_code == 403
    assert list(tmp_path.iterdir()) == []


async def test_download_cut_midway_leaves_nothing(httpx_mock: HTTPXMock, tmp_path: Path) -> None:
    add_config(httpx_mock)
    url = f"{APP}/gradio_api/file=/tmp/gradio/x/big.bin"

    class CutStream(httpx.AsyncByteStream):
        async def __aiter__(self) -> AsyncIterator[bytes]:
            yield b"x" * 1000
            raise httpx.RemoteProtocolError("peer closed connection")

    httpx_mock.add_response(method="GET", url=url, stream=CutStream())

    async with Client(APP) as client:
        with pytest.raises(DownloadFailed, match="failed midway"):
            await client.download(FileData(path="/tmp/gradio/x/big.bin", url=url), tmp_path)

    assert list(tmp_path.iterdir()) == []


async def test_download_short_body_detected(httpx_mock: HTTPXMock, tmp_path: Path) -> None:
    add_config(httpx_mock)
    url = f"{APP}/gradio_api/file=/tmp/gradio/x/short.bin"

    class ShortStream(httpx.AsyncByteStream):
        async def __aiter__(self) -> AsyncIterator[bytes]:
            yield b"abc"

    httpx_mock.add_response(
        method="GET", url=url, headers={"content-length": "10"}, stream=ShortStream()
    )

    async with Client(APP) as client:
        with pytest.raises(DownloadFailed, match="3 of 10 bytes"):
            await client.download(FileData(path="/x/short.bin", url=url), tmp_path)

    assert list(tmp_path.iterdir()) == []


async def test_result_file_downloads_itself(httpx_mock: HTTPXMock, tmp_path: Path) -> None:
    replay = Replay(httpx_mock, load("image"), discovery=load("echo"))
    replay.add_calls()
    recorded_file = next(e for e in replay.fixture["exchanges"] if "/file=" in e["path"])
    size = find(replay.fixture, "POST", "/queue/join")[0]["request_json"]["data"][0]

    async with Client(replay.base_url, session_hash=replay.session_hash) as client:
        image = (await client.predict("/image", size)).value
        saved = await image.download(tmp_path)

    assert saved.name == "image.webp"
    assert saved.read_bytes() == body_bytes(recorded_file)


async def test_pipe_uploads_chunked(httpx_mock: HTTPXMock) -> None:
    # A pipe reports size 0, so a declared length would be wrong; the body goes
    # out in chunked encoding instead.
    add_config(httpx_mock)
    httpx_mock.add_response(method="POST", url=f"{APP}/gradio_api/upload", json=["/x/pipe"])
    read_end, write_end = os.pipe()
    os.write(write_end, b"p" * 50_000)
    os.close(write_end)

    async with Client(APP) as client:
        with os.fdopen(read_end, "rb") as pipe:
            uploaded = await client.upload(pipe)

    request = httpx_mock.get_requests()[-1]
    assert request.headers.get("transfer-encoding") == "chunked"
    assert "content-length" not in request.headers
    assert request.read().count(b"p" * 1000) == 50
    assert uploaded[0].path == "/x/pipe"


async def test_unusable_file_objects_are_refused_before_sending(
    httpx_mock: HTTPXMock, tmp_path: Path
) -> None:
    add_config(httpx_mock)
    path = tmp_path / "notes.txt"
    path.write_text("hello")

    async with Client(APP) as client:
        with path.open("r") as text_file:
            with pytest.raises(LocalFileError, match=r"binary mode \('rb'\)"):
                await client.upload(text_file)
        closed = path.open("rb")
        closed.close()
        with pytest.raises(LocalFileError, match="closed"):
            await client.upload(closed)

    assert len(httpx_mock.get_requests()) == 1  # the config only


async def test_download_into_a_file_is_a_typed_error(httpx_mock: HTTPXMock, tmp_path: Path) -> None:
    add_config(httpx_mock)
    blocker = tmp_path / "taken"
    blocker.write_text("")

    async with Client(APP) as client:
        with pytest.raises(LocalFileError, match="expected a folder, found a file"):
            await client.download("/tmp/gradio/x/out.txt", blocker)


async def test_download_gets_the_usual_permissions(httpx_mock: HTTPXMock, tmp_path: Path) -> None:
    add_config(httpx_mock)
    url = f"{APP}/gradio_api/file=/tmp/gradio/x/out.txt"
    httpx_mock.add_response(method="GET", url=url, content=b"data")
    previous = os.umask(0o022)
    try:
        async with Client(APP) as client:
            saved = await client.download("/tmp/gradio/x/out.txt", tmp_path)
    finally:
        os.umask(previous)

    assert saved.stat().st_mode & 0o777 == 0o644
