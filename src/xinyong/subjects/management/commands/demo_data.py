"""`xinyong demo-data --subjects N --seed S`: realistic demo subjects, streamed in batches."""

from __future__ import annotations

import argparse
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from xinyong.core import audit
from xinyong.core.errors import XinyongError
from xinyong.subjects import demo

SUMMARY_ZH = (
    "生成 %(count)d 个主体（组织 %(organisation)d，个体工商户 %(individual_business)d，"
    "自然人 %(person)d），新增 %(inserted)d 个，用时 %(seconds).1f 秒"
)
SUMMARY_EN = (
    "generated %(count)d subjects (%(organisation)d organisations, "
    "%(individual_business)d individual businesses, %(person)d persons), "
    "%(inserted)d new, in %(seconds).1f s"
)
PROGRESS_ZH = "已生成 %(done)d / %(total)d 个主体"
PROGRESS_EN = "generated %(done)d of %(total)d subjects"
BAR_ZH = "生成演示主体"
BAR_EN = "generating demo subjects"


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _count(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must not be negative")
    return value


class Command(BaseCommand):
    help = "Generate realistic, deterministic demo subjects (演示主体) for Yunnan."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--subjects", type=_count, required=True, help="how many")
        parser.add_argument("--seed", type=int, default=1, help="same seed, same subjects")
        parser.add_argument(
            "--batch-size", type=_positive, default=5000, help="rows per transaction"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count, seed = options["subjects"], options["seed"]
        kinds: Counter[str] = Counter()
        started = time.perf_counter()
        try:
            with self._progress(count) as progress:
                inserted = demo.insert_subjects(
                    count, seed, batch_size=options["batch_size"], progress=progress, kinds=kinds
                )
        except XinyongError as exc:
            raise CommandError(exc.bilingual()) from None
        seconds = time.perf_counter() - started
        counts = {
            kind: kinds[kind] for kind in (demo.ORGANISATION, demo.INDIVIDUAL_BUSINESS, demo.PERSON)
        }
        # Counts and the seed only: the generated ID numbers never leave the database.
        audit.record(
            "xinyong.demo.generated",
            audit.Actor.cli(),
            data={"seed": seed, "requested": count, "inserted": inserted, "kinds": counts},
        )
        params = {"count": count, "inserted": inserted, "seconds": seconds, **counts}
        self.stdout.write(f"{SUMMARY_ZH % params} / {SUMMARY_EN % params}")

    @contextmanager
    def _progress(self, total: int) -> Iterator[Callable[[int], None]]:
        """A rich bar on a terminal; otherwise a plain line at every tenth."""
        if not self.stdout.isatty():
            yield self._plain_progress(total)
            return
        columns = (
            TextColumn(f"{BAR_ZH} / {BAR_EN}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
        )
        with Progress(*columns) as bar:
            task = bar.add_task("demo", total=total)
            yield lambda done: bar.update(task, completed=done)

    def _plain_progress(self, total: int) -> Callable[[int], None]:
        reported = [0]

        def report(done: int) -> None:
            tenth = done * 10 // max(total, 1)
            if tenth > reported[0] or done == total:
                reported[0] = max(tenth, reported[0])
                params = {"done": done, "total": total}
                self.stdout.write(f"{PROGRESS_ZH % params} / {PROGRESS_EN % params}")

        return report
