"""The exception tree of gradio-raw.

Every error the library raises derives from `GradioRawError`:

    GradioRawError
    ├── UsageError                 the call requests something the app cannot do
    │   ├── EndpointNotFound       no endpoint with that api_name or fn_index
    │   ├── ArgumentError          wrong number, name or kind of arguments
    │   └── LocalFileError         a file to upload is missing or unreadable
    ├── ConnectError               the app could not be reached or discovered
    │   ├── ConfigError            the config is missing, not JSON or malformed
    │   ├── SpaceNotFound          the Hub does not know the Space id
    │   ├── SpaceUnavailable       the Space is paused or broken (its stage says which)
    │   │   └── SpaceNotReady      ... or still asleep or building when the wait ran out
    │   ├── AuthenticationError    the app or the Space requires credentials
    │   └── UnsupportedProtocol    the app announces a protocol this client cannot speak
    ├── RequestFailed              an HTTP request failed (network error or bad status)
    │   ├── JoinRejected           the queue refused to take the job
    │   │   ├── QueueFull          ... because it is full
    │   │   └── ValidationFailed   ... because the app's validator rejected the inputs
    │   ├── RateLimited            the app or the Hub answered 429 Too Many Requests
    │   ├── UploadRejected         the app refused an upload (size limit, type ...)
    │   ├── DownloadFailed         a file could not be downloaded completely
    │   └── RequestTimeout         an HTTP request timed out
    ├── ProtocolError              the server broke the wire protocol
    │   ├── MalformedMessage       a stream message is not valid JSON or lacks fields
    │   ├── DiffError              a streaming diff does not apply to the last output
    │   ├── MessageTooLarge        one stream message exceeds max_message_size
    │   └── StreamEnded            the data stream ended before the job completed
    │       └── SessionLost        the server no longer knows the session
    ├── AppError                   the app's function raised
    ├── JobCancelled               the job was cancelled (by the caller or the server)
    ├── OutputLimitExceeded        a job's unread events exceed max_buffered_output
    └── JobTimeout                 the job did not finish within its deadline

Errors that carry a server response keep its raw text, cut to a readable length,
in `raw`.
"""

from __future__ import annotations

from typing import Any

from ._redact import redact

__all__ = [
    "AppError",
    "ArgumentError",
    "AuthenticationError",
    "ConfigError",
    "ConnectError",
    "DiffError",
    "DownloadFailed",
    "EndpointNotFound",
    "GradioRawError",
    "JobCancelled",
    "JobTimeout",
    "JoinRejected",
    "LocalFileError",
    "MalformedMessage",
    "MessageTooLarge",
    "OutputLimitExceeded",
    "ProtocolError",
    "QueueFull",
    "RateLimited",
    "RequestFailed",
    "RequestTimeout",
    "SessionLost",
    "SpaceNotFound",
    "SpaceNotReady",
    "SpaceUnavailable",
    "StreamEnded",
    "UnsupportedProtocol",
    "UploadRejected",
    "UsageError",
    "ValidationFailed",
]

# Raw server content attached to an error is cut to this many characters, so a
# 50 MB body never ends up inside a log line or a traceback.
RAW_LIMIT = 2000


def shorten(text: str | bytes | None, limit: int = RAW_LIMIT) -> str | None:
    """Cut raw server content to `limit` characters for messages and `.raw`."""
    if text is None:
        return None
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... [{len(text) - limit} more characters]"


def json_type_name(value: Any) -> str:
    """Return the JSON name of a decoded value's type (null, string, array ...)."""
    names = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}
    return names.get(type(value), "number")


class GradioRawError(Exception):
    """Base class of every error raised by gradio-raw."""

    def __init__(self, message: str, *, raw: str | bytes | None = None) -> None:
        # Server text can echo a token back; it is masked before it can reach
        # a traceback, a log or a terminal.
        message = redact(message)
        super().__init__(message)
        self.message = message
        raw_text = shorten(raw)
        self.raw = redact(raw_text) if raw_text is not None else None


class UsageError(GradioRawError):
    """The call does not match what the app offers."""


class EndpointNotFound(UsageError):
    """No endpoint of the app has the requested api_name or fn_index."""

    def __init__(self, message: str, *, requested: str | int, suggestion: str | None) -> None:
        super().__init__(message)
        self.requested = requested
        self.suggestion = suggestion


class ArgumentError(UsageError):
    """The arguments do not fit the endpoint's parameters."""


class LocalFileError(UsageError):
    """A local file given as an input does not exist or cannot be read."""


class ConnectError(GradioRawError):
    """The app could not be reached or its config could not be read."""


class ConfigError(ConnectError):
    """The app's config is missing, not JSON, or lacks required fields."""


class SpaceNotFound(ConnectError):
    """The Hub has no Space with that id (or it is private and no token was given)."""


class SpaceUnavailable(ConnectError):
    """The Space is not running and will not start by itself (paused, failed to build ...)."""

    def __init__(self, message: str, *, stage: str, raw: str | bytes | None = None) -> None:
        super().__init__(message, raw=raw)
        self.stage = stage


class SpaceNotReady(SpaceUnavailable):
    """The Space was still asleep, starting or building when the wait for it ended."""


class AuthenticationError(ConnectError):
    """The app or the Space requires credentials that were missing or wrong."""


class UnsupportedProtocol(ConnectError):
    """The app speaks a protocol this version of gradio-raw does not implement."""

    def __init__(
        self,
        message: str,
        *,
        protocol: str,
        version: str | None,
        raw: str | bytes | None = None,
    ) -> None:
        super().__init__(message, raw=raw)
        self.protocol = protocol
        self.version = version


class RequestFailed(GradioRawError):
    """An HTTP request to the app failed, by a network error or an error status."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        url: str | None = None,
        raw: str | bytes | None = None,
    ) -> None:
        super().__init__(message, raw=raw)
        self.status_code = status_code
        self.url = url


class JoinRejected(RequestFailed):
    """The app's queue refused the job (an HTTP error response to the join request)."""


class QueueFull(JoinRejected):
    """The app's queue is full; the job was not accepted and may be retried later."""


class ValidationFailed(JoinRejected):
    """The app's input validator (Gradio 5.45+) rejected the call; the message lists each input."""


class RateLimited(RequestFailed):
    """The server responded 429 Too Many Requests; `retry_after` is in seconds when given."""

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None,
        status_code: int | None = 429,
        url: str | None = None,
        raw: str | bytes | None = None,
    ) -> None:
        super().__init__(message, status_code=status_code, url=url, raw=raw)
        self.retry_after = retry_after


class UploadRejected(RequestFailed):
    """The app refused to take an uploaded file, or the upload failed."""


class DownloadFailed(RequestFailed):
    """An output file could not be downloaded completely; nothing was left under its name."""


class RequestTimeout(RequestFailed):
    """An HTTP request did not complete within its timeout."""


class ProtocolError(GradioRawError):
    """The server sent something the Gradio protocol does not allow."""


class MalformedMessage(ProtocolError):
    """A message on the data stream is not valid JSON or lacks a required field."""


class MessageTooLarge(ProtocolError):
    """One message on a stream exceeds the client's `max_message_size`."""


class DiffError(ProtocolError):
    """A streaming output diff does not apply to the previous output value."""


class StreamEnded(ProtocolError):
    """The data stream ended while the job was still pending.

    `may_have_run` is true when the server may have run the job anyway: a job
    that had started (or may have) could have side effects even though its
    result is lost.
    """

    def __init__(self, message: str, *, may_have_run: bool, raw: str | bytes | None = None):
        super().__init__(message, raw=raw)
        self.may_have_run = may_have_run


class SessionLost(StreamEnded):
    """The server has no record of the session any more, so the job's messages are lost."""


class AppError(GradioRawError):
    """The app's function raised an exception.

    `message` is the text the app shared (a `gr.Error` message, or the exception
    text when the app runs with `show_error=True`); `details_hidden` is true when
    the app shared nothing.
    """

    def __init__(
        self,
        message: str,
        *,
        title: str | None = None,
        duration: float | None = None,
        visible: bool | None = None,
        details_hidden: bool = False,
        raw: str | bytes | None = None,
    ) -> None:
        super().__init__(message, raw=raw)
        if title and title != "Error":
            # The title is what the app shows above the message, so it leads.
            self.args = (redact(f"{title}: {message}"),)
        self.title = title
        self.duration = duration
        self.visible = visible
        self.details_hidden = details_hidden


class OutputLimitExceeded(GradioRawError):
    """A job's unread events grew past `max_buffered_output`; the job was cancelled."""


class JobCancelled(GradioRawError):
    """The job was cancelled before it produced its result."""


class JobTimeout(GradioRawError):
    """The job did not finish within its deadline."""

    def __init__(self, message: str, *, may_have_run: bool) -> None:
        super().__init__(message)
        self.may_have_run = may_have_run
