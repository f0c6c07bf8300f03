"""Upload progress: the server's progress stream for one upload, turned into events.

While `POST <prefix>upload?upload_id=ID` runs, Gradio serves its progress as
Server-Sent Events on `GET <prefix>upload_progress?upload_id=ID`:
`{"msg": "update", "orig_name": NAME, "chunk_size": BYTES}` as the request
body arrives, `{"msg": "heartbeat"}` after 15 s without updates, and
`{"msg": "done"}` when the body has been read. The route exists in every
release whose source was read for this client (4.8.0, 4.16.0, 4.20.1, 4.21.0,
4.22.0, 4.44.1, 5.49.1 and 6.31.0), but what it sends differs:

- 4.8.0 reports every chunk of the body, so the updates add up to each file's
  size.
- 4.16.0 to 6.31.0 keep one running count per upload and report the bytes
  received since the previous update. The bytes after the last update of a
  file are never reported: the count restarts when the next file begins, and
  `done` is sent instead of the rest when the body ends.
- 4.44.1 and older end the stream at once, empty, for an id the server does
  not track yet. 5.49.1 and 6.31.0 wait up to 3 s for the upload to start and
  then return 404.
- 4.8.0 deletes its record of an upload when the progress stream closes, and
  then fails the upload with HTTP 500 if no chunk arrives before the body
  ends. The
  client closes the stream only once the POST returns or the stream fails.

So the server's updates are a lower bound. The client completes a file's
count itself when the server moves on to the next file, and every file's
count when the upload succeeds, because then the server has all the bytes.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Awaitable, Callable, Sequence
from contextlib import aclosing
from typing import TYPE_CHECKING, Any, TypeVar

import anyio
import httpx
from httpx_sse import EventSource

from ._exceptions import shorten
from ._http import limit_stream
from ._types import UploadProgress

if TYPE_CHECKING:
    from ._client import Client

__all__ = ["PROGRESS_THRESHOLD", "ProgressCallback", "UploadProgressStream", "wants_progress"]

logger = logging.getLogger("gradio_raw")

ProgressCallback = Callable[[UploadProgress], None]

# Uploads smaller than this open no progress stream. The stream costs one more
# request and connection, while such an upload lasts under a second on a
# 10 Mbit/s link, too short for progress reports to help anyone.
PROGRESS_THRESHOLD = 1024 * 1024

# Gradio 4.44.1 and older end the stream at once for an upload they do not
# track yet, so an empty stream is opened again, at most this many times in
# all, after a pause in seconds.
_MAX_ATTEMPTS = 5
_REOPEN_PAUSE = 0.2

# A progress message carries one file name and a number, so a longer one
# means the route is not Gradio's.
_MESSAGE_LIMIT = 64 * 1024

_Result = TypeVar("_Result")


def wants_progress(sizes: Sequence[int | None]) -> bool:
    """Tell whether an upload of files of these sizes is worth a progress stream.

    A file of unknown size (a pipe, for example) counts as large, because
    nothing shows that it is small.
    """
    if any(size is None for size in sizes):
        return True
    return sum(size or 0 for size in sizes) >= PROGRESS_THRESHOLD


class UploadTracker:
    """Counts the bytes the server reports for each file of one upload.

    Files arrive in the order of the multipart body. A report names its file,
    and a report for a later file means the server has read every file before
    it whole.
    """

    def __init__(self, files: Sequence[tuple[str, int | None]], report: ProgressCallback) -> None:
        self._names = [name for name, _ in files]
        self._sizes = [size for _, size in files]
        self._received = [0] * len(files)
        self._reported = [False] * len(files)
        self._report = report
        self._current = 0
        self._finished = False

    def add(self, name: str, chunk_size: int) -> None:
        """Count `chunk_size` more bytes of the file called `name`."""
        if self._finished:
            return
        target = self._locate(name)
        while self._current < target:
            self._complete(self._current)
            self._current += 1
        self._count(chunk_size)

    def finish(self) -> None:
        """Report every file of known size as received whole: the upload succeeded."""
        if self._finished:
            return
        self._finished = True
        for index in range(self._current, len(self._names)):
            self._complete(index)

    def _locate(self, name: str) -> int:
        if self._names[self._current] == name:
            return self._current
        for index in range(self._current + 1, len(self._names)):
            if self._names[index] == name:
                return index
        # httpx escapes quotes and control characters in multipart file names,
        # so the server can report a name the client never sent. The bytes
        # still belong to the file it is reading.
        return self._current

    def _count(self, chunk_size: int) -> None:
        # Gradio 4.16 and later add up consecutive reports of files with the
        # same name, so the bytes past the end of one file belong to the next.
        remaining = chunk_size
        while remaining > 0:
            index = self._current
            size = self._sizes[index]
            room = remaining if size is None else size - self._received[index]
            counted = min(remaining, room)
            if counted > 0:
                self._received[index] += counted
                self._emit(index)
            remaining -= counted
            spills = (
                remaining > 0
                and index + 1 < len(self._names)
                and self._names[index + 1] == self._names[index]
            )
            if not spills:
                return
            self._current += 1

    def _complete(self, index: int) -> None:
        size = self._sizes[index]
        if size is None:
            return
        if self._received[index] < size or not self._reported[index]:
            self._received[index] = size
            self._emit(index)

    def _emit(self, index: int) -> None:
        self._reported[index] = True
        self._report(
            UploadProgress(
                name=self._names[index],
                index=index,
                received=self._received[index],
                size=self._sizes[index],
            )
        )


class UploadProgressStream:
    """Reads the progress stream of one upload and reports each file's count to `report`.

    Errors of the stream, such as a missing route, a broken connection or a
    malformed message, are logged at DEBUG and end the reading: the upload
    goes on without progress. Gradio 4.8.0 itself may still fail the upload
    (see the module docstring). An
    exception raised by `report` stops the upload, and the upload raises it
    to its caller.
    """

    def __init__(
        self, client: Client, files: Sequence[tuple[str, int | None]], report: ProgressCallback
    ) -> None:
        self.upload_id = uuid.uuid4().hex
        self._client = client
        self._report = report
        self._tracker = UploadTracker(files, self._deliver)
        self._url = client._api_url("upload_progress")
        # Whether the server returned an event stream at least once.
        self._accepted = False
        self._callback_error: Exception | None = None
        self._upload_scope: anyio.CancelScope | None = None

    async def run_beside(self, send: Callable[[], Awaitable[_Result]]) -> _Result:
        """Await `send()` while reading the stream, and close the stream when it returns."""
        failure: Exception | None = None
        async with anyio.create_task_group() as group:
            self._upload_scope = group.cancel_scope
            group.start_soon(self._run)
            try:
                outcome = await send()
            except Exception as exc:
                # Raised below, outside the task group, so that the caller
                # receives it as is rather than inside an ExceptionGroup.
                failure = exc
            group.cancel_scope.cancel()
        self._raise_callback_error()
        if failure is not None:
            raise failure
        return outcome

    def finish(self) -> None:
        """Report the files as received whole, once the server confirmed the upload."""
        if self._accepted:
            self._tracker.finish()
        self._raise_callback_error()

    def _deliver(self, event: UploadProgress) -> None:
        if self._callback_error is not None:
            return
        try:
            self._report(event)
        except Exception as exc:
            # Cancelling unwinds the stream's readers cleanly, where an
            # exception raised through them would leave them half closed.
            self._callback_error = exc
            if self._upload_scope is not None:
                self._upload_scope.cancel()

    def _raise_callback_error(self) -> None:
        if self._callback_error is not None:
            raise self._callback_error

    async def _run(self) -> None:
        try:
            for attempt in range(_MAX_ATTEMPTS):
                if attempt:
                    await anyio.sleep(_REOPEN_PAUSE)
                if not await self._read_once():
                    return
        except Exception as exc:
            logger.debug(
                "The progress stream of upload %s failed: %s: %s",
                self.upload_id,
                type(exc).__name__,
                exc or "no detail",
            )

    async def _read_once(self) -> bool:
        """Read the stream to its end; return True when it ended before the upload began."""
        client = self._client
        logger.debug("Opening the progress stream of upload %s", self.upload_id)
        async with client._http.stream(
            "GET",
            self._url,
            params={"upload_id": self.upload_id},
            headers={**client.headers, "Accept": "text/event-stream", "Cache-Control": "no-store"},
            auth=client._auth or httpx.USE_CLIENT_DEFAULT,
            timeout=client.timeouts.for_stream(),
        ) as response:
            content_type = response.headers.get("content-type", "")
            if response.status_code != 200 or "text/event-stream" not in content_type:
                logger.debug(
                    "No upload progress from %s: HTTP %s, %s",
                    self._url,
                    response.status_code,
                    content_type or "no content type",
                )
                return False
            self._accepted = True
            messages = 0
            # The stream is read to its end, which follows `done` at once: a
            # generator chain left midway is finalized by the garbage
            # collector, which trio reports as a ResourceWarning.
            with anyio.CancelScope() as scope:
                limited = limit_stream(response, _MESSAGE_LIMIT, scope)
                async with aclosing(EventSource(response).aiter_sse()) as events:
                    async for sse in events:
                        messages += 1
                        self._on_message(sse.data)
            if limited is not None and limited.error is not None:
                logger.debug("Dropped the progress stream of %s: %s", self.upload_id, limited.error)
                return False
        return messages == 0

    def _on_message(self, text: str) -> None:
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("recv [upload %s] %s", self.upload_id, shorten(text, 200))
        try:
            message: Any = json.loads(text)
        except ValueError:
            return
        if not isinstance(message, dict) or message.get("msg") != "update":
            return
        name = message.get("orig_name")
        chunk_size = message.get("chunk_size")
        if isinstance(name, str) and isinstance(chunk_size, int) and chunk_size > 0:
            self._tracker.add(name, chunk_size)
