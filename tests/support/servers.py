"""Start and stop real Gradio servers for tests and for the fixture recorder.

Gradio is not a dependency of gradio-raw, so servers run under a separate
interpreter that has it installed (see ``find_server_python``). This module uses
the standard library only, which lets it run under either interpreter.

Every server listens on 127.0.0.1, runs in its own process group and is stopped
when the ``running_app`` block exits, whether or not the block raised.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SERVE_SCRIPT = REPO_ROOT / "scripts" / "serve_app.py"
SERVER_PYTHON_ENV = "GRADIO_RAW_SERVER_PYTHON"
DEFAULT_SERVER_PYTHON = REPO_ROOT / ".venv-gradio" / "bin" / "python"

LOOPBACK = "127.0.0.1"
POLL_INTERVAL_SECONDS = 0.2
TERMINATE_GRACE_SECONDS = 10.0
LOG_TAIL_LINES = 40
STARTUP_ATTEMPTS = 3
# Log text meaning the chosen port was taken between free_port() and the bind:
# Gradio's own port check, and the OS error of a lost bind race.
PORT_TAKEN_MARKERS = ("Cannot find empty port", "address already in use")

_gradio_check_cache: dict[str, bool] = {}


@dataclass(frozen=True)
class RunningApp:
    url: str
    pid: int
    log_path: Path
    gradio_version: str


class ServerStartError(RuntimeError):
    pass


def find_server_python() -> str | None:
    """Return an interpreter that can import gradio, or None if there is none.

    ``GRADIO_RAW_SERVER_PYTHON`` wins when set; otherwise the repository's
    ``.venv-gradio`` is used if present.
    """
    configured = os.environ.get(SERVER_PYTHON_ENV)
    candidate = Path(configured) if configured else DEFAULT_SERVER_PYTHON
    if not candidate.exists():
        return None
    python = str(candidate)
    if python not in _gradio_check_cache:
        _gradio_check_cache[python] = _can_import_gradio(python)
    return python if _gradio_check_cache[python] else None


def _can_import_gradio(python: str) -> bool:
    try:
        completed = subprocess.run(
            [python, "-c", "import gradio"],
            env=_server_environment(None),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=120,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return completed.returncode == 0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        port: int = sock.getsockname()[1]
        return port


def _server_environment(extra: dict[str, str] | None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "GRADIO_ANALYTICS_ENABLED": "False",
            "HF_HUB_OFFLINE": "1",
            "HF_HUB_DISABLE_TELEMETRY": "1",
            "PYTHONUNBUFFERED": "1",
        }
    )
    if extra:
        env.update(extra)
    return env


def _log_tail(log_path: Path) -> str:
    try:
        lines = log_path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as error:
        return f"(log unreadable: {error})"
    return "\n".join(lines[-LOG_TAIL_LINES:])


# Proxy settings in the environment must not reroute requests meant for the
# loopback server.
_direct_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _fetch_config(url: str) -> dict[str, object] | None:
    try:
        with _direct_opener.open(url + "config", timeout=5) as response:
            if response.status != 200:
                return None
            config: dict[str, object] = json.loads(response.read())
            return config
    except urllib.error.HTTPError as error:
        # An app launched with auth= answers 401 once it is up.
        return {} if error.code == 401 else None
    except (urllib.error.URLError, OSError, ValueError):
        return None


def _stop_process_group(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            process.wait(timeout=TERMINATE_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    process.wait()


def _start_process(
    app: str, port: int, python: str, env: dict[str, str] | None, log_path: Path
) -> subprocess.Popen[bytes]:
    command = [python, str(SERVE_SCRIPT), app, "--port", str(port), "--host", LOOPBACK]
    with log_path.open("wb") as log_file:
        # The child keeps its own copy of the descriptor, so ours can close.
        return subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            env=_server_environment(env),
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _wait_until_ready(
    process: subprocess.Popen[bytes], url: str, timeout: float, log_path: Path
) -> str:
    """Wait until /config responds and return the Gradio version it reports.

    Raises ServerStartError if the process exits or the timeout passes first.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerStartError(
                f"server failed to start: exited with code {process.returncode} "
                f"before serving {url}\n"
                f"last lines of {log_path}:\n{_log_tail(log_path)}"
            )
        config = _fetch_config(url)
        if config is not None:
            return str(config.get("version", ""))
        time.sleep(POLL_INTERVAL_SECONDS)
    raise ServerStartError(
        f"server start timed out: {url}config did not respond within {timeout:.0f} s\n"
        f"last lines of {log_path}:\n{_log_tail(log_path)}"
    )


def _port_was_taken(log_path: Path) -> bool:
    tail = _log_tail(log_path).lower()
    return any(marker.lower() in tail for marker in PORT_TAKEN_MARKERS)


@contextmanager
def running_app(
    app: str,
    *,
    python: str,
    timeout: float = 90.0,
    env: dict[str, str] | None = None,
) -> Iterator[RunningApp]:
    """Run ``scripts/serve_app.py APP`` on a free loopback port for the duration of the block.

    The log file is deleted when the block ends normally and kept when it raises,
    so a failing test leaves the server output behind for inspection.
    """
    for attempt in range(1, STARTUP_ATTEMPTS + 1):
        port = free_port()
        url = f"http://{LOOPBACK}:{port}/"
        handle, name = tempfile.mkstemp(prefix=f"gradio-raw-{Path(app).stem}-", suffix=".log")
        os.close(handle)
        log_path = Path(name)
        process = _start_process(app, port, python, env, log_path)
        try:
            version = _wait_until_ready(process, url, timeout, log_path)
        except ServerStartError as error:
            _stop_process_group(process)
            # Another process can take the port between free_port() and the
            # server's bind. Only that failure is worth retrying on a new port.
            if attempt < STARTUP_ATTEMPTS and _port_was_taken(log_path):
                log_path.unlink(missing_ok=True)
                continue
            raise RuntimeError(str(error)) from None
        except BaseException:
            _stop_process_group(process)
            raise
        break

    try:
        yield RunningApp(url=url, pid=process.pid, log_path=log_path, gradio_version=version)
    except BaseException:
        _stop_process_group(process)
        raise
    _stop_process_group(process)
    log_path.unlink(missing_ok=True)
