"""File inputs and safe local names, without I/O beyond a temporary folder."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from gradio_raw import FileData, FileInput, handle_file
from gradio_raw._config import AppConfig
from gradio_raw._endpoints import EndpointMap
from gradio_raw._files import claim_path, mark_file_strings, replace_files, safe_filename

FILE_SCHEMA = {"properties": {"meta": {"default": {"_type": "gradio.FileData"}}}}


@pytest.mark.parametrize(
    ("server_name", "expected"),
    [
        ("report.pdf", "report.pdf"),
        ("../../etc/passwd", "passwd"),
        ("/etc/shadow", "shadow"),
        ("..\\..\\windows\\win.ini", "win.ini"),
        ("C:evil.exe", "evil.exe"),
        ("C:\\temp\\x.txt", "x.txt"),
        ("..", "file"),
        ("", "file"),
        ("   ", "file"),
        (".bashrc", "bashrc"),
        ("a\x00b\x1fc.txt", "a_b_c.txt"),
        ('what?<is>:this|"*.txt', "what__is__this___.txt"),
        ("CON.txt", "_CON.txt"),
        ("nul", "_nul"),
        ("résumé.txt", "résumé.txt"),
    ],
)
def test_safe_filename_cases(server_name: str, expected: str) -> None:
    assert safe_filename(server_name) == expected


def test_safe_filename_cuts_huge_names() -> None:
    name = safe_filename("x" * 5000 + ".png")

    assert name.endswith(".png")
    assert len(name.encode("utf-8")) <= 200


def test_safe_filename_cuts_multibyte_cleanly() -> None:
    name = safe_filename("é" * 300 + ".txt")

    assert name.endswith(".txt")
    assert len(name.encode("utf-8")) <= 200
    assert "\ufffd" not in name


def test_safe_filename_never_leaves_folder(tmp_path: Path) -> None:
    for hostile in ["../x", "../../x", "/abs/x", "a/../../x", "\\\\server\\share\\x"]:
        target = (tmp_path / safe_filename(hostile)).resolve()
        assert target.parent == tmp_path.resolve()


def test_claim_path_never_overwrites(tmp_path: Path) -> None:
    (tmp_path / "out.txt").write_text("keep")

    first = claim_path(tmp_path, "out.txt")
    second = claim_path(tmp_path, "out.txt")

    assert first.name == "out (1).txt"
    assert second.name == "out (2).txt"
    assert (tmp_path / "out.txt").read_text() == "keep"


def test_claim_path_without_suffix(tmp_path: Path) -> None:
    claim_path(tmp_path, "README")

    assert claim_path(tmp_path, "README").name == "README (1)"


def test_handle_file_kinds(tmp_path: Path) -> None:
    path = tmp_path / "in.txt"

    assert handle_file(str(path)).source == path
    assert handle_file(path).filename == "in.txt"
    assert handle_file(b"abc", name="x.bin").filename == "x.bin"
    assert handle_file("https://127.0.0.1:8080/cat.png?x=1").is_url
    assert handle_file("https://127.0.0.1:8080/cat.png").filename == "cat.png"
    assert handle_file(io.BytesIO(b"x")).filename == "file"


def test_handle_file_rejects_text() -> None:
    with pytest.raises(TypeError, match="received int"):
        handle_file(3)  # type: ignore[arg-type]


def test_replace_files_nested(tmp_path: Path) -> None:
    found: list[FileInput] = []

    def collect(file_input: FileInput) -> str:
        found.append(file_input)
        return f"uploaded-{len(found)}"

    value = {"a": [tmp_path / "x.png", {"b": b"bytes"}], "c": "text", "d": (1, 2)}
    replaced = replace_files(value, collect)

    assert replaced == {"a": ["uploaded-1", {"b": "uploaded-2"}], "c": "text", "d": [1, 2]}
    assert [f.filename for f in found] == ["x.png", "file"]


def test_replace_files_sends_filedata_as_dict() -> None:
    earlier = FileData(path="/tmp/gradio/a/b.png", url="http://127.0.0.1:7860/f", orig_name="b.png")

    replaced = replace_files([earlier], lambda file_input: None)

    assert replaced == [
        {
            "path": "/tmp/gradio/a/b.png",
            "url": "http://127.0.0.1:7860/f",
            "orig_name": "b.png",
            "is_stream": False,
            "meta": {"_type": "gradio.FileData"},
        }
    ]


def config_with(types: list[tuple[str, Any]]) -> AppConfig:
    """A hand-written config with one endpoint whose inputs have the given types."""
    components = [
        {"id": index + 1, "type": kind, "props": {}, "api_info": schema}
        for index, (kind, schema) in enumerate(types)
    ]
    return AppConfig.model_validate(
        {
            "version": "6.31.0",
            "protocol": "sse_v3",
            "components": components,
            "dependencies": [
                {"id": 0, "inputs": [c["id"] for c in components], "outputs": [], "api_name": "f"}
            ],
        }
    )


def test_strings_marked_only_at_file_inputs() -> None:
    config = config_with([("textbox", {"type": "string"}), ("file", FILE_SCHEMA)])
    endpoint = EndpointMap(config, url="http://127.0.0.1:7860/").get("/f")

    marked = mark_file_strings(endpoint, ["/tmp/a.txt", "/tmp/b.txt"])

    assert marked[0] == "/tmp/a.txt"
    assert isinstance(marked[1], FileInput)
    assert marked[1].source == Path("/tmp/b.txt")


def test_multi_file_strings_marked_each() -> None:
    config = config_with([("file", {"type": "array", "items": FILE_SCHEMA})])
    endpoint = EndpointMap(config, url="http://127.0.0.1:7860/").get("/f")

    (marked,) = mark_file_strings(endpoint, [["/tmp/a.txt", "https://127.0.0.1:8080/b.txt"]])

    assert [item.is_url for item in marked] == [False, True]


def test_gallery_items_wrapped() -> None:
    config = config_with([("gallery", {"type": "array", "items": FILE_SCHEMA})])
    endpoint = EndpointMap(config, url="http://127.0.0.1:7860/").get("/f")

    pairs = [["/tmp/a.png", ("/tmp/b.png", "cap"), ["/tmp/c.png", "from JSON"]]]
    (marked,) = mark_file_strings(endpoint, pairs)

    assert marked[0]["caption"] is None
    assert [item["caption"] for item in marked] == [None, "cap", "from JSON"]
    assert [item["image"].source for item in marked] == [
        Path("/tmp/a.png"),
        Path("/tmp/b.png"),
        Path("/tmp/c.png"),
    ]
