"""The rights procedures' holds on records (`xinyong.records.holds`): an open objection
keeps its record disputed; an approved repair keeps the early publicity end it set."""

from __future__ import annotations

from collections.abc import Collection
from datetime import timedelta

from django.utils import timezone

from xinyong.records.holds import Hold
from xinyong.rights.models import Objection, RepairApplication


def open_objections(record_ids: Collection[int]) -> dict[int, Hold]:
    disputed = Objection.objects.filter(
        record_id__in=record_ids, status__in=Objection.OPEN
    ).values_list("record_id", flat=True)
    return {record_id: Hold(disputed=True) for record_id in disputed}


def approved_repairs(record_ids: Collection[int]) -> dict[int, Hold]:
    """The repair ended publicity the day before its decision (`repairs.approve`)."""
    decided = RepairApplication.objects.filter(
        record_id__in=record_ids, status=RepairApplication.Status.APPROVED
    ).values_list("record_id", "decided_at")
    holds: dict[int, Hold] = {}
    for record_id, decided_at in decided:
        ends = timezone.localdate(decided_at) - timedelta(days=1)
        known = holds.get(record_id)
        if known is None or (known.ends_by is not None and ends < known.ends_by):
            holds[record_id] = Hold(ends_by=ends)
    return holds
