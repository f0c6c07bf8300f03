"""Measure gradio-raw's memory while uploading and downloading one large file.

Starts `scripts/apps/files.py` on 127.0.0.1, uploads a file of SIZE MiB
(default 200) through `/file_len`, then asks `/make_file` for a file of the same
size and downloads it. Prints the client's peak resident memory after each
step; flat memory means both directions stream instead of buffering.

    .venv/bin/python scripts/bench_files.py [--size-mib 200]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import anyio

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from gradio_raw import Client, handle_file  # noqa: E402
from tests.support.servers import find_server_python, running_app  # noqa: E402

MIB = 1024 * 1024


def peak_rss_mib() -> float:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_file(path: Path, size: int) -> None:
    block = os.urandom(MIB)
    with path.open("wb") as output:
        for _ in range(size // MIB):
            output.write(block)


async def measure(url: str, size_mib: int, folder: Path) -> None:
    source = folder / "upload.bin"
    write_file(source, size_mib * MIB)
    print(f"peak RSS before any call:   {peak_rss_mib():7.1f} MiB", flush=True)

    async with Client(url) as client:
        await client.predict("/file_len", handle_file(b"warm", name="warm.bin"))
        baseline = peak_rss_mib()
        print(f"peak RSS after a warm call: {baseline:7.1f} MiB", flush=True)

        started = time.perf_counter()
        size = (await client.predict("/file_len", source)).value
        elapsed = time.perf_counter() - started
        assert size == size_mib * MIB, size
        print(
            f"upload {size_mib} MiB:  {elapsed:5.1f} s, peak RSS {peak_rss_mib():7.1f} MiB",
            flush=True,
        )

        blob = (await client.predict("/make_file", size_mib)).value
        started = time.perf_counter()
        saved = await blob.download(folder / "downloads")
        elapsed = time.perf_counter() - started
        assert saved.stat().st_size == size_mib * MIB
        print(
            f"download {size_mib} MiB: {elapsed:5.1f} s, peak RSS {peak_rss_mib():7.1f} MiB",
            flush=True,
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mib", type=int, default=200)
    options = parser.parse_args()

    python = find_server_python()
    if python is None:
        print("bench_files: no Python with Gradio; run scripts/setup first", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as folder, running_app("files", python=python) as app:
        anyio.run(measure, app.url, options.size_mib, Path(folder))
    return 0


if __name__ == "__main__":
    sys.exit(main())
