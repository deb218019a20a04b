"""``python -m content.demodata OUT [--scale N] [--seed S] [--variant 2025|2027]``"""

from __future__ import annotations

import argparse
import sys

from content.demodata.generate import VARIANTS, generate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m content.demodata",
        description="Einen synthetischen Beispieldatensatz (80 Schulen nach Bochumer Muster) erzeugen.",
    )
    parser.add_argument("out", metavar="OUT", help="Zielordner")
    parser.add_argument("--scale", type=int, default=1, help="Vielfaches der 80 Schulen (Standard: 1)")
    parser.add_argument("--seed", type=int, default=2025, help="Startwert des Zufallsgenerators (Standard: 2025)")
    parser.add_argument("--variant", choices=VARIANTS, default="2025", help="Fortschreibung 2025 oder 2027")
    args = parser.parse_args(argv)
    if args.scale < 1:
        parser.error("--scale muss mindestens 1 sein")
    out = generate(args.out, scale=args.scale, seed=args.seed, variant=args.variant)
    print(f"Beispieldaten ({args.variant}, {80 * args.scale} Schulen) in {out} geschrieben.", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
