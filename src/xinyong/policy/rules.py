"""Read the pack's rules back from the database as their validated models."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import TypeAdapter

from xinyong.policy import schema
from xinyong.policy.models import Rule

_RULE = TypeAdapter(schema.Rule)


def active_rules(kind: str) -> list[Any]:
    """The active rules of one kind, as their validated models (the kind's class)."""
    rules = []
    for row in Rule.objects.filter(kind=kind, active=True).order_by("key"):
        rules.append(
            _RULE.validate_python(
                {
                    **row.body,
                    "key": row.key,
                    "name": row.name,
                    "effective_from": row.effective_from,
                    "effective_to": row.effective_to,
                    "basis": {"source": row.basis_source_id, "section": row.basis_section},
                }
            )
        )
    return rules


def in_force(rule: schema.RuleBase, day: date) -> bool:
    starts = rule.effective_from is None or rule.effective_from <= day
    return starts and (rule.effective_to is None or day <= rule.effective_to)
