"""The same live tests against every Gradio generation (`scripts/matrix/run`).

Each run starts `scripts/apps/matrix.py` with the interpreter in
`GRADIO_RAW_SERVER_PYTHON` (one virtual environment per Gradio release) and
checks the Gradio version it reports against `GRADIO_RAW_MATRIX_VERSION`.
Without those variables the tests use the default server environment.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from gradio_raw import AppError, Client, Completed, FileData, Output, UploadProgress, handle_file

from .support.servers import RunningApp, find_server_python, running_app

pytestmark = [pytest.mark.live, pytest.mark.anyio]

EXPECTED_VERSION = os.environ.get("GRADIO_RAW_MATRIX_VERSION")


@pytest.fixture(scope="module")
def matrix_app() -> Iterator[RunningApp]:
    python = find_server_python()
    if python is None:
        reason = "no Python with Gradio to run live servers: run scripts/setup"
        if os.environ.get("GRADIO_RAW_REQUIRE_LIVE") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    with running_app("matrix", python=python, timeout=180) as app:
        yield app


def test_server_version(matrix_app: RunningApp) -> None:
    if EXPECTED_VERSION is not None:
        assert matrix_app.gradio_version == EXPECTED_VERSION


async def test_text(matrix_app: RunningApp) -> None:
    async with Client(matrix_app.url) as client:
        result = await client.predict("/echo", "ab", 3)

    assert result == ["ababab"]


async def test_generator(matrix_app: RunningApp) -> None:
    async with Client(matrix_app.url) as client:
        job = client.submit("/gen", 5)
        partials = [event.data[0] async for event in job if isinstance(event, Output)]
        result = await job

    assert partials == ["a", "ab", "abc", "abcd", "abcde"]
    assert result == ["abcde"]


async def test_app_error(matrix_app: RunningApp) -> None:
    async with Client(matrix_app.url) as client:
        with pytest.raises(AppError) as caught:
            await client.predict("/fail", "x")

    assert "custom failure" in str(caught.value) or caught.value.details_hidden


async def test_file_output(matrix_app: RunningApp, tmp_path: Path) -> None:
    async with Client(matrix_app.url) as client:
        image = (await client.predict("/image", 8)).value
        assert isinstance(image, FileData)
        saved = await client.download(image, tmp_path)

    assert saved.stat().st_size > 0


async def test_file_input(matrix_app: RunningApp) -> None:
    async with Client(matrix_app.url) as client:
        result = await client.predict("/file_len", handle_file(b"x" * 321, name="data.txt"))

    assert result == [321]


async def test_upload_progress(matrix_app: RunningApp) -> None:
    size = 4 * 1024 * 1024
    async with Client(matrix_app.url) as client:
        if client.config.protocol == "ws":
            pytest.skip("Gradio 3 takes files inline in the call, so nothing is uploaded")
        job = client.submit("/file_len", handle_file(b"x" * size, name="big.bin"))
        events = [event async for event in job]

    uploads = [event for event in events if isinstance(event, UploadProgress)]
    assert uploads
    assert uploads[-1].received == size
    assert isinstance(events[-1], Completed)
    assert events[-1].result == [size]


async def test_state(matrix_app: RunningApp) -> None:
    async with Client(matrix_app.url) as client:
        counts = [(await client.predict("/counter", "c")).value for _ in range(2)]

    assert counts == ["c:1", "c:2"]


async def test_unqueued(matrix_app: RunningApp) -> None:
    async with Client(matrix_app.url) as client:
        result = await client.predict("/noq", "n")

    assert len(result) == 1
