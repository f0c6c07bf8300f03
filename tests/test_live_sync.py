"""The blocking facade against a real Gradio server on 127.0.0.1."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from gradio_raw import JobCancelled, Output, Started
from gradio_raw.sync import Client

from .support.servers import RunningApp, running_app
from .test_live import server_python  # noqa: F401  (a fixture shared with the async tests)

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def testbed(server_python: str) -> Iterator[RunningApp]:  # noqa: F811
    with running_app("testbed", python=server_python) as app:
        yield app


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_sync_predict_and_stream(testbed: RunningApp, backend: str) -> None:
    with Client(testbed.url, backend=backend) as client:
        echoed = client.predict("/echo", "ab", n=3)
        job = client.submit("/gen", count=4)
        partials = [event.data[0] for event in job if isinstance(event, Output)]
        result = job.result()

    assert echoed == ["ababab"]
    assert partials == ["a", "ab", "abc", "abcd"]
    assert result == ["abcd"]


def test_sync_jobs_share_one_thread(testbed: RunningApp) -> None:
    before = threading.active_count()
    with Client(testbed.url) as client:
        jobs = [client.submit("/upper", f"x{index}") for index in range(50)]
        during = threading.active_count()
        results = [job.result().value for job in jobs]
    after = threading.active_count()

    assert results == [f"X{index}" for index in range(50)]
    assert during == before + 1
    assert after == before


def test_sync_cancel(testbed: RunningApp) -> None:
    with Client(testbed.url) as client:
        job = client.submit("/slow", seconds=30)
        with pytest.raises(JobCancelled):
            for event in job:
                if isinstance(event, Started):
                    job.cancel()
        assert client.predict("/upper", "next") == ["NEXT"]
