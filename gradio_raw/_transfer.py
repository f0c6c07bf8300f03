"""Uploads to the app's upload route and downloads of output files, both streamed."""

from __future__ import annotations

import base64
import contextlib
import io
import json
import logging
import mimetypes
import os
import secrets
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, cast

import anyio
import httpx

from ._exceptions import DownloadFailed, LocalFileError, RequestTimeout, UploadRejected, shorten
from ._files import FILE_MARKER, FileInput, claim_path, replace_files, safe_filename
from ._http import USER_AGENT, describe_status, origin_of
from ._types import FileData
from ._upload_progress import ProgressCallback, UploadProgressStream, wants_progress

if TYPE_CHECKING:
    from ._client import Client

__all__ = ["download_file", "upload_inputs"]

logger = logging.getLogger("gradio_raw")

_DOWNLOAD_CHUNK = 1024 * 1024


class _Pending:
    """Stands in for a file input until its upload returns the server path."""

    def __init__(self, index: int) -> None:
        self.index = index


def _size_of(file_input: FileInput) -> int | None:
    source = file_input.source
    if isinstance(source, Path):
        return source.stat().st_size
    if isinstance(source, bytes):
        return len(source)
    if isinstance(source, str):
        return None
    try:
        position = source.tell()
        end = source.seek(0, os.SEEK_END)
        source.seek(position)
    except (OSError, ValueError, AttributeError):
        return None
    # httpx sends a file object from its start, wherever it was left.
    return end


def _check_local(file_input: FileInput, limit: int | None) -> int | None:
    """Check that a local file can be uploaded and return its size, when known."""
    source = file_input.source
    if isinstance(source, Path) and not source.is_file():
        if source.is_dir():
            problem = "a folder"
        elif source.exists():
            problem = "not a regular file (pass a device or pipe as an open file)"
        else:
            problem = "missing"
        raise LocalFileError(f"Cannot upload {str(source)!r}: the path is {problem}.")
    if isinstance(source, io.TextIOBase):
        raise LocalFileError(
            f"Cannot upload {file_input.filename!r}: expected a file opened in binary "
            "mode ('rb'), received one opened in text mode."
        )
    if getattr(source, "closed", False):
        raise LocalFileError(f"Cannot upload {file_input.filename!r}: the file object is closed.")
    size = _size_of(file_input)
    if limit is not None and size is not None and size > limit:
        raise UploadRejected(
            f"Cannot upload {file_input.filename!r}: it is {size} bytes and the app "
            f"accepts at most {limit} bytes per file (max_file_size)."
        )
    return size


async def upload_inputs(
    client: Client, data: list[Any], on_progress: ProgressCallback | None = None
) -> list[Any]:
    """Upload every local file in `data` and return `data` with FileData dicts in their place.

    URLs become FileData dicts without an upload; the server fetches them.
    All local files of one call go up in one multipart request. `on_progress`
    receives `UploadProgress` events when the upload is large enough for the
    server's progress stream to be worth opening.
    """
    uploads: list[FileInput] = []

    def collect(file_input: FileInput) -> Any:
        if file_input.is_url:
            return file_input.url_file_data()
        uploads.append(file_input)
        return _Pending(len(uploads) - 1)

    if client.config.protocol == "ws":
        return [replace_files(item, _inline_legacy_file) for item in data]

    prepared = replace_files(data, collect)
    if not uploads:
        return list(prepared)

    paths = await _post_files(client, uploads, on_progress)

    def fill(value: Any) -> Any:
        if isinstance(value, _Pending):
            file_input = uploads[value.index]
            return {
                "path": paths[value.index],
                "orig_name": file_input.filename,
                "meta": dict(FILE_MARKER),
            }
        if isinstance(value, list):
            return [fill(item) for item in value]
        if isinstance(value, dict):
            return {key: fill(item) for key, item in value.items()}
        return value

    return [fill(item) for item in prepared]


def _inline_legacy_file(file_input: FileInput) -> dict[str, Any]:
    """Encode a file in Gradio 3's serialized form, its bytes inline as a base64 `data:` URL.

    Gradio 3 components decode such dicts themselves, so nothing is uploaded.
    """
    if file_input.is_url:
        return {"name": file_input.source, "data": None, "is_file": True}
    source = file_input.source
    if isinstance(source, Path):
        _check_local(file_input, None)
        content = source.read_bytes()
    elif isinstance(source, bytes):
        content = source
    else:
        content = source.read()  # type: ignore[union-attr]
    name = file_input.filename
    mime_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    data_url = f"data:{mime_type};base64," + base64.b64encode(content).decode("ascii")
    return {"name": name, "data": data_url, "is_file": False, "orig_name": name}


async def _post_files(
    client: Client, uploads: list[FileInput], on_progress: ProgressCallback | None
) -> list[str]:
    limit = client.config.max_file_size
    sizes = [_check_local(file_input, limit) for file_input in uploads]
    progress: UploadProgressStream | None = None
    if on_progress is not None and wants_progress(sizes):
        names = [file_input.filename for file_input in uploads]
        files = list(zip(names, sizes, strict=True))
        progress = UploadProgressStream(client, files, on_progress)

    url = client._api_url("upload")
    with contextlib.ExitStack() as stack:
        parts = _multipart_parts(uploads, stack)
        if progress is None:
            response = await _send_files(client, url, parts, None)
        else:
            upload_id = progress.upload_id
            response = await progress.run_beside(lambda: _send_files(client, url, parts, upload_id))

    paths = _parse_paths(response, uploads, url)
    logger.debug("Uploaded %d file(s) to %s", len(uploads), url)
    if progress is not None:
        progress.finish()
    return paths


class _Unsized:
    """A file object of unknown length, such as a pipe, with only `read`.

    httpx reads the size from the file's descriptor, where a pipe reports 0,
    so httpx would declare an empty body and fail once more bytes arrive. Without
    `fileno`, `seek` and `tell`, httpx sends the file in chunked encoding.
    """

    def __init__(self, source: IO[bytes]) -> None:
        self._source = source

    def read(self, size: int = -1) -> bytes:
        return self._source.read(size)


_Parts = list[tuple[str, tuple[str, IO[bytes] | bytes, str]]]


def _multipart_parts(uploads: list[FileInput], stack: contextlib.ExitStack) -> _Parts:
    parts: _Parts = []
    for file_input in uploads:
        source = file_input.source
        body: IO[bytes] | bytes
        if isinstance(source, Path):
            # httpx reads open files in chunks, so a large file is never
            # held in memory whole.
            body = stack.enter_context(source.open("rb"))
        elif isinstance(source, bytes) or _size_of(file_input) is not None:
            body = source  # type: ignore[assignment]
        else:
            # httpx calls nothing but `read` on it.
            body = cast(IO[bytes], _Unsized(source))  # type: ignore[arg-type]
        parts.append(("files", (file_input.filename, body, "application/octet-stream")))
    return parts


async def _send_files(
    client: Client, url: str, parts: _Parts, upload_id: str | None
) -> httpx.Response:
    """POST the files; `upload_id` names the upload for the server's progress stream."""
    try:
        return await client._http.post(
            url,
            params={"upload_id": upload_id} if upload_id else None,
            files=parts,
            headers=client.headers,
            auth=client._auth or httpx.USE_CLIENT_DEFAULT,
            timeout=client.timeouts.for_requests(),
        )
    except httpx.TimeoutException as exc:
        raise RequestTimeout(
            f"Timed out uploading {len(parts)} file(s) to {url}; raise Timeouts.read "
            "for large files or slow links.",
            url=url,
        ) from exc
    except (httpx.HTTPError, OSError) as exc:
        raise UploadRejected(
            f"Could not upload {len(parts)} file(s) to {url}: {type(exc).__name__}: {exc}",
            url=url,
        ) from exc


def _parse_paths(response: httpx.Response, uploads: list[FileInput], url: str) -> list[str]:
    text = response.text
    if response.status_code != 200:
        names = ", ".join(repr(f.filename) for f in uploads)
        raise UploadRejected(
            f"The app rejected the upload of {names} with HTTP {response.status_code}: "
            f"{describe_status(response, text)}",
            status_code=response.status_code,
            url=url,
            raw=text,
        )
    try:
        paths = json.loads(text)
    except ValueError:
        paths = None
    if not (isinstance(paths, list) and len(paths) == len(uploads)):
        raise UploadRejected(
            f"Expected a JSON list of {len(uploads)} server path(s) from {url}, "
            f"received: {shorten(text, 200)}",
            url=url,
            raw=text,
        )
    return [str(path) for path in paths]


async def download_file(
    client: Client, file: FileData | str, directory: str | os.PathLike[str], name: str | None
) -> Path:
    """Stream `file` into `directory` under a safe, unused name; see `FileData.download`."""
    if isinstance(file, str):
        file = client._decoder.file({"path": file, "meta": dict(FILE_MARKER)})
    url = file.url
    inline = file.inline_bytes
    if not url and inline is None:
        raise DownloadFailed(f"The file {file.path!r} has no URL to download from.")

    folder = Path(directory)
    _make_folder(folder)
    final_name = safe_filename(name or file.name)

    # Not tempfile.mkstemp, which creates the file readable by its owner
    # only: a download gets the usual permissions, as the umask sets them.
    temporary = folder / f".gradio-raw-{secrets.token_hex(8)}.part"
    descriptor = os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666)
    try:
        with os.fdopen(descriptor, "wb") as output:
            if inline is not None:
                output.write(inline)
            else:
                assert url is not None
                await _stream_into(client, url, output)
        target = claim_path(folder, final_name)
        os.replace(temporary, target)
    except BaseException:
        with anyio.CancelScope(shield=True):
            temporary.unlink(missing_ok=True)
        raise
    logger.debug("Saved %s to %s", url or "an inline file", target)
    return target


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        found = "a file" if folder.exists() else exc.strerror or type(exc).__name__
        raise LocalFileError(
            f"Cannot download into {str(folder)!r}: expected a folder, found {found}."
        ) from None


async def _stream_into(client: Client, url: str, output: IO[bytes]) -> None:
    # The caller's headers (cookies, API keys, quota tokens) are for the app;
    # a file hosted elsewhere gets only the user agent.
    same_origin = origin_of(url) == origin_of(client.base_url)
    headers = client.headers if same_origin else {"User-Agent": USER_AGENT}
    try:
        async with client._http.stream(
            "GET",
            url,
            headers=headers,
            auth=client._auth or httpx.USE_CLIENT_DEFAULT,
            timeout=client.timeouts.for_requests(),
        ) as response:
            if response.status_code != 200:
                body = (await response.aread())[:2000]
                raise DownloadFailed(
                    f"Could not download {url}: HTTP {response.status_code}: "
                    f"{describe_status(response, body.decode('utf-8', 'replace'))}",
                    status_code=response.status_code,
                    url=url,
                    raw=body,
                )
            expected = response.headers.get("content-length")
            async for chunk in response.aiter_bytes(_DOWNLOAD_CHUNK):
                output.write(chunk)
            # Raw bytes, before any content decoding, are what Content-Length counts.
            received = response.num_bytes_downloaded
    except httpx.HTTPError as exc:
        raise DownloadFailed(
            f"The download of {url} failed midway: {type(exc).__name__}: {exc or 'no detail'}",
            url=url,
        ) from exc
    if expected is not None and expected.isdigit() and int(expected) != received:
        raise DownloadFailed(
            f"The download of {url} ended after {received} of {expected} bytes.", url=url
        )
