"""Time one import in a fresh interpreter: `python imports.py MODULE [MODULE ...]`.

Standard library only, so it runs under any of the benchmark's interpreters.
It prints the wall time of importing the modules (interpreter start-up not
included), the peak RSS after, and the peak RSS of the bare interpreter
before. Peaks are VmHWM, not ru_maxrss, which Linux carries over from the
parent process.
"""

from __future__ import annotations

import importlib
import json
import sys
import time


def peak_rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def main() -> None:
    modules = sys.argv[1:]
    before_mb = peak_rss_mb()
    start = time.perf_counter()
    for name in modules:
        importlib.import_module(name)
    elapsed = time.perf_counter() - start
    peak_mb = peak_rss_mb()
    print(
        json.dumps(
            {
                "modules": modules,
                "import_ms": elapsed * 1000,
                "rss_peak_mb": peak_mb,
                "rss_bare_mb": before_mb,
            }
        )
    )


if __name__ == "__main__":
    main()
