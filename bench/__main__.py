"""`python -m bench [--only checks|evaluation|fuzzy|ingest|portal|search]
[--db sqlite|postgres|both] …`.

See each benchmark's module for its options.
"""

from __future__ import annotations

import argparse
import sys

from bench import checks, evaluation, fuzzy, ingest, portal, search

BENCHMARKS = {
    "checks": checks.main,
    "evaluation": evaluation.main,
    "fuzzy": fuzzy.main,
    "ingest": ingest.main,
    "portal": portal.main,
    "search": search.main,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--only", choices=sorted(BENCHMARKS), action="append", help="run only this benchmark"
    )
    ingest.add_arguments(parser)
    search.add_arguments(parser)
    portal.add_arguments(parser)
    fuzzy.add_arguments(parser)
    checks.add_arguments(parser)
    evaluation.add_arguments(parser)
    args = parser.parse_args(argv)
    for name in args.only or sorted(BENCHMARKS):
        status = BENCHMARKS[name](args)
        if status:
            return status
    return 0


if __name__ == "__main__":
    sys.exit(main())
