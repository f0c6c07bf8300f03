"""gradio-raw: call Gradio apps from async Python by speaking their protocol directly."""

from ._client import DEFAULT_HUB_URL, Client
from ._config import SUPPORTED_PROTOCOLS, AppConfig
from ._endpoints import Endpoint, Parameter, ReturnValue
from ._exceptions import (
    AppError,
    ArgumentError,
    AuthenticationError,
    ConfigError,
    ConnectError,
    DiffError,
    DownloadFailed,
    EndpointNotFound,
    GradioRawError,
    JobCancelled,
    JobTimeout,
    JoinRejected,
    LocalFileError,
    MalformedMessage,
    MessageTooLarge,
    OutputLimitExceeded,
    ProtocolError,
    QueueFull,
    RateLimited,
    RequestFailed,
    RequestTimeout,
    SessionLost,
    SpaceNotFound,
    SpaceNotReady,
    SpaceUnavailable,
    StreamEnded,
    UnsupportedProtocol,
    UploadRejected,
    UsageError,
    ValidationFailed,
)
from ._files import FileInput, handle_file
from ._http import Timeouts
from ._job import Job
from ._session import Session
from ._types import (
    Completed,
    Event,
    FileData,
    Log,
    Output,
    Progress,
    ProgressUnit,
    Queued,
    RawMessage,
    Result,
    Started,
    UploadProgress,
)
from ._version import __version__

__all__ = [
    "DEFAULT_HUB_URL",
    "SUPPORTED_PROTOCOLS",
    "AppConfig",
    "AppError",
    "ArgumentError",
    "AuthenticationError",
    "Client",
    "Completed",
    "ConfigError",
    "ConnectError",
    "DiffError",
    "DownloadFailed",
    "Endpoint",
    "EndpointNotFound",
    "Event",
    "FileData",
    "FileInput",
    "GradioRawError",
    "Job",
    "JobCancelled",
    "JobTimeout",
    "JoinRejected",
    "LocalFileError",
    "Log",
    "MalformedMessage",
    "MessageTooLarge",
    "Output",
    "OutputLimitExceeded",
    "Parameter",
    "Progress",
    "ProgressUnit",
    "ProtocolError",
    "QueueFull",
    "Queued",
    "RateLimited",
    "RawMessage",
    "RequestFailed",
    "RequestTimeout",
    "Result",
    "ReturnValue",
    "Session",
    "SessionLost",
    "SpaceNotFound",
    "SpaceNotReady",
    "SpaceUnavailable",
    "Started",
    "StreamEnded",
    "Timeouts",
    "UnsupportedProtocol",
    "UploadProgress",
    "UploadRejected",
    "UsageError",
    "ValidationFailed",
    "__version__",
    "handle_file",
]

# Show the public path in reprs and tracebacks (gradio_raw.Client, not
# gradio_raw._client.Client).
for _name in __all__:
    _value = globals()[_name]
    if str(getattr(_value, "__module__", "")).startswith("gradio_raw."):
        try:
            _value.__module__ = "gradio_raw"
        except (AttributeError, TypeError):
            pass
del _name, _value
