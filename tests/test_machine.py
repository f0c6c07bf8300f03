"""Tests of `JobMachine` (one job's protocol state) and `parse_message`.

Every message below is a small hand-written dict in the format Gradio 4.x to
6.x servers send on `queue/data`, not a recording.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from gradio_raw import (
    AppError,
    Completed,
    DiffError,
    FileData,
    GradioRawError,
    JobCancelled,
    Log,
    MalformedMessage,
    Output,
    Progress,
    ProtocolError,
    Queued,
    QueueFull,
    RawMessage,
    Result,
    SessionLost,
    Started,
    StreamEnded,
)
from gradio_raw._config import AppConfig
from gradio_raw._endpoints import EndpointMap
from gradio_raw._machine import JobMachine, parse_message
from gradio_raw._outputs import OutputDecoder

BASE_URL = "http://127.0.0.1:7860/"

CONFIG = {
    "version": "6.31.0",
    "protocol": "sse_v3",
    "api_prefix": "/gradio_api",
    "root": "http://127.0.0.1:7860",
    "components": [
        {"id": 1, "type": "textbox", "props": {"label": "Input"}, "skip_api": False},
        {"id": 2, "type": "number", "props": {"label": "Count"}, "skip_api": False},
        {"id": 3, "type": "textbox", "props": {"label": "Output"}, "skip_api": False},
        {"id": 4, "type": "chatbot", "props": {"label": "Chat"}, "skip_api": False},
        {"id": 5, "type": "state", "props": {}, "skip_api": True},
        {"id": 6, "type": "image", "props": {"label": "Image"}, "skip_api": False},
    ],
    "dependencies": [
        {"id": 0, "inputs": [1], "outputs": [3], "api_name": "echo"},
        {"id": 1, "inputs": [1, 5], "outputs": [3, 5], "api_name": "count"},
        {
            "id": 2,
            "inputs": [1],
            "outputs": [2, 4],
            "api_name": "chat",
            "types": {"generator": True},
        },
        {"id": 3, "inputs": [1], "outputs": [6, 2], "api_name": "draw"},
    ],
}


def make_machine(api_name: str, *, diffs: bool = True, event_id: str = "E1") -> JobMachine:
    endpoints = EndpointMap(AppConfig.model_validate(CONFIG), url=BASE_URL)
    decoder = OutputDecoder(BASE_URL, "gradio_api/", "http://127.0.0.1:7860")
    machine = JobMachine(endpoints.get(api_name), decoder, diffs=diffs)
    machine.event_id = event_id
    return machine


def generating(data: list[Any], event_id: str = "E1") -> dict[str, Any]:
    return {
        "msg": "process_generating",
        "event_id": event_id,
        "output": {"data": data, "is_generating": True},
        "success": True,
    }


def completed(data: list[Any], event_id: str = "E1", **output: Any) -> dict[str, Any]:
    return {
        "msg": "process_completed",
        "event_id": event_id,
        "output": {"data": data, "is_generating": False, **output},
        "success": True,
        "title": None,
    }


def failed(output: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {
        "msg": "process_completed",
        "event_id": "E1",
        "output": output,
        "success": False,
        **fields,
    }


def feed_like_session(machine: JobMachine, message: dict[str, Any]) -> Any:
    """Feed `message` as the session does: an error raised by `feed` ends the job."""
    try:
        return machine.feed(message)
    except GradioRawError as exc:
        machine.fail(exc)
        return None


# A whole job.

GENERATOR_JOB: list[dict[str, Any]] = [
    {"msg": "estimation", "event_id": "E1", "rank": 1, "queue_size": 3, "rank_eta": 2.5},
    {"msg": "estimation", "event_id": "E1", "rank": 0, "queue_size": 2, "rank_eta": None},
    {"msg": "process_starts", "event_id": "E1", "eta": 1.5},
    {
        "msg": "progress",
        "event_id": "E1",
        "progress_data": [
            {"index": 1, "length": 3, "unit": "steps", "progress": None, "desc": "working"}
        ],
    },
    {
        "msg": "log",
        "event_id": "E1",
        "log": "starting",
        "level": "info",
        "duration": 10.0,
        "visible": True,
        "title": "Info",
    },
    generating(["a"]),
    generating([[["append", [], "b"]]]),
    generating([[["append", [], "c"]]]),
    completed(["abc"], duration=0.25),
]


def test_full_job_event_kinds() -> None:
    machine = make_machine("/echo")

    events = [machine.feed(message) for message in GENERATOR_JOB]

    assert [type(event) for event in events] == [
        Queued,
        Queued,
        Started,
        Progress,
        Log,
        Output,
        Output,
        Output,
        Completed,
    ]


def test_full_job_outputs() -> None:
    machine = make_machine("/echo")

    events = [machine.feed(message) for message in GENERATOR_JOB]

    assert [event.data for event in events if isinstance(event, Output)] == [
        ["a"],
        ["ab"],
        ["abc"],
    ]


def test_full_job_result() -> None:
    machine = make_machine("/echo")

    events = [machine.feed(message) for message in GENERATOR_JOB]

    completion = events[-1]
    assert isinstance(completion, Completed)
    assert completion.kind == "completed"
    assert completion.event_id == "E1"
    assert completion.result is machine.result
    assert completion.result == ["abc"]
    assert completion.result.fn_index == 0
    assert completion.result.endpoint == "/echo"
    assert completion.result.event_id == "E1"
    assert completion.result.duration == 0.25
    assert machine.done is True
    assert machine.error is None


def test_full_job_every_event_tagged() -> None:
    machine = make_machine("/echo")

    events = [machine.feed(message) for message in GENERATOR_JOB]

    assert {event.event_id for event in events if event is not None} == {"E1"}


# Event fields.


def test_estimation_fields() -> None:
    machine = make_machine("/echo")

    event = machine.feed(
        {"msg": "estimation", "event_id": "E1", "rank": 2, "queue_size": 5, "rank_eta": 3}
    )

    assert isinstance(event, Queued)
    assert event.kind == "queued"
    assert event.rank == 2
    assert event.queue_size == 5
    assert event.eta == 3.0
    assert machine.started is False


def test_estimation_bad_fields() -> None:
    machine = make_machine("/echo")

    event = machine.feed(
        {"msg": "estimation", "event_id": "E1", "rank": True, "queue_size": "5", "rank_eta": "x"}
    )

    assert isinstance(event, Queued)
    assert event.rank is None
    assert event.queue_size is None
    assert event.eta is None


def test_estimation_minimal() -> None:
    event = make_machine("/echo").feed({"msg": "estimation", "event_id": "E1"})

    assert isinstance(event, Queued)
    assert event.rank is None
    assert event.eta is None


def test_process_starts_fields() -> None:
    machine = make_machine("/echo")

    event = machine.feed({"msg": "process_starts", "event_id": "E1", "eta": 1.25})

    assert isinstance(event, Started)
    assert event.kind == "started"
    assert event.eta == 1.25
    assert machine.started is True


def test_process_starts_null_eta() -> None:
    event = make_machine("/echo").feed({"msg": "process_starts", "event_id": "E1", "eta": None})

    assert isinstance(event, Started)
    assert event.eta is None


def test_progress_units() -> None:
    message = {
        "msg": "progress",
        "event_id": "E1",
        "progress_data": [
            {"index": 0, "length": None, "unit": "steps", "progress": 0.0, "desc": "Starting"},
            {"index": 3, "length": 6, "unit": "steps", "progress": None, "desc": "Reversing"},
        ],
    }

    event = make_machine("/echo").feed(message)

    assert isinstance(event, Progress)
    assert event.kind == "progress"
    assert len(event.units) == 2
    assert event.units[0].desc == "Starting"
    assert event.units[0].fraction == 0.0
    assert event.units[1].index == 3
    assert event.units[1].length == 6
    assert event.units[1].unit == "steps"
    assert event.units[1].fraction == 0.5


def test_progress_all_null_unit() -> None:
    message = {
        "msg": "progress",
        "event_id": "E1",
        "progress_data": [
            {"index": None, "length": None, "unit": None, "progress": None, "desc": None}
        ],
    }

    event = make_machine("/echo").feed(message)

    assert isinstance(event, Progress)
    assert event.units[0].fraction is None
    assert event.units[0].unit is None


def test_progress_zero_length() -> None:
    message = {"msg": "progress", "event_id": "E1", "progress_data": [{"index": 2, "length": 0}]}

    event = make_machine("/echo").feed(message)

    assert isinstance(event, Progress)
    assert event.units[0].fraction is None


@pytest.mark.parametrize("progress_data", [None, "50%", [None, 3, "x"]])
def test_progress_without_units(progress_data: Any) -> None:
    message = {"msg": "progress", "event_id": "E1", "progress_data": progress_data}

    event = make_machine("/echo").feed(message)

    assert isinstance(event, Progress)
    assert event.units == ()


def test_log_fields() -> None:
    message = {
        "msg": "log",
        "event_id": "E1",
        "log": "done warn",
        "level": "warning",
        "duration": 10.0,
        "visible": True,
        "title": "Warning",
    }

    event = make_machine("/echo").feed(message)

    assert isinstance(event, Log)
    assert event.kind == "log"
    assert event.message == "done warn"
    assert event.level == "warning"
    assert event.title == "Warning"
    assert event.duration == 10.0
    assert event.visible is True


def test_log_sticky_hidden() -> None:
    message = {
        "msg": "log",
        "event_id": "E1",
        "log": "note",
        "level": "success",
        "duration": None,
        "visible": False,
    }

    event = make_machine("/echo").feed(message)

    assert isinstance(event, Log)
    assert event.level == "success"
    assert event.duration is None
    assert event.visible is False
    assert event.title is None


def test_log_old_server() -> None:
    # Before Gradio 4.37 a log message has no duration, visibility or title.
    message = {"msg": "log", "event_id": "E1", "log": "hi", "level": "info"}

    event = make_machine("/echo").feed(message)

    assert isinstance(event, Log)
    assert event.message == "hi"
    assert event.visible is True
    assert event.duration is None


def test_log_missing_text() -> None:
    event = make_machine("/echo").feed({"msg": "log", "event_id": "E1", "log": None})

    assert isinstance(event, Log)
    assert event.message == ""
    assert event.level == "info"


# Unknown and session-level kinds.


def test_unknown_kind_raw_message() -> None:
    machine = make_machine("/echo")
    message = {"msg": "some_future_message", "event_id": "E1", "detail": [1, 2]}

    event = machine.feed(message)

    assert isinstance(event, RawMessage)
    assert event.kind == "raw"
    assert event.msg == "some_future_message"
    assert event.payload == message
    assert event.event_id == "E1"


def test_unknown_kind_keeps_state() -> None:
    machine = make_machine("/echo")
    machine.feed({"msg": "process_starts", "event_id": "E1", "eta": None})

    machine.feed({"msg": "some_future_message", "event_id": "E1"})
    event = machine.feed(completed(["done"]))

    assert isinstance(event, Completed)
    assert event.result == ["done"]


def test_heartbeat_changes_nothing() -> None:
    # The session consumes heartbeats, and one that reaches a job is passed on raw.
    machine = make_machine("/echo")

    event = machine.feed({"msg": "heartbeat"})

    assert isinstance(event, RawMessage)
    assert machine.done is False
    assert machine.started is False
    assert machine.result is None
    assert machine.error is None


# Generator outputs and diffs.


def test_chatbot_diff_sequence() -> None:
    machine = make_machine("/chat")
    messages = [
        generating([0, [["Hi", ""]]]),
        generating([[["replace", [], 1]], [["append", [0, 1], "Hel"]]]),
        generating([[["replace", [], 2]], [["append", [0, 1], "lo"], ["add", [1], ["Bye", None]]]]),
        completed([2, [["Hi", "Hello"], ["Bye", None]]]),
    ]

    events = [machine.feed(message) for message in messages]

    assert isinstance(events[1], Output)
    assert events[1].data == [1, [["Hi", "Hel"]]]
    assert isinstance(events[2], Output)
    assert events[2].data == [2, [["Hi", "Hello"], ["Bye", None]]]
    assert machine.result == events[2].data


def test_chat_messages_diff() -> None:
    machine = make_machine("/chat")
    history = [
        {"role": "user", "metadata": None, "content": [{"text": "hello", "type": "text"}]},
        {"role": "assistant", "metadata": None, "content": [{"text": "Hi", "type": "text"}]},
    ]
    machine.feed(generating([0, history]))

    event = machine.feed(generating([[], [["append", [1, "content", 0, "text"], " there"]]]))

    assert isinstance(event, Output)
    assert event.data[0] == 0
    assert event.data[1][1]["content"][0]["text"] == "Hi there"


def test_earlier_outputs_unchanged() -> None:
    machine = make_machine("/chat")
    first = machine.feed(generating([0, [["Hi", ""]]]))
    assert isinstance(first, Output)
    first_copy = copy.deepcopy(first.data)

    second = machine.feed(generating([[["replace", [], 1]], [["append", [0, 1], "Hel"]]]))
    assert isinstance(second, Output)
    second_copy = copy.deepcopy(second.data)
    machine.feed(generating([[], [["add", [1], ["Bye", None]], ["append", [0, 0], "!"]]]))
    machine.feed(completed([1, [["Hi!", "Hel"], ["Bye", None]]]))

    assert first.data == first_copy
    assert second.data == second_copy


def test_caller_changes_not_diff_base() -> None:
    # A caller that edits an output it received must not corrupt later diffs.
    machine = make_machine("/chat")
    first = machine.feed(generating([0, [["Hi", ""]]]))
    assert isinstance(first, Output)
    first.data[1][0][1] = "edited"
    first.data[1].append(["extra", None])

    second = machine.feed(generating([[], [["append", [0, 1], "Hel"]]]))

    assert isinstance(second, Output)
    assert second.data == [0, [["Hi", "Hel"]]]


def test_interleaved_jobs_separate_bases() -> None:
    first = make_machine("/chat", event_id="E1")
    second = make_machine("/chat", event_id="E2")
    first.feed(generating([0, [["Hi", ""]]], "E1"))
    second.feed(generating([10, [["Yo", "S"]]], "E2"))

    first_output = first.feed(generating([[["replace", [], 1]], [["append", [0, 1], "Hel"]]], "E1"))
    second_output = second.feed(
        generating([[["replace", [], 11]], [["append", [0, 1], "ure"]]], "E2")
    )

    assert isinstance(first_output, Output)
    assert first_output.data == [1, [["Hi", "Hel"]]]
    assert first_output.event_id == "E1"
    assert isinstance(second_output, Output)
    assert second_output.data == [11, [["Yo", "Sure"]]]
    assert second_output.event_id == "E2"


def test_bad_diff_path_raises() -> None:
    machine = make_machine("/chat")
    machine.feed(generating([0, [["Hi", ""]]]))

    with pytest.raises(DiffError):
        machine.feed(generating([[], [["append", [5, 1], "x"]]]))


def test_bad_diff_fails_job() -> None:
    machine = make_machine("/chat")
    machine.feed(generating([0, [["Hi", ""]]]))

    feed_like_session(machine, generating([[], [["append", [5, 1], "x"]]]))

    assert machine.done is True
    assert isinstance(machine.error, DiffError)


def test_new_position_diffs_from_none() -> None:
    # After a hot reload an output can appear that the first full value did
    # not have, and its diffs apply to None.
    machine = make_machine("/chat")
    machine.feed(generating([0]))

    event = machine.feed(generating([[["replace", [], 1]], [["append", [], "new"]]]))

    assert isinstance(event, Output)
    assert event.data == [1, "new"]


def test_diffs_off_full_values() -> None:
    # Protocols before sse_v2 send every update in full.
    machine = make_machine("/chat", diffs=False)
    machine.feed(generating([0, [["Hi", ""]]]))

    event = machine.feed(generating([1, [["Hi", "Hel"]]]))

    assert isinstance(event, Output)
    assert event.data == [1, [["Hi", "Hel"]]]


def test_generating_marks_started() -> None:
    machine = make_machine("/chat")

    machine.feed(generating([0, []]))

    assert machine.started is True


def test_process_streaming_full_value() -> None:
    machine = make_machine("/chat")
    message = {
        "msg": "process_streaming",
        "event_id": "E1",
        "output": {"data": [3, None]},
        "changed_state_ids": [],
    }

    event = machine.feed(message)

    assert isinstance(event, Output)
    assert event.data == [3, None]
    assert machine.started is True


def test_streaming_never_diffs() -> None:
    machine = make_machine("/chat")
    machine.feed(generating([0, [["Hi", ""]]]))
    message = {
        "msg": "process_streaming",
        "event_id": "E1",
        "output": {"data": [[["replace", [], 1]], []]},
        "success": True,
        "time_limit": 9.7,
    }

    event = machine.feed(message)

    assert isinstance(event, Output)
    assert event.data == [[["replace", [], 1]], []]


def test_streaming_then_diff() -> None:
    machine = make_machine("/chat")
    machine.feed({"msg": "process_streaming", "event_id": "E1", "output": {"data": [3, "ab"]}})

    event = machine.feed(generating([[], [["append", [], "c"]]]))

    assert isinstance(event, Output)
    assert event.data == [3, "abc"]


@pytest.mark.parametrize(
    "output",
    [None, {}, {"data": None}, {"data": "abc"}, {"data": {"0": 1}}],
    ids=["null output", "no data", "null data", "string data", "dict data"],
)
def test_generating_malformed_raises(output: Any) -> None:
    message = {"msg": "process_generating", "event_id": "E1", "output": output, "success": True}

    with pytest.raises(MalformedMessage) as caught:
        make_machine("/echo").feed(message)

    assert caught.value.raw is not None
    assert "process_generating" in caught.value.raw


def test_state_output_dropped_from_output() -> None:
    machine = make_machine("/count")

    event = machine.feed(generating(["a:1", None]))

    assert isinstance(event, Output)
    assert event.data == ["a:1"]


# Completion.


def test_state_output_dropped_from_result() -> None:
    machine = make_machine("/count")

    event = machine.feed(completed(["a:1", None]))

    assert isinstance(event, Completed)
    assert event.result.data == ["a:1"]
    assert event.result.raw == ["a:1", None]
    assert len(event.result) == 1
    assert event.result.value == "a:1"


def test_completion_decodes_files() -> None:
    image = {
        "path": "/tmp/gradio/abc/image.webp",
        "url": "http://127.0.0.1:7860/gradio_api/file=/tmp/gradio/abc/image.webp",
        "size": None,
        "orig_name": "image.webp",
        "mime_type": None,
        "is_stream": False,
        "meta": {"_type": "gradio.FileData"},
    }
    machine = make_machine("/draw")

    event = machine.feed(completed([image, 0]))

    assert isinstance(event, Completed)
    assert isinstance(event.result[0], FileData)
    assert event.result[0].url == image["url"]
    assert event.result[1] == 0
    assert event.result.raw[0] == image
    assert event.result.files == [event.result[0]]


def test_completion_replaces_diff_state() -> None:
    # The final message carries full values, even after diffs.
    machine = make_machine("/chat")
    machine.feed(generating([0, "ab"]))
    machine.feed(generating([[], [["append", [], "c"]]]))

    event = machine.feed(completed([5, [["done", None]]]))

    assert isinstance(event, Completed)
    assert event.result == [5, [["done", None]]]


def test_completion_without_duration() -> None:
    message = {"msg": "process_completed", "event_id": "E1", "output": {"data": ["x"]}}

    event = make_machine("/echo").feed(message)

    assert isinstance(event, Completed)
    assert event.result.duration is None


def test_app_error_with_title() -> None:
    machine = make_machine("/echo")
    message = failed(
        {"error": "custom failure", "duration": 10, "visible": True, "title": "Oops"},
        title="Oops",
    )

    event = machine.feed(message)

    error = machine.error
    assert event is None
    assert machine.done is True
    assert machine.result is None
    assert isinstance(error, AppError)
    assert error.message == "custom failure"
    assert error.title == "Oops"
    assert str(error) == "Oops: custom failure"
    assert error.duration == 10.0
    assert error.visible is True
    assert error.details_hidden is False
    assert error.raw is not None
    assert "custom failure" in error.raw


def test_app_error_generic_title() -> None:
    machine = make_machine("/echo")

    machine.feed(failed({"error": "CUDA out of memory", "title": "Error", "visible": True}))

    assert isinstance(machine.error, AppError)
    assert str(machine.error) == "CUDA out of memory"
    assert machine.error.title == "Error"


@pytest.mark.parametrize(
    "output",
    [{"error": None}, {}, {"error": ""}],
    ids=["null error", "no error key", "empty error"],
)
def test_app_error_hidden_details(output: dict[str, Any]) -> None:
    machine = make_machine("/echo")

    machine.feed(failed(output, title="Error"))

    error = machine.error
    assert isinstance(error, AppError)
    assert error.details_hidden is True
    assert "None" not in str(error)
    assert str(error) != ""
    assert "show_error" in str(error)
    assert error.title == "Error"


def test_error_output_without_success() -> None:
    message = {"msg": "process_completed", "event_id": "E1", "output": {"error": "boom"}}
    machine = make_machine("/echo")

    machine.feed(message)

    assert isinstance(machine.error, AppError)
    assert machine.error.message == "boom"


def test_error_title_not_string() -> None:
    machine = make_machine("/echo")

    machine.feed(failed({"error": "bad", "title": 5}))

    assert isinstance(machine.error, AppError)
    assert machine.error.title is None
    assert str(machine.error) == "bad"


def test_cancelled_completion() -> None:
    machine = make_machine("/echo")
    message = {"msg": "process_completed", "event_id": "E1", "output": {}, "success": True}

    event = machine.feed(message)

    assert event is None
    assert machine.done is True
    assert isinstance(machine.error, JobCancelled)
    assert "/echo" in str(machine.error)


@pytest.mark.parametrize("output", [None, "done", ["done"]])
def test_completed_output_not_object(output: Any) -> None:
    machine = make_machine("/echo")
    message = {"msg": "process_completed", "event_id": "E1", "output": output, "success": True}

    machine.feed(message)

    assert machine.done is True
    assert isinstance(machine.error, MalformedMessage)
    assert machine.error.raw == json.dumps(message)


@pytest.mark.parametrize("data", [None, "abc"], ids=["null data", "string data"])
def test_completed_bad_data_fails_job(data: Any) -> None:
    machine = make_machine("/echo")
    message = {"msg": "process_completed", "event_id": "E1", "output": {"data": data}}

    feed_like_session(machine, message)

    assert machine.done is True
    assert isinstance(machine.error, MalformedMessage)


def test_queue_full_message() -> None:
    machine = make_machine("/echo")

    event = machine.feed({"msg": "queue_full", "event_id": "E1"})

    assert event is None
    assert machine.done is True
    assert isinstance(machine.error, QueueFull)
    assert "/echo" in str(machine.error)


def test_session_not_found() -> None:
    machine = make_machine("/echo")
    message = {
        "msg": "unexpected_error",
        "event_id": None,
        "message": "404: Not Found",
        "session_not_found": True,
        "success": False,
    }

    machine.feed(message)

    assert machine.done is True
    assert isinstance(machine.error, SessionLost)
    assert machine.error.may_have_run is False
    assert "404: Not Found" in str(machine.error)


def test_unexpected_error_after_start() -> None:
    machine = make_machine("/echo")
    machine.feed({"msg": "process_starts", "event_id": "E1", "eta": None})

    machine.feed(
        {"msg": "unexpected_error", "message": "Server stopped unexpectedly.", "success": False}
    )

    assert isinstance(machine.error, StreamEnded)
    assert not isinstance(machine.error, SessionLost)
    assert machine.error.may_have_run is True
    assert "Server stopped unexpectedly." in str(machine.error)


def test_unexpected_error_no_message() -> None:
    machine = make_machine("/echo")

    machine.feed({"msg": "unexpected_error", "message": None})

    assert isinstance(machine.error, StreamEnded)
    assert "None" not in str(machine.error)


# After the end.


def test_messages_after_done_ignored() -> None:
    machine = make_machine("/echo")
    machine.feed(completed(["first"]))
    result = machine.result

    events = [
        machine.feed(completed(["second"])),
        machine.feed(generating(["late"])),
        machine.feed({"msg": "some_future_message", "event_id": "E1"}),
        machine.feed(failed({"error": "late"})),
    ]

    assert events == [None, None, None, None]
    assert machine.result is result
    assert machine.result == ["first"]
    assert machine.error is None


def test_fail_after_done_ignored() -> None:
    machine = make_machine("/echo")
    machine.feed(completed(["first"]))

    machine.fail(StreamEnded("lost", may_have_run=True))

    assert machine.error is None


def test_fail_ends_job() -> None:
    machine = make_machine("/echo")
    error = StreamEnded("lost", may_have_run=False)

    machine.fail(error)

    assert machine.done is True
    assert machine.error is error
    assert machine.feed(completed(["late"])) is None


# parse_message.


def test_parse_message_valid() -> None:
    text = '{"msg": "estimation", "event_id": "E1", "rank": 0}'

    assert parse_message(text) == {"msg": "estimation", "event_id": "E1", "rank": 0}


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("not json", "not JSON"),
        ("", "not JSON"),
        ('{"msg": "estimation"', "not JSON"),
        ('["estimation"]', "JSON list"),
        ('"estimation"', "Expected a JSON object"),
        ("null", "Expected a JSON object"),
        ('{"event_id": "E1"}', "'msg'"),
        ('{"msg": 5}', "'msg'"),
        ('{"msg": null}', "'msg'"),
    ],
    ids=[
        "text",
        "empty",
        "truncated",
        "list",
        "string",
        "null",
        "missing msg",
        "number msg",
        "null msg",
    ],
)
def test_parse_message_malformed(text: str, detail: str) -> None:
    with pytest.raises(MalformedMessage) as caught:
        parse_message(text)

    assert caught.value.raw == text
    assert detail in str(caught.value)


def test_malformed_is_protocol_error() -> None:
    with pytest.raises(ProtocolError):
        parse_message("<html>")


def test_result_sequence_behaviour() -> None:
    result = Result(["a", 1], fn_index=0, endpoint="/echo", event_id="E1")

    first, second = result
    assert first == "a"
    assert second == 1
    assert result == ["a", 1]
    assert result == ("a", 1)
    assert result[1:] == [1]
    assert result.raw == ["a", 1]
    with pytest.raises(ValueError, match="exactly one output"):
        _ = result.value
