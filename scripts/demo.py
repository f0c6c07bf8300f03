"""Run the main job of gradio-raw against the bundled demo apps.

Starts `scripts/apps/imagegen_infer.py` (the job as `/infer`) and
`scripts/apps/imagegen_run.py` (the same job as `/run`, returning a gallery) on
free ports of 127.0.0.1, runs the `gradio-raw` command against both, and stops
the servers. Run it through `scripts/demo`, which prepares the environments.
"""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from tests.support.servers import find_server_python, running_app  # noqa: E402

CLI = str(Path(sys.executable).with_name("gradio-raw"))
OUTPUT_DIR = REPO_ROOT / "demo-output"


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    shown = " ".join(shlex.quote(arg) for arg in ("gradio-raw", *args))
    print(f"\n$ {shown}", flush=True)
    completed = subprocess.run([CLI, *args], capture_output=True, text=True, check=False)
    sys.stdout.write(completed.stdout)
    sys.stdout.write(completed.stderr)
    print(f"(exit code {completed.returncode})", flush=True)
    return completed


def save_image(url: str) -> Path:
    OUTPUT_DIR.mkdir(exist_ok=True)
    target = OUTPUT_DIR / ("infer" + Path(url).suffix)
    # The URL is on the demo server this script started on 127.0.0.1.
    with urllib.request.urlopen(url, timeout=30) as response:
        target.write_bytes(response.read())
    return target


def main() -> int:
    python = find_server_python()
    if python is None:
        print("demo: no Python with Gradio found; run scripts/setup first", file=sys.stderr)
        return 1

    print("Starting the demo apps on 127.0.0.1 ...", flush=True)
    with (
        running_app("imagegen_infer", python=python) as infer_app,
        running_app("imagegen_run", python=python) as run_app,
    ):
        print(f"  /infer app: {infer_app.url} (Gradio {infer_app.gradio_version})")
        print(f"  /run app:   {run_app.url} (Gradio {run_app.gradio_version})")

        run_cli("api", infer_app.url)
        called = run_cli(
            "call",
            infer_app.url,
            "/infer",
            "prompt=a cat in a hat",
            "seed=42",
            "randomize_seed=false",
            "--json",
        )
        if called.returncode != 0:
            return called.returncode
        document = json.loads(called.stdout)
        image, seed = document["data"]
        saved = save_image(image["url"])
        print(f"\nThe image is at {image['url']} (seed {seed}); saved a copy to {saved}.")

        print("\nThe same call on an app that offers the job as /run:")
        mismatch = run_cli("call", run_app.url, "/infer", "prompt=a cat in a hat")
        if mismatch.returncode != 2:
            print("demo: expected exit code 2 for the endpoint mismatch", file=sys.stderr)
            return 1
        run_cli("call", run_app.url, "/run", "prompt=a cat in a hat", "negative_prompt=")
    print("\nDemo apps stopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
