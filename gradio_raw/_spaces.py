"""Hugging Face Spaces: resolving a Space id to its host and waiting until it runs."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import quote

import anyio

from ._exceptions import (
    AuthenticationError,
    ConnectError,
    GradioRawError,
    RateLimited,
    SpaceNotFound,
    SpaceNotReady,
    SpaceUnavailable,
)
from ._http import request_json

if TYPE_CHECKING:
    from ._client import Client

__all__ = ["SpaceStatus", "resolve_space", "wait_until_running"]

logger = logging.getLogger("gradio_raw")

# A callback that receives the Space's stage and the seconds waited so far.
SpaceStatus = Callable[[str, float], None]

RUNNING = frozenset({"RUNNING", "RUNNING_BUILDING", "RUNNING_APP_STARTING"})
ASLEEP = frozenset({"SLEEPING", "STOPPED"})
# Stages a Space leaves by itself; any other non-running stage (PAUSED,
# BUILD_ERROR, RUNTIME_ERROR, CONFIG_ERROR, NO_APP_FILE, DELETING ...) needs
# its owner, so waiting would be pointless.
STARTING = frozenset({"BUILDING", "APP_STARTING", "RUNNING_BUILDING"}) | ASLEEP

_POLL_FIRST = 2.0
_POLL_MAX = 10.0


async def resolve_space(client: Client, space_id: str) -> str:
    """Return the base URL of the Space's own host, as the Hub reports it."""
    url = f"{client.hub_url}api/spaces/{quote(space_id)}/host"
    response, body = await request_json(
        client._http,
        "GET",
        url,
        what="the Space's host",
        auth=client._auth,
        headers=client.headers,
        timeout=client.timeouts.for_requests(),
        retries=client.retries,
    )
    status = response.status_code
    if status == 429:
        raise RateLimited(
            f"The Hub rate-limited the lookup of Space {space_id!r} (HTTP 429).",
            retry_after=_seconds(response.headers.get("retry-after")),
            url=url,
            raw=body,
        )
    if status in (401, 403, 404) and client._auth is None:
        raise SpaceNotFound(
            f"The Hub has no public Space {space_id!r} (HTTP {status}); if it is private "
            "or gated, pass hf_token.",
            raw=body,
        )
    if status in (401, 403):
        raise AuthenticationError(
            f"The Hub rejected the token for Space {space_id!r} (HTTP {status}).", raw=body
        )
    if status == 404:
        raise SpaceNotFound(f"The Hub has no Space {space_id!r} (HTTP 404).", raw=body)
    try:
        host = json.loads(body)["host"]
    except (ValueError, KeyError, TypeError):
        host = None
    if status != 200 or not isinstance(host, str):
        raise ConnectError(
            f"Could not resolve Space {space_id!r} through {client.hub_url}: HTTP {status}, "
            "expected a JSON object with 'host'.",
            raw=body,
        )
    return host.rstrip("/") + "/"


async def wait_until_running(
    client: Client, space_id: str, base_url: str, on_status: SpaceStatus | None
) -> None:
    """Wait until the Hub reports the Space running, waking it if it sleeps.

    Raises `SpaceUnavailable` at once for a stage the Space does not leave by
    itself, and `SpaceNotReady` when `Timeouts.space_start` runs out first. A
    Space whose stage the Hub does not report is assumed to run.
    """
    started = anyio.current_time()
    limit = client.timeouts.space_start
    delay = _POLL_FIRST
    woken = False

    while True:
        stage = await _runtime_stage(client, space_id)
        waited = anyio.current_time() - started
        if stage is None or stage in RUNNING:
            if waited > 0:
                logger.info("Space %s is running after %.0f s", space_id, waited)
            return
        if stage not in STARTING:
            raise SpaceUnavailable(
                f"Space {space_id!r} is {stage}, a stage it does not leave by itself; "
                "its owner has to restart or fix it.",
                stage=stage,
            )
        if limit is not None and waited >= limit:
            raise SpaceNotReady(
                f"Space {space_id!r} was still {stage} after {waited:.0f} s; raise "
                "Timeouts.space_start to wait longer.",
                stage=stage,
            )

        if stage in ASLEEP and not woken:
            await _wake(client, base_url)
            woken = True
        logger.info("Space %s is %s; waited %.0f s", space_id, stage, waited)
        if on_status is not None:
            on_status(stage, waited)
        await anyio.sleep(delay)
        delay = min(delay * 1.5, _POLL_MAX)


async def _runtime_stage(client: Client, space_id: str) -> str | None:
    url = f"{client.hub_url}api/spaces/{quote(space_id)}/runtime"
    try:
        response, body = await request_json(
            client._http,
            "GET",
            url,
            what="the Space's runtime",
            auth=client._auth,
            headers=client.headers,
            timeout=client.timeouts.for_requests(),
            retries=client.retries,
        )
    except GradioRawError as exc:
        logger.info("Could not read the runtime of Space %s: %s", space_id, exc)
        return None
    if response.status_code != 200:
        logger.info(
            "The Hub did not report the runtime of Space %s (HTTP %s)",
            space_id,
            response.status_code,
        )
        return None
    try:
        stage = json.loads(body).get("stage")
    except (ValueError, AttributeError):
        return None
    return stage if isinstance(stage, str) else None


async def _wake(client: Client, base_url: str) -> None:
    # A request to a sleeping Space's own host is what starts it; the response
    # (often an error page while it boots) does not matter.
    logger.info("Waking the Space at %s", base_url)
    try:
        await request_json(
            client._http,
            "GET",
            base_url + "config",
            what="the wake-up request",
            auth=client._auth,
            headers=client.headers,
            timeout=client.timeouts.for_requests(),
        )
    except GradioRawError as exc:
        logger.info("The wake-up request to %s failed: %s", base_url, exc)


def _seconds(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        return None
