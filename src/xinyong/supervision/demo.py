"""Demo rectification items: one closed on time, one open past its deadline. Loaded once."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from xinyong.campaigns.models import Campaign
from xinyong.core.audit import Actor
from xinyong.subjects.models import Unit
from xinyong.supervision import rectifications
from xinyong.supervision.models import Rectification


def load_rectifications(actor: Actor, today: date | None = None) -> int:
    if Rectification.objects.exists():
        return 0
    today = today or timezone.localdate()
    closed = rectifications.order(
        Unit.objects.get(short_name="省药监局"),
        campaign=Campaign.objects.get(code="counterfeit-drugs"),
        kind="summons",
        reason="假药举报投诉办理超期，约谈分管负责同志。",
        due_on=today - timedelta(days=20),
        actor=actor,
        today=today - timedelta(days=45),
    )
    rectifications.report(closed, progress="已建立投诉台账，专人督办。", actor=actor)
    rectifications.close(closed, actor=actor, today=today - timedelta(days=25))
    rectifications.order(
        Unit.objects.get(short_name="省文旅厅"),
        campaign=Campaign.objects.get(code="unreasonably-cheap-tours"),
        kind="deadline",
        reason="“不合理低价游”工作细则未按期制定，限期整改。",
        due_on=today - timedelta(days=3),
        actor=actor,
        today=today - timedelta(days=30),
    )
    return 2
