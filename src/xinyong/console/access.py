"""Who may use the console, and which units' data each user sees and submits.

- The console is for active staff users (`is_staff`) who belong to a unit or hold the
  operator role; anyone else logged in gets 403, an anonymous visitor the login page.
- Operators (平台运营人员) see and submit for every unit.
- Everyone else sees their own unit only; clerks (单位经办人) also submit and correct its
  rows, reviewers and auditors only look.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy

from xinyong.accounts.roles import Role
from xinyong.subjects.models import Unit

LOGIN_URL = reverse_lazy("console:login")

View = Callable[..., HttpResponse]


def is_operator(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_role(Role.OPERATOR))


def may_use_console(user: Any) -> bool:
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    return user.unit_id is not None or is_operator(user)


def visible_units(user: Any) -> QuerySet[Unit]:
    if is_operator(user):
        return Unit.objects.all()
    return Unit.objects.filter(pk=user.unit_id)


def submittable_units(user: Any) -> QuerySet[Unit]:
    """The units this user may upload for and whose rows they may correct."""
    if is_operator(user):
        return Unit.objects.filter(active=True)
    if user.unit_id is not None and user.has_role(Role.CLERK):
        return Unit.objects.filter(pk=user.unit_id, active=True)
    return Unit.objects.none()


def may_see(user: Any, unit_id: int) -> bool:
    return is_operator(user) or unit_id == user.unit_id


def may_submit(user: Any, unit_id: int) -> bool:
    return submittable_units(user).filter(pk=unit_id).exists()


def forbidden(request: HttpRequest) -> HttpResponse:
    context = {"in_console": may_use_console(request.user)}
    return render(request, "console/forbidden.html", context, status=403)


def console_view(view: View) -> View:
    """Log in first; then only users allowed in the console."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may_use_console(request.user):
            return forbidden(request)
        return view(request, *args, **kwargs)

    return login_required(wrapped, login_url=LOGIN_URL)
