"""What a scenario costs on top of the base computation, in one process, on the demo data.

Run by hand, never by the test suite:

    .venv/bin/python bench/scenario.py [--repeat 5]

Measured in one warm process (data set read, plugins imported, fonts loaded):

- *base*: every figure of the demo data set, charts included (what a regeneration does);
- *scenario, figures*: the same for a scenario (ipad_pupils six years): only the charts
  whose data changed are drawn again, the others come from the chart cache;
- *compare*: the base and the scenario, numbers only (what ``mep compare`` does after reading);
- *what if*: the finance plugin alone, no charts (what a reader's "Was wäre, wenn …?" costs on a cache miss).

Each is the median of ``--repeat`` runs; results go to stdout as a Markdown table.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from content.demodata import generate  # noqa: E402
from portal.engine import rendering  # noqa: E402
from portal.engine.comparison import compare, sides, summary_sentence  # noqa: E402
from portal.engine.compute import compute_figures  # noqa: E402
from portal.engine.dataset import load_dataset  # noqa: E402
from portal.engine.plugins import get_plugin_manager  # noqa: E402
from portal.engine.scenario import Scenario, apply_scenario  # noqa: E402


def median_seconds(run, repeat: int, before=None) -> float:
    times = []
    for _ in range(repeat):
        if before is not None:
            before()
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = generate(Path(tmp) / "data", variant="2025")
        pm = get_plugin_manager()
        dataset = load_dataset(folder, pm=pm)
        scenario = Scenario(name="bench", useful_life_years={"ipad_pupils": 6}, file="longer.toml")
        changed = apply_scenario(dataset, scenario)
        finance = get_plugin_manager(only={"finance"})
        compute_figures(dataset, pm)  # warm up: imports, fonts

        def with_base_drawn():
            rendering._drawn.clear()
            compute_figures(dataset, pm)

        rows = [
            ("base, all figures with charts (empty chart cache)", median_seconds(lambda: compute_figures(dataset, pm), args.repeat, rendering._drawn.clear)),
            ("scenario, all figures with charts (base drawn before)", median_seconds(lambda: compute_figures(changed, pm), args.repeat, with_base_drawn)),
            ("compare: base and scenario, numbers only", median_seconds(lambda: (lambda b, s: summary_sentence(b, s[0], compare(b, s)))(*sides(dataset, [scenario], pm)), args.repeat)),
            ("what if: finance only, no charts", median_seconds(lambda: _whatif(changed, finance), args.repeat)),
        ]
    print("| run | median (s) |\n|---|---|")
    for name, seconds in rows:
        print(f"| {name} | {seconds:.3f} |")


def _whatif(dataset, pm) -> None:
    with rendering.without_charts():
        compute_figures(dataset, pm)


if __name__ == "__main__":
    main()
