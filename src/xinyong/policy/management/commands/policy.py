"""`xinyong policy load DIR`, `xinyong policy check DIR`, `xinyong policy show WHAT`."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Sequence
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from ninja import Schema
from rich.console import Console
from rich.table import Table

from xinyong.core.audit import Actor
from xinyong.lists import schemas as list_schemas
from xinyong.policy import schemas
from xinyong.policy.loader import load_pack
from xinyong.policy.reader import PackInvalid, read_pack

SHOWABLE: dict[str, Callable[[], Sequence[Schema]]] = {
    "campaigns": schemas.campaigns,
    "units": schemas.units,
    "regions": schemas.regions,
    "catalogue": schemas.record_types,
    "rules": schemas.rules,
    "lists": list_schemas.credit_lists,
    "scenes": list_schemas.scenes,
    "measures": list_schemas.measures,
    "memoranda": list_schemas.memoranda,
}
TABLE_COLUMNS = {
    "campaigns": ("number", "name", "lead", "participants"),
    "units": ("code", "short_name", "name", "kind", "region_name"),
    "regions": ("code", "name", "level", "parent"),
    "catalogue": ("code", "name", "category", "nature"),
    "rules": ("key", "kind", "name", "effective_from", "effective_to"),
    "lists": ("code", "name", "kind", "owner", "public"),
    "scenes": ("code", "name"),
    "measures": ("code", "name", "kind", "scenes"),
    "memoranda": ("code", "name", "kind", "lists"),
}


class Command(BaseCommand):
    help = "Check, load and show the policy pack (政策包)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        for name in ("load", "check"):
            sub.add_parser(name, help=f"{name} a pack folder").add_argument("directory")
        show = sub.add_parser("show", help="print what is loaded")
        show.add_argument("what", choices=sorted(SHOWABLE))
        show.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "show":
            self._show(options["what"], options["format"])
            return
        try:
            if action == "check":
                pack = read_pack(options["directory"])
                self.stdout.write(f"ok\t{pack.manifest.id} {pack.manifest.version}\t{pack.digest}")
            else:
                self._load(options["directory"])
        except PackInvalid as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(exc.bilingual()) from None

    def _load(self, directory: str) -> None:
        result = load_pack(directory, Actor.cli())
        manifest = result.pack.manifest
        if not result.changed:
            self.stdout.write(f"未变更 / unchanged: {manifest.id} {manifest.version}")
            return
        self.stdout.write(f"已载入 / loaded: {manifest.id} {manifest.version}")
        for label, counts in result.summary.items():
            parts = ", ".join(f"{outcome} {count}" for outcome, count in sorted(counts.items()))
            self.stdout.write(f"  {label}: {parts}")

    def _show(self, what: str, output: str) -> None:
        items = [item.model_dump(mode="json") for item in SHOWABLE[what]()]
        if output == "json":
            self.stdout.write(json.dumps(items, ensure_ascii=False, indent=2))
            return
        table = Table(*TABLE_COLUMNS[what])
        for item in items:
            table.add_row(*(_cell(item[column]) for column in TABLE_COLUMNS[what]))
        buffer = io.StringIO()
        Console(file=buffer, width=160).print(table)
        self.stdout.write(buffer.getvalue(), ending="")


def _cell(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("short_name", value))
    if isinstance(value, list):
        return "、".join(
            item.get("short_name", str(item)) if isinstance(item, dict) else str(item)
            for item in value
        )
    return "" if value is None else str(value)
