"""File outputs whose URL or name points somewhere unexpected, and their download.

A result's `FileData.url` must be what the server sent, made absolute, and must
not be moved onto the app's origin unless it starts with the `root` the
server announced. A download must send the token only to the app's origin and
must write only inside the folder it was given.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anyio
import pytest

from gradio_raw import Client, DownloadFailed, FileData

from .expect import DEADLINE, FAST, connect
from .messages import CLOSE_STREAM, completed, estimation
from .server import ABORT, FaultServer, Reply, Stream

pytestmark = pytest.mark.anyio

API = "/gradio_api/"
TOKEN = "hf_FileTokenValue1234567890"
MARKER = {"_type": "gradio.FileData"}


def file_output(**fields: Any) -> dict[str, Any]:
    return {"meta": MARKER, **fields}


async def image_result(server: FaultServer, file: dict[str, Any]) -> FileData:
    """Call /image on the server, which returns `file`, and return the decoded output."""
    server.streams = [[estimation("E1"), completed("E1", [file]), CLOSE_STREAM]]
    with anyio.fail_after(DEADLINE):
        async with connect(server) as client:
            result = await client.predict("/image", 1)
    output = result[0]
    assert isinstance(output, FileData)
    return output


# Where the URL points.


async def test_file_url_other_host_kept(server: FaultServer) -> None:
    url = "http://127.0.0.2:8000/files/cat.png"

    file = await image_result(server, file_output(path="/tmp/cat.png", url=url))

    assert file.url == url


async def test_file_url_protocol_relative(server: FaultServer) -> None:
    file = await image_result(server, file_output(path="cat.png", url="//127.0.0.2:8000/cat.png"))

    assert file.url == "http://127.0.0.2:8000/cat.png"


async def test_file_url_traversal_kept(server: FaultServer) -> None:
    url = server.url + "gradio_api/file=../../etc/passwd"

    file = await image_result(server, file_output(path="../../etc/passwd", url=url))

    assert file.url == url
    assert file.path == "../../etc/passwd"


async def test_file_path_traversal_without_url(server: FaultServer) -> None:
    # Without a URL the client builds one on the app's file route, from the
    # path exactly as sent: the server decides what that path may reach.
    file = await image_result(server, file_output(path="../../etc/passwd"))

    assert file.url == server.url + "gradio_api/file=../../etc/passwd"


async def test_file_path_is_url_elsewhere(server: FaultServer) -> None:
    file = await image_result(server, file_output(path="http://127.0.0.2:8000/a.png"))

    assert file.url == "http://127.0.0.2:8000/a.png"


@pytest.mark.parametrize(
    ("url", "moved"),
    [
        ("http://127.0.0.2:9000/gradio_api/file=a.png", True),
        ("http://127.0.0.2:9001/gradio_api/file=a.png", False),
        ("http://127.0.0.2:90000/gradio_api/file=a.png", False),
        ("http://127.0.0.2:9000.example/file=a.png", False),
        ("https://127.0.0.2:9000/gradio_api/file=a.png", False),
    ],
    ids=["root", "other-port", "longer-port", "longer-host", "other-scheme"],
)
async def test_file_url_near_announced_root(server: FaultServer, url: str, moved: bool) -> None:
    # Behind a proxy the server announces a root the client may not reach;
    # only URLs under that exact root move onto the app's URL.
    config = server.recorded_config()
    config["root"] = "http://127.0.0.2:9000"
    server.config = config

    file = await image_result(server, file_output(path="a.png", url=url))

    if moved:
        assert file.url == server.url + "gradio_api/file=a.png"
    else:
        assert file.url == url


# Downloads.


def serve_file(server: FaultServer, path: str, body: bytes) -> None:
    server.routes[("GET", path)] = Reply(body=body, content_type="image/png")


async def download(server: FaultServer, file: dict[str, Any], folder: Path) -> Path:
    """Call /image with a token, download the file it returns into `folder`."""
    server.streams = [[estimation("E1"), completed("E1", [file]), CLOSE_STREAM]]
    with anyio.fail_after(DEADLINE):
        async with Client(server.url, hf_token=TOKEN, timeouts=FAST, retries=0) as client:
            result = await client.predict("/image", 1)
            return await client.download(result[0], folder)


async def test_download_other_host_no_token(
    server: FaultServer, other_host: FaultServer, tmp_path: Path
) -> None:
    serve_file(other_host, "/cat.png", b"PNG-bytes")
    file = file_output(path="/tmp/cat.png", url=other_host.url + "cat.png")

    saved = await download(server, file, tmp_path)

    assert saved.read_bytes() == b"PNG-bytes"
    assert [r.headers.get("authorization") for r in other_host.requests_to("/cat.png")] == [None]


async def test_download_redirect_drops_token(
    server: FaultServer, other_host: FaultServer, tmp_path: Path
) -> None:
    route = API + "file=/tmp/cat.png"
    server.routes[("GET", route)] = Reply.redirect(other_host.url + "cat.png", 302)
    serve_file(other_host, "/cat.png", b"PNG-bytes")

    saved = await download(server, file_output(path="/tmp/cat.png"), tmp_path)

    assert saved.read_bytes() == b"PNG-bytes"
    assert [r.headers.get("authorization") for r in server.requests_to(route)] == [
        f"Bearer {TOKEN}"
    ]
    assert [r.headers.get("authorization") for r in other_host.requests_to("/cat.png")] == [None]


async def test_download_traversal_name_stays_in_folder(server: FaultServer, tmp_path: Path) -> None:
    serve_file(server, API + "file=/tmp/x.png", b"data")
    file = file_output(path="/tmp/x.png", orig_name="../../escape.png")
    folder = tmp_path / "out"

    saved = await download(server, file, folder)

    assert saved.parent == folder
    assert saved.name == "escape.png"
    assert sorted(path.name for path in tmp_path.rglob("*")) == ["escape.png", "out"]


async def test_download_file_scheme_refused(server: FaultServer, tmp_path: Path) -> None:
    file = file_output(path="/etc/hostname", url="file:///etc/hostname")

    with pytest.raises(DownloadFailed):
        await download(server, file, tmp_path)

    assert list(tmp_path.iterdir()) == []


async def test_download_cut_short(server: FaultServer, tmp_path: Path) -> None:
    # The body breaks off midway; no partial file may stay behind.
    route = API + "file=/tmp/big.bin"
    server.routes[("GET", route)] = Stream([b"x" * 10_000, ABORT], content_type="image/png")

    with pytest.raises(DownloadFailed, match="midway"):
        await download(server, file_output(path="/tmp/big.bin"), tmp_path)

    assert list(tmp_path.iterdir()) == []


async def test_download_error_page_cut(server: FaultServer, tmp_path: Path) -> None:
    route = API + "file=/tmp/gone.png"
    server.routes[("GET", route)] = Reply.text("<html>" + "gone " * 50_000 + "</html>", 404)

    with pytest.raises(DownloadFailed, match="HTTP 404") as caught:
        await download(server, file_output(path="/tmp/gone.png"), tmp_path)

    assert caught.value.raw is not None
    assert len(caught.value.raw) <= 2000 + 40
    assert list(tmp_path.iterdir()) == []
