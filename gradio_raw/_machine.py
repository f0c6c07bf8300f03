"""One job's protocol state, without I/O.

The session reader feeds every stream message of a job's `event_id` to its
`JobMachine`, which returns the public event (if any) and, on the last message,
records the job's outcome: a `Result` or the exception to raise.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from pydantic import ValidationError

from ._diff import apply_diff
from ._endpoints import Endpoint
from ._exceptions import (
    AppError,
    DiffError,
    GradioRawError,
    JobCancelled,
    MalformedMessage,
    QueueFull,
    SessionLost,
    StreamEnded,
    json_type_name,
)
from ._outputs import OutputDecoder
from ._types import (
    Completed,
    Event,
    Log,
    Output,
    Progress,
    ProgressUnit,
    Queued,
    RawMessage,
    Result,
    Started,
)

__all__ = ["JobMachine", "parse_message"]

logger = logging.getLogger("gradio_raw")

HIDDEN_ERROR = (
    "The app raised an error but did not share its details "
    "(it runs with show_error=False); the app's own log has the traceback."
)


def parse_message(text: str) -> dict[str, Any]:
    """Parse the `data` field of one stream message into a dict with a `msg`.

    Raises `MalformedMessage` with the raw text when it is not a JSON object
    with a string `msg`.
    """
    try:
        message = json.loads(text)
    except (ValueError, RecursionError):
        raise MalformedMessage(
            "Expected a JSON object on the data stream, received text that is not JSON.",
            raw=text,
        ) from None
    if not isinstance(message, dict):
        raise MalformedMessage(
            f"Expected a JSON object on the data stream, received a JSON {type(message).__name__}.",
            raw=text,
        )
    if not isinstance(message.get("msg"), str):
        raise MalformedMessage(
            "Expected a 'msg' field naming the message kind, received a message without one.",
            raw=text,
        )
    return message


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _integer(value: Any) -> int | None:
    return int(value) if isinstance(value, int) and not isinstance(value, bool) else None


class JobMachine:
    """Protocol state of one job, fed with the messages of its `event_id`."""

    def __init__(self, endpoint: Endpoint, decoder: OutputDecoder, *, diffs: bool) -> None:
        self.endpoint = endpoint
        self.decoder = decoder
        self.diffs = diffs
        self.event_id: str | None = None
        self.started = False
        self.done = False
        self.result: Result | None = None
        self.error: GradioRawError | None = None
        # The last full output list, the base of the next diff.
        self._last: list[Any] | None = None

    def feed(self, message: dict[str, Any]) -> Event | None:
        """Advance on one message; return the event for the caller, if any."""
        if self.done:
            logger.debug("Ignoring %s for finished event %s", message.get("msg"), self.event_id)
            return None

        kind = message["msg"]
        handler = getattr(self, "_on_" + kind, None)
        if handler is None:
            logger.debug("Passing on unknown message kind %r as a raw event", kind)
            return RawMessage(event_id=self.event_id, msg=kind, payload=message)
        event: Event | None = handler(message)
        return event

    def fail(self, error: GradioRawError) -> None:
        """End the job with `error` unless it already has an outcome."""
        if self.result is None and self.error is None:
            self.done = True
            self.error = error

    # Message handlers, one per `msg` kind.

    def _on_estimation(self, message: dict[str, Any]) -> Event:
        return Queued(
            event_id=self.event_id,
            rank=_integer(message.get("rank")),
            queue_size=_integer(message.get("queue_size")),
            eta=_number(message.get("rank_eta")),
        )

    def _on_process_starts(self, message: dict[str, Any]) -> Event:
        self.started = True
        return Started(event_id=self.event_id, eta=_number(message.get("eta")))

    def _on_progress(self, message: dict[str, Any]) -> Event:
        raw_units = message.get("progress_data")
        units = []
        for unit in raw_units if isinstance(raw_units, list) else []:
            try:
                units.append(ProgressUnit.model_validate(unit))
            except ValidationError:
                # Progress is informative; a unit with a wrongly typed field is
                # dropped rather than failing the job.
                logger.debug("Skipping a malformed progress unit: %r", unit)
        return Progress(event_id=self.event_id, units=tuple(units))

    def _on_log(self, message: dict[str, Any]) -> Event:
        level = message.get("level")
        title = message.get("title")
        return Log(
            event_id=self.event_id,
            message=str(message.get("log") or ""),
            level=level if isinstance(level, str) else "info",
            title=title if isinstance(title, str) else None,
            duration=_number(message.get("duration")),
            visible=message.get("visible") is not False,
        )

    def _on_process_generating(self, message: dict[str, Any]) -> Event:
        self.started = True
        data = self._output_data(message)
        if self._last is not None and self.diffs:
            try:
                data = self._apply_diffs(data)
            except DiffError as exc:
                raise DiffError(exc.message, raw=json.dumps(message)) from None
        self._last = data
        return Output(event_id=self.event_id, data=self._visible(data))

    def _on_process_streaming(self, message: dict[str, Any]) -> Event:
        # Streaming-input events send full values, never diffs.
        self.started = True
        data = self._output_data(message)
        self._last = data
        return Output(event_id=self.event_id, data=self._visible(data))

    def _on_process_completed(self, message: dict[str, Any]) -> Event | None:
        self.done = True
        output = message.get("output")
        if not isinstance(output, dict):
            self.error = MalformedMessage(
                "Expected an 'output' object in process_completed, received "
                f"{json_type_name(output)}.",
                raw=json.dumps(message),
            )
            return None

        if message.get("success") is False or "error" in output:
            self.error = self._app_error(message, output)
            return None

        if "data" not in output:
            # Gradio 4.31+ reports a cancelled job with success and an empty output.
            self.error = JobCancelled(
                f"The server cancelled the job on {self.endpoint.name} before it finished."
            )
            return None

        try:
            data = self._output_data(message)
        except MalformedMessage as exc:
            self.error = exc
            return None
        self.result = Result(
            self._visible(data),
            fn_index=self.endpoint.fn_index,
            endpoint=self.endpoint.api_name,
            event_id=self.event_id,
            duration=_number(output.get("duration")),
            raw=data,
        )
        return Completed(event_id=self.event_id, result=self.result)

    def _on_queue_full(self, message: dict[str, Any]) -> Event | None:
        self.done = True
        self.error = QueueFull(
            f"The app's queue is full; {self.endpoint.name} was not accepted. Retry later.",
            raw=json.dumps(message),
        )
        return None

    def _on_unexpected_error(self, message: dict[str, Any]) -> Event | None:
        self.done = True
        text = str(message.get("message") or "no message")
        error_type = SessionLost if message.get("session_not_found") else StreamEnded
        self.error = error_type(
            f"The server reported an unexpected error for this job: {text}",
            may_have_run=self.started,
            raw=json.dumps(message),
        )
        return None

    # Helpers.

    def _output_data(self, message: dict[str, Any]) -> list[Any]:
        output = message.get("output")
        data = output.get("data") if isinstance(output, dict) else None
        if not isinstance(data, list):
            raise MalformedMessage(
                f"Expected 'output.data' to be an array in {message['msg']}, "
                f"received {json_type_name(data)}.",
                raw=json.dumps(message),
            )
        return data

    def _apply_diffs(self, diffs: list[Any]) -> list[Any]:
        previous = self._last or []
        updated = []
        for position, operations in enumerate(diffs):
            # A position missing from the first full value (after a hot
            # reload on the server) starts from null.
            base = previous[position] if position < len(previous) else None
            updated.append(apply_diff(base, operations))
        return updated

    def _visible(self, data: list[Any]) -> list[Any]:
        skipped = self.endpoint.outputs_skipped
        files = self.endpoint.outputs_file
        decode = self.decoder.decode
        return [
            decode(value, position < len(files) and files[position])
            for position, value in enumerate(data)
            if not (position < len(skipped) and skipped[position])
        ]

    def _app_error(self, message: dict[str, Any], output: dict[str, Any]) -> AppError:
        text = output.get("error")
        title = output.get("title") or message.get("title")
        hidden = text is None or text == ""
        return AppError(
            HIDDEN_ERROR if hidden else str(text),
            title=title if isinstance(title, str) else None,
            duration=_number(output.get("duration")),
            visible=output.get("visible") if isinstance(output.get("visible"), bool) else None,
            details_hidden=hidden,
            raw=json.dumps(message),
        )
