"""The client: connects to one Gradio app and hands out sessions and jobs."""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections import deque
from collections.abc import Callable, Coroutine, Mapping
from os import PathLike
from pathlib import Path
from types import TracebackType
from typing import Any, Literal
from urllib.parse import urljoin

import anyio
import httpx
from anyio.abc import TaskGroup

from ._config import MULTIPLEXED_PROTOCOLS, AppConfig, parse_config
from ._endpoints import Endpoint, EndpointMap
from ._exceptions import (
    AuthenticationError,
    ConfigError,
    GradioRawError,
    JobCancelled,
    RateLimited,
    RequestFailed,
    UsageError,
)
from ._files import FileSource, handle_file
from ._http import (
    USER_AGENT,
    Timeouts,
    TokenAuth,
    describe_status,
    redacting_filter,
    request_json,
)
from ._job import Job
from ._outputs import OutputDecoder
from ._session import Session
from ._spaces import SpaceStatus, resolve_space, wait_until_running
from ._transfer import download_file, upload_inputs
from ._types import FileData, Result
from ._upload_progress import ProgressCallback

__all__ = ["DEFAULT_HUB_URL", "Client"]

logger = logging.getLogger("gradio_raw")

DEFAULT_HUB_URL = "https://huggingface.co"

# Gradio pages carry the config as `window.gradio_config = {...};</script>`.
_EMBEDDED_CONFIG = re.compile(r"window\.gradio_config\s*=\s*(\{.*?\});?\s*</script>", re.DOTALL)

_SPACE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*$")

# Joins sent at once per client. More would only queue inside the connection
# pool; the server accepts joins quickly, so a few in flight keep it busy.
_DEFAULT_CONCURRENT_JOINS = 16
_DEFAULT_QUEUED_JOBS = 64


def _new_session_hash() -> str:
    return uuid.uuid4().hex


def _is_gradio_auth(body: str) -> bool:
    try:
        detail = json.loads(body).get("detail")
    except (ValueError, AttributeError):
        return False
    return isinstance(detail, dict) and detail.get("error") == "Not authenticated"


def _auth_message(body: str) -> str:
    try:
        message = json.loads(body)["detail"].get("auth_message")
    except (ValueError, AttributeError, KeyError, TypeError):
        return ""
    return f" The app says: {message}" if message else ""


class Client:
    """An async client for one Gradio app.

    `src` is the app's URL (`http://127.0.0.1:7860/`, or a sub-path such as
    `http://host/app/` for an app mounted there) or a Hugging Face Space id
    (`owner/name`), which is resolved to the Space's own host through the Hub.

    Use it as `async with Client(src) as client:`, or
    `client = await Client.connect(src)` and later `await client.aclose()`
    from the same task. The client reads the app's config once when it opens.

    Options:
    - `hf_token`: sent as `Authorization: Bearer` to the app's own origin and
      to the Hub, never to another host.
    - `headers`: extra headers sent with every request.
    - `timeouts`: a `Timeouts`, or one number of seconds for connect and read.
    - `http_client`: an `httpx.AsyncClient` to use; the caller keeps ownership
      and closes it.
    - `hub_url`: the Hub's base URL, used to resolve Space ids.
    - `session_hash`: the default session's hash; random when not given.
    - `max_concurrent_joins`: join requests in flight at once for this client.
    - `max_queued_jobs`: jobs of this client waiting in the app's queue at
      once (None for no limit). Later submissions wait in the client and are
      sent as earlier ones start, so a burst does not flood the server's
      queue; their queue deadline still counts from submission.
    - `auth`: `(username, password)` for an app launched with `auth=`; the
      client logs in once and keeps the session cookie.
    - `retries`: further attempts, with exponential backoff, for requests that
      are safe to repeat (config, API info, Hub lookups) after a dropped
      connection or a 502/503/504, and for joins the server never received.
    - `on_space_status`: called with the stage and the seconds waited while a
      sleeping or building Space starts.
    - `transport`: `"queue"` (the default: the app's queue, with queue position,
      progress and logs) or `"call"` (the `/call/<api_name>` REST route of Gradio
      4.20 and later, for proxies that break the queue's data stream; results
      only).
    - `max_message_size`: the largest single stream message accepted, in bytes
      (16 MiB; files travel as URLs, so real messages are far smaller).
    - `max_buffered_output`: the most bytes of events a job keeps while its
      caller iterates it without reading (64 MiB); past it the job is cancelled
      with `OutputLimitExceeded`.
    """

    def __init__(
        self,
        src: str,
        *,
        hf_token: str | None = None,
        headers: Mapping[str, str] | None = None,
        timeouts: Timeouts | float | None = None,
        http_client: httpx.AsyncClient | None = None,
        hub_url: str = DEFAULT_HUB_URL,
        session_hash: str | None = None,
        max_concurrent_joins: int = _DEFAULT_CONCURRENT_JOINS,
        max_queued_jobs: int | None = _DEFAULT_QUEUED_JOBS,
        auth: tuple[str, str] | None = None,
        retries: int = 3,
        on_space_status: SpaceStatus | None = None,
        transport: Literal["queue", "call"] = "queue",
        max_message_size: int | None = 16 * 1024 * 1024,
        max_buffered_output: int | None = 64 * 1024 * 1024,
    ) -> None:
        self.src = src
        self.space_id: str | None = None
        self.retries = retries
        self._login = auth
        self._on_space_status = on_space_status
        self.transport = transport
        self.max_message_size = max_message_size
        self.max_buffered_output = max_buffered_output
        if isinstance(timeouts, (int, float)):
            timeouts = Timeouts(connect=float(timeouts), read=float(timeouts))
        self.timeouts = timeouts or Timeouts()
        self.hub_url = hub_url.rstrip("/") + "/"
        self.headers = {"User-Agent": USER_AGENT, **(headers or {})}
        self._owns_http = http_client is None
        self._http = http_client or httpx.AsyncClient(
            follow_redirects=True,
            timeout=self.timeouts.for_requests(),
            limits=httpx.Limits(max_connections=100, max_keepalive_connections=100),
        )
        self._auth: TokenAuth | None = None
        if hf_token:
            redacting_filter.secrets.add(hf_token)
            self._auth = TokenAuth(hf_token, [self.hub_url])
        if max_concurrent_joins < 1:
            raise ValueError(
                f"max_concurrent_joins must be at least 1, received {max_concurrent_joins}"
            )
        self._max_submitters = max_concurrent_joins
        # Jobs submitted and not yet sent. A few submitter tasks drain this
        # queue, so a thousand submissions cost a thousand small Job objects
        # rather than a thousand tasks waiting on a limiter.
        self._submissions: deque[tuple[Session, Job]] = deque()
        self._submitters = 0
        if max_queued_jobs is not None and max_queued_jobs < 1:
            raise ValueError(f"max_queued_jobs must be at least 1, received {max_queued_jobs}")
        self._queue_room = anyio.Semaphore(max_queued_jobs) if max_queued_jobs else None
        self._info_lock = anyio.Lock()
        self._task_group: TaskGroup | None = None
        self._closing = False

        self.base_url = ""
        self._config: AppConfig | None = None
        self._endpoints: EndpointMap | None = None
        self._decoder: OutputDecoder
        self.session = Session(self, session_hash or _new_session_hash())
        self._extra_sessions: list[Session] = []

    def __repr__(self) -> str:
        return f"<Client {self.base_url or self.src!r}>"

    @classmethod
    async def connect(cls, src: str, **options: Any) -> Client:
        """Open a client; close it with `await client.aclose()` from the same task."""
        client = cls(src, **options)
        await client.__aenter__()
        return client

    async def __aenter__(self) -> Client:
        task_group = anyio.create_task_group()
        await task_group.__aenter__()
        self._task_group = task_group
        try:
            await self._open()
        except BaseException:
            await self.aclose()
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Cancel pending jobs, stop the data streams and close owned connections."""
        if self._closing:
            return
        self._closing = True
        self._fail_pending_jobs()
        task_group, self._task_group = self._task_group, None
        try:
            if task_group is not None:
                # Background tasks catch their own errors, so leaving the task
                # group only waits for them to finish cancelling. The caller's
                # exception, if any, propagates unchanged instead of being
                # wrapped in an exception group.
                task_group.cancel_scope.cancel()
                await task_group.__aexit__(None, None, None)
        finally:
            if self._owns_http:
                with anyio.CancelScope(shield=True):
                    await self._http.aclose()

    def _fail_pending_jobs(self) -> None:
        submissions, self._submissions = self._submissions, deque()
        for _, job in submissions:
            job.finish(error=JobCancelled("The client was closed before the job was sent."))
        for session in self._sessions():
            session.close()

    def _sessions(self) -> list[Session]:
        return [self.session, *self._extra_sessions]

    # Discovery.

    async def _open(self) -> None:
        self.base_url = await self._resolve_source(self.src)
        if self._auth is not None:
            self._auth.add_origin(self.base_url)
        if self.space_id is not None:
            await wait_until_running(self, self.space_id, self.base_url, self._on_space_status)
        if self._login is not None:
            await self._log_in(*self._login)

        config_url = self.base_url + "config"
        response, body = await request_json(
            self._http,
            "GET",
            config_url,
            what="the config",
            auth=self._auth,
            headers=self.headers,
            timeout=self.timeouts.for_requests(),
            retries=self.retries,
        )
        embedded = None
        if response.status_code not in (200, 401, 403, 429):
            # Old apps have no config route; their page embeds the config.
            embedded = await self._config_from_page()
        if embedded is not None:
            body, config_url = embedded, self.base_url
        else:
            self._check_config_status(response, body, config_url)
        self._config = parse_config(body, url=config_url)
        self._endpoints = EndpointMap(self._config, url=self.base_url)
        self._decoder = OutputDecoder(
            self.base_url,
            self._config.prefix_path,
            self._config.root,
            owner=self,
            marker=self._config.file_marker,
            legacy=self._config.protocol == "ws",
        )
        for name in self._endpoints.duplicate_names:
            logger.warning("The config names more than one endpoint %s; using the first", name)
        logger.debug(
            "Connected to %s: Gradio %s, protocol %s, %d endpoints",
            self.base_url,
            self._config.version,
            self._config.protocol,
            len(self._endpoints),
        )

    async def _resolve_source(self, src: str) -> str:
        src = src.strip()
        if "://" in src:
            url = httpx.URL(src)
            if url.scheme not in ("http", "https"):
                raise UsageError(f"Expected an http or https URL, received {src!r}.")
            path = url.path if url.path.endswith("/") else url.path + "/"
            return str(url.copy_with(path=path, query=None, fragment=None))
        if _SPACE_ID.match(src):
            self.space_id = src
            return await resolve_space(self, src)
        raise UsageError(
            f"Expected an app URL (http://host:port/) or a Space id (owner/name), received {src!r}."
        )

    async def _config_from_page(self) -> str | None:
        """Return the config embedded in the app's HTML page, for apps without a config route."""
        try:
            response, page = await request_json(
                self._http,
                "GET",
                self.base_url,
                what="the app's page",
                auth=self._auth,
                headers=self.headers,
                timeout=self.timeouts.for_requests(),
                retries=self.retries,
            )
        except GradioRawError:
            return None
        match = _EMBEDDED_CONFIG.search(page)
        if response.status_code != 200 or match is None:
            return None
        logger.debug("Read the config embedded in the page at %s", self.base_url)
        return match.group(1)

    def _check_config_status(self, response: httpx.Response, body: str, url: str) -> None:
        status = response.status_code
        if status == 200:
            return
        if status == 429:
            retry_after = response.headers.get("retry-after")
            raise RateLimited(
                f"The app at {url} rate-limited the client (HTTP 429"
                + (f", retry after {retry_after} s)." if retry_after else ")."),
                retry_after=float(retry_after) if retry_after and retry_after.isdigit() else None,
                url=url,
                raw=body,
            )
        if status in (401, 403) and self._login is None and _is_gradio_auth(body):
            raise AuthenticationError(
                f"The app at {self.base_url} requires a login (HTTP {status}): pass "
                "auth=(username, password)." + _auth_message(body),
                raw=body,
            )
        if status in (401, 403):
            message = "The app requires authentication"
            try:
                detail = json.loads(body).get("detail")
            except (ValueError, AttributeError):
                detail = None
            if isinstance(detail, dict) and detail.get("auth_message"):
                message += f" (it says: {detail['auth_message']})"
            hint = (
                " Pass hf_token for a private Space."
                if self._auth is None
                else (" The token was sent and rejected.")
            )
            raise AuthenticationError(f"{message}: HTTP {status} on {url}.{hint}", raw=body)
        content_type = response.headers.get("content-type", "unknown")
        raise ConfigError(
            f"Could not read the config at {url}: HTTP {status} ({content_type}): "
            f"{describe_status(response, body)}",
            raw=body,
        )

    @property
    def config(self) -> AppConfig:
        """The app's config as read when the client opened."""
        if self._config is None:
            raise RuntimeError("The client is not open; use 'async with Client(...)'.")
        return self._config

    @property
    def endpoint_map(self) -> EndpointMap:
        if self._endpoints is None:
            raise RuntimeError("The client is not open; use 'async with Client(...)'.")
        return self._endpoints

    async def endpoints(self) -> list[Endpoint]:
        """Return every callable endpoint of the app, with parameters from the API info.

        Frontend-only events (JavaScript with no Python function) are left out.
        """
        await self._load_info()
        return [endpoint for endpoint in self.endpoint_map if endpoint.backend]

    async def endpoint(self, endpoint: str | int) -> Endpoint:
        """Return one endpoint by api name or `fn_index`, or raise `EndpointNotFound`."""
        return await self._resolve(endpoint, 0, ())

    async def _load_info(self) -> None:
        endpoints = self.endpoint_map
        if endpoints.has_info:
            return
        async with self._info_lock:
            if endpoints.has_info:
                return
            url = self._api_url("info")
            try:
                response, body = await request_json(
                    self._http,
                    "GET",
                    url,
                    what="the API info",
                    auth=self._auth,
                    headers=self.headers,
                    timeout=self.timeouts.for_requests(),
                    params={"all_endpoints": "True"},
                )
                if response.status_code != 200:
                    raise RequestFailed(
                        f"HTTP {response.status_code}: {describe_status(response, body)}",
                        status_code=response.status_code,
                        url=url,
                        raw=body,
                    )
                info = json.loads(body)
                if not isinstance(info, dict):
                    raise ValueError("not a JSON object")
            except (GradioRawError, ValueError) as exc:
                # The config alone is enough to call by position, so a broken
                # info route only costs parameter names and defaults.
                logger.warning("Could not read the API info at %s: %s", url, exc)
                info = {}
            endpoints.attach_info(info)

    async def _resolve(
        self, target: str | int, positional: int, keywords: tuple[str, ...]
    ) -> Endpoint:
        endpoints = self.endpoint_map
        try:
            endpoint = endpoints.get(target)
        except GradioRawError:
            # Build the error with parameter lists and a keyword-aware guess.
            await self._load_info()
            endpoints.get(target, keywords=keywords)
            raise
        if keywords or positional != endpoint.parameter_count:
            await self._load_info()
            endpoint = endpoints.get(target)
        return endpoint

    # Calls.

    def submit(self, endpoint: str | int, /, *args: Any, **kwargs: Any) -> Job:
        """Start a call in the client's default session; see `Session.submit`."""
        return self.session.submit(endpoint, *args, **kwargs)

    async def predict(self, endpoint: str | int, /, *args: Any, **kwargs: Any) -> Result:
        """Call an endpoint in the client's default session and return its outputs.

        `endpoint` is an api name (`"/infer"`) or an `fn_index`. Arguments are
        placed by position and by parameter name; omitted ones take the app's
        defaults.
        """
        return await self.session.predict(endpoint, *args, **kwargs)

    async def upload(
        self, *files: FileSource, on_progress: ProgressCallback | None = None
    ) -> list[FileData]:
        """Upload files to the app and return them as `FileData` to pass to later calls.

        Arguments are what `handle_file` accepts. Raises `LocalFileError` for a
        missing file and `UploadRejected` when the app refuses one.

        `on_progress` is called with an `UploadProgress` event as the server
        receives each file, when the files add up to 1 MiB or more and the app
        serves upload progress (Gradio 4.8 to 6.31 do, the releases checked).
        An exception it raises stops the upload and propagates.
        """
        inputs = [handle_file(file) for file in files]
        wire = await upload_inputs(self, inputs, on_progress)
        return [self._decoder.file(item) for item in wire]

    async def download(
        self,
        file: FileData | str,
        directory: str | PathLike[str] = ".",
        *,
        name: str | None = None,
    ) -> Path:
        """Save an output file (or a server path) in `directory`; see `FileData.download`."""
        return await download_file(self, file, directory, name)

    async def _log_in(self, username: str, password: str) -> None:
        url = self.base_url + "login"
        try:
            response = await self._http.post(
                url,
                data={"username": username, "password": password},
                headers=self.headers,
                timeout=self.timeouts.for_requests(),
                follow_redirects=False,
            )
        except httpx.HTTPError as exc:
            raise RequestFailed(f"Could not log in at {url}: {type(exc).__name__}: {exc}") from exc
        # The body is not logged: it is the response to a request that carried the password.
        if response.status_code == 200:
            return
        if response.status_code in (301, 302, 303, 307, 308):
            logger.warning("The app at %s has no login; ignoring auth=", self.base_url)
            return
        reason = describe_status(response, response.text)
        if response.status_code in (400, 401, 403):
            raise AuthenticationError(
                f"The app at {self.base_url} rejected the username or password "
                f"(HTTP {response.status_code}: {reason})."
            )
        raise AuthenticationError(
            f"Logging in at {url} failed with HTTP {response.status_code}: {reason}"
        )

    def reset_session(self) -> Session:
        """Replace the default session with a new one (a new `session_hash`, fresh State).

        Jobs already running in the old session go on; its heartbeat stops.
        """
        old = self.session
        self.session = Session(self, _new_session_hash())
        self._extra_sessions.append(old)
        old.close_heartbeat()
        return self.session

    def new_session(self) -> Session:
        """Open another session: its own State and its own data stream."""
        session = Session(self, _new_session_hash())
        self._extra_sessions.append(session)
        return session

    # Plumbing used by sessions.

    def _route_for(self, endpoint: Endpoint) -> str:
        """Choose how to call `endpoint`: "queue", "direct", "sse", "ws" or "call"."""
        config = self.config
        if endpoint.queue is False:
            return "direct"
        if config.protocol == "ws" and config.enable_queue is False and endpoint.queue is None:
            return "direct"
        if (
            self.transport == "call"
            and endpoint.api_name
            and config.protocol in MULTIPLEXED_PROTOCOLS
            and config.version_tuple >= (4, 20)
        ):
            return "call"
        return self._queue_route()

    def _queue_route(self) -> str:
        protocol = self.config.protocol
        if protocol in ("sse", "ws"):
            return protocol
        return "queue"

    def _api_url(self, route: str) -> str:
        return urljoin(self.base_url, self.config.prefix_path + route)

    def _enqueue(self, session: Session, job: Job) -> None:
        if self._task_group is None or self._closing:
            raise RuntimeError("The client is not open; use 'async with Client(...)'.")
        self._submissions.append((session, job))
        if self._submitters < self._max_submitters:
            self._submitters += 1
            self._task_group.start_soon(self._drain_submissions)

    async def _drain_submissions(self) -> None:
        # The server sends a queue estimate to every waiting job each time
        # its queue moves, so a thousand jobs waiting there cost it hundreds
        # of thousands of messages and slow every job down. Holding the jobs
        # beyond max_queued_jobs here keeps its queue short while it always
        # has the next job at hand.
        try:
            while self._submissions:
                room = self._queue_room
                if room is not None:
                    # Taken before the next job is chosen, so that jobs are
                    # sent in the order they were submitted.
                    await room.acquire()
                    if not self._submissions:
                        room.release()
                        break
                session, job = self._submissions.popleft()
                if room is not None:
                    job.on_left_queue = room.release
                if job.done:  # cancelled while it waited
                    job.leave_queue()
                    continue
                await session._run_job(job)
        finally:
            self._submitters -= 1

    def _start_soon(self, function: Callable[..., Coroutine[Any, Any, None]], *args: Any) -> None:
        if self._task_group is None or self._closing:
            raise RuntimeError("The client is not open; use 'async with Client(...)'.")
        self._task_group.start_soon(function, *args)

    async def _post_api(
        self, url: str, body: dict[str, Any], *, what: str
    ) -> tuple[httpx.Response, str]:
        """POST a call or a join as the API client, retried only if it was never sent."""
        return await request_json(
            self._http,
            "POST",
            url,
            what=what,
            auth=self._auth,
            headers={**self.headers, "x-gradio-user": "api"},
            timeout=self.timeouts.for_requests(),
            json_body=body,
            retries=self.retries,
            idempotent=False,
        )

    async def _send_cancel(self, session_hash: str, fn_index: int, event_id: str) -> None:
        if self.config.has_cancel_route:
            url = self._api_url("cancel")
            body: dict[str, Any] = {
                "session_hash": session_hash,
                "fn_index": fn_index,
                "event_id": event_id,
            }
        else:
            # Before Gradio 4.31, reset stops a generator and drops a queued
            # event; a running function cannot be stopped from a client.
            url = self._api_url("reset")
            body = {"event_id": event_id}
        try:
            with anyio.fail_after(self.timeouts.read or 30):
                response, text = await request_json(
                    self._http,
                    "POST",
                    url,
                    what="the cancel response",
                    auth=self._auth,
                    headers=self.headers,
                    timeout=self.timeouts.for_requests(),
                    json_body=body,
                )
            if response.status_code != 200:
                logger.warning(
                    "The cancel request for event %s returned HTTP %s: %s",
                    event_id,
                    response.status_code,
                    text[:200],
                )
        except (GradioRawError, TimeoutError) as exc:
            logger.warning("Could not cancel event %s on the server: %s", event_id, exc)
