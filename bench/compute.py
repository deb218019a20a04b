"""Time ``mep compute`` against the bare import of pandas, matplotlib and pluggy, in one run.

Run by hand, never by the test suite:

    .venv/bin/python bench/compute.py [--scales 1 100] [--repeat 5] [--jobs N]

Every measurement is a fresh process, so the times include starting Python
and importing, as a planner would see them:

- *bare import*: ``python -c "import pandas, matplotlib, pluggy"``, the floor
  any run of the engine stands on;
- ``mep compute`` (charts included) on the demo data (80 schools) and on the
  same generator scaled up (``--scales 100``: 8,000 schools).

The measurements take turns (bare, 80, 8,000, bare, …), so a busy machine
slows all of them alike; each is given as the median of ``--repeat`` runs,
and ``mep compute`` also as a ratio to the bare import's median, the figure
the engine's goals are set in. The CPU time (user and system, the process
and its chart workers) says how much work a run is, whatever else the
machine does: on a busy machine the wall-clock times and their ratios
suffer, the CPU times hardly. Results go to stdout as a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from content.demodata import generate

#: mep compute at most this many times the bare import (issue 10, point 6)
GOALS = {1: 1.3, 100: 2.5}
BARE_IMPORT = "import pandas, matplotlib, pluggy"


def timed(command: list[str]) -> tuple[float, float]:
    """Wall-clock seconds and CPU seconds (user + system, the process and every worker it waited for)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} fehlgeschlagen ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def compute_command(data: Path, out: Path, jobs: int | None) -> list[str]:
    command = [sys.executable, "-m", "portal.engine.cli", "compute", str(data), "--out", str(out)]
    return command if jobs is None else [*command, "--jobs", str(jobs)]


def german(value: float, decimals: int = 2) -> str:
    return f"{value:,.{decimals}f}".replace(",", "\0").replace(".", ",").replace("\0", ".")


def main() -> int:
    parser = argparse.ArgumentParser(description="mep compute im Verhältnis zum bloßen Import messen")
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 100], help="Vielfache der 80 Schulen")
    parser.add_argument("--repeat", type=int, default=5, help="Läufe je Messung (Median)")
    parser.add_argument("--jobs", type=int, default=None, help="an mep compute --jobs weitergeben")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="mep-bench-"))
    try:
        data = {}
        for scale in args.scales:
            data[scale] = generate(work / f"data-{scale}", scale=scale)
        # one untimed run of each first: the font cache, the .pyc files and the page cache are warm for all
        timed([sys.executable, "-c", BARE_IMPORT])
        for scale in args.scales:
            timed(compute_command(data[scale], work / f"out-{scale}", args.jobs))

        bare: list[float] = []
        bare_cpu: list[float] = []
        runs: dict[int, list[float]] = {scale: [] for scale in args.scales}
        cpu: dict[int, list[float]] = {scale: [] for scale in args.scales}
        for _ in range(args.repeat):
            wall, seconds = timed([sys.executable, "-c", BARE_IMPORT])
            bare.append(wall)
            bare_cpu.append(seconds)
            for scale in args.scales:
                wall, seconds = timed(compute_command(data[scale], work / f"out-{scale}", args.jobs))
                runs[scale].append(wall)
                cpu[scale].append(seconds)

        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(
            f"Rechner: {platform.machine()}, {os.cpu_count()} Kerne, Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}; Last zuletzt {german(load, 1)}"
        )
        print()
        print(
            f"| Messung | Inventarzeilen | Daten | Median von {args.repeat} | Spanne | × bloßer Import | Ziel "
            "| CPU-Zeit (Median) | × CPU-Zeit des Imports |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        median_bare = statistics.median(bare)
        median_bare_cpu = statistics.median(bare_cpu)
        print(
            f"| bloßer Import (pandas, matplotlib, pluggy) | – | – | {german(median_bare)} s | "
            f"{german(min(bare))}–{german(max(bare))} s | 1,00 | – | {german(median_bare_cpu)} s | 1,00 |"
        )
        for scale in args.scales:
            rows = sum(1 for _ in open(data[scale] / "inventory.csv", encoding="utf-8")) - 1
            size = sum(p.stat().st_size for p in data[scale].iterdir())
            median = statistics.median(runs[scale])
            goal = GOALS.get(scale)
            print(
                f"| mep compute, {german(80 * scale, 0)} Schulen | {german(rows, 0)} | {german(size / 1e6, 1)} MB | "
                f"{german(median)} s | {german(min(runs[scale]))}–{german(max(runs[scale]))} s | "
                f"{german(median / median_bare)} | {'≤ ' + german(goal, 1) if goal else '–'} | "
                f"{german(statistics.median(cpu[scale]))} s | {german(statistics.median(cpu[scale]) / median_bare_cpu)} |"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
