"""Demo work rules (工作细则) for the 19 campaigns, through the real services.

Each campaign gets 2–4 tasks: drawing up its work rules, then the platform duties its
`summary` in the pack lists (one task per clause, up to three; duties the platform only
explains are left out). Owners are the lead units in turn, participants some of the
participating units (other lead units where a campaign has none). Dates are counted
back and forward from `today`, so the demo always holds a mix of tasks done on time,
done late, under way, overdue and not yet started, with progress reports. Chance comes
from a generator seeded by the campaign's code: the same day gives the same demo.
A task already there (same campaign, same title) is skipped: loading twice adds nothing.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from xinyong.campaigns import tasks
from xinyong.campaigns.models import Campaign, CampaignTask, CampaignUnit
from xinyong.core import audit
from xinyong.subjects.models import Unit

TITLE_LIMIT = 60
MAX_DUTIES = 3
# Summary clauses that say what the platform does not do.
EXPLAINED_ONLY = "只作说明"
OUTCOMES = ("in_progress", "overdue", "done_late", "planned", "done_on_time")

REPORTS = (
    "已召开专项治理工作推进会，明确责任处室和联络人，各项举措按计划推进。",
    "已梳理形成工作台账，完成第一阶段任务，正在汇总各州、市报送情况。",
    "已与参与单位建立信息共享机制，按月推送有关名单和数据。",
    "已完成相关数据归集和核对，正在组织联合惩戒措施落实情况回头看。",
)
LAGGING = "受数据接口改造影响进度滞后，正在协调技术支撑单位加快推进。"
RESCHEDULED = "因机构改革职能调整，经牵头单位研究，完成期限顺延30天。"
DONE_NOTE = "已按工作细则完成，相关材料已归档备查。"


@dataclass(frozen=True)
class Plan:
    title: str
    detail: str


def load_tasks(actor: audit.Actor, today: date | None = None) -> int:
    """Create the demo's tasks that are not there yet; how many were created."""
    today = today or timezone.localdate()
    created = 0
    for campaign in Campaign.objects.prefetch_related("links__unit").order_by("number"):
        created += _load_campaign(campaign, actor, today)
    return created


def plans(campaign: Campaign) -> list[Plan]:
    """The campaign's demo tasks: its work rules first, then its platform duties."""
    found = [
        Plan(
            f"研究制定{campaign.name}工作细则",
            f"对照实施方案{campaign.basis_section or ''}，列出具体举措、责任单位和时间进度，"
            "报社会信用体系建设联席会议办公室备案。",
        )
    ]
    for clause in _clauses(campaign.summary)[:MAX_DUTIES]:
        found.append(Plan(_title(clause), clause + "。"))
    if len(found) < 2:
        found.append(Plan(f"建立{campaign.name}工作台账", "按月汇总各项举措的进展情况。"))
    return found


def _clauses(summary: str) -> list[str]:
    parts = (part.strip() for part in re.split(r"[；。]", summary or ""))
    return [part for part in parts if part and EXPLAINED_ONLY not in part]


def _title(clause: str) -> str:
    if len(clause) > TITLE_LIMIT:
        clause = clause.split("，", 1)[0]
    return clause if len(clause) <= TITLE_LIMIT else clause[: TITLE_LIMIT - 1] + "…"


def _load_campaign(campaign: Campaign, actor: audit.Actor, today: date) -> int:
    rng = random.Random(f"xinyong-demo-tasks:{campaign.code}")
    links = [link for link in campaign.links.all() if link.unit.active]
    leads = [link.unit for link in links if link.role == CampaignUnit.Role.LEAD]
    others = [link.unit for link in links if link.role == CampaignUnit.Role.PARTICIPANT]
    if not leads:
        return 0
    existing = set(campaign.tasks.values_list("title", flat=True))
    created = 0
    for index, plan in enumerate(plans(campaign)):
        # Draw for every plan, made or skipped, so a task's dates never depend on
        # which of the others already exist.
        outcome = "done_on_time" if index == 0 else OUTCOMES[(campaign.number + index) % 5]
        owner = leads[index % len(leads)]
        pool = [unit for unit in (others or leads) if unit.pk != owner.pk]
        joined = rng.sample(pool, min(len(pool), rng.randint(1, 3)))
        dates = _dates(outcome, rng, today)
        extra = rng.random()
        if plan.title in existing:
            continue
        task = tasks.create_task(
            campaign,
            title=plan.title,
            detail=plan.detail,
            owner=owner,
            participants=joined,
            starts_on=dates.starts_on,
            due_on=dates.due_on,
            actor=actor,
        )
        _play(task, outcome, dates, joined, extra, actor, today)
        created += 1
    return created


@dataclass(frozen=True)
class Dates:
    starts_on: date
    due_on: date
    done_on: date | None = None


def _dates(outcome: str, rng: random.Random, today: date) -> Dates:
    def days(low: int, high: int) -> timedelta:
        return timedelta(days=rng.randint(low, high))

    if outcome == "planned":
        starts = today + days(5, 30)
        return Dates(starts, starts + days(60, 150))
    if outcome == "in_progress":
        return Dates(today - days(30, 90), today + days(20, 120))
    if outcome == "overdue":
        return Dates(today - days(120, 200), today - days(3, 40))
    starts = today - days(150, 240)
    if outcome == "done_late":
        due = starts + days(45, 90)
        return Dates(starts, due, min(today, due + days(5, 30)))
    due = starts + days(60, 120)
    return Dates(starts, due, max(starts, due - days(0, 20)))


def _play(
    task: CampaignTask,
    outcome: str,
    dates: Dates,
    joined: list[Unit],
    extra: float,
    actor: audit.Actor,
    today: date,
) -> None:
    """Reports (and a completion or a new deadline) as the outcome asks."""
    if outcome == "planned":
        return
    end = min(today, dates.done_on or today)
    span = max((end - dates.starts_on).days, 1)
    first_on = dates.starts_on + timedelta(days=span // 3)
    first = REPORTS[(task.campaign.number + len(task.title)) % len(REPORTS)]
    tasks.report_progress(
        task, unit=task.owner, progress=30, text=first, on=first_on, actor=actor, today=today
    )
    if outcome == "overdue":
        tasks.report_progress(
            task, unit=task.owner, progress=60, text=LAGGING, on=end, actor=actor, today=today
        )
        return
    if joined:
        second_on = dates.starts_on + timedelta(days=2 * span // 3)
        text = REPORTS[(task.campaign.number + 1) % len(REPORTS)]
        tasks.report_progress(
            task, unit=joined[0], progress=70, text=text, on=second_on, actor=actor, today=today
        )
    if outcome == "in_progress":
        if extra < 0.3:
            tasks.reschedule(
                task, due_on=task.due_on + timedelta(days=30), reason=RESCHEDULED, actor=actor
            )
        return
    tasks.complete(task, on=dates.done_on, note=DONE_NOTE, actor=actor, today=today)
