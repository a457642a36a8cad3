"""The demo's complaints: every campaign, every step, and the 曲靖 acceptance example."""

from __future__ import annotations

import pytest

from tests.complaints.conftest import ACTOR, QUJING_RSJ
from xinyong.complaints.demo import load_complaints
from xinyong.complaints.models import Complaint

pytestmark = pytest.mark.django_db


def test_the_demo_covers_every_campaign_and_a_second_run_adds_nothing(loaded_pack):
    filed = load_complaints(ACTOR)
    assert filed == Complaint.objects.count() == 19 * 2 + 2
    assert Complaint.objects.values("campaign").distinct().count() == 19
    assert load_complaints(ACTOR) == 0
    assert Complaint.objects.count() == filed


def test_the_demo_shows_a_wage_complaint_transferred_replied_and_rated(loaded_pack):
    load_complaints(ACTOR)
    rated = Complaint.objects.get(campaign__code="wage-arrears", rating__isnull=False)
    actions = list(rated.events.values_list("action", flat=True))
    assert actions[:3] == ["filed", "routed", "transferred"]
    assert {"replied", "rated"} <= set(actions)
    assert rated.events.get(action="routed").unit.code == QUJING_RSJ
    waiting = Complaint.objects.filter(unit__code=QUJING_RSJ, status="received")
    assert waiting.exists()
