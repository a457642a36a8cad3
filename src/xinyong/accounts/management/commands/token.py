"""`xinyong token create --unit CODE --scope S…`, `token list`, `token revoke PREFIX`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xinyong.accounts import tokens
from xinyong.accounts.models import ApiToken
from xinyong.accounts.roles import Scope
from xinyong.core.audit import Actor
from xinyong.core.errors import XinyongError


class Command(BaseCommand):
    help = "Manage API tokens of units (接口令牌)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a token; it is printed once")
        create.add_argument("--unit", required=True, help="the unit's code")
        create.add_argument("--scope", required=True, nargs="+", choices=Scope.values)
        create.add_argument("--name", default="")
        sub.add_parser("list", help="list tokens (never their secrets)")
        revoke = sub.add_parser("revoke", help="revoke a token by its prefix")
        revoke.add_argument("prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except XinyongError as exc:
            raise CommandError(f"{exc.code}: {exc.bilingual()}") from None

    def _create(self, options: dict[str, Any]) -> None:
        token, secret = tokens.create_token(
            options["unit"], options["scope"], Actor.cli(), name=options["name"]
        )
        # The secret alone on the first line, so a script can capture it.
        self.stdout.write(secret)
        self.stderr.write(
            f"令牌只显示这一次 / shown once: prefix {token.prefix}, unit "
            f"{token.unit.code}, scopes {' '.join(token.scopes)}"
        )

    def _list(self, options: dict[str, Any]) -> None:
        for token in ApiToken.objects.select_related("unit"):
            state = "active" if token.is_usable else "revoked"
            self.stdout.write(
                f"{token.prefix}\t{token.unit.code}\t{' '.join(token.scopes)}\t"
                f"{state}\t{token.name}"
            )

    def _revoke(self, options: dict[str, Any]) -> None:
        token = tokens.revoke_token(options["prefix"], Actor.cli())
        self.stdout.write(f"revoked\t{token.prefix}")
