"""The client and the CLI against real Gradio servers started on 127.0.0.1.

The servers run under the interpreter that `tests/support/servers.py` finds
(`GRADIO_RAW_SERVER_PYTHON` or `.venv-gradio`). Without one these tests skip,
unless `GRADIO_RAW_REQUIRE_LIVE=1` (set by CI) turns the skip into a failure.
"""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

import anyio
import httpx
import pytest

from gradio_raw import (
    AppError,
    AuthenticationError,
    Client,
    Completed,
    EndpointNotFound,
    FileData,
    JobCancelled,
    Output,
    Progress,
    Started,
    UploadProgress,
    handle_file,
)

from .support.servers import RunningApp, find_server_python, running_app

pytestmark = [pytest.mark.live, pytest.mark.anyio]


@pytest.fixture(scope="module")
def server_python() -> str:
    python = find_server_python()
    if python is None:
        reason = (
            "no Python with Gradio to run live servers: run scripts/setup or set "
            "GRADIO_RAW_SERVER_PYTHON"
        )
        if os.environ.get("GRADIO_RAW_REQUIRE_LIVE") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return python


@pytest.fixture(scope="module")
def testbed(server_python: str) -> Iterator[RunningApp]:
    # A short heartbeat interval puts heartbeats on the streams of slow calls.
    with running_app(
        "testbed", python=server_python, env={"GRADIO_HEARTBEAT_INTERVAL": "1"}
    ) as app:
        yield app


@pytest.fixture(scope="module")
def infer_app(server_python: str) -> Iterator[RunningApp]:
    with running_app("imagegen_infer", python=server_python) as app:
        yield app


@pytest.fixture(scope="module")
def run_app(server_python: str) -> Iterator[RunningApp]:
    with running_app("imagegen_run", python=server_python) as app:
        yield app


async def test_text_endpoint(testbed: RunningApp) -> None:
    async with Client(testbed.url) as client:
        by_position = await client.predict("/echo", "ab", 3)
        by_keyword = await client.predict("echo", text="xy")

    assert by_position == ["ababab"]
    assert by_keyword == ["xyxy"]


async def test_image_endpoint_file_downloads(testbed: RunningApp) -> None:
    async with Client(testbed.url) as client:
        result = await client.predict("/image", size=16)

    image = result.value
    assert isinstance(image, FileData)
    assert image.url is not None
    async with httpx.AsyncClient() as http:
        response = await http.get(image.url)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/")


async def test_generator_partials_equal_server_values(testbed: RunningApp) -> None:
    async with Client(testbed.url) as client:
        job = client.submit("/gen", count=30)
        partials = [event.data[0] async for event in job if isinstance(event, Output)]
        result = await job

    alphabet = "abcdefghijklmnopqrstuvwxyz"
    expected = [(alphabet * 2)[:length] for length in range(1, 31)]
    assert partials == expected
    assert result == [expected[-1]]


async def test_chat_generator_final_equals_last(testbed: RunningApp) -> None:
    async with Client(testbed.url) as client:
        job = client.submit("/chat", "tell me something long", [])
        partials = [event.data[0] async for event in job if isinstance(event, Output)]
        result = await job

    assert len(partials) > 2
    assert partials[-1] == result[0]
    assert result[0][0]["content"][0]["text"] == "tell me something long"


async def test_progress_reports_each_step(testbed: RunningApp) -> None:
    async with Client(testbed.url) as client:
        events = [event async for event in client.submit("/prog", steps=5)]

    steps = [event.units[0].index for event in events if isinstance(event, Progress)]
    assert steps == [0, 1, 2, 3, 4]


async def test_app_errors_are_typed(testbed: RunningApp) -> None:
    async with Client(testbed.url) as client:
        with pytest.raises(AppError) as shown:
            await client.predict("/fail", "x")
        with pytest.raises(AppError) as hidden:
            await client.predict("/fail_plain", "x")

    assert str(shown.value) == "Oops: custom failure"
    assert hidden.value.details_hidden


async def test_state_counts_per_session(testbed: RunningApp) -> None:
    async with Client(testbed.url) as client:
        counts = [(await client.predict("/counter", "t")).value for _ in range(3)]
        other = await client.new_session().predict("/counter", "o")

    assert counts == ["t:1", "t:2", "t:3"]
    assert other == ["o:1"]


async def test_hidden_and_unqueued_endpoints(testbed: RunningApp) -> None:
    async with Client(testbed.url) as client:
        hidden = await client.predict("/hidden", "h")
        unqueued = await client.predict("/noq", "n")

    assert len(hidden) == 1
    assert len(unqueued) == 1


async def test_heartbeats_do_not_disturb_call(testbed: RunningApp) -> None:
    async with Client(testbed.url) as client:
        result = await client.predict("/slow", seconds=2.5)

    assert result == ["slept"]


async def test_cancel_frees_the_worker(testbed: RunningApp) -> None:
    async with Client(testbed.url) as client:
        job = client.submit("/slow", seconds=30)
        with pytest.raises(JobCancelled):
            async for event in job:
                if isinstance(event, Started):
                    await job.cancel()
        started = time.monotonic()
        after = await client.predict("/upper", "next")

    assert after == ["NEXT"]
    assert time.monotonic() - started < 10


async def test_unknown_endpoint_lists_real_ones(testbed: RunningApp) -> None:
    async with Client(testbed.url) as client:
        with pytest.raises(EndpointNotFound) as caught:
            await client.predict("/ech", "x")

    assert caught.value.suggestion == "/echo"
    assert "/upper  fn_index=1" in str(caught.value)


async def test_200_concurrent_calls_one_stream(testbed: RunningApp) -> None:
    streams = 0

    async def count_streams(request: httpx.Request) -> None:
        nonlocal streams
        if request.url.path.endswith("/queue/data"):
            streams += 1

    results: dict[int, object] = {}
    async with httpx.AsyncClient(event_hooks={"request": [count_streams]}) as http:
        async with Client(testbed.url, http_client=http) as client:

            async def call(index: int) -> None:
                results[index] = (await client.predict("/upper", f"call {index}")).value

            async with anyio.create_task_group() as group:
                for index in range(200):
                    group.start_soon(call, index)

    assert results == {index: f"CALL {index}" for index in range(200)}
    # The server ends a session's stream whenever nothing is pending, so a
    # burst can take a few streams, but never one per call.
    assert streams <= 10


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gradio_raw", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_cli_infer_returns_url_and_seed(infer_app: RunningApp) -> None:
    completed = run_cli("call", infer_app.url, "/infer", "prompt=cat", "--json")

    assert completed.returncode == 0, completed.stderr
    document = json.loads(completed.stdout)
    image, seed = document["data"]
    assert image["url"].startswith(infer_app.url + "gradio_api/file=")
    assert isinstance(seed, int)
    assert document["fn_index"] == 0


def test_cli_infer_on_run_app_fails(run_app: RunningApp) -> None:
    completed = run_cli("call", run_app.url, "/infer", "prompt=cat")

    assert completed.returncode == 2
    assert "/run" in completed.stderr
    assert "fn_index=0" in completed.stderr
    assert completed.stdout == ""


def test_cli_api_lists_parameters(infer_app: RunningApp) -> None:
    completed = run_cli("api", infer_app.url, "--json")

    assert completed.returncode == 0, completed.stderr
    endpoints = json.loads(completed.stdout)["endpoints"]
    names = [parameter["name"] for parameter in endpoints[0]["parameters"]]
    assert endpoints[0]["api_name"] == "/infer"
    assert names == [
        "prompt",
        "seed",
        "width",
        "height",
        "randomize_seed",
        "num_inference_steps",
    ]


def test_cli_app_error_exit_code(testbed: RunningApp) -> None:
    completed = run_cli("call", testbed.url, "/fail", "x")

    assert completed.returncode == 1
    assert "Oops: custom failure" in completed.stderr


def test_cli_connection_failure_exit_code() -> None:
    # Port 9 (discard) on loopback: nothing of this test suite listens there.
    completed = run_cli("call", "http://127.0.0.1:9/", "/echo", "x")

    assert completed.returncode == 3
    assert completed.stderr.count("\n") == 1


# Files: upload, file outputs and downloads against scripts/apps/files.py.


@pytest.fixture(scope="module")
def files_app(server_python: str) -> Iterator[RunningApp]:
    with running_app("files", python=server_python) as app:
        yield app


def tiny_png(width: int, height: int) -> bytes:
    """A valid grey PNG of the given size, built without an imaging library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


async def test_text_file_round_trip(files_app: RunningApp, tmp_path: Path) -> None:
    source = tmp_path / "notes.txt"
    source.write_text("hello files\n", encoding="utf-8")

    async with Client(files_app.url) as client:
        result = await client.predict("/upper_file", str(source))
        saved = await result.value.download(tmp_path / "out")

    assert saved.read_text(encoding="utf-8") == "HELLO FILES\n"
    assert result.files == [result.value]


async def test_file_inputs_of_each_kind(files_app: RunningApp, tmp_path: Path) -> None:
    source = tmp_path / "data.bin"
    source.write_bytes(b"x" * 1234)

    async with Client(files_app.url) as client:
        by_path = await client.predict("/file_len", source)
        by_bytes = await client.predict("/file_len", handle_file(b"12345", name="five.bin"))
        with source.open("rb") as opened:
            by_file = await client.predict("/file_len", opened)
        uploaded = await client.upload(source)
        by_earlier_upload = await client.predict("/file_len", uploaded[0])
        several = await client.predict("/files_total", [str(source), source])

    assert by_path == [1234]
    assert by_bytes == [5]
    assert by_file == [1234]
    assert by_earlier_upload == [1234]
    assert several == [2468]


async def test_gallery_of_images(files_app: RunningApp, tmp_path: Path) -> None:
    first = tmp_path / "a.png"
    first.write_bytes(tiny_png(10, 20))
    third = tmp_path / "c.png"
    third.write_bytes(tiny_png(5, 6))

    async with Client(files_app.url) as client:
        result = await client.predict(
            "/gallery_info",
            [
                str(first),
                (handle_file(tiny_png(30, 40), name="b.png"), "cap"),
                (str(third), "a path string with a caption"),
            ],
        )

    assert result == ["10x20\n30x40\n5x6"]


async def test_large_output_download(files_app: RunningApp, tmp_path: Path) -> None:
    async with Client(files_app.url) as client:
        blob = (await client.predict("/make_file", 3)).value
        saved = await blob.download(tmp_path)

    assert saved.stat().st_size == 3 * 1024 * 1024
    assert [p.name for p in tmp_path.iterdir()] == [saved.name]


async def test_upload_progress_reaches_file_size(files_app: RunningApp, tmp_path: Path) -> None:
    size = 8 * 1024 * 1024
    source = tmp_path / "big.bin"
    source.write_bytes(os.urandom(size))
    small = tmp_path / "small.bin"
    small.write_bytes(b"x" * 1000)
    answers: list[tuple[str, int, str]] = []

    async def record(response: httpx.Response) -> None:
        content_type = response.headers.get("content-type", "")
        answers.append((response.url.path, response.status_code, content_type))

    uploaded: list[UploadProgress] = []
    small_events: list[UploadProgress] = []
    async with httpx.AsyncClient(event_hooks={"response": [record]}) as http:
        async with Client(files_app.url, http_client=http) as client:
            await client.upload(small, on_progress=small_events.append)
            small_answers = list(answers)
            await client.upload(source, on_progress=uploaded.append)
            job_events = [event async for event in client.submit("/file_len", source)]

    assert small_events == []
    assert [path for path, _, _ in small_answers] == ["/config", "/gradio_api/upload"]
    # One progress stream for client.upload and one for the job's upload.
    progress_answers = [
        (status, content_type)
        for path, status, content_type in answers
        if path == "/gradio_api/upload_progress"
    ]
    assert len(progress_answers) == 2
    assert all(status == 200 for status, _ in progress_answers)
    assert all("text/event-stream" in content_type for _, content_type in progress_answers)
    # Gradio 6.31 reports the bytes since its previous update and sends
    # `done` in place of the last ones, so its own reports fall short of the
    # size. The client completes the count once the upload succeeds.
    received = [event.received for event in uploaded]
    assert received == sorted(received)
    assert received[-1] == size
    assert {(event.name, event.size) for event in uploaded} == {("big.bin", size)}
    kinds = [event.kind for event in job_events]
    first_other = next(i for i, kind in enumerate(kinds) if kind != "upload_progress")
    assert first_other > 0
    assert "upload_progress" not in kinds[first_other:]
    last_upload = job_events[first_other - 1]
    assert isinstance(last_upload, UploadProgress)
    assert last_upload.received == size
    assert isinstance(job_events[-1], Completed)
    assert job_events[-1].result == [size]


def test_cli_upload_and_download(files_app: RunningApp, tmp_path: Path) -> None:
    source = tmp_path / "in.txt"
    source.write_text("cli text", encoding="utf-8")
    folder = tmp_path / "downloads"

    completed = run_cli(
        "call", files_app.url, "/upper_file", f"path=@{source}", "--download", str(folder)
    )

    assert completed.returncode == 0, completed.stderr
    saved = Path(completed.stdout.strip())
    assert saved.parent == folder
    assert saved.read_text(encoding="utf-8") == "CLI TEXT"


# Control over jobs and sessions: cancellation, State resets, login.


@pytest.fixture(scope="module")
def limited_app(server_python: str) -> Iterator[RunningApp]:
    with running_app("queue_limited", python=server_python) as app:
        yield app


@pytest.fixture(scope="module")
def login_app(server_python: str) -> Iterator[RunningApp]:
    with running_app("login", python=server_python) as app:
        yield app


async def test_cancel_frees_concurrency_slot(limited_app: RunningApp) -> None:
    # The app runs one job at a time: the next call can only start at once if
    # the cancelled job really stopped on the server.
    async with Client(limited_app.url) as client:
        job = client.submit("/slow", 30)
        with pytest.raises(JobCancelled):
            async for event in job:
                if isinstance(event, Started):
                    await job.cancel()
        started = time.monotonic()
        result = await client.predict("/slow", 0)

    assert result == ["slept"]
    assert time.monotonic() - started < 5


async def test_cancel_scope_cancels_on_server(limited_app: RunningApp) -> None:
    async with Client(limited_app.url) as client:
        with anyio.move_on_after(1.5):
            await client.predict("/slow", 30)
        started = time.monotonic()
        result = await client.predict("/slow", 0)

    assert result == ["slept"]
    assert time.monotonic() - started < 5


async def test_cancel_generator_midway(testbed: RunningApp) -> None:
    async with Client(testbed.url) as client:
        job = client.submit("/gen", count=500)
        seen = 0
        with pytest.raises(JobCancelled):
            async for event in job:
                if isinstance(event, Output):
                    seen += 1
                    if seen == 3:
                        await job.cancel()
        after = await client.predict("/upper", "still usable")

    assert seen == 3
    assert after == ["STILL USABLE"]


async def test_state_restarts_after_reset(testbed: RunningApp) -> None:
    async with Client(testbed.url) as client:
        before = [(await client.predict("/counter", "t")).value for _ in range(3)]
        old_hash = client.session.session_hash
        client.reset_session()
        after = await client.predict("/counter", "t")

    assert before == ["t:1", "t:2", "t:3"]
    assert client.session.session_hash != old_hash
    assert after == ["t:1"]


async def test_login_and_call(login_app: RunningApp) -> None:
    async with Client(login_app.url, auth=("alice", "secret")) as client:
        result = await client.predict("/whoami", "hi")

    assert result == ["alice:hi"]


async def test_wrong_password_fails_clearly(login_app: RunningApp) -> None:
    with pytest.raises(AuthenticationError, match="rejected the username or password"):
        async with Client(login_app.url, auth=("alice", "wrong")):
            pass


async def test_missing_login_fails_clearly(login_app: RunningApp) -> None:
    with pytest.raises(AuthenticationError, match=r"auth=\(username, password\)") as caught:
        async with Client(login_app.url):
            pass

    assert "Log in as the test user." in str(caught.value)


async def test_call_transport(testbed: RunningApp) -> None:
    async with Client(testbed.url, transport="call") as client:
        echoed = await client.predict("/echo", "ab", 3)
        job = client.submit("/gen", count=5)
        partials = [event.data[0] async for event in job if isinstance(event, Output)]
        result = await job
        counts = [(await client.predict("/counter", "c")).value for _ in range(2)]
        with pytest.raises(AppError) as failed:
            await client.predict("/fail", "x")

    assert echoed == ["ababab"]
    assert partials == ["a", "ab", "abc", "abcd", "abcde"]
    assert result == ["abcde"]
    assert counts == ["c:1", "c:2"]
    assert str(failed.value) == "Oops: custom failure"
