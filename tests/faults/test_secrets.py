"""The token never shows: not in logs, CLI output, error messages, `.raw` or reprs.

The servers here are careless rather than hostile. They echo the request's
Authorization header in an error page or a result, as debugging proxies and
naive apps do. So every path that carries server text is exercised with the
token inside it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

import anyio
import pytest

from gradio_raw import Client, GradioRawError, JoinRejected, Timeouts
from gradio_raw._cli import main

from .expect import DEADLINE, FAST
from .messages import CLOSE_STREAM, completed, estimation, starts
from .server import FaultServer, Heartbeats, Reply, Request, running_in_thread, sse

API = "/gradio_api/"
# One token shaped like a Hugging Face token, and one that is not: the second
# is masked only because the client knows it.
TOKENS = ["hf_SecretTokenValue1234567890", "plain-secret-7f3a9c2e5b"]


def echo_authorization(status: int) -> Callable[[Request], Reply]:
    """A route whose error page repeats the request's Authorization header."""

    def reply(request: Request) -> Reply:
        header = request.headers.get("authorization", "none")
        return Reply.text(f"Invalid credentials: {header}", status)

    return reply


def connect_with(server: FaultServer, token: str) -> Client:
    return Client(server.url, hf_token=token, timeouts=FAST, retries=0)


def assert_hidden(token: str, *texts: str | None) -> None:
    for text in texts:
        assert token not in (text or "")


@pytest.fixture(params=TOKENS, ids=["hf-shaped", "plain"])
def token(request: pytest.FixtureRequest) -> str:
    value: str = request.param
    return value


# Logs.


@pytest.mark.anyio
async def test_logs_hide_token(
    server: FaultServer, token: str, caplog: pytest.LogCaptureFixture
) -> None:
    # Every logger at DEBUG: the client's own, httpx and httpcore.
    caplog.set_level(logging.DEBUG)
    echoed = completed("E1", [f"you sent {token}"])
    server.streams = [[estimation("E1"), starts("E1"), echoed, CLOSE_STREAM]]
    server.routes[("GET", API + "info")] = echo_authorization(500)

    with anyio.fail_after(DEADLINE):
        async with connect_with(server, token) as client:
            await client.predict("/echo", "hi", 2)
            await client.endpoints()

    assert caplog.records
    assert_hidden(token, caplog.text, *(record.getMessage() for record in caplog.records))


@pytest.mark.anyio
async def test_logs_hide_token_after_timeout(
    server: FaultServer, token: str, caplog: pytest.LogCaptureFixture
) -> None:
    # A job past its deadline is cancelled, and the response to the cancel
    # request echoes the token.
    caplog.set_level(logging.DEBUG)
    server.streams = [[estimation("E1"), starts("E1"), Heartbeats(0.05)]]
    server.routes[("POST", API + "cancel")] = echo_authorization(401)
    timeouts = Timeouts(connect=2, read=2, stream_idle=1, job=0.3)

    with anyio.fail_after(DEADLINE):
        async with Client(server.url, hf_token=token, timeouts=timeouts, retries=0) as client:
            with pytest.raises(GradioRawError):
                await client.predict("/echo", "hi", 2)

    assert any("cancel" in record.getMessage() for record in caplog.records)
    assert_hidden(token, caplog.text)


# Errors.


@pytest.mark.anyio
async def test_join_error_hides_token(server: FaultServer, token: str) -> None:
    server.routes[("POST", API + "queue/join")] = echo_authorization(401)

    with anyio.fail_after(DEADLINE):
        async with connect_with(server, token) as client:
            with pytest.raises(JoinRejected) as caught:
                await client.predict("/echo", "hi", 2)

    assert caught.value.raw is not None
    assert "Invalid credentials" in caught.value.raw
    assert_hidden(token, str(caught.value), caught.value.raw, repr(caught.value))


@pytest.mark.anyio
async def test_config_error_hides_token(server: FaultServer, token: str) -> None:
    server.routes[("GET", "/config")] = echo_authorization(500)

    with anyio.fail_after(DEADLINE):
        with pytest.raises(GradioRawError) as caught:
            async with connect_with(server, token):
                pass

    assert_hidden(token, str(caught.value), caught.value.raw)


@pytest.mark.anyio
async def test_stream_error_hides_token(server: FaultServer, token: str) -> None:
    # A malformed message that happens to contain the token.
    server.streams = [[estimation("E1"), sse(f"not json {token}"), CLOSE_STREAM]]

    with anyio.fail_after(DEADLINE):
        async with connect_with(server, token) as client:
            with pytest.raises(GradioRawError) as caught:
                await client.predict("/echo", "hi", 2)

    assert_hidden(token, str(caught.value))


# Reprs.


@pytest.mark.anyio
async def test_reprs_hide_token(server: FaultServer, token: str) -> None:
    with anyio.fail_after(DEADLINE):
        async with connect_with(server, token) as client:
            texts = [
                repr(client),
                str(client),
                repr(client._auth),
                repr(client.session),
                repr(client.timeouts),
                repr(client.submit("/echo", "hi", 2)),
            ]

    assert_hidden(token, *texts)


# The command line.


@pytest.fixture
def cli_server() -> Iterator[FaultServer]:
    with running_in_thread() as server:
        yield server


def test_cli_debug_hides_token(
    cli_server: FaultServer, token: str, capsys: pytest.CaptureFixture[str]
) -> None:
    echoed = completed("E1", [f"you sent {token}"])
    cli_server.streams = [[estimation("E1"), starts("E1"), echoed, CLOSE_STREAM]]

    code = main(["call", cli_server.url, "/echo", "hi", "2", "--debug", "--hf-token", token])

    captured = capsys.readouterr()
    assert code == 0
    # The app's output is printed as it is; the protocol log hides the token.
    assert captured.out == f"you sent {token}\n"
    assert "recv" in captured.err
    assert_hidden(token, captured.err)
    assert cli_server.requests_to("/config")[0].headers["authorization"] == f"Bearer {token}"


def test_cli_error_hides_token(
    cli_server: FaultServer, token: str, capsys: pytest.CaptureFixture[str]
) -> None:
    cli_server.routes[("POST", API + "queue/join")] = echo_authorization(401)

    code = main(["call", cli_server.url, "/echo", "hi", "2", "--debug", "--hf-token", token])

    captured = capsys.readouterr()
    assert code == 3
    assert "Invalid credentials" in captured.err
    assert_hidden(token, captured.out, captured.err)
