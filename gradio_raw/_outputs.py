"""Turn output values as the server sends them into what callers receive.

Files become `FileData` with an absolute URL on the app the caller connected
to, and "update" dicts yield their value. The walk builds new containers, so
the caller never shares a list or dict with the client's diff state.
"""

from __future__ import annotations

import mimetypes
from typing import Any
from urllib.parse import quote, urljoin

from ._types import FileData

__all__ = ["OutputDecoder"]

_FILE_MARKER = "gradio.FileData"


_FILE_KEYS = frozenset(
    {"path", "url", "size", "orig_name", "mime_type", "is_stream", "meta", "alt_text"}
)


def _looks_like_file(value: dict[str, Any]) -> bool:
    return isinstance(value.get("path"), str) and set(value) <= _FILE_KEYS


def _is_file(value: dict[str, Any]) -> bool:
    meta = value.get("meta")
    return (
        isinstance(meta, dict)
        and meta.get("_type") == _FILE_MARKER
        and isinstance(value.get("path"), str)
    )


class OutputDecoder:
    """Decodes output values of one app.

    `base_url` is the URL the caller gave (with a trailing slash), `prefix` the
    API prefix as a relative path, and `server_root` the `root` the server
    announced in its config. File URLs that start with the server's root are
    moved onto `base_url`, because behind a proxy the root can name a host the
    caller cannot reach.
    """

    def __init__(
        self,
        base_url: str,
        prefix: str,
        server_root: str | None,
        owner: Any = None,
        *,
        marker: bool = True,
        legacy: bool = False,
    ) -> None:
        self.owner = owner
        self.base_url = base_url
        self.file_route = urljoin(base_url, prefix + "file=")
        self.server_root = server_root.rstrip("/") + "/" if server_root else None
        # Before Gradio 4.21 files carry no marker, so a file output is
        # recognised by its component. Gradio 3 sends files in its own
        # serialized forms.
        self.marker = marker
        self.legacy = legacy

    def decode(self, value: Any, file_hint: bool = False) -> Any:
        """Decode one output value; `file_hint` is true when its component contains files."""
        if isinstance(value, list):
            return [self.decode(item, file_hint) for item in value]
        if isinstance(value, dict):
            return self._decode_dict(value, file_hint)
        if self.legacy and file_hint and isinstance(value, str) and value.startswith("data:"):
            return self.inline_file(value, None)
        return value

    def _decode_dict(self, value: dict[str, Any], file_hint: bool) -> Any:
        if _is_file(value):
            return self.file(value)
        if file_hint and not self.marker and _looks_like_file(value):
            return self.file(value)
        if self.legacy and file_hint and isinstance(value.get("name"), str):
            return self.legacy_file(value)
        if value.get("__type__") == "update":
            return self.decode(value.get("value"), file_hint)
        return {key: self.decode(item, file_hint) for key, item in value.items()}

    def legacy_file(self, value: dict[str, Any]) -> FileData:
        """Decode a Gradio 3 file: a server path (`is_file`) or inline base64 `data`."""
        name = value["name"]
        data = value.get("data")
        orig_name = value.get("orig_name") or name.replace("\\", "/").rsplit("/", 1)[-1]
        if isinstance(data, str) and data.startswith("data:") and not value.get("is_file"):
            return self.inline_file(data, orig_name)
        return self.file({"path": name, "orig_name": orig_name, "size": value.get("size")})

    def inline_file(self, data_url: str, name: str | None) -> FileData:
        """Build a file whose bytes came inline as a `data:` URL; it downloads without a request."""
        mime_type = data_url[5:].split(";", 1)[0].split(",", 1)[0] or None
        extension = mimetypes.guess_extension(mime_type or "") or ""
        file = FileData.model_validate(
            {
                "path": "",
                "url": None,
                "orig_name": name or f"file{extension}",
                "mime_type": mime_type,
                "data": data_url,
            }
        )
        file._client = self.owner
        return file

    def file(self, value: dict[str, Any]) -> FileData:
        url = value.get("url")
        path = value["path"]
        if isinstance(url, str) and url:
            url = self.absolute(url)
        elif path.startswith(("http://", "https://")):
            url = path
        else:
            url = self.file_route + quote(path, safe="/:")
        file = FileData.model_validate({**value, "url": url})
        file._client = self.owner
        return file

    def absolute(self, url: str) -> str:
        if self.server_root and url.startswith(self.server_root):
            return self.base_url + url[len(self.server_root) :]
        return urljoin(self.base_url, url)
