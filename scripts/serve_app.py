"""Serve one of the Gradio apps in ``scripts/apps/`` on a loopback address.

Usage::

    python scripts/serve_app.py testbed --port 7861
    python scripts/serve_app.py scripts/apps/testbed.py --port 7861 --host 127.0.0.1

Run it with a Python that has Gradio installed. The process blocks until it is
terminated; tests start it in its own process group and stop it with SIGTERM.
"""

from __future__ import annotations

import argparse
import importlib.util
import inspect
import ipaddress
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

APPS_DIR = Path(__file__).resolve().parent / "apps"

# Gradio reads these at import time, so they have to be in place before the app
# module (which imports gradio) is loaded. Together they stop telemetry, update
# checks and hub look-ups, leaving the server with no outbound traffic.
OFFLINE_ENVIRONMENT = {
    "GRADIO_ANALYTICS_ENABLED": "False",
    "HF_HUB_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
}

LOOPBACK_NO_PROXY = "127.0.0.1,localhost"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("app", help="an app name from scripts/apps/ or a path to a .py file")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1", help="an IPv4 loopback address")
    return parser.parse_args(argv)


def require_loopback(host: str) -> None:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        raise SystemExit(
            f"invalid --host {host!r}: expected an IPv4 loopback address such as 127.0.0.1"
        ) from None
    # Gradio builds its local URL without IPv6 brackets, so only IPv4 works.
    if not (isinstance(address, ipaddress.IPv4Address) and address.is_loopback):
        raise SystemExit(
            f"invalid --host {host}: expected an IPv4 loopback address such as 127.0.0.1"
        )


def resolve_app_path(app: str) -> Path:
    candidate = Path(app)
    if candidate.suffix == ".py":
        path = candidate
    else:
        path = APPS_DIR / f"{app}.py"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in APPS_DIR.glob("*.py")))
        raise SystemExit(f"app not found: {path} does not exist (available apps: {known})")
    return path.resolve()


def prepare_environment() -> None:
    for name, value in OFFLINE_ENVIRONMENT.items():
        os.environ[name] = value
    # Gradio requests its own local URL during launch, so an inherited HTTP
    # proxy must be told to leave loopback traffic alone.
    for name in ("NO_PROXY", "no_proxy"):
        existing = os.environ.get(name, "")
        os.environ[name] = f"{existing},{LOOPBACK_NO_PROXY}" if existing else LOOPBACK_NO_PROXY


def load_app_module(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"gradio_raw_app_{path.stem}", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"failed to import {path}: not a loadable Python file")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def accepted_options(function: Any, options: dict[str, Any]) -> dict[str, Any]:
    """Drop the options that ``function`` does not accept.

    The apps run on every Gradio from 3.50 on, and ``launch()`` gained
    parameters over time (``ssr_mode`` is 5.0+). An option that the installed
    version lacks belongs to a feature it does not have, so leaving it out
    changes nothing.
    """
    parameters = inspect.signature(function).parameters.values()
    if any(parameter.kind is inspect.Parameter.VAR_KEYWORD for parameter in parameters):
        return options
    names = {parameter.name for parameter in parameters}
    return {name: value for name, value in options.items() if name in names}


def launch(demo: Any, host: str, port: int, extra: dict[str, Any]) -> None:
    defaults = accepted_options(
        demo.launch,
        {
            "show_error": False,
            "ssr_mode": False,
            "share": False,
            "prevent_thread_lock": False,
            "quiet": True,
            "inbrowser": False,
        },
    )
    # The app's own options (such as auth=) are passed as given, so that a
    # version lacking one fails loudly instead of serving the app without it.
    demo.launch(**{**defaults, **extra}, server_name=host, server_port=port)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    require_loopback(args.host)
    path = resolve_app_path(args.app)
    prepare_environment()
    module = load_app_module(path)
    demo = getattr(module, "demo", None)
    if demo is None:
        raise SystemExit(f"missing 'demo' in {path}: an app module must define its Blocks as demo")
    print(f"serving {path.stem} on http://{args.host}:{args.port}/", flush=True)
    # An app may add launch options of its own, such as auth=.
    extra = dict(getattr(module, "LAUNCH_OPTIONS", {}))
    launch(demo, args.host, args.port, extra)
    return 0


if __name__ == "__main__":
    sys.exit(main())
