"""The `gradio-raw` command: list an app's endpoints and call them.

Exit codes:
    0  success
    1  the app's function raised an error
    2  usage error, or the call does not match the app (unknown endpoint or parameter)
    3  connection, protocol or timeout failure, or the job was cancelled
  130  interrupted (Ctrl-C)
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

import anyio

from ._client import DEFAULT_HUB_URL, Client
from ._endpoints import Endpoint
from ._exceptions import AppError, GradioRawError, LocalFileError, UsageError
from ._files import handle_file
from ._http import Timeouts
from ._types import (
    Completed,
    Event,
    FileData,
    Log,
    Output,
    Progress,
    Queued,
    Result,
    Started,
    UploadProgress,
)
from ._version import __version__

__all__ = ["main"]

EXIT_OK = 0
EXIT_APP_ERROR = 1
EXIT_USAGE = 2
EXIT_FAILURE = 3
EXIT_INTERRUPTED = 130

_KEYWORD = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$", re.DOTALL)


def _build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    common.add_argument(
        "--hf-token",
        default=os.environ.get("HF_TOKEN"),
        help="Hugging Face token for private Spaces (default: $HF_TOKEN); never printed",
    )
    common.add_argument(
        "--header",
        action="append",
        default=[],
        metavar="NAME:VALUE",
        help="an extra HTTP header for every request (repeatable)",
    )
    common.add_argument(
        "--timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help="deadline for the whole call (default: none; the data stream still "
        "fails after 60 s of silence)",
    )
    common.add_argument(
        "--connect-timeout",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="time allowed to open a connection (default: 10)",
    )
    common.add_argument(
        "--hub-url", default=DEFAULT_HUB_URL, help="the Hub used to resolve Space ids"
    )
    common.add_argument(
        "--retries",
        type=int,
        default=3,
        metavar="N",
        help="further attempts for requests that are safe to repeat (default: 3)",
    )
    common.add_argument(
        "--session-hash",
        default=None,
        help="the session to join (default: a new random one); reuse one to keep the "
        "app's State between calls",
    )
    common.add_argument(
        "--debug", action="store_true", help="log protocol messages on stderr (tokens redacted)"
    )

    parser = argparse.ArgumentParser(
        prog="gradio-raw",
        description="Call Gradio apps by speaking their protocol directly.",
        epilog="Exit codes: 0 success, 1 app error, 2 usage or endpoint/parameter "
        "mismatch, 3 connection, protocol or timeout failure, 130 interrupted.",
    )
    parser.add_argument("--version", action="version", version=f"gradio-raw {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    api = commands.add_parser(
        "api", parents=[common], help="list the app's endpoints with fn_index and parameters"
    )
    api.add_argument("src", help="app URL (http://host:port/) or Space id (owner/name)")

    call = commands.add_parser(
        "call",
        parents=[common],
        help="call an endpoint and print its outputs",
        description="Call an endpoint. Each VALUE is read as JSON when it parses, "
        "else as a string; @PATH uploads a local file. NAME=VALUE sets a parameter "
        "by name; an argument without NAME= is the next positional value.",
    )
    call.add_argument("src", help="app URL (http://host:port/) or Space id (owner/name)")
    call.add_argument("endpoint", help="api name such as /infer, or an fn_index number")
    call.add_argument("values", nargs="*", metavar="[NAME=]VALUE", help="the call's inputs")
    call.add_argument(
        "--download",
        metavar="DIR",
        default=None,
        help="save every output file in DIR (created if missing) and print local paths",
    )
    return parser


def parse_value(text: str) -> Any:
    """Read a command-line value: `@path` is a file to upload, else JSON when it parses,
    else a string."""
    if text.startswith("@") and len(text) > 1:
        return handle_file(text[1:])
    try:
        return json.loads(text)
    except ValueError:
        return text


def parse_values(items: Sequence[str]) -> tuple[list[Any], dict[str, Any]]:
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    for item in items:
        match = _KEYWORD.match(item)
        if match:
            name = match.group(1)
            if name in kwargs:
                raise UsageError(f"Parameter {name!r} is given twice; give each parameter once.")
            kwargs[name] = parse_value(match.group(2))
        elif kwargs:
            raise UsageError(
                f"Positional value {item!r} follows a NAME=VALUE argument; "
                "put positional values first."
            )
        else:
            args.append(parse_value(item))
    return args, kwargs


def _parse_headers(items: Sequence[str]) -> dict[str, str]:
    headers = {}
    for item in items:
        name, separator, value = item.partition(":")
        if not separator or not name.strip():
            raise UsageError(f"Expected --header NAME:VALUE, received {item!r}.")
        headers[name.strip()] = value.strip()
    return headers


def _client_for(options: argparse.Namespace) -> Client:
    return Client(
        options.src,
        hf_token=options.hf_token or None,
        headers=_parse_headers(options.header),
        timeouts=Timeouts(connect=options.connect_timeout, job=options.timeout),
        hub_url=options.hub_url,
        session_hash=options.session_hash,
        retries=options.retries,
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, FileData):
        return value.model_dump(exclude_none=True)
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    return value


def _endpoint_json(endpoint: Endpoint) -> dict[str, Any]:
    return {
        "api_name": endpoint.api_name,
        "fn_index": endpoint.fn_index,
        "visibility": endpoint.visibility,
        "generator": endpoint.generator,
        "description": endpoint.description,
        "parameters": [
            {
                "name": parameter.name,
                "label": parameter.label,
                "component": parameter.component,
                "python_type": parameter.python_type,
                "has_default": parameter.has_default,
                "default": parameter.default,
                "schema": parameter.schema,
            }
            for parameter in endpoint.parameters
        ],
        "returns": [
            {"label": value.label, "component": value.component, "python_type": value.python_type}
            for value in endpoint.returns
        ],
    }


def _short_type(text: str | None, limit: int = 60) -> str:
    if not text:
        return "any"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _print_endpoints(client: Client, endpoints: list[Endpoint], out: TextIO) -> None:
    config = client.config
    callable_endpoints = [e for e in endpoints if e.backend]
    print(
        f"{client.base_url}  Gradio {config.version or '?'}, protocol {config.protocol}, "
        f"{len(callable_endpoints)} endpoints",
        file=out,
    )
    for endpoint in callable_endpoints:
        flags: list[str] = [endpoint.visibility] if endpoint.visibility != "public" else []
        if endpoint.generator:
            flags.append("generator")
        suffix = f"  [{', '.join(flags)}]" if flags else ""
        print(f"\n{endpoint.name}  fn_index={endpoint.fn_index}{suffix}", file=out)
        if endpoint.description:
            print(f"  {endpoint.description.strip().splitlines()[0]}", file=out)
        if not endpoint.parameters:
            print("  parameters: none", file=out)
        for parameter in endpoint.parameters:
            default = f" = {json.dumps(parameter.default)}" if parameter.has_default else ""
            component = f"  ({parameter.component})" if parameter.component else ""
            print(
                f"  {parameter.name}: {_short_type(parameter.python_type)}{default}{component}",
                file=out,
            )
        for value in endpoint.returns:
            label = f" {value.label!r}" if value.label else ""
            print(
                f"  returns{label}: {_short_type(value.python_type)}  ({value.component})",
                file=out,
            )


class _StatusPrinter:
    """Shows queue position and progress on stderr: one redrawn line on a terminal."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self._line_open = False
        self._last_plain = ""

    def show(self, event: Event) -> None:
        if isinstance(event, Log):
            self._print_line(f"[{event.level}] {event.message}")
            return
        text = self._describe(event)
        if text is None:
            return
        if self.tty:
            self.stream.write("\r\x1b[2K" + text)
            self.stream.flush()
            self._line_open = True
        elif text != self._last_plain:
            self._last_plain = text
            print(text, file=self.stream, flush=True)

    def close(self) -> None:
        if self._line_open:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
            self._line_open = False

    def _print_line(self, text: str) -> None:
        self.close()
        print(text, file=self.stream, flush=True)

    def _describe(self, event: Event) -> str | None:
        if isinstance(event, UploadProgress):
            if event.fraction is None:
                return f"uploading {event.name}: {event.received / 2**20:.1f} MiB"
            return f"uploading {event.name}: {event.fraction:.0%}"
        if isinstance(event, Queued):
            eta = f", about {event.eta:.0f} s" if event.eta is not None and event.eta >= 1 else ""
            place = "next" if event.rank == 0 else f"position {event.rank}"
            size = f" of {event.queue_size}" if event.queue_size is not None else ""
            return f"queued: {place}{size}{eta}"
        if isinstance(event, Started):
            return "running"
        if isinstance(event, Progress) and event.units:
            unit = event.units[-1]
            fraction = unit.fraction
            desc = f"{unit.desc} " if unit.desc else ""
            if fraction is None:
                return f"running: {desc}{unit.index} {unit.unit or ''}".rstrip()
            counts = (
                f" {unit.index}/{unit.length} {unit.unit or ''}".rstrip() if unit.length else ""
            )
            if not self.tty:
                return f"progress: {desc}{fraction:.0%}{counts}"
            filled = int(fraction * 24)
            return f"{desc}[{'#' * filled}{'.' * (24 - filled)}] {fraction:4.0%}{counts}"
        if isinstance(event, Output):
            return "receiving outputs"
        return None


def _print_result(
    result: Result, options: argparse.Namespace, out: TextIO, saved: dict[str, str]
) -> None:
    if options.json:
        document: dict[str, Any] = {
            "endpoint": result.endpoint,
            "fn_index": result.fn_index,
            "data": _jsonable(result.data),
        }
        if options.download:
            document["downloads"] = [{"url": url, "path": path} for url, path in saved.items()]
        json.dump(document, out, ensure_ascii=False)
        out.write("\n")
        return
    for value in result.data:
        if isinstance(value, FileData):
            print(saved.get(value.url or "", value.url or value.path), file=out)
        elif isinstance(value, str):
            print(value, file=out)
        else:
            print(json.dumps(_jsonable(value), ensure_ascii=False), file=out)


async def _run_api(options: argparse.Namespace, out: TextIO) -> int:
    async with _client_for(options) as client:
        endpoints = await client.endpoints()
        if options.json:
            config = client.config
            document = {
                "url": client.base_url,
                "gradio_version": config.version,
                "protocol": config.protocol,
                "api_prefix": config.api_prefix,
                "endpoints": [_endpoint_json(e) for e in endpoints if e.backend],
            }
            json.dump(document, out, ensure_ascii=False, indent=2)
            out.write("\n")
        else:
            _print_endpoints(client, endpoints, out)
    return EXIT_OK


async def _run_call(options: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    args, kwargs = parse_values(options.values)
    if options.download and Path(options.download).exists() and not Path(options.download).is_dir():
        raise LocalFileError(
            f"Cannot download into {options.download!r}: expected a folder, found a file."
        )
    target: str | int = int(options.endpoint) if options.endpoint.isdigit() else options.endpoint
    status = _StatusPrinter(err)
    async with _client_for(options) as client:
        job = client.submit(target, *args, **kwargs)
        try:
            async for event in job:
                if not isinstance(event, Completed):
                    status.show(event)
        finally:
            status.close()
        result = await job
        saved = await _download_files(result, options.download, err) if options.download else {}
    _print_result(result, options, out, saved)
    return EXIT_OK


async def _download_files(result: Result, directory: str, err: TextIO) -> dict[str, str]:
    """Save every file of the result in `directory`; return local paths by URL."""
    saved: dict[str, str] = {}
    for file in result.files:
        if file.url is None or file.url in saved:
            continue
        path = await file.download(directory)
        saved[file.url] = str(path)
        print(f"saved {file.url} to {path}", file=err)
    return saved


def _debug_handler(err: TextIO) -> logging.Handler:
    handler = logging.StreamHandler(err)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    return handler


def _first_line_error(error: BaseException) -> str:
    return str(error) or type(error).__name__


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = _build_parser()
    options = parser.parse_args(argv)
    out, err = sys.stdout, sys.stderr
    logger = logging.getLogger("gradio_raw")
    handler = _debug_handler(err) if options.debug else None
    previous_level = logger.level
    if handler is not None:
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)

    async def run() -> int:
        if options.command == "api":
            return await _run_api(options, out)
        return await _run_call(options, out, err)

    try:
        return anyio.run(run)
    except AppError as exc:
        print(f"gradio-raw: the app raised an error: {exc}", file=err)
        return EXIT_APP_ERROR
    except UsageError as exc:
        print(f"gradio-raw: {_first_line_error(exc)}", file=err)
        return EXIT_USAGE
    except GradioRawError as exc:
        print(f"gradio-raw: {type(exc).__name__}: {_first_line_error(exc)}", file=err)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        print("gradio-raw: interrupted", file=err)
        return EXIT_INTERRUPTED
    finally:
        if handler is not None:
            logger.removeHandler(handler)
            logger.setLevel(previous_level)
