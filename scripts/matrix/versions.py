"""The Gradio releases the version matrix runs: one per protocol generation.

An old Gradio release installs and runs only with the dependencies of its own
time, because later fastapi, starlette, pydantic and huggingface_hub releases
break it. So every entry carries an ``exclude_newer`` date two days after the
day the release was uploaded (``released``). ``scripts/matrix/setup`` passes
it to ``uv pip install --exclude-newer``, which then ignores every package
file uploaded after that date.

Run as a script, this prints the table for the shell scripts, one version a
line, fields separated by "|" (version, exclude_newer, extra requirements separated by
spaces, and the reason when the version is known not to work)::

    python scripts/matrix/versions.py            # every version
    python scripts/matrix/versions.py 4.8.0 ...  # only these, in this order

It uses the standard library only, so any Python 3.10+ can run it.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass


@dataclass(frozen=True)
class MatrixVersion:
    version: str
    # The ``protocol`` field of /config, or "ws" when the config has none (3.x).
    protocol: str
    # The ``api_prefix`` field of /config, or "" when the config has none (before 5.0).
    api_prefix: str
    released: str
    exclude_newer: str
    # Requirements installed next to gradio, in pip syntax.
    extra_requirements: tuple[str, ...] = ()
    # Why the version cannot be installed or run on Python 3.11, or "" when it works.
    unsupported: str = ""


VERSIONS: tuple[MatrixVersion, ...] = (
    MatrixVersion(
        version="3.50.2",
        protocol="ws",
        api_prefix="",
        released="2023-10-19",
        exclude_newer="2023-10-21",
    ),
    MatrixVersion(
        version="4.8.0",
        protocol="sse",
        api_prefix="",
        released="2023-12-05",
        exclude_newer="2023-12-07",
    ),
    MatrixVersion(
        version="4.16.0",
        protocol="sse_v1",
        api_prefix="",
        released="2024-01-26",
        exclude_newer="2024-01-28",
    ),
    MatrixVersion(
        version="4.20.1",
        protocol="sse_v2",
        api_prefix="",
        released="2024-03-06",
        exclude_newer="2024-03-08",
    ),
    MatrixVersion(
        version="4.21.0",
        protocol="sse_v2.1",
        api_prefix="",
        released="2024-03-09",
        exclude_newer="2024-03-11",
    ),
    MatrixVersion(
        version="4.22.0",
        protocol="sse_v3",
        api_prefix="",
        released="2024-03-19",
        exclude_newer="2024-03-21",
    ),
    MatrixVersion(
        version="4.44.1",
        protocol="sse_v3",
        api_prefix="",
        released="2024-09-30",
        exclude_newer="2024-10-02",
    ),
    MatrixVersion(
        version="5.49.1",
        protocol="sse_v3",
        api_prefix="/gradio_api",
        released="2025-10-08",
        exclude_newer="2025-10-10",
    ),
    MatrixVersion(
        version="6.31.0",
        protocol="sse_v3",
        api_prefix="/gradio_api",
        released="2026-10-28",
        exclude_newer="2026-10-30",
    ),
)

BY_VERSION = {entry.version: entry for entry in VERSIONS}


def main(argv: list[str]) -> int:
    unknown = [name for name in argv if name not in BY_VERSION]
    if unknown:
        known = " ".join(BY_VERSION)
        print(
            f"versions.py: unknown version {' '.join(unknown)} (known: {known})",
            file=sys.stderr,
        )
        return 2
    chosen = [BY_VERSION[name] for name in argv] if argv else list(VERSIONS)
    for entry in chosen:
        fields = (
            entry.version,
            entry.exclude_newer,
            " ".join(entry.extra_requirements),
            entry.unsupported,
        )
        print("|".join(fields))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
