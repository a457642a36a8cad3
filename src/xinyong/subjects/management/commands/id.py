"""`xinyong id check --kind uscc|id CODE...`: check codes as the platform would accept them.

One line per code, in the order given: `CODE<TAB>ok`, or `CODE<TAB>error-code<TAB>中文 /
English`, where CODE is the input exactly as given. A CODE of `-` reads one code per line
from standard input (a column pasted from a spreadsheet); blank lines are reported as
empty codes, so output lines stay aligned with input rows. Exit status 1 if any code is
bad, 0 otherwise. Nothing is stored and no database is needed.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandParser

from xinyong.subjects.identifiers import IdentifierError, check_id_number, check_uscc

CHECKERS: dict[str, Callable[[str], str]] = {"uscc": check_uscc, "id": check_id_number}
STDIN = "-"


def _codes(arguments: Iterable[str], stdin: TextIO) -> Iterator[str]:
    for argument in arguments:
        if argument == STDIN:
            yield from (line.rstrip("\r\n") for line in stdin)
        else:
            yield argument


def _report(code: str, checker: Callable[[str], str]) -> tuple[bool, str]:
    try:
        checker(code)
    except IdentifierError as error:
        return False, f"{code}\t{error.code}\t{error.bilingual()}"
    return True, f"{code}\tok"


class Command(BaseCommand):
    help = "Check identifiers (统一社会信用代码, 身份证号码)."
    requires_system_checks: list[str] = []
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("check", help="check codes; exit status 1 if any is bad")
        check.add_argument("--kind", choices=sorted(CHECKERS), required=True)
        check.add_argument("codes", nargs="+", metavar="CODE", help="a code, or - for stdin")

    def handle(self, *args: Any, **options: Any) -> None:
        checker = CHECKERS[options["kind"]]
        all_good = True
        for code in _codes(options["codes"], options.get("stdin") or sys.stdin):
            good, line = _report(code, checker)
            all_good = all_good and good
            self.stdout.write(line)
        if not all_good:
            raise SystemExit(1)
