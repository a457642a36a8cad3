"""The campaign work pages: the 19 campaigns, a campaign's tasks, a task's page and steps,
the unit's queue; who may do what (403 page), overdue highlighted."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.campaigns.conftest import (
    ACTOR,
    CAMPAIGN,
    LEAD,
    OWNER,
    PARTICIPANT,
    new_task,
    unit,
)
from xinyong.campaigns import tasks
from xinyong.campaigns.models import CampaignTask
from xinyong.core.models import AuditEvent

pytestmark = pytest.mark.django_db

INDEX = "/console/campaigns/"
PAGE = f"/console/campaigns/{CAMPAIGN}/"
MINE = "/console/campaigns/mine/"


def _task_url(task: CampaignTask, step: str = "") -> str:
    return f"/console/campaigns/tasks/{task.pk}/" + (f"{step}/" if step else "")


def _row(html: str, row_id: str) -> str:
    """The opening <tr …> tag and the row of the given id."""
    found = re.search(rf'<tr[^>]*id="{re.escape(row_id)}".*?</tr>', html, re.S)
    assert found, row_id
    return found.group(0)


def _overdue_task() -> CampaignTask:
    today = timezone.localdate()
    return new_task(
        "诈骗账户关停情况通报",
        starts_on=today - timedelta(days=60),
        due_on=today - timedelta(days=2),
    )


def _form(**changes):
    today = timezone.localdate()
    data = {
        "title": "完善群众投诉举报渠道",
        "detail": "在门户网站设置电信诈骗举报入口。",
        "owner": unit(OWNER).pk,
        "participants": [unit(PARTICIPANT).pk],
        "starts_on": today.isoformat(),
        "due_on": (today + timedelta(days=90)).isoformat(),
    }
    data.update(changes)
    return data


# --- the campaigns ------------------------------------------------------------------------
def test_the_campaigns_page_lists_all_19_with_lead_units_and_highlights_overdue(
    client, owner_clerk
):
    _overdue_task()
    new_task("按期推进", campaign="wage-arrears", owner="YN-RST", participants=())
    client.force_login(owner_clerk)

    response = client.get(INDEX)

    assert response.status_code == 200
    html = response.content.decode()
    assert len(re.findall(r'<tr[^>]*id="campaign-', html)) == 19
    telecom = _row(html, f"campaign-{CAMPAIGN}")
    assert 'class="deadline-ended"' in telecom
    assert "省公安厅" in telecom and "省通管局" in telecom
    assert re.search(r'data-label="已超期"><strong class="deadline deadline-ended">1<', telecom)
    wages = _row(html, "campaign-wage-arrears")
    assert "deadline-ended" not in wages
    assert re.search(r'data-label="任务">1<', wages)
    assert "已超期的任务：1 项" in html
    # The console's navigation marks the section.
    assert re.search(r'href="/console/campaigns/" aria-current="page">专项治理<', html)


def test_the_pages_are_for_console_users_only(client, loaded_pack):
    response = client.get(INDEX)
    assert response.status_code == 302 and "/console/login" in response["Location"]


# --- a campaign's tasks -------------------------------------------------------------------
def test_a_campaigns_page_highlights_its_overdue_tasks(client, participant_clerk):
    late = _overdue_task()
    on_time = new_task("关停名单共享")
    client.force_login(participant_clerk)

    html = client.get(PAGE).content.decode()

    late_row = _row(html, f"task-{late.pk}")
    assert late_row.startswith('<tr class="deadline-ended"') and "已超期" in late_row
    on_time_row = _row(html, f"task-{on_time.pk}")
    assert "deadline-ended" not in on_time_row and "已超期" not in on_time_row
    assert "省高院" in on_time_row  # the participant
    # Soonest deadline first.
    assert html.index(f'id="task-{late.pk}"') < html.index(f'id="task-{on_time.pk}"')
    # A participating unit does not write the rules: no form, a hint.
    assert 'name="title"' not in html
    assert "工作细则由牵头单位的经办人、审核人或平台运营人员制定" in html


def test_a_lead_unit_adds_a_task_from_the_campaign_page(client, lead_clerk):
    client.force_login(lead_clerk)
    form_page = client.get(PAGE).content.decode()
    assert 'name="title"' in form_page

    response = client.post(PAGE, _form())

    task = CampaignTask.objects.get()
    assert response.status_code == 302 and response["Location"] == _task_url(task)
    assert task.owner.code == OWNER and task.created_by == f"user:{lead_clerk.pk}:tgj-reviewer"
    assert list(task.participants.values_list("code", flat=True)) == [PARTICIPANT]
    page = client.get(response["Location"]).content.decode()
    assert "已新增工作任务" in page and "完善群众投诉举报渠道" in page


@pytest.mark.parametrize("who", ["outsider_clerk", "participant_clerk", "owner_auditor"])
def test_a_unit_that_does_not_lead_the_campaign_cannot_add_tasks(client, request, who):
    client.force_login(request.getfixturevalue(who))

    response = client.post(PAGE, _form())

    assert response.status_code == 403
    assert "无权访问" in response.content.decode()
    assert not CampaignTask.objects.exists()


def test_the_add_form_shows_the_services_refusal_on_its_field(client, lead_clerk):
    client.force_login(lead_clerk)
    today = timezone.localdate()

    response = client.post(PAGE, _form(due_on=(today - timedelta(days=1)).isoformat()))

    assert response.status_code == 400
    html = response.content.decode()
    assert "完成期限不能早于开始日期 (task.due_before_start)" in html
    assert re.search(r'class="form-row invalid">\s*<label for="id_due_on"', html)
    assert not CampaignTask.objects.exists()


def test_an_unknown_campaign_is_a_404(client, owner_clerk):
    client.force_login(owner_clerk)
    assert client.get("/console/campaigns/no-such-campaign/").status_code == 404


# --- a task's page ------------------------------------------------------------------------
def test_a_participant_reports_progress_and_it_shows_in_history(client, task, participant_clerk):
    client.force_login(participant_clerk)
    page = client.get(_task_url(task)).content.decode()
    # Reporting is the participant's only step; the others are explained.
    assert 'id="step-report"' in page and 'id="step-complete"' not in page
    assert 'id="step-reschedule"' not in page and "调整期限、取消和重新打开由牵头单位办理" in page

    response = client.post(
        _task_url(task, "report"), {"progress": "40", "text": "已完成与银行的名单比对。"}
    )

    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == CampaignTask.Status.IN_PROGRESS and task.progress == 40
    assert task.reports.get().unit.code == PARTICIPANT
    html = client.get(_task_url(task)).content.decode()
    assert "已提交进展报告" in html
    history = html[html.index('id="history-title"') :]
    assert "报告进展" in history and "已完成与银行的名单比对。" in history
    assert "云南省高级人民法院" in history and "gy-clerk" in history


def test_an_operator_reports_for_a_unit_of_the_task(client, task, operator):
    client.force_login(operator)
    page = client.get(_task_url(task)).content.decode()
    assert 'name="unit"' in page

    client.post(
        _task_url(task, "report"),
        {"unit": unit(PARTICIPANT).pk, "progress": "10", "text": "已部署。"},
    )

    assert task.reports.get().unit.code == PARTICIPANT


def test_a_refused_report_comes_back_on_its_field(client, task, owner_clerk):
    client.force_login(owner_clerk)
    response = client.post(_task_url(task, "report"), {"progress": "150", "text": "x"})
    assert response.status_code == 400
    assert "(task.progress_range)" in response.content.decode()
    assert not task.reports.exists()


def test_rescheduling_on_the_page_requires_a_reason_and_shows_both_dates(client, task, lead_clerk):
    client.force_login(lead_clerk)
    old, new = task.due_on, task.due_on + timedelta(days=30)

    refused = client.post(_task_url(task, "reschedule"), {"due_on": new.isoformat()})

    assert refused.status_code == 400
    assert "请说明理由 (task.reason_required)" in refused.content.decode()
    task.refresh_from_db()
    assert task.due_on == old

    done = client.post(
        _task_url(task, "reschedule"), {"due_on": new.isoformat(), "reason": "银行接口改造"}
    )

    assert done.status_code == 302
    task.refresh_from_db()
    assert task.due_on == new
    history = client.get(_task_url(task)).content.decode()
    history = history[history.index('id="history-title"') :]
    assert "调整完成期限" in history and "银行接口改造" in history
    assert old.isoformat() in history and new.isoformat() in history
    logged = AuditEvent.objects.get(action="xinyong.task.rescheduled")
    assert logged.actor == f"user:{lead_clerk.pk}:tgj-reviewer"
    assert (logged.data["old_due_on"], logged.data["new_due_on"]) == (
        old.isoformat(),
        new.isoformat(),
    )


def test_an_overdue_task_is_flagged_on_its_page(client, owner_clerk):
    late = _overdue_task()
    client.force_login(owner_clerk)
    html = client.get(_task_url(late)).content.decode()
    assert re.search(r'<div class="deadline-ended"><dt>完成期限</dt>', html)
    assert '<strong class="deadline deadline-ended">已超期</strong>' in html


def test_the_owner_completes_and_a_late_finish_is_shown(client, owner_clerk):
    late = _overdue_task()
    client.force_login(owner_clerk)

    response = client.post(_task_url(late, "complete"), {"note": "已通报"})

    assert response.status_code == 302
    late.refresh_from_db()
    assert late.status == CampaignTask.Status.DONE and late.finished_late
    html = client.get(_task_url(late)).content.decode()
    assert "逾期完成" in html and "已超期" not in html
    # 省公安厅 also leads the campaign: it may reopen the task; reporting is over.
    assert 'id="step-reopen"' in html and 'id="step-report"' not in html


# Who may take each step: the permission matrix (403 is the forbidden page).
STEP_DATA = {
    "report": {"progress": "20", "text": "推进中"},
    "complete": {},
    "reschedule": {"due_on": "2099-12-31", "reason": "顺延"},
    "cancel": {"reason": "取消"},
}
ALLOWED = {
    "operator": {"report", "complete", "reschedule", "cancel"},
    "owner_clerk": {"report", "complete", "reschedule", "cancel"},  # owner, and a lead unit
    "lead_clerk": {"reschedule", "cancel"},
    "participant_clerk": {"report"},
    "outsider_clerk": set(),
    "owner_auditor": set(),
}


@pytest.mark.parametrize("step", list(STEP_DATA))
@pytest.mark.parametrize("who", list(ALLOWED))
def test_each_step_is_for_its_units(client, request, task, who, step):
    user = request.getfixturevalue(who)
    client.force_login(user)
    if who == "operator" and step == "report":
        data = {**STEP_DATA[step], "unit": task.owner.pk}
    else:
        data = STEP_DATA[step]

    response = client.post(_task_url(task, step), data)

    if step in ALLOWED[who]:
        assert response.status_code == 302, response.content.decode()[:2000]
        assert task.events.count() == 2
    else:
        assert response.status_code == 403
        assert "无权访问" in response.content.decode()
        assert task.events.count() == 1


def test_a_lead_unit_reopens_a_done_task(client, task, lead_clerk, participant_clerk):
    tasks.complete(task, actor=ACTOR)
    client.force_login(participant_clerk)
    assert client.post(_task_url(task, "reopen"), {"reason": "x"}).status_code == 403

    client.force_login(lead_clerk)
    page = client.get(_task_url(task)).content.decode()
    assert 'id="step-reopen"' in page and 'id="step-report"' not in page
    response = client.post(_task_url(task, "reopen"), {"reason": "验收未通过"})

    assert response.status_code == 302
    task.refresh_from_db()
    assert task.is_open


def test_a_step_on_a_closed_task_is_refused_with_its_code(client, task, owner_clerk):
    tasks.cancel(task, reason="取消", actor=ACTOR)
    client.force_login(owner_clerk)
    response = client.post(_task_url(task, "complete"), {})
    assert response.status_code == 400
    assert "(task.wrong_status)" in response.content.decode()


def test_an_unknown_step_or_task_is_a_404(client, task, operator):
    client.force_login(operator)
    assert client.post(_task_url(task, "delete"), {}).status_code == 404
    assert client.get("/console/campaigns/tasks/999999/").status_code == 404


# --- the unit's queue ---------------------------------------------------------------------
def test_the_units_queue_puts_overdue_tasks_first(client, participant_clerk, operator):
    today = timezone.localdate()
    soon = new_task("下周到期", due_on=today + timedelta(days=7))
    owned = new_task(
        "本单位负责", owner=PARTICIPANT, participants=(), due_on=today + timedelta(days=3)
    )
    late = _overdue_task()
    unrelated = new_task("与本单位无关", participants=(LEAD,))
    client.force_login(participant_clerk)

    html = client.get(MINE).content.decode()

    positions = [html.index(f'id="task-{t.pk}"') for t in (late, owned, soon)]
    assert positions == sorted(positions)
    assert f'id="task-{unrelated.pk}"' not in html
    assert _row(html, f"task-{late.pk}").startswith('<tr class="deadline-ended"')
    assert "已超期的任务：1 项" in html
    overdue_only = client.get(MINE, {"show": "overdue"}).content.decode()
    assert f'id="task-{late.pk}"' in overdue_only and f'id="task-{soon.pk}"' not in overdue_only

    # An operator looks at any unit's queue; a unit's staff only at their own.
    client.force_login(operator)
    chosen = client.get(MINE, {"unit": PARTICIPANT}).content.decode()
    assert f'id="task-{late.pk}"' in chosen and f'id="task-{owned.pk}"' in chosen
    client.force_login(participant_clerk)
    other = client.get(MINE, {"unit": LEAD}).content.decode()
    assert f'id="task-{owned.pk}"' in other and f'id="task-{unrelated.pk}"' not in other
