"""The demo's work rules: every campaign, a mix of states, the same every time, once."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from django.db.models import F

from tests.campaigns.conftest import ACTOR
from xinyong.campaigns import demo, tasks
from xinyong.campaigns.models import Campaign, CampaignTask, CampaignUnit, TaskEvent, TaskReport
from xinyong.core.models import AuditEvent

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 20)


def _snapshot() -> list[tuple]:
    return [
        (
            task.campaign.code,
            task.title,
            task.owner.code,
            tuple(sorted(task.participants.values_list("code", flat=True))),
            task.starts_on,
            task.due_on,
            task.status,
            task.progress,
            task.done_on,
            tuple(task.reports.values_list("unit__code", "reported_on", "progress")),
        )
        for task in CampaignTask.objects.order_by("campaign__number", "title")
    ]


def test_the_demo_gives_every_campaign_two_to_four_tasks_of_its_units(loaded_pack):
    created = demo.load_tasks(ACTOR, TODAY)

    assert created == CampaignTask.objects.count()
    per_campaign = Counter(CampaignTask.objects.values_list("campaign__code", flat=True))
    assert set(per_campaign) == set(Campaign.objects.values_list("code", flat=True))
    assert len(per_campaign) == 19
    assert all(2 <= n <= 4 for n in per_campaign.values()), per_campaign
    for task in CampaignTask.objects.select_related("campaign"):
        links = dict(task.campaign.links.values_list("unit_id", "role"))
        assert links[task.owner_id] == CampaignUnit.Role.LEAD
        assert all(unit.pk in links for unit in task.participants.all())
        assert task.events.filter(action=TaskEvent.Action.CREATED).count() == 1


def test_the_demo_titles_come_from_the_campaigns_summaries(loaded_pack):
    demo.load_tasks(ACTOR, TODAY)

    titles = set(
        CampaignTask.objects.filter(campaign__code="telecom-fraud").values_list("title", flat=True)
    )
    assert titles == {
        "研究制定电信网络诈骗专项治理工作细则",
        "诈骗类号码、账户一律关停，关停名单与运营商、银行共享",
        "完善群众投诉举报渠道",
    }
    # What the platform only explains is no task.
    assert not CampaignTask.objects.filter(title__contains="只作说明").exists()
    assert all(len(title) <= 60 for title in CampaignTask.objects.values_list("title", flat=True))


def test_the_demo_mixes_done_on_time_done_late_under_way_and_overdue(loaded_pack):
    demo.load_tasks(ACTOR, TODAY)

    done = CampaignTask.objects.filter(status=CampaignTask.Status.DONE)
    assert any(task.finished_late for task in done)
    assert any(not task.finished_late for task in done)
    overdue = tasks.overdue(TODAY)
    assert overdue.exists()
    assert CampaignTask.objects.filter(
        status=CampaignTask.Status.IN_PROGRESS, due_on__gte=TODAY
    ).exists()
    assert CampaignTask.objects.filter(status=CampaignTask.Status.PLANNED).exists()
    assert TaskReport.objects.filter(task__in=overdue).exists()
    # Participating units report too, not only the owners.
    assert TaskReport.objects.exclude(unit_id=F("task__owner_id")).exists()
    assert TaskEvent.objects.filter(action=TaskEvent.Action.RESCHEDULED).exists()
    assert all(report.reported_on <= TODAY for report in TaskReport.objects.all())


def test_loading_the_demo_twice_adds_nothing(loaded_pack):
    first = demo.load_tasks(ACTOR, TODAY)
    counts = (
        CampaignTask.objects.count(),
        TaskReport.objects.count(),
        TaskEvent.objects.count(),
        AuditEvent.objects.count(),
    )

    again = demo.load_tasks(ACTOR, TODAY)

    assert first > 0 and again == 0
    assert counts == (
        CampaignTask.objects.count(),
        TaskReport.objects.count(),
        TaskEvent.objects.count(),
        AuditEvent.objects.count(),
    )


def test_the_demo_is_the_same_for_the_same_day(loaded_pack):
    demo.load_tasks(ACTOR, TODAY)
    first = _snapshot()
    CampaignTask.objects.all().delete()

    demo.load_tasks(ACTOR, TODAY)

    assert _snapshot() == first
