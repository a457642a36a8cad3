"""`xinyong audit verify`: walk the hash chain and report every break."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xinyong.core import audit


class Command(BaseCommand):
    help = "Verify the audit log's hash chain (审计日志校验)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="check every event and the chain head")

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit.verify()
        for problem in result.problems:
            self.stderr.write(f"broken\t{problem}")
        if not result.ok:
            self.stdout.write(
                f"审计日志已被篡改 / audit log tampered: {len(result.problems)} "
                f"problem(s) in {result.checked} events"
            )
            sys.exit(1)
        self.stdout.write(
            f"ok\t{result.checked} events\thead #{result.head_seq} {result.head_hash}"
        )
