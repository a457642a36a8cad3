"""The objections API: a unit's system files for an applicant, anyone with the reference
follows it, the data-providing unit answers its check."""

from __future__ import annotations

import base64

import pytest

from tests.portal import pipeline
from tests.rights.conftest import ACTOR, DATA_UNIT, post_json
from xinyong.core.models import AuditEvent
from xinyong.records.models import CreditRecord
from xinyong.rights import objections
from xinyong.rights.models import Objection

pytestmark = pytest.mark.django_db

URL = "/api/v1/objections"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _body(**overrides):
    body = {
        "ground": "wrong",
        "description": "处罚机关名称与决定书不一致。",
        "applicant_name": "王经理",
        "contact": "13800000000",
        "corrections": {"CF_CFJG": "昆明市市场监督管理局五华分局"},
    }
    body.update(overrides)
    return body


def _error(response, status: int) -> str:
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["message"] and error["message_en"]
    return error["code"]


def test_a_units_system_files_an_objection_and_the_record_is_flagged(client, penalty, token_for):
    attachment = {"name": "决定书.pdf", "content_base64": base64.b64encode(PDF).decode()}
    response = post_json(
        client,
        URL,
        _body(record=penalty.pk, attachments=[attachment]),
        token_for("YN-GAT", "rights:write"),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "platform" and body["channel"] == "api"
    assert body["ground_name"] == "信息错误"
    assert body["target"] == {
        "kind": "record",
        "record": penalty.pk,
        "entry": None,
        "name": "行政处罚",
        "document_number": penalty.document_number,
        "subject": {
            "public_id": penalty.subject.public_id,
            "kind": "organisation",
            "name": penalty.subject.name,
            "code": pipeline.COMPANY,
        },
        "disputed": True,
    }
    assert [s["state"] for s in body["steps"]] == ["current", "waiting", "waiting"]
    assert body["due_on"] == body["steps"][0]["due_on"]
    assert "13800000000" not in response.content.decode()
    # Not the data-providing unit: no case text.
    assert body["description"] is None and body["corrections"] is None
    objection = Objection.objects.get(reference=body["reference"])
    assert [f.name for f in objection.attachments.all()] == ["决定书.pdf"]
    assert AuditEvent.objects.filter(
        action="xinyong.objection.filed", actor__startswith="token:", actor_unit="YN-GAT"
    ).exists()
    penalty.refresh_from_db()
    assert penalty.status == CreditRecord.Status.DISPUTED


def test_filing_against_a_list_entry_by_its_reference(client, listed_entry, token_for):
    response = post_json(
        client,
        URL,
        _body(entry=listed_entry.reference.lower(), corrections={"_text": "认定文书号有误"}),
        token_for("YN-GAT", "rights:write"),
    )
    assert response.status_code == 201, response.content
    assert response.json()["target"]["entry"] == listed_entry.reference
    listed_entry.refresh_from_db()
    assert listed_entry.disputed


@pytest.mark.parametrize(
    ("overrides", "status", "code"),
    [
        ({"record": 999999}, 404, "record.unknown"),
        ({"entry": "MD000000000000"}, 404, "entry.unknown"),
        ({}, 400, "rights.target"),
        ({"record": "PENALTY", "ground": "dislike"}, 400, "objection.ground"),
        ({"record": "PENALTY", "contact": ""}, 400, "rights.contact_required"),
        (
            {"record": "PENALTY", "corrections": {"CF_XDR_SHXYM": "x"}},
            400,
            "objection.correction_field",
        ),
        (
            {"record": "PENALTY", "attachments": [{"name": "a.exe", "content_base64": "TVo="}]},
            400,
            "attachment.kind",
        ),
        (
            {"record": "PENALTY", "attachments": [{"name": "a.pdf", "content_base64": "%%%"}]},
            400,
            "attachment.not_base64",
        ),
    ],
)
def test_filing_refusals_have_stable_codes(client, penalty, token_for, overrides, status, code):
    if overrides.get("record") == "PENALTY":
        overrides["record"] = penalty.pk
    response = post_json(client, URL, _body(**overrides), token_for("YN-GAT", "rights:write"))
    assert _error(response, status) == code
    assert not Objection.objects.exists()


def test_a_second_open_objection_is_a_conflict_and_scope_is_needed(client, penalty, token_for):
    auth = token_for("YN-GAT", "rights:write")
    assert post_json(client, URL, _body(record=penalty.pk), auth).status_code == 201
    assert _error(post_json(client, URL, _body(record=penalty.pk), auth), 409) == (
        "objection.already_open"
    )
    no_scope = token_for("YN-GAT", "records:read")
    assert _error(post_json(client, URL, _body(record=penalty.pk), no_scope), 403) == "auth.scope"
    assert _error(client.post(URL, data="{}", content_type="application/json"), 401) == (
        "auth.required"
    )


def test_the_data_providing_unit_lists_and_answers_its_check(client, penalty, token_for):
    filed = objections.file_objection(
        penalty,
        ground="wrong",
        description="处罚机关名称有误。",
        applicant_name="王经理",
        contact="13800000000",
        corrections={"CF_CFJG": "昆明市市场监管局"},
        actor=ACTOR,
        channel="console",
    )
    unit = token_for(DATA_UNIT, "rights:write")
    assert client.get(URL, **unit).json()["total"] == 0  # not referred yet
    objections.refer_to_unit(filed, actor=ACTOR)

    listed = client.get(URL, **unit).json()
    assert listed["total"] == 1
    assert listed["objections"][0]["description"] == "处罚机关名称有误。"
    assert listed["objections"][0]["corrections"] == {"CF_CFJG": "昆明市市场监管局"}

    answer_url = f"{URL}/{filed.reference}/unit-answer"
    answer = {
        "confirms_error": True,
        "answer": "经核实，名称应为五华分局。",
        "corrections": {"CF_CFJG": "昆明市市场监督管理局五华分局"},
    }
    other = token_for("YN-GAT", "rights:write")
    assert _error(post_json(client, answer_url, answer, other), 403) == "objection.other_unit"
    response = post_json(client, answer_url, answer, unit)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "deciding"
    assert body["corrections"] == {"CF_CFJG": "昆明市市场监督管理局五华分局"}
    assert body["unit_answer"] == "经核实，名称应为五华分局。"
    assert [e["action"] for e in body["events"]] == [
        "filed",
        "flagged",
        "referred",
        "unit_answered",
    ]
    assert _error(post_json(client, answer_url, answer, unit), 409) == "objection.wrong_step"


def test_anyone_with_the_reference_reads_the_public_view_only(client, loaded_pack, token_for):
    pipeline.run("penalty", [pipeline.persons_penalty()])
    record = pipeline.record("昆市监罚〔2026〕2号")
    filed = objections.file_objection(
        record,
        ground="not-public",
        description=f"本人身份证号 {pipeline.PERSON_ID} 不应公示。",
        applicant_name="李四",
        contact="lisi@example.com",
        actor=ACTOR,
        channel="console",
    )
    response = client.get(f"{URL}/{filed.reference.lower()}", **token_for("YN-GAT", "rights:write"))
    assert response.status_code == 200, response.content
    text = response.content.decode()
    assert pipeline.PERSON_ID not in text and "lisi@example.com" not in text
    assert response.json()["target"]["subject"]["code"] == record.subject.id_number_masked
    assert response.json()["description"] is None
    missing = client.get(f"{URL}/YY000000000000", **token_for("YN-GAT", "rights:write"))
    assert _error(missing, 404) == "objection.unknown"
