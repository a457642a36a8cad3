"""Campaign work fixtures: the loaded pack, a small cast of staff and a task.

The campaign is 电信网络诈骗专项治理 (telecom-fraud): lead units 省公安厅 (YN-GAT),
省发展改革委, 省工信厅, 省通管局 (YN-TGJ); participating units include 省高院 (YN-GY).
昆明海关 (YN-KMHG) has no part in it.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from tests.staff import make_user
from xinyong.accounts.models import User
from xinyong.accounts.roles import Role
from xinyong.campaigns import tasks
from xinyong.campaigns.models import Campaign, CampaignTask
from xinyong.core.audit import Actor
from xinyong.subjects.models import Unit

CAMPAIGN = "telecom-fraud"
OWNER = "YN-GAT"  # a lead unit, owns the `task` fixture
LEAD = "YN-TGJ"  # another lead unit
PARTICIPANT = "YN-GY"
OUTSIDER = "YN-KMHG"
ACTOR = Actor("cli:campaign-tests")


def unit(code: str) -> Unit:
    return Unit.objects.get(code=code)


def new_task(
    title: str = "诈骗号码关停名单共享",
    *,
    campaign: str = CAMPAIGN,
    owner: str = OWNER,
    participants: tuple[str, ...] = (PARTICIPANT,),
    starts_on: date | None = None,
    due_on: date | None = None,
) -> CampaignTask:
    today = timezone.localdate()
    return tasks.create_task(
        Campaign.objects.get(code=campaign),
        title=title,
        detail="关停名单每周与运营商、银行共享一次。",
        owner=unit(owner),
        participants=[unit(code) for code in participants],
        starts_on=starts_on or today - timedelta(days=30),
        due_on=due_on or today + timedelta(days=30),
        actor=ACTOR,
    )


@pytest.fixture
def campaign(loaded_pack) -> Campaign:
    return Campaign.objects.get(code=CAMPAIGN)


@pytest.fixture
def task(loaded_pack) -> CampaignTask:
    return new_task()


@pytest.fixture
def operator(loaded_pack) -> User:
    return make_user("task-operator", "YN-FGW", Role.OPERATOR)


@pytest.fixture
def owner_clerk(loaded_pack) -> User:
    return make_user("gat-clerk", OWNER, Role.CLERK)


@pytest.fixture
def lead_clerk(loaded_pack) -> User:
    return make_user("tgj-reviewer", LEAD, Role.REVIEWER)


@pytest.fixture
def participant_clerk(loaded_pack) -> User:
    return make_user("gy-clerk", PARTICIPANT, Role.CLERK)


@pytest.fixture
def outsider_clerk(loaded_pack) -> User:
    return make_user("kmhg-clerk", OUTSIDER, Role.CLERK)


@pytest.fixture
def owner_auditor(loaded_pack) -> User:
    return make_user("gat-auditor", OWNER, Role.AUDITOR)
