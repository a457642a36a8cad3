"""The policy pack, loaded once per test session and restored into each test that asks.

A real `load_pack` on an empty database is about two thousand queries (0.75 s on SQLite,
several seconds on PostgreSQL under load), and most tests want the pack. The session
loads it once inside a transaction, keeps the rows it wrote (model instances, every
table, audit events included), and rolls back; `restore` then writes those rows with one
bulk insert per table, in a transaction (foreign keys are checked at commit, so table
order does not matter), and moves PostgreSQL's sequences past them. The database ends up
as the real load left it, to the primary key and the audit chain's hashes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, models, transaction

from xinyong.core.audit import Actor
from xinyong.lists import checks
from xinyong.policy.loader import LoadResult, load_pack


@dataclass
class PackSnapshot:
    result: LoadResult
    rows: dict[type[models.Model], list[models.Model]]

    @classmethod
    def take(cls, directory: Path) -> PackSnapshot:
        every = [
            model
            for model in apps.get_models(include_auto_created=True)
            if model._meta.managed and not model._meta.proxy  # one entry per table
        ]
        with transaction.atomic():
            before = {m: set(m._base_manager.values_list("pk", flat=True)) for m in every}
            result = load_pack(directory, Actor.cli())
            rows = {}
            for model in every:
                written = [
                    o for o in model._base_manager.order_by("pk") if o.pk not in before[model]
                ]
                if written:
                    rows[model] = written
            transaction.set_rollback(True)
        checks.reset_cache()
        return cls(result, rows)

    def restore(self) -> LoadResult:
        with transaction.atomic():
            for model, objects in self.rows.items():
                model._base_manager.bulk_create(objects)
            statements = connection.ops.sequence_reset_sql(no_style(), list(self.rows))
            if statements:
                with connection.cursor() as cursor:
                    for statement in statements:
                        cursor.execute(statement)
        # The check service keeps the pack's lists and measures keyed by the latest pack
        # load, which is the same row in every test: forget what an earlier test read.
        checks.reset_cache()
        return self.result
