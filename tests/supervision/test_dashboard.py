"""The steering office's pages: the dashboard's figures and charts, the quarterly
assessment page, and rectification items from order to closure."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from tests.complaints.conftest import ACTOR
from tests.staff import PASSWORD, make_user
from xinyong.accounts.roles import Role
from xinyong.complaints import complaints
from xinyong.supervision.models import Rectification

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(loaded_pack):
    return make_user("office", "YN-WMB", Role.OPERATOR)


@pytest.fixture
def clerk(loaded_pack):
    return make_user("rst-clerk", "YN-RST", Role.CLERK)


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def table_row(html: str, label: str) -> list[str]:
    """The cells of the first data-table row headed `label`."""
    match = re.search(rf"<th scope=\"row\">{re.escape(label)}</th>(.*?)</tr>", html, re.S)
    assert match, label
    return re.findall(r"<td>(\d+)</td>", match.group(1))


def wage_complaint(region: str, days_ago: int):
    return complaints.file_complaint(
        campaign="wage-arrears",
        region=region,
        subject_name="某公司",
        description="欠薪。",
        anonymous=True,
        channel="portal",
        actor=ACTOR,
        today=timezone.localdate() - timedelta(days=days_ago),
    )


def test_the_dashboard_counts_complaints_by_campaign_and_region(client, operator):
    handled = wage_complaint("530302", 3)
    complaints.decline(handled, reasons="重复。", actor=ACTOR)
    wage_complaint("530381", 1)  # 宣威市, a county of 曲靖: open
    wage_complaint("530102", 60)  # 昆明: long overdue
    login(client, operator)
    response = client.get("/console/supervision/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html
    # handled, open, overdue
    assert table_row(html, "8. 拖欠工资问题专项治理") == ["1", "1", "1"]
    assert table_row(html, "曲靖市") == ["1", "1", "0"]
    assert table_row(html, "昆明市") == ["0", "0", "1"]


def test_the_dashboard_is_for_operators_and_auditors(client, clerk, loaded_pack):
    login(client, clerk)
    assert client.get("/console/supervision/").status_code == 403
    auditor = make_user("auditor", "YN-WMB", Role.AUDITOR)
    login(client, auditor)
    assert client.get("/console/supervision/").status_code == 200


def test_the_assessment_page_shows_each_units_grade_and_refuses_a_bad_quarter(client, operator):
    late = wage_complaint("530000", 40)
    complaints.decline(late, reasons="x", actor=ACTOR)
    login(client, operator)
    quarter = f"{timezone.localdate().year}Q{(timezone.localdate().month - 1) // 3 + 1}"
    html = client.get("/console/supervision/assessment/", {"quarter": quarter}).content.decode()
    assert "省人社厅" in html and "举报投诉按期办结" in html
    assert "0/1" in html
    bad = client.get("/console/supervision/assessment/", {"quarter": "2026-4"})
    assert bad.status_code == 400
    assert "assessment.quarter" in bad.content.decode()


def test_a_rectification_goes_from_order_to_closure(client, operator, clerk):
    login(client, operator)
    due = (timezone.localdate() + timedelta(days=10)).isoformat()
    ordered = client.post(
        "/console/supervision/rectifications/",
        {"unit": "YN-RST", "kind": "deadline", "reason": "投诉超期。", "due_on": due},
    )
    assert ordered.status_code == 302
    item = Rectification.objects.get()
    login(client, clerk)
    assert "投诉超期" in client.get("/console/supervision/rectifications/").content.decode()
    client.post(f"/console/supervision/rectifications/{item.pk}/report/", {"progress": "已整改。"})
    assert client.post(f"/console/supervision/rectifications/{item.pk}/close/").status_code == 403
    login(client, operator)
    client.post(f"/console/supervision/rectifications/{item.pk}/close/")
    item.refresh_from_db()
    assert item.status == "closed" and item.progress == "已整改。"


def test_an_overdue_rectification_is_highlighted(client, operator):
    Rectification.objects.create(
        unit_id=operator.unit_id,
        kind="summons",
        reason="约谈。",
        ordered_on=date(2026, 1, 5),
        due_on=date(2026, 1, 20),
        ordered_by="test",
    )
    login(client, operator)
    html = client.get("/console/supervision/rectifications/").content.decode()
    assert 'class="overdue"' in html and "已超期" in html
