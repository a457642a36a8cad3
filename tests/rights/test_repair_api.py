"""The credit-repair API: filing, refusals with their codes, reading, deciding."""

# ruff: noqa: F811  (the fixtures imported from repair_support are redefined as arguments)
from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest

from tests.portal import pipeline
from tests.rights.repair_support import (  # noqa: F401  (fixtures)
    DOCUMENT,
    PDF,
    apply,
    entry,
    media,
    record,
    set_minimum_end,
    today,
)
from tests.staff import make_user
from xinyong.accounts.roles import Role
from xinyong.accounts.tokens import create_token
from xinyong.core.audit import Actor
from xinyong.exchange.models import OutboxMessage
from xinyong.records.visibility import public_records
from xinyong.rights.models import RepairApplication

pytestmark = pytest.mark.django_db

URL = "/api/v1/repairs"


def _auth(unit: str, scopes: list[str] | None = None) -> dict[str, str]:
    _token, secret = create_token(unit, scopes or ["rights:write"], Actor.cli())
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def _post(client, url: str, body: dict, auth: dict[str, str]):
    return client.post(
        url, data=json.dumps(body, ensure_ascii=False), content_type="application/json", **auth
    )


def _error(response, status: int) -> str:
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["message"] and error["message_en"]
    return error["code"]


def _body(**overrides) -> dict:
    body = {
        "correction": "已缴清全部罚款，整改完毕。",
        "commitment": "本单位郑重承诺：已纠正失信行为。",
        "applicant_name": "张三",
        "contact": "13800000000",
        "attachments": [{"name": "凭证.pdf", "content_base64": base64.b64encode(PDF).decode()}],
    }
    body.update(overrides)
    return body


@pytest.fixture
def operator_unit(loaded_pack):
    make_user("operator", "YN-FGW", Role.OPERATOR)
    return "YN-FGW"


def test_a_unit_files_an_application_and_gets_its_reference_and_deadline(client, record):
    response = _post(client, URL, _body(record=record.pk), _auth("YN-GSJ"))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["reference"].startswith("XF")
    assert body["status"] == "reviewing"
    assert body["method"] == "penalty"
    assert body["target"]["document_number"] == DOCUMENT
    assert body["due_on"] > today().isoformat()
    assert [event["action"] for event in body["history"]] == ["filed"]
    assert "13800000000" not in response.content.decode()
    assert RepairApplication.objects.get().attachments.count() == 1


def test_a_repair_before_the_minimum_period_is_refused_with_the_first_day(client, record):
    set_minimum_end(record, today() + timedelta(days=5))
    response = _post(client, URL, _body(record=record.pk), _auth("YN-GSJ"))
    assert _error(response, 409) == "repair.too_early"
    assert (today() + timedelta(days=6)).isoformat() in response.json()["error"]["message"]


def test_a_second_application_is_a_conflict(client, record):
    auth = _auth("YN-GSJ")
    assert _post(client, URL, _body(record=record.pk), auth).status_code == 201
    assert _error(_post(client, URL, _body(record=record.pk), auth), 409) == "repair.already_open"


def test_filing_needs_the_scope_a_target_and_the_commitment(client, record):
    assert (
        _error(_post(client, URL, _body(record=record.pk), _auth("YN-GSJ", ["records:read"])), 403)
        == "auth.scope"
    )
    auth = _auth("YN-GSJ")
    assert _error(_post(client, URL, _body(), auth), 400) == "rights.target"
    assert _error(_post(client, URL, _body(record=999999), auth), 404) == "record.unknown"
    no_commitment = _body(record=record.pk, commitment="")
    assert _error(_post(client, URL, no_commitment, auth), 400) == "repair.commitment_required"
    bad_file = _body(record=record.pk, attachments=[{"name": "a.exe", "content_base64": "TVo="}])
    assert _error(_post(client, URL, bad_file, auth), 400) == "attachment.kind"
    assert not RepairApplication.objects.exists()


def test_anyone_with_the_scope_reads_the_public_view(client, record):
    filed = apply(record)
    response = client.get(f"{URL}/{filed.reference.lower()}", **_auth("YN-RST"))
    assert response.status_code == 200, response.content
    assert response.json()["reference"] == filed.reference
    assert _error(client.get(f"{URL}/XF000000000000", **_auth("YN-RST")), 404) == "repair.unknown"


def test_an_operator_unit_approves_a_record_repair(client, record, operator_unit):
    filed = apply(record)
    response = _post(
        client, f"{URL}/{filed.reference}/decide", {"decision": "approve"}, _auth(operator_unit)
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "approved"
    assert response.json()["due_on"] is None
    assert not public_records().filter(pk=record.pk).exists()
    assert OutboxMessage.objects.get().unit.code == "YN-GSJ"


def test_the_records_own_unit_does_not_decide_its_repair(client, record, operator_unit):
    filed = apply(record)
    response = _post(
        client, f"{URL}/{filed.reference}/decide", {"decision": "approve"}, _auth("YN-GSJ")
    )
    assert _error(response, 403) == "repair.not_decider"
    assert public_records().filter(pk=record.pk).exists()


def test_the_entrys_deciding_unit_decides_its_repair(client, entry):
    filed = apply(entry)
    url = f"{URL}/{filed.reference}/decide"
    assert _error(_post(client, url, {"decision": "approve"}, _auth("YN-GSJ")), 403) == (
        "repair.not_decider"
    )
    response = _post(client, url, {"decision": "reject"}, _auth(entry.unit.code))
    assert _error(response, 400) == "rights.required"
    response = _post(
        client, url, {"decision": "reject", "reasons": "尚未满6个月"}, _auth(entry.unit.code)
    )
    assert response.json()["status"] == "rejected"
    assert response.json()["history"][-1]["note"] == "尚未满6个月"
    again = _post(client, url, {"decision": "approve"}, _auth(entry.unit.code))
    assert _error(again, 409) == "repair.decided"


def test_a_persons_code_is_masked_in_the_answer(client, loaded_pack, media):
    pipeline.run("penalty", [pipeline.persons_penalty("昆市监罚〔2026〕31号")])
    person_record = set_minimum_end(
        pipeline.record("昆市监罚〔2026〕31号"), today() - timedelta(days=1)
    )
    response = _post(client, URL, _body(record=person_record.pk), _auth("YN-GSJ"))
    assert response.status_code == 201, response.content
    assert pipeline.PERSON_ID not in response.content.decode()
    assert response.json()["subject_code"] == person_record.subject.id_number_masked
