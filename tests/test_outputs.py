"""Tests of `OutputDecoder` (files and update dicts in outputs) and `Result.files`.

The output values are small hand-written dicts shaped like what Gradio 4.x to
6.x servers put in `output.data`, not recordings.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from gradio_raw import FileData, Result
from gradio_raw._outputs import OutputDecoder

BASE_URL = "http://127.0.0.1:7860/"
SERVER_ROOT = "http://127.0.0.1:7860"
MARKER = {"_type": "gradio.FileData"}


def file_value(path: str, url: str | None = None, **fields: Any) -> dict[str, Any]:
    """Return a hand-written FileData dict as Gradio 4.21 and later send it."""
    return {
        "path": path,
        "url": url,
        "size": None,
        "orig_name": None,
        "mime_type": None,
        "is_stream": False,
        "meta": dict(MARKER),
        **fields,
    }


def gradio6_decoder() -> OutputDecoder:
    return OutputDecoder(BASE_URL, "gradio_api/", SERVER_ROOT)


# Recognising files.


def test_marked_dict_is_file() -> None:
    value = file_value("/tmp/gradio/abc/image.webp", orig_name="image.webp", size=120)

    decoded = gradio6_decoder().decode(value)

    assert isinstance(decoded, FileData)
    assert decoded.path == "/tmp/gradio/abc/image.webp"
    assert decoded.orig_name == "image.webp"
    assert decoded.size == 120
    assert decoded.is_stream is False
    assert decoded.meta == MARKER


@pytest.mark.parametrize(
    "value",
    [
        {"path": "/tmp/gradio/abc/image.webp"},
        {"path": "/tmp/gradio/abc/image.webp", "url": "http://127.0.0.1:7860/x", "size": 3},
        {"path": "/tmp/x", "meta": {"_type": "gradio.Other"}},
        {"path": "/tmp/x", "meta": "gradio.FileData"},
        {"path": "/tmp/x", "meta": {}},
        {"path": None, "meta": dict(MARKER)},
        {"path": 5, "meta": dict(MARKER)},
        {"meta": dict(MARKER)},
    ],
    ids=[
        "bare path",
        "old file keys without meta",
        "other meta type",
        "meta not a dict",
        "empty meta",
        "null path",
        "number path",
        "no path",
    ],
)
def test_unmarked_dict_not_file(value: dict[str, Any]) -> None:
    decoded = gradio6_decoder().decode(value)

    assert not isinstance(decoded, FileData)
    assert decoded == value


def test_scalars_pass_through() -> None:
    decoder = gradio6_decoder()

    assert decoder.decode("text") == "text"
    assert decoder.decode(3.5) == 3.5
    assert decoder.decode(None) is None
    assert decoder.decode(True) is True


# File URLs.


def test_absolute_url_kept() -> None:
    url = "http://127.0.0.1:7860/gradio_api/file=/tmp/gradio/abc/image.webp"

    decoded = gradio6_decoder().decode(file_value("/tmp/gradio/abc/image.webp", url))

    assert decoded.url == url


def test_relative_url_joined() -> None:
    value = file_value("/tmp/x.png", "gradio_api/file=/tmp/x.png")

    decoded = gradio6_decoder().decode(value)

    assert decoded.url == "http://127.0.0.1:7860/gradio_api/file=/tmp/x.png"


def test_root_relative_url_joined() -> None:
    value = file_value("/tmp/x.png", "/gradio_api/file=/tmp/x.png")

    decoded = gradio6_decoder().decode(value)

    assert decoded.url == "http://127.0.0.1:7860/gradio_api/file=/tmp/x.png"


def test_relative_url_mounted_app() -> None:
    decoder = OutputDecoder("http://127.0.0.1:8080/apps/demo/", "gradio_api/", None)

    decoded = decoder.decode(file_value("/tmp/x.png", "gradio_api/file=/tmp/x.png"))

    assert decoded.url == "http://127.0.0.1:8080/apps/demo/gradio_api/file=/tmp/x.png"


@pytest.mark.parametrize("url", [None, ""], ids=["null url", "empty url"])
def test_missing_url_file_route(url: str | None) -> None:
    decoded = gradio6_decoder().decode(file_value("/tmp/gradio/abc/out.wav", url))

    assert decoded.url == "http://127.0.0.1:7860/gradio_api/file=/tmp/gradio/abc/out.wav"


def test_missing_url_no_key() -> None:
    value = {"path": "/tmp/gradio/abc/out.wav", "meta": dict(MARKER)}

    decoded = gradio6_decoder().decode(value)

    assert decoded.url == "http://127.0.0.1:7860/gradio_api/file=/tmp/gradio/abc/out.wav"


def test_file_route_percent_encoded() -> None:
    value = file_value("/tmp/gradio/a b/é#1?x=2%+.png")

    decoded = gradio6_decoder().decode(value)

    assert decoded.url == (
        "http://127.0.0.1:7860/gradio_api/file=/tmp/gradio/a%20b/%C3%A9%231%3Fx%3D2%25%2B.png"
    )


def test_file_route_windows_path() -> None:
    decoded = gradio6_decoder().decode(file_value("C:\\Users\\me\\out.png"))

    assert decoded.url == "http://127.0.0.1:7860/gradio_api/file=C:%5CUsers%5Cme%5Cout.png"


def test_file_route_without_prefix() -> None:
    # Gradio 4 apps serve files at the root, without `gradio_api/`.
    decoder = OutputDecoder(BASE_URL, "", SERVER_ROOT)

    decoded = decoder.decode(file_value("/tmp/gradio/abc/out.wav"))

    assert decoded.url == "http://127.0.0.1:7860/file=/tmp/gradio/abc/out.wav"


def test_file_route_mounted_app() -> None:
    decoder = OutputDecoder("http://127.0.0.1:8080/apps/demo/", "gradio_api/", None)

    decoded = decoder.decode(file_value("/tmp/x.png"))

    assert decoded.url == "http://127.0.0.1:8080/apps/demo/gradio_api/file=/tmp/x.png"


def test_public_url_path_used() -> None:
    # Components that return a public URL keep it as `path`.
    value = file_value("http://127.0.0.1:8080/cat.png")

    decoded = gradio6_decoder().decode(value)

    assert decoded.url == "http://127.0.0.1:8080/cat.png"


def test_third_party_url_kept() -> None:
    value = file_value("http://127.0.0.1:8080/cat.png", "http://127.0.0.1:8080/cat.png")

    decoded = gradio6_decoder().decode(value)

    assert decoded.url == "http://127.0.0.1:8080/cat.png"


def test_proxy_root_moved_to_base() -> None:
    # Behind a proxy the server announces an internal root that the caller
    # cannot reach, so file URLs are moved onto the URL the caller used.
    decoder = OutputDecoder(
        "http://127.0.0.1:8080/apps/demo/", "gradio_api/", "http://127.0.0.9:7860"
    )
    value = file_value("/tmp/x.png", "http://127.0.0.9:7860/gradio_api/file=/tmp/x.png")

    decoded = decoder.decode(value)

    assert decoded.url == "http://127.0.0.1:8080/apps/demo/gradio_api/file=/tmp/x.png"


def test_root_with_slash_moved() -> None:
    decoder = OutputDecoder("http://127.0.0.1:8080/", "gradio_api/", "http://127.0.0.9:7860/")
    value = file_value("/tmp/x.png", "http://127.0.0.9:7860/gradio_api/file=/tmp/x.png")

    decoded = decoder.decode(value)

    assert decoded.url == "http://127.0.0.1:8080/gradio_api/file=/tmp/x.png"


def test_mounted_root_moved() -> None:
    decoder = OutputDecoder(
        "http://127.0.0.1:8080/public/", "gradio_api/", "http://internal:7860/sub"
    )
    value = file_value("/tmp/x.png", "http://internal:7860/sub/gradio_api/file=/tmp/x.png")

    decoded = decoder.decode(value)

    assert decoded.url == "http://127.0.0.1:8080/public/gradio_api/file=/tmp/x.png"


def test_root_prefix_of_other_host() -> None:
    # "http://127.0.0.9:7860" is a string prefix of "http://127.0.0.9:78601",
    # which is another server, so that URL must stay as it is.
    decoder = OutputDecoder("http://127.0.0.1:8080/", "gradio_api/", "http://127.0.0.9:7860")
    url = "http://127.0.0.9:78601/gradio_api/file=/tmp/x.png"

    decoded = decoder.decode(file_value("/tmp/x.png", url))

    assert decoded.url == url


def test_no_server_root_keeps_url() -> None:
    decoder = OutputDecoder("http://127.0.0.1:8080/", "gradio_api/", None)
    url = "http://127.0.0.9:7860/gradio_api/file=/tmp/x.png"

    decoded = decoder.decode(file_value("/tmp/x.png", url))

    assert decoded.url == url


def test_stream_url_moved() -> None:
    decoder = OutputDecoder("http://127.0.0.1:8080/", "gradio_api/", "http://127.0.0.9:7860")
    path = "S1/140234/7/playlist.m3u8"
    value = file_value(
        path,
        f"http://127.0.0.9:7860/gradio_api/stream/{path}",
        is_stream=True,
        orig_name="audio-stream.mp3",
    )

    decoded = decoder.decode(value)

    assert decoded.url == f"http://127.0.0.1:8080/gradio_api/stream/{path}"
    assert decoded.is_stream is True


# FileData.


def test_file_extra_keys_kept() -> None:
    value = file_value("/tmp/x.png", None, duration=3.5)

    decoded = gradio6_decoder().decode(value)

    assert decoded.model_extra == {"duration": 3.5}


@pytest.mark.parametrize(
    ("fields", "name"),
    [
        ({"path": "/tmp/gradio/abc/image.webp", "orig_name": "cat.webp"}, "cat.webp"),
        ({"path": "/tmp/gradio/abc/image.webp"}, "image.webp"),
        ({"path": "C:\\Users\\me\\out.png"}, "out.png"),
        ({"path": "/tmp/x.png", "orig_name": ""}, "x.png"),
    ],
    ids=["orig name", "posix path", "windows path", "empty orig name"],
)
def test_file_name(fields: dict[str, Any], name: str) -> None:
    assert FileData.model_validate(fields).name == name


def test_file_to_wire() -> None:
    decoded = gradio6_decoder().decode(file_value("/tmp/x.png", orig_name="x.png"))

    wire = decoded.to_wire()

    assert wire["path"] == "/tmp/x.png"
    assert wire["orig_name"] == "x.png"
    assert wire["meta"] == MARKER
    assert "size" not in wire
    assert "mime_type" not in wire


# Nested values.


def test_gallery_files_decoded() -> None:
    gallery = [
        {"image": file_value("/tmp/a.webp"), "caption": "first"},
        {"video": file_value("/tmp/b.mp4"), "caption": None},
    ]

    decoded = gradio6_decoder().decode(gallery)

    assert isinstance(decoded[0]["image"], FileData)
    assert decoded[0]["caption"] == "first"
    assert isinstance(decoded[1]["video"], FileData)
    assert decoded[1]["video"].url == "http://127.0.0.1:7860/gradio_api/file=/tmp/b.mp4"


def test_chat_content_files_decoded() -> None:
    history = [
        {"role": "user", "metadata": None, "content": [{"text": "draw a cat", "type": "text"}]},
        {
            "role": "assistant",
            "metadata": None,
            "content": [
                {"text": "Here it is", "type": "text"},
                {"file": file_value("/tmp/cat.png"), "alt_text": None, "type": "file"},
            ],
        },
    ]

    decoded = gradio6_decoder().decode(history)

    assert decoded[0] == history[0]
    assert decoded[1]["content"][0] == {"text": "Here it is", "type": "text"}
    assert isinstance(decoded[1]["content"][1]["file"], FileData)
    assert decoded[1]["content"][1]["type"] == "file"


def test_multiple_files_decoded() -> None:
    decoded = gradio6_decoder().decode([file_value("/tmp/a.txt"), file_value("/tmp/b.txt")])

    assert [item.path for item in decoded] == ["/tmp/a.txt", "/tmp/b.txt"]


def test_decode_builds_new_containers() -> None:
    value = {"rows": [[1, 2]], "meta": {"count": 1}}
    value_copy = copy.deepcopy(value)

    decoded = gradio6_decoder().decode(value)
    decoded["rows"][0].append(3)
    decoded["meta"]["count"] = 2

    assert value == value_copy
    assert decoded is not value


# Update dicts.


def test_update_yields_value() -> None:
    value = {"__type__": "update", "value": "new text", "visible": True}

    assert gradio6_decoder().decode(value) == "new text"


def test_update_file_value() -> None:
    value = {"__type__": "update", "value": file_value("/tmp/x.png"), "interactive": False}

    decoded = gradio6_decoder().decode(value)

    assert isinstance(decoded, FileData)
    assert decoded.url == "http://127.0.0.1:7860/gradio_api/file=/tmp/x.png"


def test_update_without_value() -> None:
    assert gradio6_decoder().decode({"__type__": "update", "visible": False}) is None


def test_nested_update_value() -> None:
    value = ["a", {"__type__": "update", "value": [1, 2]}]

    assert gradio6_decoder().decode(value) == ["a", [1, 2]]


def test_other_type_dict_kept() -> None:
    value = {"__type__": "generic_update", "value": 1}

    assert gradio6_decoder().decode(value) == value


# Result.files.


def test_result_files_any_depth() -> None:
    decoder = gradio6_decoder()
    data = decoder.decode(
        [
            file_value("/tmp/a.png"),
            [{"image": file_value("/tmp/b.png"), "caption": None}],
            {"outer": {"inner": [[file_value("/tmp/c.png")]]}},
            {"path": "/tmp/not-a-file"},
            "text",
        ]
    )

    result = Result(data, fn_index=0, endpoint="/draw", event_id="E1")

    assert [item.path for item in result.files] == ["/tmp/a.png", "/tmp/b.png", "/tmp/c.png"]


def test_result_files_in_tuples() -> None:
    image = FileData(path="/tmp/a.png")

    result = Result([(image, "caption")], fn_index=0, endpoint=None, event_id=None)

    assert result.files == [image]


def test_result_files_none() -> None:
    result = Result(["text", {"path": "/tmp/x"}], fn_index=0, endpoint=None, event_id=None)

    assert result.files == []
