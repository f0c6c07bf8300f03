"""The client against transcripts recorded from a real Gradio 6.31 server."""

from __future__ import annotations

import inspect
import json
from collections.abc import AsyncIterator

import anyio
import httpx
import pytest
from pytest_httpx import HTTPXMock

import gradio_raw
from gradio_raw import (
    AppError,
    ArgumentError,
    Client,
    Completed,
    EndpointNotFound,
    FileData,
    JobCancelled,
    Log,
    Output,
    Progress,
    Queued,
    QueueFull,
    SessionLost,
    Started,
)

from .replay import Replay, body_bytes, find, load

pytestmark = pytest.mark.anyio

# Chunk sizes for the data stream: one byte at a time, sizes that split
# lines and JSON at odd places, and whole reads.
CHUNK_SIZES = [1, 7, 61, 65536]


def replay_testbed(httpx_mock: HTTPXMock, name: str, chunk_size: int | None = None) -> Replay:
    return Replay(httpx_mock, load(name), discovery=load("echo"), chunk_size=chunk_size)


def client_for(replay: Replay) -> Client:
    return Client(replay.base_url + "/", session_hash=replay.session_hash)


async def test_echo_by_position(httpx_mock: HTTPXMock) -> None:
    replay = replay_testbed(httpx_mock, "echo")
    replay.add_calls()

    async with client_for(replay) as client:
        result = await client.predict("/echo", "hello", 3)

    assert result == ["hellohellohello"]
    assert result.fn_index == 0
    assert result.endpoint == "/echo"


async def test_echo_by_keyword(httpx_mock: HTTPXMock) -> None:
    replay = replay_testbed(httpx_mock, "echo")
    replay.add_calls()

    async with client_for(replay) as client:
        result = await client.predict("echo", text="hello", n=3)

    assert result.value == "hellohellohello"
    assert replay.requests_to("/info") == 1


async def test_echo_by_fn_index(httpx_mock: HTTPXMock) -> None:
    replay = replay_testbed(httpx_mock, "echo")
    replay.add_calls()

    async with client_for(replay) as client:
        result = await client.predict(0, "hello", 3)

    assert result == ["hellohellohello"]


@pytest.mark.parametrize("chunk_size", CHUNK_SIZES)
async def test_generator_diffs_rebuild_each_output(httpx_mock: HTTPXMock, chunk_size: int) -> None:
    replay = replay_testbed(httpx_mock, "gen", chunk_size)
    replay.add_calls()

    async with client_for(replay) as client:
        job = client.submit("/gen", 8)
        outputs = [event.data[0] async for event in job if isinstance(event, Output)]
        result = await job

    assert outputs == ["a", "ab", "abc", "abcd", "abcde", "abcdef", "abcdefg", "abcdefgh"]
    assert result == ["abcdefgh"]


@pytest.mark.parametrize("chunk_size", CHUNK_SIZES)
async def test_chatbot_diffs_match_completion(httpx_mock: HTTPXMock, chunk_size: int) -> None:
    replay = replay_testbed(httpx_mock, "chat", chunk_size)
    replay.add_calls()

    async with client_for(replay) as client:
        job = client.submit("/chat", "hello there", [])
        outputs = [event.data[0] async for event in job if isinstance(event, Output)]
        result = await job

    final_text = result[0][-1]["content"][0]["text"]
    texts = [history[-1]["content"][0]["text"] for history in outputs]
    assert len(outputs) > 2
    assert outputs[-1] == result[0]
    assert all(final_text.startswith(text) for text in texts)
    assert texts == sorted(texts, key=len)


async def test_app_error_keeps_message_and_title(httpx_mock: HTTPXMock) -> None:
    replay = replay_testbed(httpx_mock, "fail")
    replay.add_calls()

    async with client_for(replay) as client:
        with pytest.raises(AppError) as caught:
            await client.predict("/fail", "boom")

    assert caught.value.message == "custom failure"
    assert caught.value.title == "Oops"
    assert str(caught.value) == "Oops: custom failure"
    assert caught.value.raw is not None


async def test_hidden_app_error_explains(httpx_mock: HTTPXMock) -> None:
    replay = replay_testbed(httpx_mock, "fail_plain")
    replay.add_calls()
    request = find(replay.fixture, "POST", "/queue/join")[0]["request_json"]

    async with client_for(replay) as client:
        with pytest.raises(AppError) as caught:
            await client.predict("/fail_plain", *request["data"])

    assert caught.value.details_hidden
    assert "show_error" in str(caught.value)
    assert "None" not in str(caught.value)


async def test_iterating_failed_job_raises(httpx_mock: HTTPXMock) -> None:
    replay = replay_testbed(httpx_mock, "fail")
    replay.add_calls()

    async with client_for(replay) as client:
        job = client.submit("/fail", "boom")
        seen = []
        with pytest.raises(AppError):
            async for event in job:
                seen.append(event.kind)

    assert "started" in seen


async def test_progress_and_logs(httpx_mock: HTTPXMock) -> None:
    replay = replay_testbed(httpx_mock, "prog")
    replay.add_calls()
    request = find(replay.fixture, "POST", "/queue/join")[0]["request_json"]

    async with client_for(replay) as client:
        events = [event async for event in client.submit("/prog", *request["data"])]

    progress = [event.units[0] for event in events if isinstance(event, Progress)]
    logs = [(event.level, event.message) for event in events if isinstance(event, Log)]
    assert [unit.index for unit in progress] == list(range(len(progress)))
    assert {unit.length for unit in progress} == {len(progress)}
    assert progress[1].fraction == pytest.approx(1 / len(progress))
    assert logs == [("info", "starting"), ("warning", "done warn")]
    assert isinstance(events[0], Queued)
    assert any(isinstance(event, Started) for event in events)
    assert isinstance(events[-1], Completed)


async def test_image_output_is_file(httpx_mock: HTTPXMock) -> None:
    replay = replay_testbed(httpx_mock, "image")
    for exchange in replay.fixture["exchanges"]:
        if "/queue/" in exchange["path"]:
            replay.add(exchange)
    request = find(replay.fixture, "POST", "/queue/join")[0]["request_json"]

    async with client_for(replay) as client:
        result = await client.predict("/image", *request["data"])

    image = result.value
    assert isinstance(image, FileData)
    assert image.url is not None
    assert image.url.startswith(replay.base_url + "/gradio_api/file=")
    assert result.files == [image]


async def test_concurrent_jobs_share_one_stream(httpx_mock: HTTPXMock) -> None:
    replay = replay_testbed(httpx_mock, "concurrent")
    replay.add_calls()
    results: dict[str, str] = {}

    async with client_for(replay) as client:

        async def call(text: str) -> None:
            results[text] = (await client.predict("/upper", text)).value

        async with anyio.create_task_group() as group:
            for text in ("one", "two", "three"):
                group.start_soon(call, text)

    assert results == {"one": "ONE", "two": "TWO", "three": "THREE"}
    assert replay.requests_to("/queue/data") == 1


async def test_state_carries_over_in_session(httpx_mock: HTTPXMock) -> None:
    replay = replay_testbed(httpx_mock, "counter_state")
    replay.add_calls()

    async with client_for(replay) as client:
        first = await client.predict("/counter", "first")
        second = await client.predict("/counter", "second")

    assert first == ["first:1"]
    assert second == ["second:2"]
    assert first.raw == ["first:1", None]
    assert replay.requests_to("/queue/data") == 2


async def test_cancel_sends_cancel_request(httpx_mock: HTTPXMock) -> None:
    replay = replay_testbed(httpx_mock, "cancel")
    join, stream, cancel = replay.fixture["exchanges"]
    replay.add(join)

    # The recorded stream is replayed in two parts: up to process_starts, then,
    # once the client has sent its cancel request, the rest.
    recorded = body_bytes(stream)
    split = recorded.index(b"\n\n", recorded.index(b"process_starts")) + 2
    cancel_received = anyio.Event()

    class StreamParts(httpx.AsyncByteStream):
        async def __aiter__(self) -> AsyncIterator[bytes]:
            yield recorded[:split]
            await cancel_received.wait()
            yield recorded[split:]

    httpx_mock.add_response(
        method="GET",
        url=f"{replay.base_url}{stream['path']}?{stream['query']}",
        headers={"content-type": stream["content_type"]},
        stream=StreamParts(),
    )

    def on_cancel(request: httpx.Request) -> httpx.Response:
        cancel_received.set()
        return httpx.Response(cancel["status"], content=body_bytes(cancel))

    httpx_mock.add_callback(
        on_cancel,
        method="POST",
        url=replay.base_url + cancel["path"],
        match_json=cancel["request_json"],
    )

    async with client_for(replay) as client:
        job = client.submit("/slow", 5)
        with pytest.raises(JobCancelled, match="cancelled by the caller"):
            async for event in job:
                if isinstance(event, Started):
                    await job.cancel()
        with pytest.raises(JobCancelled):
            await job

    assert replay.requests_to("/cancel") == 1


async def test_server_side_cancel_is_reported(httpx_mock: HTTPXMock) -> None:
    # The recorded stream ends the job with an empty output, which is how the
    # server reports a cancellation it carried out.
    replay = replay_testbed(httpx_mock, "cancel")
    for exchange in replay.fixture["exchanges"]:
        if "/queue/" in exchange["path"]:
            replay.add(exchange)

    async with client_for(replay) as client:
        with pytest.raises(JobCancelled, match="server cancelled"):
            await client.predict("/slow", 5)


async def test_unknown_session_fails_job(httpx_mock: HTTPXMock) -> None:
    replay = replay_testbed(httpx_mock, "unknown_session")
    # Hand-written join answer: the recorded stream is what a session the
    # server does not know receives.
    httpx_mock.add_response(
        method="POST",
        url=replay.base_url + "/gradio_api/queue/join",
        json={"event_id": "hand-written-event"},
    )
    replay.add(find(replay.fixture, "GET", "/queue/data")[0])

    async with client_for(replay) as client:
        with pytest.raises(SessionLost) as caught:
            await client.predict("/upper", "x")

    assert caught.value.raw is not None
    assert "session_not_found" in caught.value.raw


async def test_queue_full_raises_before_streaming(httpx_mock: HTTPXMock) -> None:
    fixture = load("queue_full")
    replay = Replay(httpx_mock, fixture)
    rejected = next(e for e in find(fixture, "POST", "/queue/join") if e["status"] == 503)
    replay.add(rejected)

    async with Client(replay.base_url, session_hash=replay.session_hash) as client:
        with pytest.raises(QueueFull) as caught:
            await client.predict("/slow", 1)

    assert caught.value.status_code == 503
    assert "Queue is full" in str(caught.value)
    assert replay.requests_to("/queue/data") == 0


async def test_main_job_fills_defaults(httpx_mock: HTTPXMock) -> None:
    fixture = load("imagegen_infer")
    replay = Replay(httpx_mock, fixture)
    replay.add_calls()

    async with Client(replay.base_url, session_hash=replay.session_hash) as client:
        image, seed = await client.predict("/infer", prompt="cat", randomize_seed=False)

    assert isinstance(image, FileData)
    assert image.url is not None
    assert image.url.startswith(replay.base_url + "/gradio_api/file=")
    assert seed == 0


async def test_infer_on_run_app_suggests_run(httpx_mock: HTTPXMock) -> None:
    replay = Replay(httpx_mock, load("imagegen_run"))

    async with Client(replay.base_url) as client:
        with pytest.raises(EndpointNotFound) as caught:
            await client.predict("/infer", prompt="cat")

    message = str(caught.value)
    assert caught.value.suggestion == "/run"
    assert "Did you mean /run?" in message
    assert "/run  fn_index=0" in message
    assert "negative_prompt" in message
    assert replay.requests_to("/queue/join") == 0


async def test_infer_values_on_run_rejected(httpx_mock: HTTPXMock) -> None:
    replay = Replay(httpx_mock, load("imagegen_run"))

    async with Client(replay.base_url) as client:
        with pytest.raises(ArgumentError) as caught:
            await client.predict(0, "cat", 0, 256, 256, False, 4)

    assert "takes 5 values" in str(caught.value)
    assert "6 were given" in str(caught.value)
    assert replay.requests_to("/queue/join") == 0


async def test_too_few_values_rejected(httpx_mock: HTTPXMock) -> None:
    # The recording shows the server failing with an empty error for a short
    # data list; the client must refuse before sending.
    replay = replay_testbed(httpx_mock, "wrong_arity")

    async with client_for(replay) as client:
        with pytest.raises(ArgumentError, match="missing required parameter: text"):
            await client.predict("/echo", n=2)

    assert replay.requests_to("/queue/join") == 0


def test_recorded_join_bodies_are_what_client_sends() -> None:
    # Every recorded join carries the keys the client sends, so match_json in
    # the replays above checks the client's bodies byte for byte in meaning.
    for name in ("echo", "gen", "chat", "concurrent", "counter_state", "imagegen_infer"):
        for exchange in find(load(name), "POST", "/queue/join"):
            assert set(exchange["request_json"]) == {
                "data",
                "event_data",
                "fn_index",
                "trigger_id",
                "session_hash",
            }


def test_fixtures_name_gradio_version() -> None:
    for path in sorted((body_bytes.__globals__["FIXTURES"]).glob("gradio-*/*.json")):
        fixture = json.loads(path.read_text(encoding="utf-8"))
        assert fixture["gradio_version"] == path.parent.name.removeprefix("gradio-")
        assert fixture["recorded_by"] == "scripts/record_fixtures.py"


def test_public_api_is_declared() -> None:
    # Submodules (gradio_raw.sync) are importable but not part of __all__.
    exported = {
        name
        for name in dir(gradio_raw)
        if not name.startswith("_") and not inspect.ismodule(getattr(gradio_raw, name))
    }
    assert set(gradio_raw.__all__) == exported | {"__version__"}
