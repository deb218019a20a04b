"""Time ``mep compute`` on the demo data and on the same data scaled 100× (8,000 schools).

Run by hand, never by the test suite:

    .venv/bin/python bench/compute.py [--scales 1 100] [--repeat 3]

Each run is a fresh ``mep compute`` process, so the times include starting
Python and importing pandas and matplotlib, as a planner would see them.
Results go to stdout as a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from content.demodata import generate

AIMS = {1: 3.0, 100: 15.0}  # seconds, from the issue


def time_compute(data: Path, out: Path) -> float:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "portal.engine.cli", "compute", str(data), "--out", str(out)],
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"mep compute fehlgeschlagen ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description="mep compute auf Beispieldaten messen")
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 100])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="mep-bench-"))
    try:
        print(f"Rechner: {platform.processor() or platform.machine()}, {os.cpu_count()} Kerne, "
              f"Python {platform.python_version()}, {platform.system()} {platform.release()}")
        print()
        print(f"| Schulen | Inventarzeilen | Dateigröße | mep compute (bester von {args.repeat}) | Median | Ziel |")
        print("|---:|---:|---:|---:|---:|---:|")
        for scale in args.scales:
            data = generate(work / f"data-{scale}", scale=scale)
            rows = sum(1 for _ in open(data / "inventory.csv", encoding="utf-8")) - 1
            size = sum(p.stat().st_size for p in data.iterdir())
            times = sorted(time_compute(data, work / f"out-{scale}") for _ in range(args.repeat))
            aim = AIMS.get(scale)
            print(
                f"| {80 * scale:,} | {rows:,} | {size / 1e6:.1f} MB | {times[0]:.2f} s | "
                f"{times[len(times) // 2]:.2f} s | {'< %g s' % aim if aim else '–'} |".replace(",", ".")
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
