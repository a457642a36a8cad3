"""Staff users for the console tests: one helper, one password, every app's tests."""

from __future__ import annotations

from django.contrib.auth.models import Group

from xinyong.accounts.models import User
from xinyong.subjects.models import Unit

PASSWORD = "correct-horse-battery-staple-7"


def make_user(username: str, unit: str | None, *roles: str, staff: bool = True) -> User:
    """A user of `unit` (a pack code, or None) holding `roles` (the role groups)."""
    user = User.objects.create_user(
        username,
        password=PASSWORD,
        is_staff=staff,
        unit=Unit.objects.get(code=unit) if unit else None,
    )
    for role in roles:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user
