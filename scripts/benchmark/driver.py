"""Run the benchmark: gradio-raw beside the official clients and the floor.

Started by `scripts/bench` (which sets up the environments first); run with
the Python of `.venv`. It starts the bench app (`scripts/apps/bench.py`) on
127.0.0.1, runs every client in a process of its own for each measurement,
interleaving the clients round by round, checks every result, prints a table
of medians with ratios to the floor, and writes every figure to a JSON file.
It never asserts a timing: a slow or failing run is reported, not fatal.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(REPO))

from tests.support.servers import running_app  # noqa: E402

RAW_PYTHON = REPO / ".venv" / "bin" / "python"
GRADIO_PYTHON = REPO / ".venv-gradio" / "bin" / "python"
SCRATCH = REPO / ".bench"
NODE_DIR = SCRATCH / "node"
# Pinned so that two runs compare the same client.
JS_CLIENT_PACKAGE = "@gradio/client@2.7.0"
DEFAULT_OUTPUT = REPO / "bench-results.json"

FLOOR = "floor"
RAW = "gradio-raw"
RAW_UNPACED = "gradio-raw unpaced"
OFFICIAL = "gradio_client"
JS = "@gradio/client"
DEPENDENCIES = ("httpx", "httpx_sse", "anyio", "pydantic")


@dataclass
class Settings:
    rounds: int
    rounds_large: int
    rounds_generator: int
    connects: int
    sequential_calls: int
    concurrency: list[int]
    updates: list[int]
    import_runs: int
    record_updates: int
    record_calls: int
    parser_repeat: int
    timeout: float


FULL = Settings(
    rounds=10,
    rounds_large=2,
    rounds_generator=5,
    connects=10,
    sequential_calls=50,
    concurrency=[200, 1000],
    updates=[1000, 5000],
    import_runs=10,
    record_updates=20_000,
    record_calls=1000,
    parser_repeat=5,
    timeout=900,
)
QUICK = Settings(
    rounds=2,
    rounds_large=2,
    rounds_generator=2,
    connects=3,
    sequential_calls=10,
    concurrency=[50],
    updates=[200, 600],
    import_runs=2,
    record_updates=1000,
    record_calls=50,
    parser_repeat=2,
    timeout=120,
)
# Concurrency levels from this size up use `rounds_large` rounds: with every
# job waiting in the server's queue at once, one round can take minutes.
LARGE_CONCURRENCY = 1000


@dataclass
class Worker:
    name: str
    command: Callable[[str, str, int], list[str]]


def python_worker(python: Path, script: str, *options: str) -> Callable[[str, str, int], list[str]]:
    def command(url: str, scenario: str, count: int) -> list[str]:
        return [str(python), str(HERE / script), url, scenario, "--count", str(count), *options]

    return command


def node_worker(url: str, scenario: str, count: int) -> list[str]:
    return [
        "node",
        str(HERE / "js_client.mjs"),
        str(NODE_DIR),
        url,
        scenario,
        "--count",
        str(count),
    ]


@dataclass
class Results:
    settings: dict[str, Any]
    runs: list[dict[str, Any]] = field(default_factory=list)

    def add(self, figure: str, client: str, size: int | None, record: dict[str, Any]) -> None:
        self.runs.append({"figure": figure, "client": client, "size": size, **record})

    def select(self, figure: str, client: str, size: int | None = None) -> list[dict[str, Any]]:
        return [
            run
            for run in self.runs
            if run["figure"] == figure and run["client"] == client and run["size"] == size
        ]


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def run_json(command: list[str], timeout: float) -> dict[str, Any]:
    """Run one worker and return the JSON object on its last line of stdout.

    A worker that fails, times out or prints no JSON gives a record with
    `failed` set, which counts as a run with an error.
    """
    start = time.perf_counter()
    try:
        completed = subprocess.run(
            command,
            cwd=REPO,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"failed": f"timed out after {timeout:.0f} s"}
    elapsed = time.perf_counter() - start
    lines = completed.stdout.strip().splitlines()
    try:
        record: dict[str, Any] = json.loads(lines[-1])
    except (IndexError, ValueError):
        tail = (completed.stderr or completed.stdout).strip().splitlines()[-3:]
        return {"failed": f"exit code {completed.returncode}: {' | '.join(tail)[:500]}"}
    record["process_s"] = elapsed
    if completed.returncode != 0:
        record["failed"] = f"exit code {completed.returncode}"
    return record


def run_ok(record: dict[str, Any], expected: int) -> bool:
    return (
        "failed" not in record
        and record.get("errors", 0) == 0
        and record.get("wrong", 0) == 0
        and record.get("correct", 0) == expected
    )


# Figures.


def compile_bytecode() -> None:
    """Write the bytecode of both environments and of gradio_raw before timing imports.

    pip compiles it at install time, but uv does not by default, and
    PYTHONDONTWRITEBYTECODE stops Python from caching it later. Without it,
    every import would be timed as a compilation from source.
    """
    for python in (RAW_PYTHON, GRADIO_PYTHON):
        paths = subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        if python == RAW_PYTHON:
            paths.append(str(REPO / "gradio_raw"))
        subprocess.run(
            [str(python), "-m", "compileall", "-q", "-j", "0", *paths],
            stdout=subprocess.DEVNULL,
            check=False,
        )


def measure_imports(results: Results, settings: Settings, node: bool) -> None:
    targets: list[tuple[str, list[str]]] = [
        ("gradio_raw", [str(RAW_PYTHON), str(HERE / "imports.py"), "gradio_raw"]),
        ("dependencies", [str(RAW_PYTHON), str(HERE / "imports.py"), *DEPENDENCIES]),
        ("gradio_client", [str(GRADIO_PYTHON), str(HERE / "imports.py"), "gradio_client"]),
    ]
    if node:
        targets.append(("@gradio/client", node_worker("-", "import", 0)))
    for index in range(settings.import_runs):
        log(f"imports: run {index + 1}/{settings.import_runs}")
        for name, command in targets:
            results.add("import", name, None, run_json(command, 120))


def measure_clients(
    results: Results,
    workers: list[Worker],
    serve: Callable[[], AbstractContextManager[str]],
    figure: str,
    count: int,
    rounds: int,
    timeout: float,
    size: int | None,
) -> None:
    """Run every worker once per round, each round in a new client order.

    `serve` gives the app's URL for one round: a fresh server each round, or
    one shared by every round (see `main`).
    """
    for index in range(rounds):
        # Rotating the order spreads the server's warm-up and its slow-down
        # as sessions pile up evenly over the clients.
        shift = index % len(workers)
        line = []
        with serve() as url:
            for worker in workers[shift:] + workers[:shift]:
                record = run_json(worker.command(url, figure, count), timeout)
                results.add(figure, worker.name, size, record)
                line.append(f"{worker.name} {describe_run(record, figure)}")
        log(f"{figure} {size or ''} round {index + 1}/{rounds}: " + "; ".join(line))


def describe_run(record: dict[str, Any], scenario: str) -> str:
    if "failed" in record:
        return f"FAILED ({record['failed']})"
    problems = record.get("errors", 0) + record.get("wrong", 0)
    flag = f" [{problems} bad]" if problems else ""
    if scenario in ("connect", "sequential"):
        return f"{record.get('median_ms') or 0:.1f} ms{flag}"
    return f"{record.get('wall_s', 0):.2f} s{flag}"


def record_and_parse(results: Results, settings: Settings, url: str) -> None:
    SCRATCH.mkdir(exist_ok=True)
    recording = SCRATCH / "recording.json"
    log(
        f"parser: recording a {settings.record_updates}-update generator and "
        f"{settings.record_calls} concurrent calls"
    )
    command = [
        str(RAW_PYTHON),
        str(HERE / "floor_client.py"),
        url,
        "record",
        str(recording),
        "--updates",
        str(settings.record_updates),
        "--calls",
        str(settings.record_calls),
    ]
    subprocess.run(command, cwd=REPO, check=True, timeout=settings.timeout)
    log("parser: parsing the recording in memory")
    parse = [
        str(RAW_PYTHON),
        str(HERE / "parser_bench.py"),
        str(recording),
        "--repeat",
        str(settings.parser_repeat),
    ]
    results.add("parser", RAW, None, run_json(parse, settings.timeout))


# Setting up Node.


def prepare_node(skip: str | None) -> str | None:
    """Install @gradio/client into the scratch folder; return why not, or None."""
    if skip:
        return skip
    if shutil.which("node") is None or shutil.which("npm") is None:
        return "node or npm is not on PATH"
    package_json = NODE_DIR / "node_modules" / "@gradio" / "client" / "package.json"
    expected_version = JS_CLIENT_PACKAGE.rsplit("@", 1)[1]
    installed = json.loads(package_json.read_text())["version"] if package_json.exists() else None
    if installed == expected_version:
        return None
    NODE_DIR.mkdir(parents=True, exist_ok=True)
    log(f"installing {JS_CLIENT_PACKAGE} with npm into {NODE_DIR.relative_to(REPO)}/")
    completed = subprocess.run(
        [
            "npm",
            "install",
            "--no-audit",
            "--no-fund",
            "--no-save",
            "--prefix",
            ".",
            JS_CLIENT_PACKAGE,
        ],
        cwd=NODE_DIR,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        return f"npm install failed: {completed.stderr.strip()[-300:]}"
    return None


# Summaries.


def median(values: list[float]) -> float | None:
    present = [value for value in values if value is not None]
    return statistics.median(present) if present else None


def summarize(results: Results, clients: list[str], settings: Settings) -> dict[str, Any]:
    summary: dict[str, Any] = {}

    imports = {}
    for name in ("gradio_raw", "dependencies", "gradio_client", "@gradio/client"):
        runs = [run for run in results.select("import", name) if "failed" not in run]
        if runs:
            imports[name] = {
                "import_ms": median([run["import_ms"] for run in runs]),
                "rss_peak_mb": median([run["rss_peak_mb"] for run in runs]),
                "rss_bare_mb": median([run["rss_bare_mb"] for run in runs]),
                "runs": len(runs),
            }
    summary["import"] = imports

    def client_summary(figure: str, size: int | None, expected: int) -> dict[str, Any]:
        table = {}
        for client in clients:
            runs = results.select(figure, client, size)
            if not runs:
                continue
            done = [run for run in runs if "failed" not in run]
            entry: dict[str, Any] = {
                "runs": len(runs),
                "runs_ok": sum(run_ok(run, expected) for run in runs),
            }
            for key in ("first_ms", "median_ms", "p90_ms", "wall_s", "cpu_s", "rss_peak_mb"):
                value = median([run.get(key) for run in done])
                if value is not None:
                    entry[key] = value
            if figure == "generator" and size:
                entry["cpu_per_update_us"] = median(
                    [run["cpu_s"] / size * 1e6 for run in done if "cpu_s" in run]
                )
            table[client] = entry
        return table

    summary["connect"] = client_summary("connect", None, settings.connects)
    summary["sequential"] = client_summary("sequential", None, settings.sequential_calls)
    summary["concurrent"] = {
        str(size): client_summary("concurrent", size, size) for size in settings.concurrency
    }
    summary["generator"] = {
        str(size): client_summary("generator", size, 1) for size in settings.updates
    }
    # Whether memory is flat in the number of updates: the peak at the largest
    # size minus the peak at the smallest.
    if len(settings.updates) > 1:
        small, large = (
            summary["generator"][str(size)]
            for size in (min(settings.updates), max(settings.updates))
        )
        summary["generator_peak_growth_mb"] = {
            client: large[client]["rss_peak_mb"] - small[client]["rss_peak_mb"]
            for client in clients
            if "rss_peak_mb" in large.get(client, {}) and "rss_peak_mb" in small.get(client, {})
        }
    parser_runs = [run for run in results.select("parser", RAW) if "failed" not in run]
    summary["parser"] = parser_runs[0]["parser"] if parser_runs else None
    return summary


def ratio(value: float | None, floor: float | None) -> str:
    if value is None or not floor:
        return ""
    return f" ({value / floor:.2f}x)"


def format_table(summary: dict[str, Any], clients: list[str]) -> str:
    rows: list[list[str]] = [["figure", *clients]]

    def add(label: str, table: dict[str, Any], key: str, unit: str, digits: int = 1) -> None:
        floor = table.get(FLOOR, {}).get(key)
        cells = []
        for client in clients:
            value = table.get(client, {}).get(key)
            if value is None:
                cells.append("-")
            else:
                text = f"{value:.{digits}f} {unit}"
                cells.append(text + ("" if client == FLOOR else ratio(value, floor)))
        rows.append([label, *cells])

    def add_ok(label: str, table: dict[str, Any]) -> None:
        cells = []
        for client in clients:
            entry = table.get(client)
            cells.append(f"{entry['runs_ok']}/{entry['runs']}" if entry else "-")
        rows.append([label, *cells])

    add("connect, first (ms)", summary["connect"], "first_ms", "ms")
    add("connect, warm (ms)", summary["connect"], "median_ms", "ms")
    add("sequential call (ms)", summary["sequential"], "median_ms", "ms")
    add_ok("sequential runs ok", summary["sequential"])
    for size, table in summary["concurrent"].items():
        add(f"{size} concurrent: wall", table, "wall_s", "s", 2)
        add(f"{size} concurrent: CPU", table, "cpu_s", "s", 2)
        add(f"{size} concurrent: peak RSS", table, "rss_peak_mb", "MB")
        add_ok(f"{size} concurrent: runs ok", table)
    for size, table in summary["generator"].items():
        add(f"{size} updates: CPU/update", table, "cpu_per_update_us", "us")
        add(f"{size} updates: peak RSS", table, "rss_peak_mb", "MB")
        add(f"{size} updates: wall", table, "wall_s", "s", 2)
        add_ok(f"{size} updates: runs ok", table)
    growth = summary.get("generator_peak_growth_mb")
    if growth:
        sizes = sorted(int(size) for size in summary["generator"])
        rows.append(
            [f"peak RSS, {sizes[-1]} - {sizes[0]} updates"]
            + [f"{growth[client]:+.1f} MB" if client in growth else "-" for client in clients]
        )

    # Figures left out with --only have no value in any column.
    rows = [row for row in rows if any(cell != "-" for cell in row[1:])]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))

    imports = summary["import"]
    deps = imports.get("dependencies", {}).get("import_ms")
    if imports:
        lines.append("")
        lines.append("import (fresh interpreter)       time              peak RSS")
    for name, entry in imports.items():
        lines.append(
            f"  {name:<30} {entry['import_ms']:7.0f} ms{ratio(entry['import_ms'], deps):<9}"
            f" {entry['rss_peak_mb']:6.1f} MB (bare {entry['rss_bare_mb']:.1f} MB)"
        )
    parser = summary.get("parser")
    if parser:
        lines.append("")
        lines.append(
            "parser, in memory (messages/s)   "
            + "  ".join(f"{label:>10}" for label in ("sse", "sse+json", "full", "diff", "floor"))
        )
        for stream, entry in parser.items():
            cells = [
                f"{entry[label]['per_s']:10.0f}" if label in entry else f"{'-':>10}"
                for label in ("sse", "sse+json", "full", "diff", "floor")
            ]
            first = entry["sse"]["messages"]
            lines.append(f"  {stream} ({first} messages)".ljust(33) + "  ".join(cells))
    return "\n".join(lines)


def source_info() -> dict[str, Any]:
    """Return the commit measured and the package files that differ from it."""

    def git(*arguments: str) -> str:
        completed = subprocess.run(
            ["git", *arguments], cwd=REPO, capture_output=True, text=True, check=False
        )
        return completed.stdout.strip()

    return {
        "commit": git("rev-parse", "HEAD") or None,
        "modified": git("status", "--porcelain", "--", "gradio_raw").splitlines(),
    }


def machine_info() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    node = subprocess.run(["node", "--version"], capture_output=True, text=True, check=False)
    return {
        "platform": platform.platform(),
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "memory_gb": round(memory_gb, 1),
        "python": platform.python_version(),
        "node": node.stdout.strip() if shutil.which("node") else None,
        "load_average_at_start": os.getloadavg(),
    }


def positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of 1 or more, received {text!r}")
    return value


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="scripts/bench", description="Benchmark gradio-raw against its peers."
    )
    parser.add_argument("--quick", action="store_true", help="a short smoke run (about 2 minutes)")
    parser.add_argument("--rounds", type=positive, help="rounds of each measurement")
    parser.add_argument(
        "--rounds-large",
        type=positive,
        help=f"rounds at {LARGE_CONCURRENCY}+ concurrent calls",
    )
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="the JSON file")
    parser.add_argument("--no-node", action="store_true", help="leave out @gradio/client")
    parser.add_argument(
        "--clients",
        nargs="+",
        choices=[FLOOR, RAW, RAW_UNPACED, OFFICIAL, JS],
        help=(
            "measure only these clients (the floor is always kept, for the ratios); "
            f"'{RAW_UNPACED}' is gradio-raw with max_queued_jobs=None, for the "
            "concurrent figure only"
        ),
    )
    parser.add_argument(
        "--app",
        choices=["echo", "limited"],
        default="echo",
        help="'limited' runs two calls at a time, 10 ms each, like a typical Space "
        "(scripts/apps/bench_limited.py; /echo only, so use --only concurrent)",
    )
    parser.add_argument(
        "--concurrency",
        nargs="+",
        type=positive,
        help="concurrent call counts to measure (default: 200 1000, or 50 with --quick)",
    )
    parser.add_argument(
        "--only",
        nargs="+",
        choices=["import", "connect", "sequential", "concurrent", "generator", "parser"],
        help="run only these figures",
    )
    args = parser.parse_args()
    # The limited app offers /echo only, which the generator and parser figures lack.
    if args.app == "limited" and not set(args.only or ["generator"]) <= LIMITED_FIGURES:
        parser.error(
            "--app limited needs --only with figures among "
            f"{', '.join(sorted(LIMITED_FIGURES))}, received {args.only or 'every figure'}"
        )
    return args


LIMITED_FIGURES = {"import", "connect", "sequential", "concurrent"}


def main() -> int:
    args = parse_args()
    # A SIGTERM (from `timeout`, say) unwinds like Ctrl-C, so that every
    # server this run started is stopped on the way out.
    signal.signal(signal.SIGTERM, lambda number, frame: sys.exit(128 + number))
    settings = QUICK if args.quick else FULL
    if args.rounds:
        settings.rounds = settings.rounds_generator = args.rounds
    if args.rounds_large:
        settings.rounds_large = args.rounds_large
    if args.concurrency:
        settings.concurrency = args.concurrency
    figures = set(
        args.only or ["import", "connect", "sequential", "concurrent", "generator", "parser"]
    )

    selected = {FLOOR, *(args.clients or [FLOOR, RAW, OFFICIAL, JS])}
    skip_node = None
    if args.no_node:
        skip_node = "--no-node was given"
    elif JS not in selected:
        skip_node = "not among --clients"
    node_missing = prepare_node(skip_node)
    if node_missing:
        log(f"leaving out @gradio/client: {node_missing}")
    workers = [
        Worker(FLOOR, python_worker(RAW_PYTHON, "floor_client.py")),
        Worker(RAW, python_worker(RAW_PYTHON, "raw_client.py")),
        Worker(RAW_UNPACED, python_worker(RAW_PYTHON, "raw_client.py", "--unpaced")),
        Worker(OFFICIAL, python_worker(GRADIO_PYTHON, "official_client.py")),
    ]
    if not node_missing:
        workers.append(Worker(JS, node_worker))
    workers = [worker for worker in workers if worker.name in selected]
    clients = [worker.name for worker in workers]

    results = Results(settings=vars(settings) | {"quick": args.quick})
    started = time.time()
    machine = machine_info()
    source = source_info()
    log("compiling bytecode in both environments")
    compile_bytecode()
    if "import" in figures:
        measure_imports(results, settings, node=not node_missing)

    server: dict[str, Any] = {}

    app_file = "bench_limited.py" if args.app == "limited" else "bench.py"
    app_path = str(REPO / "scripts" / "apps" / app_file)

    @contextmanager
    def fresh_server() -> Iterator[str]:
        with running_app(app_path, python=str(GRADIO_PYTHON)) as app:
            server["gradio"] = app.gradio_version
            yield app.url

    shared: dict[str, str] = {}

    @contextmanager
    def shared_server() -> Iterator[str]:
        yield shared["url"]

    # A Gradio server slows down as finished sessions pile up (a fresh one
    # answered 200 concurrent calls about twice as fast as one that had served
    # twenty such bursts), so in a full run every round of the heavy figures
    # gets a fresh server. Connect and sequential rounds share one server per
    # figure, and a quick run shares one server for everything.
    per_round = shared_server if args.quick else fresh_server

    def measure(figure: str, count: int, rounds: int, size: int | None, heavy: bool) -> None:
        serve = per_round if heavy else shared_server
        measure_clients(results, workers, serve, figure, count, rounds, settings.timeout, size)

    # Each group is (whether it uses the shared server, what it runs).
    groups: list[tuple[bool, Callable[[], None]]] = []
    if "connect" in figures:
        groups.append(
            (True, lambda: measure("connect", settings.connects, settings.rounds, None, False))
        )
    if "sequential" in figures:
        groups.append(
            (
                True,
                lambda: measure(
                    "sequential", settings.sequential_calls, settings.rounds, None, False
                ),
            )
        )
    if "concurrent" in figures:
        for size in settings.concurrency:
            rounds = settings.rounds_large if size >= LARGE_CONCURRENCY else settings.rounds
            groups.append(
                (
                    False,
                    lambda size=size, rounds=rounds: measure(
                        "concurrent", size, rounds, size, True
                    ),
                )
            )
    if "generator" in figures:
        for size in settings.updates:
            groups.append(
                (
                    False,
                    lambda size=size: measure(
                        "generator", size, settings.rounds_generator, size, True
                    ),
                )
            )
    if "parser" in figures:
        groups.append((True, lambda: record_and_parse(results, settings, shared["url"])))

    if args.quick:
        with fresh_server() as url:
            shared["url"] = url
            for _, group in groups:
                group()
    else:
        for uses_shared, group in groups:
            if not uses_shared:
                group()
                continue
            with fresh_server() as url:
                shared["url"] = url
                group()

    summary = summarize(results, clients, settings)
    versions = {
        "gradio (server)": server.get("gradio"),
        **{
            run["client"]: run.get("version")
            for run in results.runs
            if run.get("version") and run["client"] in clients
        },
    }
    document = {
        "command": " ".join(["scripts/bench", *sys.argv[1:]]),
        "machine": machine,
        "gradio_raw_source": source,
        "versions": versions,
        "node_left_out": node_missing,
        "duration_s": round(time.time() - started),
        "summary": summary,
        "settings": results.settings,
        "runs": results.runs,
    }
    args.output.write_text(json.dumps(document, indent=2) + "\n")

    print(f"machine: {machine['cpu']}, {machine['cpus']} CPUs, Python {machine['python']}")
    print("versions: " + ", ".join(f"{name} {version}" for name, version in versions.items()))
    print(format_table(summary, clients))
    print(f"\nresults written to {args.output}  ({document['duration_s']} s)")

    # The peers may fail on their own. A failed run of gradio-raw or of the
    # floor means the benchmark itself is broken, so CI's smoke run fails.
    broken = [
        run
        for run in results.runs
        if run["client"] in (FLOOR, RAW)
        and ("failed" in run or run.get("errors") or run.get("wrong"))
    ]
    for run in broken:
        detail = run.get("failed") or run.get("error_samples")
        print(f"failed: {run['client']} {run['figure']} {run['size'] or ''}: {detail}")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
