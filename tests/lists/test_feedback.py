"""Execution feedback on a check (执行反馈) and the feedback rate (执行反馈率).

The cast: 甲公司 on 失信被执行人 and 拖欠农民工工资 lists, 乙公司 on 失信被执行人 only.
A 政府采购 check returns both with the measures 限制参与政府采购活动
(government-procurement-ban) and 限制参与有关公共资源交易活动
(public-resource-trading-limit).
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.records.factories import id_number, uscc
from xinyong.accounts.tokens import create_token
from xinyong.core.audit import Actor
from xinyong.core.errors import NotFound, PermissionDenied
from xinyong.core.models import AuditEvent
from xinyong.lists import entries
from xinyong.lists.checks import CheckOutcome, SubjectQuery, run_check
from xinyong.lists.feedback import feedback_stats, parse_amount, record_feedback
from xinyong.lists.models import CheckFeedback, CheckReceipt
from xinyong.subjects.models import Subject, Unit
from xinyong.subjects.services import create_subject

pytestmark = pytest.mark.django_db
ACTOR = Actor("test:operator")
CLERK = Actor("user:7:clerk-gat", "YN-GAT")
BAN = "government-procurement-ban"
TRADING = "public-resource-trading-limit"
SCENE = "government-procurement"


@pytest.fixture
def cast(loaded_pack) -> dict[str, Subject]:
    first = create_subject(ACTOR, kind="organisation", name="甲公司", uscc=uscc(body="12345678"))
    second = create_subject(ACTOR, kind="organisation", name="乙公司", uscc=uscc(body="22345678"))
    decided = date(2025, 1, 2)
    for code in ("judgment-defaulters", "wage-arrears"):
        entries.record_decided(code, first, reasons="拒不履行", decided_on=decided, actor=ACTOR)
    entries.record_decided(
        "judgment-defaulters", second, reasons="拒不履行", decided_on=decided, actor=ACTOR
    )
    return {"first": first, "second": second}


def check(unit: str, *subjects: Subject) -> CheckOutcome:
    return run_check(
        [SubjectQuery(uscc=subject.uscc or "") for subject in subjects],
        scene_code=SCENE,
        purpose="政府采购供应商资格审查",
        actor=CLERK,
        unit=Unit.objects.get(code=unit),
    )


def item(subject: Subject, measure: str, applied: bool, **more) -> dict:
    return {"subject": subject.public_id, "measure": measure, "applied": applied, **more}


def gat() -> Unit:
    return Unit.objects.get(code="YN-GAT")


def test_the_check_returns_the_measures_feedback_is_given_on(cast):
    results = check("YN-GAT", cast["first"]).results
    assert {m["code"] for m in results[0]["measures"]} == {BAN, TRADING}


# --- recording ------------------------------------------------------------------------------
def test_the_checking_unit_reports_one_measure_applied_and_one_not(cast):
    receipt = check("YN-GAT", cast["first"]).receipt
    result = record_feedback(
        receipt.reference,
        [
            item(cast["first"], BAN, True, amount="120.5"),
            item(cast["first"], TRADING, False, reason="该项目不属于公共资源交易"),
        ],
        actor=CLERK,
        unit=gat(),
    )
    assert [i.outcome for i in result.items] == ["created", "created"]
    rows = {row.measure.code: row for row in CheckFeedback.objects.select_related("measure")}
    assert rows[BAN].applied is True and rows[BAN].amount == Decimal("120.5")
    assert rows[BAN].unit.code == "YN-GAT" and rows[BAN].actor == CLERK.label
    assert rows[BAN].entry.credit_list.code == "judgment-defaulters"  # its first ground
    assert rows[TRADING].applied is False and rows[TRADING].reason == "该项目不属于公共资源交易"
    event = AuditEvent.objects.get(action="xinyong.check.feedback")
    assert event.data["receipt"] == receipt.reference
    assert [line["outcome"] for line in event.data["items"]] == ["created", "created"]


def test_not_applied_needs_a_reason(cast):
    receipt = check("YN-GAT", cast["first"]).receipt
    result = record_feedback(
        receipt.reference, [item(cast["first"], BAN, False)], actor=CLERK, unit=gat()
    )
    assert result.items[0].outcome == "rejected"
    assert [e["code"] for e in result.items[0].errors] == ["feedback.reason_required"]
    assert not CheckFeedback.objects.exists()


def test_a_measure_the_check_did_not_return_is_refused(cast):
    receipt = check("YN-GAT", cast["first"]).receipt
    result = record_feedback(
        receipt.reference,
        [item(cast["first"], "flight-ban", True), item(cast["first"], BAN, True)],
        actor=CLERK,
        unit=gat(),
    )
    refused, accepted = result.items
    assert refused.outcome == "rejected" and accepted.outcome == "created"
    error = refused.errors[0]
    assert error["code"] == "feedback.measure_not_returned" and error["field"] == "measure"
    assert "flight-ban" in error["message"] and error["message_en"]
    assert list(CheckFeedback.objects.values_list("measure__code", flat=True)) == [BAN]


def test_a_subject_the_check_did_not_match_is_refused(cast):
    receipt = check("YN-GAT", cast["first"]).receipt
    stranger = id_number(born="19800101")
    result = record_feedback(
        receipt.reference,
        [
            item(cast["second"], BAN, True),
            {"subject": stranger, "measure": BAN, "applied": True},
        ],
        actor=CLERK,
        unit=gat(),
    )
    assert [i.errors[0]["code"] for i in result.items] == ["feedback.subject_not_returned"] * 2
    assert result.items[1].subject == stranger[:4] + "*" * 10 + stranger[-4:]  # never echoed


def test_another_unit_may_not_give_feedback_on_the_receipt(cast):
    receipt = check("YN-GAT", cast["first"]).receipt
    with pytest.raises(PermissionDenied) as caught:
        record_feedback(
            receipt.reference,
            [item(cast["first"], BAN, True)],
            actor=Actor("user:8:other", "YN-CZT"),
            unit=Unit.objects.get(code="YN-CZT"),
        )
    assert caught.value.code == "feedback.other_unit"
    assert not CheckFeedback.objects.exists()


def test_an_unknown_receipt_is_not_found(cast):
    with pytest.raises(NotFound):
        record_feedback("HC0000000000000000", [{}], actor=CLERK, unit=gat())


def test_a_second_feedback_replaces_the_first_and_the_audit_keeps_both(cast):
    receipt = check("YN-GAT", cast["first"]).receipt
    record_feedback(
        receipt.reference,
        [item(cast["first"], BAN, False, reason="合同已于核查前签订")],
        actor=CLERK,
        unit=gat(),
    )
    again = record_feedback(
        receipt.reference, [item(cast["first"], BAN, True, amount=35)], actor=CLERK, unit=gat()
    )
    assert again.items[0].outcome == "updated"
    row = CheckFeedback.objects.get()
    assert (row.applied, row.reason, row.amount) == (True, "", Decimal("35"))
    events = AuditEvent.objects.filter(action="xinyong.check.feedback").order_by("seq")
    assert events.count() == 2
    previous = events.last().data["items"][0]["previous"]
    assert previous["applied"] is False and previous["reason"] == "合同已于核查前签订"
    same = record_feedback(
        receipt.reference, [item(cast["first"], BAN, True, amount=35)], actor=CLERK, unit=gat()
    )
    assert same.items[0].outcome == "unchanged"
    assert AuditEvent.objects.filter(action="xinyong.check.feedback").count() == 2


def test_the_subject_may_be_named_by_its_code(cast):
    receipt = check("YN-GAT", cast["first"]).receipt
    by_code = {"subject": cast["first"].uscc, "measure": BAN, "applied": True}
    result = record_feedback(receipt.reference, [by_code], actor=CLERK, unit=gat())
    assert result.items[0].outcome == "created"
    assert result.items[0].subject == cast["first"].public_id


def test_the_same_item_twice_in_one_report_is_refused_the_second_time(cast):
    receipt = check("YN-GAT", cast["first"]).receipt
    twice = [item(cast["first"], BAN, True), item(cast["first"], BAN, True)]
    result = record_feedback(receipt.reference, twice, actor=CLERK, unit=gat())
    assert [i.outcome for i in result.items] == ["created", "rejected"]
    assert result.items[1].errors[0]["code"] == "feedback.duplicate"


@pytest.mark.parametrize("amount", ["-1", "abc", "1.00001", "1e20", "NaN", True])
def test_an_amount_must_be_a_plain_non_negative_number(amount):
    with pytest.raises(Exception) as caught:
        parse_amount(amount)
    assert getattr(caught.value, "code", "") == "feedback.amount_invalid"


def test_amounts_are_kept_to_four_decimals():
    assert parse_amount("12.3456") == Decimal("12.3456")
    assert parse_amount(0) == Decimal("0")
    assert parse_amount("") is None and parse_amount(None) is None


# --- statistics -----------------------------------------------------------------------------
@pytest.fixture
def two_checks(cast) -> tuple[CheckReceipt, CheckReceipt]:
    """YN-GAT checks both companies and reports on three measures; YN-CZT checks 甲公司
    and reports nothing."""
    first = check("YN-GAT", cast["first"], cast["second"]).receipt
    second = check("YN-CZT", cast["first"]).receipt
    record_feedback(
        first.reference,
        [
            item(cast["first"], BAN, True),
            item(cast["first"], TRADING, False, reason="不属于公共资源交易"),
            item(cast["second"], BAN, True),
        ],
        actor=CLERK,
        unit=gat(),
    )
    return first, second


def figures(rows) -> dict[str, tuple[int, int, int, float | None]]:
    return {row.code: (row.returned, row.fed_back, row.applied, row.rate) for row in rows}


def test_the_rates_by_measure_list_and_unit(two_checks):
    stats = feedback_stats()
    assert stats.receipts == 2
    assert figures(stats.by_measure) == {BAN: (3, 2, 2, 2 / 3), TRADING: (3, 1, 0, 1 / 3)}
    # By list the unit is the subject: 甲公司 twice on both lists, 乙公司 once.
    assert figures(stats.by_list) == {
        "judgment-defaulters": (3, 2, 2, 2 / 3),
        "wage-arrears": (2, 1, 1, 0.5),
    }
    assert figures(stats.by_unit) == {"YN-GAT": (4, 3, 2, 0.75), "YN-CZT": (2, 0, 0, 0.0)}
    assert (stats.total.returned, stats.total.fed_back, stats.total.applied) == (6, 3, 2)
    assert stats.total.rate == 0.5
    assert stats.by_unit[0].name == "云南省公安厅"


def test_the_period_counts_checks_by_the_day_they_were_made(two_checks):
    _first, second = two_checks
    CheckReceipt.objects.filter(pk=second.pk).update(created_at=timezone.now() - timedelta(days=10))
    today = timezone.localdate()
    recent = feedback_stats(since=today - timedelta(days=5))
    assert recent.receipts == 1
    assert figures(recent.by_unit) == {"YN-GAT": (4, 3, 2, 0.75)}
    older = feedback_stats(until=today - timedelta(days=5))
    assert figures(older.by_measure) == {BAN: (1, 0, 0, 0.0), TRADING: (1, 0, 0, 0.0)}
    assert feedback_stats(since=today + timedelta(days=1)).by_measure == []


# --- the API --------------------------------------------------------------------------------
def _auth(unit: str = "YN-GAT", scopes: list[str] | None = None) -> dict[str, str]:
    _token, secret = create_token(unit, scopes or ["checks"], Actor.cli())
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def _post(client, reference: str, items: list[dict], auth: dict[str, str]):
    return client.post(
        f"/api/v1/checks/{reference}/feedback",
        data=json.dumps({"items": items}, ensure_ascii=False),
        content_type="application/json",
        **auth,
    )


def test_the_api_records_feedback_and_answers_each_item(client, cast):
    receipt = check("YN-GAT", cast["first"]).receipt
    response = _post(
        client,
        receipt.reference,
        [
            item(cast["first"], BAN, True, amount=12.5),
            item(cast["first"], TRADING, False),
            item(cast["first"], "no-such-measure", True),
        ],
        _auth(),
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["receipt"], body["created"], body["rejected"]) == (receipt.reference, 1, 2)
    assert [i["outcome"] for i in body["items"]] == ["created", "rejected", "rejected"]
    assert body["items"][1]["errors"][0]["code"] == "feedback.reason_required"
    assert body["items"][2]["errors"][0]["code"] == "feedback.measure_not_returned"
    row = CheckFeedback.objects.get()
    assert row.amount == Decimal("12.5") and row.actor.startswith("token:")
    again = _post(
        client, receipt.reference, [item(cast["first"], BAN, False, reason="撤回")], _auth()
    )
    assert again.json()["items"][0]["outcome"] == "updated"


def test_the_api_refuses_another_units_token(client, cast):
    receipt = check("YN-GAT", cast["first"]).receipt
    response = _post(client, receipt.reference, [item(cast["first"], BAN, True)], _auth("YN-CZT"))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "feedback.other_unit"


def test_the_api_needs_the_checks_scope_and_a_known_receipt(client, cast):
    receipt = check("YN-GAT", cast["first"]).receipt
    body = [item(cast["first"], BAN, True)]
    denied = _post(client, receipt.reference, body, _auth(scopes=["lists:read"]))
    assert denied.status_code == 403 and denied.json()["error"]["code"] == "auth.scope"
    unknown = _post(client, "HC0000000000000000", body, _auth())
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "check.unknown_receipt"
    malformed = _post(
        client, receipt.reference, [{"subject": "x", "measure": "y", "applied": "yes"}], _auth()
    )
    assert malformed.status_code == 400
    assert malformed.json()["error"]["code"] == "request.invalid"


def test_the_api_gives_the_stats(client, two_checks):
    response = client.get("/api/v1/feedback/stats", **_auth(scopes=["lists:read"]))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["receipts"] == 2
    assert body["total"] == {
        "code": "",
        "name": "合计",
        "returned": 6,
        "fed_back": 3,
        "applied": 2,
        "not_applied": 1,
        "rate": 0.5,
    }
    by_measure = {row["code"]: row for row in body["by_measure"]}
    assert by_measure[BAN]["rate"] == round(2 / 3, 4) and by_measure[TRADING]["not_applied"] == 1
    assert {row["code"]: row["rate"] for row in body["by_unit"]} == {"YN-GAT": 0.75, "YN-CZT": 0.0}
    assert {row["code"] for row in body["by_list"]} == {"judgment-defaulters", "wage-arrears"}
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    empty = client.get("/api/v1/feedback/stats", {"since": tomorrow}, **_auth()).json()
    assert empty["receipts"] == 0 and empty["by_measure"] == [] and empty["total"]["rate"] is None
    refused = client.get("/api/v1/feedback/stats", **_auth(scopes=["records:read"]))
    assert refused.status_code == 403
    backwards = client.get(
        "/api/v1/feedback/stats", {"since": "2025-02-01", "until": "2025-01-01"}, **_auth()
    )
    assert backwards.status_code == 400
    assert backwards.json()["error"]["code"] == "feedback.period"
