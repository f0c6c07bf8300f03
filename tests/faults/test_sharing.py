"""One job's broken message must leave the other jobs of the session alone.

All jobs of a session share one data stream, so each test here runs two jobs
on it: `/gen` (fn_index 2) or `/image` (fn_index 4) receives the broken
message, and `/echo` (fn_index 0) must still complete. The server accepts
each join with the event id `fn<fn_index>`, so the script can tell which id
belongs to which job however the joins race.
"""

from __future__ import annotations

import logging

import anyio
import pytest

from gradio_raw import AppError, DiffError, MalformedMessage, Result

from .expect import DEADLINE, RAW_MAX, connect
from .messages import completed, estimation, failed, generating, starts
from .server import HOLD, FaultServer, WaitForJoins, event_id_per_endpoint, sse

pytestmark = pytest.mark.anyio

API = "/gradio_api/"
GEN = "fn2"
ECHO = "fn0"
IMAGE = "fn4"


def script_two_jobs(server: FaultServer, broken_job: str, *broken: bytes) -> None:
    """Start both jobs, send the broken messages to one, then complete /echo."""
    server.routes[("POST", API + "queue/join")] = event_id_per_endpoint
    server.streams = [
        [
            WaitForJoins(2),
            estimation(broken_job),
            estimation(ECHO),
            starts(broken_job),
            starts(ECHO),
            *broken,
            completed(ECHO, ["echoed"]),
            HOLD,
        ]
    ]


async def test_bad_diff_path_spares_other_job(server: FaultServer) -> None:
    bad_path = [[["replace", ["no", "such", "key"], "x"]]]
    script_two_jobs(server, GEN, generating(GEN, ["a"]), generating(GEN, bad_path))

    with anyio.fail_after(DEADLINE):
        async with connect(server) as client:
            generator = client.submit("/gen", 3)
            echo = client.submit("/echo", "hi", 2)
            assert await echo == ["echoed"]
            with pytest.raises(DiffError, match="does not fit a str"):
                await generator


async def test_bad_diff_type_spares_other_job(server: FaultServer) -> None:
    wrong_type = [[["append", [], [1, 2]]]]
    script_two_jobs(server, GEN, generating(GEN, ["a"]), generating(GEN, wrong_type))

    with anyio.fail_after(DEADLINE):
        async with connect(server) as client:
            generator = client.submit("/gen", 3)
            echo = client.submit("/echo", "hi", 2)
            assert await echo == ["echoed"]
            with pytest.raises(DiffError, match="Cannot append a list to a str"):
                await generator


async def test_diff_error_keeps_raw(server: FaultServer) -> None:
    wrong_type = [[["append", [], [1, 2]]]]
    server.streams = [
        [estimation("E1"), generating("E1", ["a"]), generating("E1", wrong_type), HOLD]
    ]

    with anyio.fail_after(DEADLINE):
        async with connect(server) as client:
            generator = client.submit("/gen", 3)
            with pytest.raises(DiffError) as caught:
                await generator

    assert caught.value.raw is not None
    assert '"append"' in caught.value.raw


async def test_bad_output_spares_other_job(server: FaultServer) -> None:
    not_a_list = sse(
        {"msg": "process_completed", "event_id": GEN, "output": {"data": "oops"}, "success": True}
    )
    script_two_jobs(server, GEN, not_a_list)

    with anyio.fail_after(DEADLINE):
        async with connect(server) as client:
            generator = client.submit("/gen", 3)
            echo = client.submit("/echo", "hi", 2)
            assert await echo == ["echoed"]
            with pytest.raises(MalformedMessage, match=r"output\.data") as caught:
                await generator

    assert caught.value.raw is not None
    assert '"oops"' in caught.value.raw


async def test_app_error_spares_other_job(server: FaultServer) -> None:
    script_two_jobs(server, GEN, failed(GEN, "out of memory"))

    with anyio.fail_after(DEADLINE):
        async with connect(server) as client:
            generator = client.submit("/gen", 3)
            echo = client.submit("/echo", "hi", 2)
            assert await echo == ["echoed"]
            with pytest.raises(AppError, match="out of memory"):
                await generator


async def test_bad_file_spares_other_job(server: FaultServer) -> None:
    file = {"path": "/tmp/cat.png", "size": "12 kB", "meta": {"_type": "gradio.FileData"}}
    script_two_jobs(server, IMAGE, completed(IMAGE, [file]))

    with anyio.fail_after(DEADLINE):
        async with connect(server) as client:
            image = client.submit("/image", 1)
            echo = client.submit("/echo", "hi", 2)
            assert await echo == ["echoed"]
            with pytest.raises(MalformedMessage, match="size"):
                await image


async def test_bad_progress_spares_other_job(server: FaultServer) -> None:
    # A progress report is advisory: a unit that cannot be read is skipped,
    # as units that are not objects already are.
    progress = sse(
        {"msg": "progress", "event_id": GEN, "progress_data": [{"index": "three", "length": 9}]}
    )
    script_two_jobs(server, GEN, progress, completed(GEN, ["generated"]))

    with anyio.fail_after(DEADLINE):
        async with connect(server) as client:
            generator = client.submit("/gen", 3)
            echo = client.submit("/echo", "hi", 2)
            assert await echo == ["echoed"]
            assert await generator == ["generated"]


async def test_malformed_line_skipped_with_several_jobs(
    server: FaultServer, caplog: pytest.LogCaptureFixture
) -> None:
    # With two jobs pending a line that is not JSON cannot be routed, so it
    # is logged and skipped, and both jobs go on.
    junk = b"data: " + b"{" * 100_000 + b"\n\n"
    script_two_jobs(server, GEN, junk, completed(GEN, ["generated"]))

    with anyio.fail_after(DEADLINE):
        async with connect(server) as client:
            generator = client.submit("/gen", 3)
            echo = client.submit("/echo", "hi", 2)
            results = [await generator, await echo]

    assert all(isinstance(result, Result) for result in results)
    assert results == [["generated"], ["echoed"]]
    warnings = [record for record in caplog.records if record.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "malformed" in warnings[0].getMessage()
    assert len(warnings[0].getMessage()) < RAW_MAX + 100


async def test_two_job_script_completes(server: FaultServer) -> None:
    # The script above without a fault, so that a failure there points at
    # the broken message and not at the script.
    script_two_jobs(server, GEN, completed(GEN, ["generated"]))

    with anyio.fail_after(DEADLINE):
        async with connect(server) as client:
            generator = client.submit("/gen", 3)
            echo = client.submit("/echo", "hi", 2)
            assert await generator == ["generated"]
            assert await echo == ["echoed"]
