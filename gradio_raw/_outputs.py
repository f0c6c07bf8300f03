"""Turn output values as the server sends them into what callers receive.

Files become `FileData` with an absolute URL on the app the caller connected
to, and "update" dicts yield their value. The walk builds new containers, so
the caller never shares a list or dict with the client's diff state.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urljoin

from ._types import FileData

__all__ = ["OutputDecoder"]

_FILE_MARKER = "gradio.FileData"


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
        self, base_url: str, prefix: str, server_root: str | None, owner: Any = None
    ) -> None:
        self.owner = owner
        self.base_url = base_url
        self.file_route = urljoin(base_url, prefix + "file=")
        self.server_root = server_root.rstrip("/") + "/" if server_root else None

    def decode(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.decode(item) for item in value]
        if isinstance(value, dict):
            if _is_file(value):
                return self.file(value)
            if value.get("__type__") == "update":
                return self.decode(value.get("value"))
            return {key: self.decode(item) for key, item in value.items()}
        return value

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
