"""Put a message in the outbox, inside the caller's transaction."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from xinyong.exchange.models import OutboxMessage
from xinyong.subjects.models import Unit


def enqueue(
    key: str,
    topic: str,
    payload: dict[str, Any],
    *,
    unit: Unit | None = None,
    due_by: date | None = None,
) -> OutboxMessage:
    """The message for `key`, created once: a retried step does not send twice."""
    message, _created = OutboxMessage.objects.get_or_create(
        key=key,
        defaults={
            "topic": topic,
            "payload": payload,
            "unit": unit,
            "due_by": due_by,
            "created_at": timezone.now(),
        },
    )
    return message


def pending(unit: Unit | None = None) -> list[OutboxMessage]:
    """Messages not yet delivered, the most urgent first."""
    messages = OutboxMessage.objects.exclude(status=OutboxMessage.Status.DELIVERED)
    if unit is not None:
        messages = messages.filter(unit=unit)
    return list(messages.select_related("unit").order_by("due_by", "id"))
