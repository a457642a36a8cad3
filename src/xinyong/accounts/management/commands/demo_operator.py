"""`xinyong demo-operator`: create (or reset) the demo's platform operator and print it.

For demonstrations only: the password is random, printed once, and replaced on every run.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from xinyong.accounts.models import User
from xinyong.accounts.roles import Role
from xinyong.core import audit
from xinyong.subjects.models import Unit


class Command(BaseCommand):
    help = "Create or reset the demo operator account and print its credentials."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", default="demo")
        parser.add_argument(
            "--unit", default="省发展改革委", help="code or short name of the operator's unit"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        unit = (
            Unit.objects.filter(code=options["unit"]).first()
            or Unit.objects.filter(short_name=options["unit"]).first()
        )
        password = secrets.token_urlsafe(12)
        with transaction.atomic():
            user, _created = User.objects.get_or_create(username=options["username"])
            user.unit, user.is_staff, user.is_active = unit, True, True
            user.first_name = "演示运营人员"
            user.set_password(password)
            user.save()
            user.groups.add(Group.objects.get(name=Role.OPERATOR))
            audit.record(
                "xinyong.user.demo_operator", audit.Actor.cli(), user, {"username": user.username}
            )
        self.stdout.write(f"演示运营账号 / demo operator: {user.username} / {password}")
