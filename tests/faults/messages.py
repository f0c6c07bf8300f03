"""Stream messages shaped as Gradio 6.31.0 sends them, for scripting the fault server.

Endpoints refer to the recorded testbed app that the fault server serves by
default: `/echo` (fn_index 0) takes a text and a number and returns a text,
`/gen` (fn_index 2) is a generator with one text output, and `/image`
(fn_index 4) returns an image file.
"""

from __future__ import annotations

from typing import Any

from .server import sse

__all__ = [
    "CLOSE_STREAM",
    "completed",
    "estimation",
    "failed",
    "generating",
    "starts",
]

CLOSE_STREAM = sse({"msg": "close_stream", "event_id": None})


def estimation(event_id: str) -> bytes:
    return sse(
        {
            "msg": "estimation",
            "event_id": event_id,
            "rank": 0,
            "queue_size": 1,
            "rank_eta": None,
        }
    )


def starts(event_id: str) -> bytes:
    return sse({"msg": "process_starts", "event_id": event_id, "eta": None})


def generating(event_id: str, data: list[Any]) -> bytes:
    output = {"data": data, "is_generating": True}
    return sse(
        {"msg": "process_generating", "event_id": event_id, "output": output, "success": True}
    )


def completed(event_id: str, data: list[Any]) -> bytes:
    output = {"data": data, "is_generating": False, "duration": 0.01}
    return sse(
        {"msg": "process_completed", "event_id": event_id, "output": output, "success": True}
    )


def failed(event_id: str, error: str) -> bytes:
    output = {"error": error, "title": "Error"}
    return sse(
        {"msg": "process_completed", "event_id": event_id, "output": output, "success": False}
    )
