"""Faults in discovery: the config (`GET /config`) and the API info (`GET /gradio_api/info`)."""

from __future__ import annotations

import logging

import anyio
import pytest

from gradio_raw import (
    ArgumentError,
    ConfigError,
    RequestFailed,
    RequestTimeout,
    Timeouts,
    UnsupportedProtocol,
)

from .expect import DEADLINE, assert_raw_cut, connect
from .messages import CLOSE_STREAM, completed, estimation
from .server import RECORDED_INFO, FaultServer, Reply

pytestmark = pytest.mark.anyio

API = "/gradio_api/"


async def open_client_expecting(server: FaultServer, error: type[Exception]) -> Exception:
    """Open a client on the server and return the error that opening it raised."""
    with anyio.fail_after(DEADLINE):
        with pytest.raises(error) as caught:
            async with connect(server):
                pass
    return caught.value


# Responses that are not a config.


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (Reply.json({"detail": "Not Found"}, status=404), "HTTP 404"),
        (Reply.text("upstream connect error", 503), "HTTP 503"),
        (Reply.text("<html>Sign in</html>", content_type="text/html"), "not JSON"),
        (Reply(), "not JSON"),
        (Reply.json([1, 2, 3]), "JSON array"),
    ],
    ids=["404", "503", "html", "empty", "array"],
)
async def test_config_not_a_config(server: FaultServer, reply: Reply, expected: str) -> None:
    server.config = reply

    error = await open_client_expecting(server, ConfigError)

    assert expected in str(error)
    assert error.raw == reply.body.decode()  # type: ignore[attr-defined]


async def test_config_huge_html_page(server: FaultServer) -> None:
    page = "<html>" + "<div>Loading the Space...</div>" * 50_000 + "</html>"
    server.config = Reply.text(page, 500, "text/html")

    error = await open_client_expecting(server, ConfigError)

    assert_raw_cut(error)  # type: ignore[arg-type]
    assert len(str(error)) < 500


async def test_config_no_response(server: FaultServer) -> None:
    server.config = Reply.never()
    timeouts = Timeouts(connect=2, read=0.5)

    with anyio.fail_after(DEADLINE):
        start = anyio.current_time()
        with pytest.raises(RequestTimeout, match="config"):
            async with connect(server, timeouts=timeouts):
                pass
        elapsed = anyio.current_time() - start

    assert elapsed < 0.5 + 0.5


async def test_config_503_then_retried(server: FaultServer) -> None:
    # A proxy returns 503 while the app restarts; the config is safe to
    # request again.
    replies = iter([Reply.text("Service Unavailable", 503), Reply.json(server.recorded_config())])
    server.routes[("GET", "/config")] = lambda request: next(replies)

    with anyio.fail_after(DEADLINE):
        async with connect(server, retries=1) as client:
            version = client.config.version

    assert version == "6.31.0"
    assert len(server.requests_to("/config")) == 2


async def test_config_no_response_retried(server: FaultServer) -> None:
    # Each attempt has its own read timeout, so two attempts and one backoff
    # of at most 0.5 s bound the wait.
    server.config = Reply.never()
    timeouts = Timeouts(connect=2, read=0.5)

    with anyio.fail_after(DEADLINE):
        start = anyio.current_time()
        with pytest.raises(RequestTimeout, match="config"):
            async with connect(server, timeouts=timeouts, retries=1):
                pass
        elapsed = anyio.current_time() - start

    assert len(server.requests_to("/config")) == 2
    assert elapsed < 2 * 0.5 + 0.5 + 0.5


# Configs with missing or unexpected fields.


async def test_config_without_dependencies(server: FaultServer) -> None:
    config = server.recorded_config()
    del config["dependencies"]
    server.config = config

    error = await open_client_expecting(server, ConfigError)

    assert "no 'dependencies' field" in str(error)
    assert "components" in str(error)
    assert_raw_cut(error)  # type: ignore[arg-type]


async def test_config_without_protocol(server: FaultServer) -> None:
    # A config without a protocol is a Gradio 3.x one.
    config = server.recorded_config()
    del config["protocol"]
    server.config = config

    with anyio.fail_after(DEADLINE):
        async with connect(server) as client:
            protocol = client.config.protocol

    assert protocol == "ws"


async def test_websocket_upgrade_refused(server: FaultServer) -> None:
    # Gradio 3.x apps are called over a websocket; this server rejects the
    # upgrade request with 404, as a proxy without websocket support would.
    config = server.recorded_config()
    del config["protocol"]
    server.config = config

    with anyio.fail_after(DEADLINE):
        async with connect(server) as client:
            with pytest.raises(RequestFailed, match="websocket") as caught:
                await client.predict("/echo", "hi", 2)

    assert caught.value.status_code == 404


async def test_config_unknown_protocol(server: FaultServer) -> None:
    config = server.recorded_config()
    config["protocol"] = "sse_v9"
    server.config = config

    error = await open_client_expecting(server, UnsupportedProtocol)

    assert error.protocol == "sse_v9"  # type: ignore[attr-defined]
    assert error.version == "6.31.0"  # type: ignore[attr-defined]
    assert "'sse_v9'" in str(error)


async def test_config_dependencies_wrong_type(server: FaultServer) -> None:
    config = server.recorded_config()
    config["dependencies"][0]["inputs"] = "2,3"
    server.config = config

    error = await open_client_expecting(server, ConfigError)

    assert "malformed" in str(error)
    assert "inputs" in str(error)
    assert len(str(error)) < 1000


async def test_config_unknown_component_id(server: FaultServer) -> None:
    # An input that names no component is sent as a visible parameter.
    config = server.recorded_config()
    config["dependencies"][0]["inputs"] = [2, 999]
    server.config = config
    server.streams = [[estimation("E1"), completed("E1", ["ok"]), CLOSE_STREAM]]

    with anyio.fail_after(DEADLINE):
        async with connect(server) as client:
            result = await client.predict(0, "hi", 2)

    assert result == ["ok"]
    assert server.requests_to(API + "queue/join")[0].json()["data"] == ["hi", 2]


async def test_config_duplicate_api_names(
    server: FaultServer, caplog: pytest.LogCaptureFixture
) -> None:
    config = server.recorded_config()
    config["dependencies"][1]["api_name"] = "echo"
    server.config = config
    server.streams = [[estimation("E1"), completed("E1", ["ok"]), CLOSE_STREAM]]

    with anyio.fail_after(DEADLINE):
        async with connect(server) as client:
            await client.predict("/echo", "hi", 2)

    join = server.requests_to(API + "queue/join")[0].json()
    assert join["fn_index"] == 0
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == ["The config names more than one endpoint /echo; using the first"]


# API info that disagrees with the config.


async def test_info_more_parameters_than_config(server: FaultServer) -> None:
    # The server checks calls against the config, so the client keeps the
    # config's two inputs and places values by position.
    info = {"named_endpoints": {"/echo": {"parameters": [{"parameter_name": "a"}] * 3}}}
    server.info = info
    server.streams = [[estimation("E1"), completed("E1", ["ok"]), CLOSE_STREAM]]

    with anyio.fail_after(DEADLINE):
        async with connect(server) as client:
            endpoint = await client.endpoint("/echo")
            result = await client.predict("/echo", "hi", 2)
            with pytest.raises(ArgumentError, match="no parameter 'text'"):
                await client.predict("/echo", text="hi", n=2)

    assert [parameter.name for parameter in endpoint.parameters] == ["param_0", "param_1"]
    assert result == ["ok"]
    assert server.requests_to(API + "queue/join")[0].json()["data"] == ["hi", 2]


async def test_info_endpoint_missing_from_config(server: FaultServer) -> None:
    info = {**RECORDED_INFO, "named_endpoints": {"/ghost": {"parameters": []}}}
    server.info = info

    with anyio.fail_after(DEADLINE):
        async with connect(server) as client:
            names = [endpoint.api_name for endpoint in await client.endpoints()]

    assert "/ghost" not in names
    assert "/echo" in names


async def test_info_error_falls_back_to_config(
    server: FaultServer, caplog: pytest.LogCaptureFixture
) -> None:
    server.info = Reply.text("<html>" + "x" * 100_000 + "</html>", 500, "text/html")
    server.streams = [[estimation("E1"), completed("E1", ["ok"]), CLOSE_STREAM]]

    with anyio.fail_after(DEADLINE):
        async with connect(server) as client:
            result = await client.predict("/echo", "hi", 2)
            with pytest.raises(ArgumentError):
                await client.predict("/echo", text="hi", n=2)

    assert result == ["ok"]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "Could not read the API info" in warnings[0]
    assert len(warnings[0]) < 1000
