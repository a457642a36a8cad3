"""`xinyong search rebuild [--batch-size N]`: recreate the name index from the subjects.

Needed after loading subjects by a path that does not index them (fixtures, SQL), or
to drop the postings deleted subjects left behind. One transaction: searches see the
old index until it commits. Progress goes to stdout, a line at every tenth.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xinyong.search.index import rebuild

PROGRESS_ZH = "已索引 %(done)d / %(total)d 个主体"
PROGRESS_EN = "indexed %(done)d of %(total)d subjects"
SUMMARY_ZH = "名称索引已重建：%(subjects)d 个主体，%(postings)d 条索引，用时 %(seconds).1f 秒"
SUMMARY_EN = "name index rebuilt: %(subjects)d subjects, %(postings)d postings, in %(seconds).1f s"


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


class Command(BaseCommand):
    help = "Maintain the subject name index (主体名称索引)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        rebuild_parser = sub.add_parser("rebuild", help="recreate the index from the subjects")
        rebuild_parser.add_argument(
            "--batch-size", type=_positive, default=5000, help="subjects read per query"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        seen = [0]
        postings = rebuild(batch_size=options["batch_size"], progress=self._progress(seen))
        params = {
            "subjects": seen[0],
            "postings": postings,
            "seconds": time.perf_counter() - started,
        }
        self.stdout.write(f"{SUMMARY_ZH % params} / {SUMMARY_EN % params}")

    def _progress(self, seen: list[int]) -> Callable[[int, int], None]:
        reported = [-1]

        def report(done: int, total: int) -> None:
            seen[0] = done
            tenth = done * 10 // max(total, 1)
            if tenth > reported[0] or done == total:
                reported[0] = tenth
                params = {"done": done, "total": total}
                self.stdout.write(f"{PROGRESS_ZH % params} / {PROGRESS_EN % params}")

        return report
