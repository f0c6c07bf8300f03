"""Public data types: files, results and the events of a job."""

from __future__ import annotations

import base64
from collections.abc import Iterator, Sequence
from os import PathLike
from pathlib import Path
from typing import Any, Literal, overload
from urllib.parse import unquote_to_bytes

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

__all__ = [
    "Completed",
    "Event",
    "FileData",
    "Log",
    "Output",
    "Progress",
    "ProgressUnit",
    "Queued",
    "RawMessage",
    "Result",
    "Started",
    "UploadProgress",
]


class FileData(BaseModel):
    """A file in an app's output: where it lives on the server and how to fetch it.

    `url` is absolute. `path` is the server-side path (or a public URL for
    components that return one) and is opaque to clients.
    """

    model_config = ConfigDict(extra="allow", frozen=True, defer_build=True)

    path: str
    url: str | None = None
    size: int | None = None
    orig_name: str | None = None
    mime_type: str | None = None
    is_stream: bool = False
    meta: dict[str, Any] = Field(default_factory=lambda: {"_type": "gradio.FileData"})

    @property
    def name(self) -> str:
        """The file's name as the server gave it: the original one when it kept it.

        It comes from the server unchanged and may contain `../` or a path; use
        `download()`, which makes it safe, rather than joining it to a folder.
        """
        if self.orig_name:
            return self.orig_name
        return self.path.replace("\\", "/").rsplit("/", 1)[-1]

    # The client that produced this file, so that `download` can use its
    # connections and credentials; not part of the file's value.
    _client: Any = PrivateAttr(default=None)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FileData):
            return NotImplemented
        return self.model_dump() == other.model_dump()

    __hash__ = None  # type: ignore[assignment]

    @property
    def inline_bytes(self) -> bytes | None:
        """The file's bytes when the server sent them inline (Gradio 3), else None."""
        data = (self.model_extra or {}).get("data")
        if not (isinstance(data, str) and data.startswith("data:") and "," in data):
            return None
        header, payload = data.split(",", 1)
        if header.endswith(";base64"):
            return base64.b64decode(payload)
        return unquote_to_bytes(payload)

    def to_wire(self) -> dict[str, Any]:
        """Return the dict to send when this file is an input of another call."""
        return self.model_dump(exclude_none=True)

    async def download(
        self, directory: str | PathLike[str] = ".", *, name: str | None = None
    ) -> Path:
        """Save the file in `directory` and return its path.

        The local name is the file's name made safe (no path components,
        reserved or control characters), with ` (1)`, ` (2)` ... added when the
        name is taken, so nothing is overwritten. Raises `DownloadFailed`; a
        failed download leaves no file behind.
        """
        if self._client is None:
            raise RuntimeError(
                "This FileData was not produced by a client; use client.download(file, directory)."
            )
        path: Path = await self._client.download(self, directory, name=name)
        return path


def _walk_files(value: Any) -> Iterator[FileData]:
    if isinstance(value, FileData):
        yield value
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _walk_files(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _walk_files(item)


class Result(Sequence[Any]):
    """The outputs of a finished job, one item per output the API shows.

    A `Result` is a sequence, so `image, seed = await client.predict(...)`
    works. Outputs the API hides (State) are dropped; `raw` keeps the list as
    the server sent it.
    """

    __slots__ = ("data", "duration", "endpoint", "event_id", "fn_index", "raw")

    def __init__(
        self,
        data: list[Any],
        *,
        fn_index: int,
        endpoint: str | None,
        event_id: str | None,
        duration: float | None = None,
        raw: list[Any] | None = None,
    ) -> None:
        self.data = data
        self.fn_index = fn_index
        self.endpoint = endpoint
        self.event_id = event_id
        self.duration = duration
        self.raw = raw if raw is not None else data

    @overload
    def __getitem__(self, index: int) -> Any: ...
    @overload
    def __getitem__(self, index: slice) -> list[Any]: ...
    def __getitem__(self, index: int | slice) -> Any:
        return self.data[index]

    def __len__(self) -> int:
        return len(self.data)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Result):
            return self.data == other.data
        if isinstance(other, (list, tuple)):
            return self.data == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Result({self.data!r}, fn_index={self.fn_index}, endpoint={self.endpoint!r})"

    @property
    def value(self) -> Any:
        """The only output, for endpoints that have exactly one."""
        if len(self.data) != 1:
            raise ValueError(
                f"Result.value needs exactly one output, but this result has {len(self.data)}; "
                "index or unpack it instead."
            )
        return self.data[0]

    @property
    def files(self) -> list[FileData]:
        """Every file anywhere in the outputs, in order, whatever the nesting."""
        return list(_walk_files(self.data))


class _Event(BaseModel):
    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True, defer_build=True)

    event_id: str | None = None


class UploadProgress(_Event):
    """Bytes of one input file the server has received so far, while the file uploads.

    `index` is the file's position among the files uploaded together (names can
    repeat). `size` is the file's length when the client can tell it (a path,
    bytes, a seekable file), else None. When the app serves upload progress and
    the upload succeeds, every file of known size gets a last event with
    `received == size`.
    """

    kind: Literal["upload_progress"] = "upload_progress"
    name: str
    index: int = 0
    received: int = 0
    size: int | None = None

    @property
    def fraction(self) -> float | None:
        """Completion between 0 and 1, when the file's size is known."""
        if self.size is None:
            return None
        if self.size == 0:
            return 1.0
        return self.received / self.size


class Queued(_Event):
    """The job waits in the app's queue; rank 0 is next."""

    kind: Literal["queued"] = "queued"
    rank: int | None = None
    queue_size: int | None = None
    eta: float | None = None


class Started(_Event):
    """A worker took the job; `eta` is the server's estimate of its run time."""

    kind: Literal["started"] = "started"
    eta: float | None = None


class ProgressUnit(BaseModel):
    """One level of a `gr.Progress` report (there is one per nested progress bar)."""

    model_config = ConfigDict(frozen=True, extra="ignore", defer_build=True)

    index: int | None = None
    length: int | None = None
    unit: str | None = None
    progress: float | None = None
    desc: str | None = None

    @property
    def fraction(self) -> float | None:
        """Completion between 0 and 1, when the server gave enough to tell."""
        if self.progress is not None:
            return self.progress
        if self.index is not None and self.length:
            return self.index / self.length
        return None


class Progress(_Event):
    """A progress report of the running job."""

    kind: Literal["progress"] = "progress"
    units: tuple[ProgressUnit, ...] = ()


class Log(_Event):
    """A message the app showed with gr.Info, gr.Warning or gr.Success."""

    kind: Literal["log"] = "log"
    message: str = ""
    level: str = "info"
    title: str | None = None
    duration: float | None = None
    visible: bool = True


class Output(_Event):
    """A partial output of a generator endpoint, with diffs already applied."""

    kind: Literal["output"] = "output"
    data: list[Any]


class Completed(_Event):
    """The job finished; `result` contains its outputs."""

    kind: Literal["completed"] = "completed"
    result: Result


class RawMessage(_Event):
    """A stream message of a kind this client does not know, passed on as is."""

    kind: Literal["raw"] = "raw"
    msg: str
    payload: dict[str, Any]


Event = UploadProgress | Queued | Started | Progress | Log | Output | Completed | RawMessage
