"""The list-entries API: decided entries reported by their owner, and due process by API."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.records.factories import id_number, uscc
from xinyong.accounts.tokens import create_token
from xinyong.core.audit import Actor
from xinyong.lists.models import ListEntry
from xinyong.subjects.models import Subject
from xinyong.subjects.services import create_subject

pytestmark = pytest.mark.django_db

COMPANY = uscc("530102", "12345678")
ADULT = id_number("530102", "19851120", "271")
MINOR = id_number("530102", "20100307", "123")
WAGES = "/api/v1/lists/wage-arrears/entries"
BOTH = ["lists:read", "lists:write"]


def _auth(unit: str, scopes: list[str] | None = None) -> dict[str, str]:
    _token, secret = create_token(unit, scopes or BOTH, Actor.cli())
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def _post(client, url: str, body, auth):
    return client.post(
        url, data=json.dumps(body, ensure_ascii=False), content_type="application/json", **auth
    )


def _error(response, status: int) -> str:
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["message"] and error["message_en"]
    return error["code"]


def _days_ago(days: int) -> str:
    return (timezone.localdate() - timedelta(days=days)).isoformat()


def _rows() -> list[dict[str, str]]:
    return [
        {
            "name": "昆明鑫瑞商贸有限公司",
            "uscc": COMPANY,
            "decided_on": _days_ago(30),
            "document_number": "云人社欠薪〔2026〕1号",
            "reasons": "拖欠农民工工资数额达到刑事立案标准，经责令仍不支付。",
            "ground": "拒不支付劳动报酬",
        },
        {
            "name": "李四",
            "id_number": ADULT,
            "decided_on": _days_ago(20),
            "document_number": "云人社欠薪〔2026〕2号",
            "reasons": "拖欠农民工工资。",
        },
        {
            "name": "小明",
            "id_number": MINOR,
            "decided_on": _days_ago(10),
            "document_number": "云人社欠薪〔2026〕3号",
            "reasons": "拖欠农民工工资。",
        },
    ]


def test_the_owner_reports_entries_and_gets_each_rows_outcome(client, loaded_pack):
    auth = _auth("YN-RST")
    response = _post(client, WAGES, _rows(), auth)
    assert response.status_code == 200, response.content
    body = response.json()
    assert list(body) == ["list", "accepted", "unchanged", "rejected", "rows"]
    assert (body["list"], body["accepted"], body["unchanged"], body["rejected"]) == (
        "wage-arrears",
        2,
        0,
        1,
    )
    first, second, minor = body["rows"]
    assert first["outcome"] == "accepted" and first["reference"].startswith("MD")
    assert second["outcome"] == "accepted" and second["errors"] == []
    assert (minor["row"], minor["outcome"], minor["reference"]) == (3, "rejected", "")
    [error] = minor["errors"]
    assert (error["row"], error["field"], error["code"]) == (3, "id_number", "entry.minor")
    entry = ListEntry.objects.get(reference=first["reference"])
    assert (entry.origin, entry.status) == ("api", "published")
    assert entry.origin_ref.startswith("token:")

    again = _post(client, WAGES, _rows()[:2], auth).json()
    assert (again["accepted"], again["unchanged"], again["rejected"]) == (0, 2, 0)
    assert [row["reference"] for row in again["rows"]] == [first["reference"], second["reference"]]


def test_another_unit_may_not_report_a_lists_entries(client, loaded_pack):
    response = _post(client, WAGES, _rows(), _auth("YN-GY"))
    assert _error(response, 403) == "entry.unit_not_owner"
    assert not ListEntry.objects.exists()


def test_reporting_needs_the_write_scope(client, loaded_pack):
    response = _post(client, WAGES, _rows(), _auth("YN-RST", ["lists:read"]))
    assert _error(response, 403) == "auth.scope"


def test_unknown_keys_and_too_many_rows_refuse_the_request(client, loaded_pack):
    auth = _auth("YN-RST")
    unknown = _post(client, WAGES, [{**_rows()[0], "amount": "1"}], auth)
    assert _error(unknown, 400) == "field.unknown"
    too_many = _post(client, WAGES, [{}] * 10_001, auth)
    assert _error(too_many, 400) == "request.too_many_rows"
    assert _error(_post(client, "/api/v1/lists/nope/entries", [], auth), 404) == "list.unknown"


def test_a_lists_entries_in_force_are_paginated_with_persons_masked(client, loaded_pack):
    _post(client, WAGES, _rows(), _auth("YN-RST"))
    reader = _auth("YN-GY", ["lists:read"])
    response = client.get(WAGES, **reader)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["total"], body["page"], body["pages"], body["total_capped"]) == (2, 1, 1, False)
    newest, older = body["entries"]
    assert newest["subject"]["kind"] == "person"
    assert newest["subject"]["code"] == Subject.objects.get(kind="person").id_number_masked
    assert ADULT not in response.content.decode()
    assert older["subject"]["code"] == COMPANY and older["ground"] == "拒不支付劳动报酬"
    assert _error(client.get(WAGES, {"page": "0"}, **reader), 400) == "portal.bad_page"
    assert _error(client.get(WAGES, {"page": "2"}, **reader), 404) == "portal.page_out_of_range"


@pytest.fixture
def company(loaded_pack) -> Subject:
    return create_subject(
        Actor.cli(), kind="organisation", name="昆明鑫瑞商贸有限公司", uscc=COMPANY
    )


def test_the_due_process_runs_end_to_end_by_api(client, company):
    court = _auth("YN-GY")
    proposed = _post(
        client,
        "/api/v1/lists/judgment-defaulters/proposals",
        {"subject": COMPANY, "reasons": "有履行能力而拒不履行生效法律文书确定的义务。"},
        court,
    )
    assert proposed.status_code == 201, proposed.content
    entry = proposed.json()
    assert (entry["status"], entry["origin"], entry["unit"]["code"]) == ("proposed", "api", "YN-GY")
    url = f"/api/v1/entries/{entry['reference']}"

    notified = _post(client, f"{url}/notify", {}, court).json()
    assert notified["status"] == "notified" and notified["defence_until"] > notified["notified_on"]
    early = _post(client, f"{url}/decide", {"listed": True}, court)
    assert _error(early, 409) == "entry.defence_period_running"
    _post(client, f"{url}/defence", {"text": "已部分履行，请求暂缓列入。"}, court)
    decided = _post(
        client,
        f"{url}/decide",
        {"listed": True, "document_number": "（2026）云01执123号", "note": "申辩理由不成立"},
        court,
    ).json()
    assert (decided["status"], decided["document_number"]) == ("listed", "（2026）云01执123号")
    assert decided["in_force"] is True
    published = _post(client, f"{url}/publish", {}, court).json()
    assert published["status"] == "published" and published["published_at"]

    detail = client.get(url, **court).json()
    actions = [event["action"] for event in detail["history"]]
    assert actions == ["proposed", "notified", "defence", "listed", "published"]
    assert detail["defence"] == "已部分履行，请求暂缓列入。"
    # Another unit reads the entry, but not the subject's defence.
    other = client.get(url, **_auth("YN-RST", ["lists:read"])).json()
    assert other["defence"] is None
    assert "已部分履行" not in json.dumps(other, ensure_ascii=False)
    listed = client.get("/api/v1/lists/judgment-defaulters/entries", **court).json()
    assert [item["reference"] for item in listed["entries"]] == [entry["reference"]]

    exited = _post(client, f"{url}/exit", {"reason": "conditions_met", "note": "已履行"}, court)
    assert exited.json()["status"] == "exited" and exited.json()["in_force"] is False
    listed = client.get("/api/v1/lists/judgment-defaulters/entries", **court).json()
    assert listed["entries"] == []


def test_due_process_steps_belong_to_the_deciding_unit(client, company):
    court = _auth("YN-GY")
    entry = _post(
        client,
        "/api/v1/lists/judgment-defaulters/proposals",
        {"subject": COMPANY, "reasons": "拒不履行。"},
        court,
    ).json()
    url = f"/api/v1/entries/{entry['reference']}"
    other = _auth("YN-RST")
    assert _error(_post(client, f"{url}/notify", {}, other), 403) == "entry.other_unit"
    assert _error(_post(client, f"{url}/publish", {}, court), 409) == "entry.wrong_step"
    wages = _post(
        client,
        "/api/v1/lists/judgment-defaulters/proposals",
        {"subject": COMPANY, "reasons": "拒不履行。"},
        other,
    )
    assert _error(wages, 403) == "entry.unit_not_owner"
    assert _error(client.get("/api/v1/entries/MD000000000000", **court), 404) == "entry.unknown"


def test_a_minor_cannot_be_proposed_by_api(client, loaded_pack):
    create_subject(Actor.cli(), kind="person", name="小明", id_number=MINOR)
    response = _post(
        client,
        "/api/v1/lists/judgment-defaulters/proposals",
        {"subject": MINOR, "reasons": "拒不履行。"},
        _auth("YN-GY"),
    )
    assert _error(response, 400) == "entry.minor"
    assert not ListEntry.objects.exists()
