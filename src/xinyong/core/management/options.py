"""Option values the management commands share."""

from __future__ import annotations

from datetime import date

from django.core.management.base import CommandError
from django.utils import timezone


def day_or_today(text: str | None) -> date:
    """A `--date YYYY-MM-DD` option's day (default today), or a one-line bilingual error
    with exit status 1."""
    if text is None:
        return timezone.localdate()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f"日期格式应为 YYYY-MM-DD / the date must be YYYY-MM-DD: {text}", returncode=1
        ) from None
