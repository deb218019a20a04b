"""Time ``mep import-assets`` on a synthetic 100,000-asset Snipe-IT export, generated on the fly.

Run by hand, never by the test suite:

    .venv/bin/python bench/assets.py [--assets 100000] [--repeat 3]

The export is shaped like Snipe-IT's CSV export (20 columns, quoted fields,
notes with line breaks, ISO dates with and without time, German dates, a
BOM, archived assets to skip) over 800 locations and 14 models. Each run is
a fresh process, as a planner would start it, so the time includes starting
Python. Results go to stdout as a Markdown table.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEADER = (
    "ID", "Company", "Asset Name", "Asset Tag", "Model", "Model No.", "Category", "Status", "Checked Out To",
    "Location", "Serial", "Purchase Date", "Purchase Cost", "Order Number", "Supplier", "Manufacturer",
    "Notes", "Warranty", "Created At", "Updated At",
)  # fmt: skip
MODELS = (
    ("iPad 10th gen", "ipad_pupils"), ("iPad 9th gen", "ipad_pupils"), ("iPad Air", "ipad_teachers"),
    ("Clevertouch UX Pro 75", "displays"), ("iMac 24", "imacs"), ("MacBook Air M2", "macs"),
    ("Mac mini M2", "macs"), ("Brother HL-L5100", "printers"), ("ThinkPad L14", "notebooks"),
    ("Aruba AP-515", "network"), ("Dell OptiPlex 7010", "pcs"), ("Epson EB-W49", "beamers"),
    ("Logitech Crayon", "peripherals"), ("HP LaserJet MFP", "peripherals"),
)  # fmt: skip
STATUSES = ("Deployed", "Deployed", "Deployed", "Ready to Deploy", "Pending", "Archived", "Ausgemustert")
LOCATIONS = 800


def write_export(path: Path, assets: int, seed: int = 2025) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, quoting=csv.QUOTE_ALL)
        writer.writerow(HEADER)
        for number in range(1, assets + 1):
            model = rng.choice(MODELS)[0]
            year, month, day = rng.randint(2014, 2024), rng.randint(1, 12), rng.randint(1, 28)
            date = rng.choice(
                (f"{year}-{month:02d}-{day:02d}", f"{year}-{month:02d}-{day:02d} 00:00:00", f"{day:02d}.{month:02d}.{year}")
            )
            notes = "Synthetisch\nzweite Zeile" if number % 50 == 0 else ""
            writer.writerow((
                number, "Beispielstadt (synthetisch)", f"BEISPIEL-{number:06d}", f"B{number:07d}", model, "X-1",
                "Tablets", rng.choice(STATUSES), "", f"Beispielschule {rng.randint(1, LOCATIONS):03d}",
                f"SN{rng.getrandbits(40):010x}", date, "449.00", f"PO-{number % 977}", "Beispiel GmbH", "Beispiel",
                notes, "36 months", "2024-01-01 08:00:00", "2024-06-01 08:00:00",
            ))  # fmt: skip


def write_mapping(path: Path) -> None:
    lines = ["[schools]"]
    lines += [f'"Beispielschule {n:03d}" = "S{n:03d}"' for n in range(1, LOCATIONS + 1)]
    lines += ["", "[product_groups]"]
    lines += [f'"{model}" = "{group}"' for model, group in MODELS]
    lines += ["", "[skip]", 'statuses = ["Archived", "Ausgemustert"]', ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assets", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root)}
    with tempfile.TemporaryDirectory(prefix="mep-bench-assets-") as tmp:
        folder = Path(tmp)
        export, mapping, out = folder / "export.csv", folder / "mapping.toml", folder / "inventory.csv"
        write_export(export, args.assets)
        write_mapping(mapping)
        command = [
            sys.executable, "-m", "portal.engine.cli", "import-assets", str(export),
            "--mapping", str(mapping), "--format", "snipeit", "--out", str(out),
        ]  # fmt: skip
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            done = subprocess.run(command, capture_output=True, text=True, env=env)
            times.append(time.perf_counter() - started)
            if done.returncode != 0:
                raise SystemExit(f"mep import-assets fehlgeschlagen ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        rows = len(out.read_text(encoding="utf-8").splitlines()) - 1
        size = export.stat().st_size / 1024 / 1024
    print(f"Maschine: {platform.processor() or platform.machine()}, {os.cpu_count()} Kerne, Python {platform.python_version()}")
    print()
    print("| Export | Größe | inventory.csv | Median | schnellster Lauf |")
    print("|---|---|---|---|---|")
    print(
        f"| {args.assets:,} Geräte | {size:.1f} MB | {rows:,} Zeilen | {statistics.median(times):.2f} s | {min(times):.2f} s |"
    )


if __name__ == "__main__":
    main()
