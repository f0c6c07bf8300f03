"""Files in calls: what to upload, how to upload it, and saving outputs safely.

Local files reach the app through its upload route and are sent as the
`FileData` dicts the server expects. Output files are saved under a name that
the server cannot steer outside the chosen folder.
"""

from __future__ import annotations

import io
import os
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

if TYPE_CHECKING:
    from ._endpoints import Endpoint

__all__ = [
    "FileInput",
    "FileSource",
    "claim_path",
    "handle_file",
    "is_file_schema",
    "legacy_image_inputs",
    "mark_file_strings",
    "replace_files",
    "safe_filename",
]

FILE_MARKER = {"_type": "gradio.FileData"}

# Maximum length of a written file name, in UTF-8 bytes. Common file systems
# allow 255.
_MAX_NAME_BYTES = 200
_WINDOWS_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL"}
    | {f"COM{n}" for n in range(1, 10)}
    | {f"LPT{n}" for n in range(1, 10)}
)
_UNSAFE_CHARACTERS = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')


@dataclass(frozen=True)
class FileInput:
    """A file to send as an input: a local path, bytes, an open binary file or a URL.

    Create one with `handle_file`. Paths, bytes and binary files are uploaded to
    the app first; URLs are passed on for the server to fetch.
    """

    source: Path | bytes | IO[bytes] | str
    name: str | None = None

    @property
    def is_url(self) -> bool:
        return isinstance(self.source, str)

    @property
    def filename(self) -> str:
        """The name the upload carries; the app picks formats by its suffix."""
        if self.name:
            return self.name
        if isinstance(self.source, Path):
            return self.source.name
        if isinstance(self.source, str):
            return PurePath(unquote(urlsplit(self.source).path)).name or "file"
        file_name = getattr(self.source, "name", None)
        if isinstance(file_name, str) and file_name:
            return os.path.basename(file_name)
        return "file"

    def url_file_data(self) -> dict[str, Any]:
        assert isinstance(self.source, str)
        return {
            "path": self.source,
            "url": self.source,
            "orig_name": self.filename,
            "meta": dict(FILE_MARKER),
        }


FileSource = str | os.PathLike[str] | bytes | IO[bytes] | FileInput


def handle_file(source: FileSource, *, name: str | None = None) -> FileInput:
    """Mark `source` as a file input.

    A string is a URL when it starts with http:// or https://, else a local
    path. `name` sets the file name sent to the app (useful for bytes).
    """
    if isinstance(source, FileInput):
        return source
    if isinstance(source, str) and source.startswith(("http://", "https://")):
        return FileInput(source, name)
    if isinstance(source, (str, os.PathLike)):
        return FileInput(Path(os.fspath(source)), name)
    if isinstance(source, (bytes, bytearray, memoryview)):
        return FileInput(bytes(source), name)
    if isinstance(source, io.IOBase) or hasattr(source, "read"):
        return FileInput(source, name)
    raise TypeError(
        f"Expected a path, URL, bytes or binary file for a file input, "
        f"received {type(source).__name__}."
    )


def is_file_schema(schema: Any) -> bool:
    """Return whether a component's JSON schema describes (or contains) a file.

    Gradio 4.21+ marks file schemas with the `gradio.FileData` constant; earlier
    4.x schemas are recognised by their `path` and `orig_name` properties.
    """
    if isinstance(schema, dict):
        properties = schema.get("properties")
        if isinstance(properties, dict) and {"path", "orig_name"} <= properties.keys():
            return True
        return any(is_file_schema(value) for value in schema.values())
    if isinstance(schema, list):
        return any(is_file_schema(item) for item in schema)
    return bool(schema == FILE_MARKER["_type"])


def _as_input(value: Any) -> FileInput | None:
    if isinstance(value, FileInput):
        return value
    if isinstance(value, PurePath):
        return FileInput(Path(value))
    if isinstance(value, (bytes, bytearray, memoryview)):
        return FileInput(bytes(value))
    if isinstance(value, io.IOBase) and not isinstance(value, io.TextIOBase):
        return FileInput(value)  # type: ignore[arg-type]
    return None


def replace_files(value: Any, replace: Callable[[FileInput], Any]) -> Any:
    """Return `value` with every file input anywhere inside replaced by `replace(input)`.

    File inputs are `FileInput`s, paths, bytes and open binary files. Output
    `FileData` objects from earlier results become the dicts the server
    expects.
    """
    found = _as_input(value)
    if found is not None:
        return replace(found)
    to_wire = getattr(value, "to_wire", None)
    if callable(to_wire):
        return to_wire()
    if isinstance(value, (list, tuple)):
        return [replace_files(item, replace) for item in value]
    if isinstance(value, dict):
        return {key: replace_files(item, replace) for key, item in value.items()}
    return value


def mark_file_strings(endpoint: Endpoint, data: list[Any]) -> list[Any]:
    """Treat strings given for file inputs as local paths or URLs.

    Elsewhere a string stays a string, so text inputs are never mistaken for
    files. A list of strings for a multi-file input is marked item by item.
    """
    if not any(endpoint.inputs_file):
        return data

    marked = list(data)
    for position, is_file in enumerate(endpoint.inputs_file):
        value = marked[position]
        if not is_file:
            continue
        if isinstance(value, str):
            marked[position] = handle_file(value)
        elif isinstance(value, list):
            marked[position] = [handle_file(v) if isinstance(v, str) else v for v in value]
        if endpoint.input_components[position] == "gallery" and isinstance(value, list):
            marked[position] = [_gallery_item(item) for item in value]
    return marked


def legacy_image_inputs(endpoint: Endpoint, data: list[Any]) -> list[Any]:
    """Gradio 3 images take a bare `data:` URL where other files take a dict."""
    converted = list(data)
    for position, component in enumerate(endpoint.input_components):
        value = converted[position]
        if component == "image" and isinstance(value, dict) and value.get("data"):
            converted[position] = value["data"]
    return converted


def _gallery_item(item: Any) -> Any:
    # A gallery takes {"image": file, "caption": text} items; plain files and
    # (file, caption) pairs are wrapped so callers can pass a list of paths.
    if isinstance(item, dict):
        return item
    if isinstance(item, (tuple, list)) and len(item) == 2:
        image, caption = item
    else:
        image, caption = item, None
    if isinstance(image, str):
        image = handle_file(image)
    return {"image": image, "caption": caption}


def safe_filename(name: str | None, fallback: str = "file") -> str:
    """Turn a server-supplied file name into one that is safe to create in a folder.

    Keeps only the last path component (so `../` and absolute paths cannot
    escape), drops drive letters, control and reserved characters, avoids
    names Windows reserves, and cuts long names while keeping the suffix.
    """
    text = unicodedata.normalize("NFC", name or "")
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = re.sub(r"^[A-Za-z]:", "", text)
    text = _UNSAFE_CHARACTERS.sub("_", text)
    text = text.strip().lstrip(".").strip()
    if not text or set(text) <= {"_", "."}:
        text = fallback

    stem, dot, suffix = text.rpartition(".")
    if not dot:
        stem, suffix = text, ""
    if stem.upper() in _WINDOWS_RESERVED:
        stem = "_" + stem
    suffix = suffix[:16]
    text = f"{stem}.{suffix}" if suffix else stem

    encoded = text.encode("utf-8")
    if len(encoded) > _MAX_NAME_BYTES:
        tail = f".{suffix}" if suffix else ""
        room = _MAX_NAME_BYTES - len(tail.encode("utf-8"))
        stem = stem.encode("utf-8")[:room].decode("utf-8", errors="ignore")
        text = stem + tail
    return text


def claim_path(directory: Path, name: str) -> Path:
    """Create an empty file named `name` (or `name (1)`, ...) in `directory` and return it.

    The file is created exclusively, so an existing file is never overwritten
    and two downloads of the same name get distinct paths.
    """
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    for attempt in range(10_000):
        candidate = name
        if attempt:
            candidate = f"{stem} ({attempt})" + (f".{suffix}" if suffix else "")
        path = directory / candidate
        try:
            descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666)
        except FileExistsError:
            continue
        os.close(descriptor)
        return path
    raise FileExistsError(f"No free file name for {name!r} in {directory}")
