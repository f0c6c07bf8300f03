"""The handle a caller holds for one submitted call."""

from __future__ import annotations

import logging
import math
from collections import deque
from collections.abc import AsyncIterator, Callable, Generator
from typing import TYPE_CHECKING, Any

import anyio

from ._endpoints import Endpoint
from ._exceptions import GradioRawError, JobCancelled, JobTimeout, OutputLimitExceeded
from ._machine import JobMachine
from ._types import Event, Output, Result, UploadProgress

if TYPE_CHECKING:
    from ._session import Session

__all__ = ["Job"]

logger = logging.getLogger("gradio_raw")

# Events kept for a caller that has not started iterating yet. Partial outputs
# are not counted: only the latest one is kept until someone iterates.
_UNREAD_EVENT_LIMIT = 256


def _supersedes(event: Event, previous: Event) -> bool:
    """Tell whether `event` makes `previous` useless to a caller who reads only the latest."""
    if isinstance(event, Output):
        return isinstance(previous, Output)
    if isinstance(event, UploadProgress):
        return isinstance(previous, UploadProgress) and previous.index == event.index
    return False


class Job:
    """A call submitted to the app's queue.

    - `await job` (or `await job.result()`) returns the `Result` or raises.
    - `async for event in job` yields `UploadProgress` (while large input
      files upload), `Queued`, `Started`, `Progress`, `Log`, `Output` and
      finally `Completed`; it raises the job's error (an `AppError`, for
      example) where the job fails.
    - `await job.cancel()` asks the server to stop the job.

    Until a caller starts iterating, the job keeps only its latest partial
    output and the latest upload progress of each file, so a long generator
    or a large upload costs no memory for a caller that only wants the
    result. Once iteration starts, every event is kept until it is read.
    """

    def __init__(
        self,
        session: Session,
        target: str | int,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        *,
        deadline: float,
        queue_deadline: float = math.inf,
    ) -> None:
        self.session = session
        self.queue_deadline = queue_deadline
        self.target = target
        self.args = args
        self.kwargs = kwargs
        self.deadline = deadline
        self.endpoint: Endpoint | None = None
        self.event_id: str | None = None
        self.machine: JobMachine | None = None

        self._events: deque[Event] = deque()
        # Message sizes of the events queued while iterating, to bound memory.
        self._sizes: deque[int] = deque()
        self._buffered = 0
        self._iterating = False
        self._wakeup = anyio.Event()
        self._finished = anyio.Event()
        # Called once, when the job is no longer waiting in the server's queue.
        self.on_left_queue: Callable[[], None] | None = None
        self._result: Result | None = None
        self._error: BaseException | None = None
        self._cancel_requested = False
        self.join_scope: anyio.CancelScope | None = None
        # Set for jobs with a connection of their own (not the shared stream).
        self.flow_scope: anyio.CancelScope | None = None

    def __repr__(self) -> str:
        state = "done" if self.done else "pending"
        return f"<Job {self.target!r} event_id={self.event_id!r} {state}>"

    @property
    def fn_index(self) -> int | None:
        return self.endpoint.fn_index if self.endpoint else None

    @property
    def done(self) -> bool:
        return self._finished.is_set()

    @property
    def started(self) -> bool:
        """Whether the client saw the server start this job."""
        return bool(self.machine and self.machine.started)

    # Called by the session.

    def push(self, event: Event, size: int = 0) -> None:
        """Queue an event for the caller; `size` is the bytes of the message it came from."""
        if self.done:
            return
        if self.started and self.on_left_queue is not None:
            self.leave_queue()
        if not self._iterating:
            self._buffer_unread(event)
        else:
            self._events.append(event)
            self._sizes.append(size)
            self._buffered += size
            limit = self.session.client.max_buffered_output
            if limit is not None and self._buffered > limit:
                self._overflow(limit)
                return
        self._wakeup.set()

    def leave_queue(self) -> None:
        """Give back the job's place among the client's queued jobs, once."""
        callback, self.on_left_queue = self.on_left_queue, None
        if callback is not None:
            callback()

    def _overflow(self, limit: int) -> None:
        error = OutputLimitExceeded(
            f"The unread events of the job on {self.target} exceeded {limit} bytes "
            "(max_buffered_output): read them faster or raise the limit. The job was "
            "cancelled."
        )
        self._events.clear()
        self._sizes.clear()
        self._buffered = 0
        self.session.client._start_soon(self.session.cancel_job, self, error)
        self.finish(error=error)

    def finish(self, result: Result | None = None, error: BaseException | None = None) -> None:
        if self.done:
            return
        self._result = result
        self._error = error
        self._finished.set()
        self.leave_queue()
        self._wakeup.set()

    def _buffer_unread(self, event: Event) -> None:
        if self._events and _supersedes(event, self._events[-1]):
            self._events[-1] = event
            return
        self._events.append(event)
        if len(self._events) > _UNREAD_EVENT_LIMIT:
            self._events.popleft()

    # Public API.

    def __await__(self) -> Generator[Any, None, Result]:
        return self.result().__await__()

    async def result(self) -> Result:
        """Wait for the job to finish and return its outputs, or raise its error."""
        await self._wait(self._finished)
        return self._outcome()

    def __aiter__(self) -> AsyncIterator[Event]:
        self._iterating = True
        return self

    async def __anext__(self) -> Event:
        while True:
            if self._events:
                if self._sizes:
                    self._buffered -= self._sizes.popleft()
                return self._events.popleft()
            if self.done:
                self._outcome()
                raise StopAsyncIteration
            wakeup = self._wakeup
            await self._wait(wakeup)
            if wakeup is self._wakeup:
                self._wakeup = anyio.Event()

    async def cancel(self) -> None:
        """Ask the server to stop this job and end it with `JobCancelled`.

        Does nothing for a job that already finished. The server stops every
        running job of the same endpoint in the same session, so jobs that must
        be cancelled on their own belong in sessions of their own
        (`client.new_session()`).
        """
        if self.done or self._cancel_requested:
            return
        self._cancel_requested = True
        if self.join_scope is not None and self.event_id is None:
            # The join request itself is shielded; the job is cancelled on the
            # server as soon as its event id is known.
            return
        await self.session.cancel_job(self, JobCancelled("The job was cancelled by the caller."))

    @property
    def cancel_requested(self) -> bool:
        return self._cancel_requested

    # Helpers.

    def _outcome(self) -> Result:
        if self._error is not None:
            raise self._error
        assert self._result is not None
        return self._result

    async def _wait(self, event: anyio.Event) -> None:
        while True:
            waiting_in_queue = not self.started and self.queue_deadline < self.deadline
            deadline = self.queue_deadline if waiting_in_queue else self.deadline
            if deadline == math.inf:
                await event.wait()
                return
            with anyio.move_on_after(max(deadline - anyio.current_time(), 0)) as scope:
                await event.wait()
            if not scope.cancelled_caught:
                return
            if waiting_in_queue and self.started:
                # The job left the queue in time; only the job deadline remains.
                continue
            await self._time_out("in the queue" if waiting_in_queue else "")

    async def _time_out(self, where: str) -> None:
        may_have_run = self.started
        limit = "its queue wait limit" if where else "its deadline"
        with anyio.CancelScope(shield=True):
            await self.session.cancel_job(
                self,
                JobTimeout(
                    f"The job on {self.target} did not "
                    + ("start" if where else "finish")
                    + f" within {limit} and was cancelled.",
                    may_have_run=may_have_run,
                ),
            )
        error = self._error
        if isinstance(error, GradioRawError):
            raise error
        raise JobTimeout(
            f"The job on {self.target} did not finish within {limit}.",
            may_have_run=may_have_run,
        )
