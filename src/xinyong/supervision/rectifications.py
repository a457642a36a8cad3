"""Ordering, following and closing rectification items (整改事项)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinyong.campaigns.models import Campaign
from xinyong.core import audit
from xinyong.core.errors import Conflict, InvalidInput
from xinyong.subjects.models import Unit
from xinyong.supervision.models import Rectification


def order(
    unit: Unit,
    *,
    kind: str,
    reason: str,
    due_on: date,
    actor: audit.Actor,
    campaign: Campaign | None = None,
    today: date | None = None,
) -> Rectification:
    today = today or timezone.localdate()
    if kind not in Rectification.Kind.values:
        raise InvalidInput(
            "rectification.kind", _("整改方式应为约谈、限期整改或通报批评"), field="kind"
        )
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("rectification.reason", _("请填写问题和整改要求"), field="reason")
    if due_on < today:
        raise InvalidInput(
            "rectification.due_in_past", _("整改期限不能早于下达日期"), field="due_on"
        )
    item = Rectification(
        unit=unit,
        campaign=campaign,
        kind=kind,
        reason=reason,
        ordered_on=today,
        due_on=due_on,
        ordered_by=actor.label,
    )
    with transaction.atomic():
        item.save()
        audit.record(
            "xinyong.rectification.ordered",
            actor,
            item,
            {"unit": unit.code, "kind": kind, "due_on": due_on.isoformat()},
        )
    return item


def report(item: Rectification, *, progress: str, actor: audit.Actor) -> Rectification:
    """The unit reports what it has done; the office closes the item when satisfied."""
    _expect_open(item)
    progress = (progress or "").strip()
    if not progress:
        raise InvalidInput("rectification.progress", _("请填写整改情况"), field="progress")
    item.progress = progress
    with transaction.atomic():
        item.save(update_fields=["progress"])
        audit.record("xinyong.rectification.reported", actor, item, {"unit": item.unit.code})
    return item


def close(item: Rectification, *, actor: audit.Actor, today: date | None = None) -> Rectification:
    _expect_open(item)
    if not item.progress:
        raise InvalidInput(
            "rectification.no_progress", _("整改单位报告整改情况后才能销号"), field="progress"
        )
    item.status, item.closed_on = Rectification.Status.CLOSED, today or timezone.localdate()
    with transaction.atomic():
        item.save(update_fields=["status", "closed_on"])
        audit.record(
            "xinyong.rectification.closed",
            actor,
            item,
            {"unit": item.unit.code, "late": item.closed_late},
        )
    return item


def overdue(today: date | None = None) -> QuerySet[Rectification]:
    today = today or timezone.localdate()
    return Rectification.objects.filter(status=Rectification.Status.OPEN, due_on__lt=today)


def _expect_open(item: Rectification) -> None:
    item.refresh_from_db()
    if item.status != Rectification.Status.OPEN:
        raise Conflict("rectification.closed", _("该整改事项已销号"))
