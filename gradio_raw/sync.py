"""A blocking facade over the async client, for scripts and notebooks.

    from gradio_raw.sync import Client

    with Client("http://127.0.0.1:7860/") as client:
        print(client.predict("/echo", "ab", n=3))
        job = client.submit("/gen", count=5)
        for event in job:
            print(event)

Each `Client` runs one event loop in one background thread (an anyio blocking
portal) for its whole life; every call and job of that client runs there, so
no thread is started per job.
"""

from __future__ import annotations

from collections.abc import Iterator
from os import PathLike
from pathlib import Path
from types import TracebackType
from typing import Any

import anyio
from anyio.abc import TaskStatus
from anyio.from_thread import BlockingPortal, start_blocking_portal

from ._client import Client as AsyncClient
from ._endpoints import Endpoint
from ._files import FileSource
from ._job import Job as AsyncJob
from ._types import Event, FileData, Result
from ._upload_progress import ProgressCallback

__all__ = ["Client", "Job"]


class Job:
    """A blocking handle on a submitted call: iterate it, `result()` it, `cancel()` it."""

    def __init__(self, job: AsyncJob, portal: BlockingPortal) -> None:
        self._job = job
        self._portal = portal

    def __repr__(self) -> str:
        return repr(self._job)

    @property
    def event_id(self) -> str | None:
        return self._job.event_id

    @property
    def done(self) -> bool:
        return self._job.done

    def result(self) -> Result:
        """Wait for the outputs, or raise the job's error."""
        return self._portal.call(self._job.result)

    def cancel(self) -> None:
        """Ask the server to stop the job; it ends with `JobCancelled`."""
        self._portal.call(self._job.cancel)

    def __iter__(self) -> Iterator[Event]:
        iterator = self._job.__aiter__()
        while True:
            try:
                yield self._portal.call(iterator.__anext__)
            except StopAsyncIteration:
                return


class Client:
    """The blocking twin of `gradio_raw.Client`; it takes the same options.

    Use it as a context manager, or call `close()` when done.
    """

    def __init__(self, src: str, *, backend: str = "asyncio", **options: Any) -> None:
        self._portal_context = start_blocking_portal(backend)
        self._portal = self._portal_context.__enter__()
        self._closed_event: anyio.Event | None = None
        try:
            self._client: AsyncClient = self._portal.start_task(self._own_client, src, options)[1]
        except BaseException:
            self._portal_context.__exit__(None, None, None)
            raise

    async def _own_client(
        self, src: str, options: dict[str, Any], *, task_status: TaskStatus[AsyncClient]
    ) -> None:
        # The async client must be opened and closed by the same task, so one
        # long-lived task in the portal owns it.
        self._closed_event = anyio.Event()
        async with AsyncClient(src, **options) as client:
            task_status.started(client)
            await self._closed_event.wait()

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the client and stop its event loop thread."""
        if self._closed_event is None:
            return
        closed, self._closed_event = self._closed_event, None
        self._portal.call(closed.set)
        self._portal_context.__exit__(None, None, None)

    @property
    def base_url(self) -> str:
        return self._client.base_url

    def predict(self, endpoint: str | int, /, *args: Any, **kwargs: Any) -> Result:
        """Call an endpoint and return its outputs; see `gradio_raw.Client.predict`."""
        return self._portal.call(lambda: self._client.predict(endpoint, *args, **kwargs))

    def submit(self, endpoint: str | int, /, *args: Any, **kwargs: Any) -> Job:
        """Start a call and return a blocking `Job` at once."""
        (job,) = self._portal.call(self._submit, endpoint, args, kwargs)
        return Job(job, self._portal)

    def _submit(
        self, endpoint: str | int, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> tuple[AsyncJob]:
        # Runs in the event loop thread, where the client's task group lives.
        # The job is wrapped because the portal awaits any awaitable it gets.
        return (self._client.submit(endpoint, *args, **kwargs),)

    def endpoints(self) -> list[Endpoint]:
        return self._portal.call(self._client.endpoints)

    def upload(
        self, *files: FileSource, on_progress: ProgressCallback | None = None
    ) -> list[FileData]:
        # on_progress runs in the event loop thread, so it must not block.
        return self._portal.call(lambda: self._client.upload(*files, on_progress=on_progress))

    def download(
        self, file: FileData | str, directory: str | PathLike[str] = ".", *, name: str | None = None
    ) -> Path:
        return self._portal.call(lambda: self._client.download(file, directory, name=name))

    def reset_session(self) -> None:
        self._portal.call(self._client.reset_session)
