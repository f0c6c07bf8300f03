"""Redirects to another origin must not carry the token.

The app's server responds with a redirect to a second server: one on 127.0.0.2
(another host, as far as origins go) or one on 127.0.0.1 with another port.
Each test first checks that the token did reach the app itself, so that its
absence on the other server means something.
"""

from __future__ import annotations

import anyio
import pytest

from gradio_raw import Client

from .expect import DEADLINE, FAST
from .messages import CLOSE_STREAM, completed, estimation
from .server import FaultServer, Reply

pytestmark = pytest.mark.anyio

API = "/gradio_api/"
TOKEN = "hf_RedirectTokenValue1234567890"


def connect_with_token(server: FaultServer) -> Client:
    return Client(server.url, hf_token=TOKEN, timeouts=FAST, retries=0)


def authorization(server: FaultServer, path: str) -> list[str | None]:
    return [request.headers.get("authorization") for request in server.requests_to(path)]


@pytest.mark.parametrize("status", [301, 302, 307, 308])
async def test_config_redirect_to_other_host(
    server: FaultServer, other_host: FaultServer, status: int
) -> None:
    server.routes[("GET", "/config")] = Reply.redirect(other_host.url + "config", status)

    with anyio.fail_after(DEADLINE):
        async with connect_with_token(server) as client:
            version = client.config.version

    assert version == "6.31.0"
    assert authorization(server, "/config") == [f"Bearer {TOKEN}"]
    assert authorization(other_host, "/config") == [None]


async def test_config_redirect_to_other_port(server: FaultServer, other_port: FaultServer) -> None:
    server.routes[("GET", "/config")] = Reply.redirect(other_port.url + "config")

    with anyio.fail_after(DEADLINE):
        async with connect_with_token(server):
            pass

    assert authorization(server, "/config") == [f"Bearer {TOKEN}"]
    assert authorization(other_port, "/config") == [None]


async def test_join_redirect_to_other_host(server: FaultServer, other_host: FaultServer) -> None:
    # A 307 keeps the method and the body, so the other host receives the join.
    join = API + "queue/join"
    server.routes[("POST", join)] = Reply.redirect(other_host.url + join.lstrip("/"))
    server.streams = [[estimation("E1"), completed("E1", ["ok"]), CLOSE_STREAM]]

    with anyio.fail_after(DEADLINE):
        async with connect_with_token(server) as client:
            result = await client.predict("/echo", "hi", 2)

    assert result == ["ok"]
    assert authorization(server, join) == [f"Bearer {TOKEN}"]
    assert authorization(other_host, join) == [None]


async def test_stream_redirect_to_other_host(server: FaultServer, other_host: FaultServer) -> None:
    data = API + "queue/data"
    server.routes[("GET", data)] = Reply.redirect(other_host.url + data.lstrip("/"))
    other_host.streams = [[estimation("E1"), completed("E1", ["ok"]), CLOSE_STREAM]]

    with anyio.fail_after(DEADLINE):
        async with connect_with_token(server) as client:
            result = await client.predict("/echo", "hi", 2)

    assert result == ["ok"]
    assert authorization(server, data) == [f"Bearer {TOKEN}"]
    assert authorization(other_host, data) == [None]


async def test_redirect_chain_back_to_app(server: FaultServer, other_host: FaultServer) -> None:
    # Once the token was dropped for another origin it stays dropped, even
    # when the chain comes back to the app.
    server.routes[("GET", "/config")] = Reply.redirect(other_host.url + "bounce")
    other_host.routes[("GET", "/bounce")] = Reply.redirect(server.url + "real-config")
    server.routes[("GET", "/real-config")] = Reply.json(server.recorded_config())

    with anyio.fail_after(DEADLINE):
        async with connect_with_token(server):
            pass

    assert authorization(server, "/config") == [f"Bearer {TOKEN}"]
    assert authorization(other_host, "/bounce") == [None]
    assert authorization(server, "/real-config") == [None]
