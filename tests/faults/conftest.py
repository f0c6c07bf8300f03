"""Fixtures of the fault suite: scripted servers that check for leaks when they stop."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import anyio
import pytest

from .server import FaultServer, running


def _task_ids() -> set[int]:
    return {task.id for task in anyio.get_running_tasks()}


def _new_tasks(before: set[int]) -> list[str]:
    """Name the tasks started since `before`, except the test runner's own."""
    # On asyncio, anyio's test runner wraps each fixture step and the test in
    # a new task of its own; those are not the client's.
    return [
        repr(task.coro)
        for task in anyio.get_running_tasks()
        if task.id not in before and "TestRunner" not in repr(task.coro)
    ]


def _open_descriptors() -> int:
    """Count this process's open file descriptors, or return 0 where /proc is missing."""
    if not os.path.isdir("/proc/self/fd"):
        return 0
    return len(os.listdir("/proc/self/fd"))


async def _tasks_left(before: set[int]) -> list[str]:
    """Name the tasks started since `before` that do not end within a short grace period."""
    with anyio.move_on_after(0.5):
        while _new_tasks(before):
            await anyio.sleep(0.01)
    return _new_tasks(before)


@pytest.fixture
async def server(anyio_backend: str) -> AsyncIterator[FaultServer]:
    """The app's server on 127.0.0.1.

    When the test ends, every client connection must be closed, and no task or
    file descriptor may remain beyond those that existed before the server.
    """
    tasks = _task_ids()
    descriptors = _open_descriptors()

    async with running() as app:
        yield app
        await app.wait_until_idle()

    assert await _tasks_left(tasks) == []
    assert _open_descriptors() <= descriptors


@pytest.fixture
async def other_host(anyio_backend: str) -> AsyncIterator[FaultServer]:
    """A second server on 127.0.0.2: another origin, as a foreign host would be."""
    async with running("127.0.0.2") as other:
        yield other
        await other.wait_until_idle()


@pytest.fixture
async def other_port(anyio_backend: str) -> AsyncIterator[FaultServer]:
    """A second server on 127.0.0.1 with another port: the same host, another origin."""
    async with running() as other:
        yield other
        await other.wait_until_idle()
