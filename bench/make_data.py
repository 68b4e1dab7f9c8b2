"""Build a synthetic city for the benchmarks in an empty database (after `db upgrade` and `seed`).

    DATABASE_URL=postgresql://... .venv/bin/python bench/make_data.py --employees 15000 [--opds 45] [--seed 1]

Not a command of the portal: production has no use for it (bench/data.py does the work).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import data  # noqa: E402
from portal import create_app  # noqa: E402
from portal.extensions import db  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=15000, help="employees in the city (Padang: about 15,000)")
    parser.add_argument("--opds", type=int, default=45, help="OPDs: Padang's, then numbered extras")
    parser.add_argument("--seed", type=int, default=1, help="random seed (same seed, same city)")
    args = parser.parse_args(argv)
    if args.employees < 15 or args.opds < 1:
        parser.error("at least 15 employees and 1 OPD")
    with create_app().app_context():
        print(f"Building a city of {args.employees} employees in {args.opds} OPDs (seed {args.seed})...")
        try:
            report = data.build(args.employees, args.opds, args.seed, echo=print)
        except data.BenchDataError as exc:
            db.session.rollback()
            print(f"Error: {exc}", file=sys.stderr)
            return 1
        db.session.commit()
        for line in report.lines():
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
