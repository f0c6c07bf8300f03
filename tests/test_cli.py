"""The gradio-raw command, run in-process against replayed and hand-written servers."""

from __future__ import annotations

import io
import json
from pathlib import Path

import httpx
import pytest
from pytest_httpx import HTTPXMock

from gradio_raw import UploadProgress
from gradio_raw._cli import _StatusPrinter, main, parse_values

from .replay import Replay, find, load

TOKEN = "hf_CliTokenValue1234567890"


def replay_testbed(httpx_mock: HTTPXMock, name: str) -> tuple[Replay, list[str]]:
    """Register a recorded testbed scenario; return it with the CLI's source options."""
    replay = Replay(httpx_mock, load(name), discovery=load("echo"))
    replay.add_calls()
    return replay, [replay.base_url, "--session-hash", replay.session_hash]


def test_values_parse_as_json_or_text() -> None:
    args, kwargs = parse_values(["3", "a cat", "n=2", "flag=true", 'items=["a"]', "prompt=a=b"])

    assert args == [3, "a cat"]
    assert kwargs == {"n": 2, "flag": True, "items": ["a"], "prompt": "a=b"}


def test_json_output_is_one_document(
    httpx_mock: HTTPXMock, capsys: pytest.CaptureFixture[str]
) -> None:
    _, source = replay_testbed(httpx_mock, "echo")

    code = main(["call", *source, "/echo", "text=hello", "n=3", "--json"])

    out = capsys.readouterr().out
    assert code == 0
    assert json.loads(out) == {"endpoint": "/echo", "fn_index": 0, "data": ["hellohellohello"]}


def test_plain_output_prints_values(
    httpx_mock: HTTPXMock, capsys: pytest.CaptureFixture[str]
) -> None:
    replay, source = replay_testbed(httpx_mock, "prog")
    steps = find(replay.fixture, "POST", "/queue/join")[0]["request_json"]["data"][0]

    code = main(["call", *source, "/prog", json.dumps(steps)])

    captured = capsys.readouterr()
    assert code == 0
    assert captured.out.strip().startswith("did ")
    assert "progress:" in captured.err
    assert "[warning] done warn" in captured.err


def test_upload_progress_lines() -> None:
    stream = io.StringIO()
    printer = _StatusPrinter(stream)

    printer.show(UploadProgress(name="big.bin", received=1024, size=2048))
    printer.show(UploadProgress(name="big.bin", received=1025, size=2048))
    printer.show(UploadProgress(name="pipe", received=3 * 2**20))

    assert stream.getvalue().splitlines() == [
        "uploading big.bin: 50%",
        "uploading pipe: 3.0 MiB",
    ]


def test_app_error_exit_code(httpx_mock: HTTPXMock, capsys: pytest.CaptureFixture[str]) -> None:
    _, source = replay_testbed(httpx_mock, "fail")

    code = main(["call", *source, "/fail", "boom"])

    err = capsys.readouterr().err
    assert code == 1
    assert err.strip().endswith("Oops: custom failure")


def test_mismatch_exit_code(httpx_mock: HTTPXMock, capsys: pytest.CaptureFixture[str]) -> None:
    replay = Replay(httpx_mock, load("imagegen_run"))

    code = main(["call", replay.base_url, "/infer", "prompt=cat"])

    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert "Did you mean /run?" in captured.err
    assert "/run  fn_index=0" in captured.err


def test_connection_failure_exit_code(
    httpx_mock: HTTPXMock, capsys: pytest.CaptureFixture[str]
) -> None:
    httpx_mock.add_exception(httpx.ConnectError("connection refused"), is_reusable=True)

    code = main(["call", "http://127.0.0.1:9/", "/echo", "x", "--retries", "0"])

    err = capsys.readouterr().err
    assert code == 3
    assert err.count("\n") == 1
    assert "RequestFailed" in err


def test_usage_error_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["call"])

    assert caught.value.code == 2


def test_debug_shows_messages_without_token(
    httpx_mock: HTTPXMock, capsys: pytest.CaptureFixture[str]
) -> None:
    _, source = replay_testbed(httpx_mock, "echo")

    code = main(["call", *source, "/echo", "hello", "3", "--debug", "--hf-token", TOKEN])

    err = capsys.readouterr().err
    assert code == 0
    assert "process_completed" in err
    assert TOKEN not in err
    assert all(request.headers.get("Authorization") for request in httpx_mock.get_requests())


def test_api_json_lists_endpoints(
    httpx_mock: HTTPXMock, capsys: pytest.CaptureFixture[str]
) -> None:
    replay = Replay(httpx_mock, load("imagegen_infer"))

    code = main(["api", replay.base_url, "--json"])

    document = json.loads(capsys.readouterr().out)
    endpoint = document["endpoints"][0]
    assert code == 0
    assert document["protocol"] == "sse_v3"
    assert endpoint["api_name"] == "/infer"
    assert endpoint["fn_index"] == 0
    assert [p["name"] for p in endpoint["parameters"]][:2] == ["prompt", "seed"]
    assert endpoint["parameters"][1]["has_default"] is True


def test_parameter_given_twice_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["call", "http://127.0.0.1:9/", "/echo", "text=a", "text=b"])

    assert code == 2
    assert "'text' is given twice" in capsys.readouterr().err


def test_download_into_a_file_fails_before_calling(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "out.txt"
    blocker.write_text("")

    # Nothing listens on port 9: the check must come before any request.
    code = main(["call", "http://127.0.0.1:9/", "/echo", "x", "--download", str(blocker)])

    err = capsys.readouterr().err
    assert code == 2
    assert "expected a folder, found a file" in err
    assert err.count("\n") == 1
