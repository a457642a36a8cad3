"""`xinyong keys init`: create var/secret.key and var/data.key for a demo or a new site.

Existing files are never overwritten: replacing the data key would make every stored
ID number unreadable. The keys themselves are never printed.
"""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser


def _write_once(path: Path, content: str) -> bool:
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(content + "\n")
    return True


class Command(BaseCommand):
    help = "Create the secret key and the personal-data key under the var directory."
    requires_system_checks: list[str] = []  # it exists to fix what the checks report

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("init", help="create missing key files (never overwrites)")

    def handle(self, *args: Any, **options: Any) -> None:
        var = Path(settings.VAR_DIR)
        files = {
            var / "secret.key": secrets.token_urlsafe(50),
            var / "data.key": base64.b64encode(secrets.token_bytes(32)).decode("ascii"),
        }
        for path, content in files.items():
            state = "created" if _write_once(path, content) else "kept"
            self.stdout.write(f"{state}\t{path}")
