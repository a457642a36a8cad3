"""`xinyong demo-campaigns` loads the campaign work once, and the dashboard draws it."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from tests.staff import PASSWORD, make_user
from xinyong.accounts.roles import Role
from xinyong.campaigns.models import CampaignTask
from xinyong.complaints.models import Complaint
from xinyong.publicity.models import Article
from xinyong.supervision.models import Rectification

pytestmark = pytest.mark.django_db


def test_the_demo_loads_tasks_complaints_articles_and_rectifications_once(
    client, loaded_pack, capsys
):
    call_command("demo_campaigns")
    counts = [m.objects.count() for m in (CampaignTask, Complaint, Article, Rectification)]
    assert all(counts), counts
    assert CampaignTask.objects.values("campaign").distinct().count() == 19
    call_command("demo_campaigns")
    assert "tasks: 0; 举报投诉 / complaints: 0" in capsys.readouterr().out.splitlines()[-1]
    assert [m.objects.count() for m in (CampaignTask, Complaint, Article, Rectification)] == counts

    operator = make_user("office", "YN-WMB", Role.OPERATOR)
    assert client.login(username=operator.username, password=PASSWORD)
    html = client.get("/console/supervision/").content.decode()
    # Tasks (2), complaints (2) and cases are drawn; without demo-records the list-entry
    # and penalty charts (3) say there is nothing yet.
    assert html.count("<svg") == 5
    assert html.count("暂无数据") == 3
