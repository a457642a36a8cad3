"""POST /api/v1/checks and GET /api/v1/checks/{receipt} end to end, with tokens."""

from __future__ import annotations

import json

import pytest

from tests.lists.test_checks import ACTOR, company, judgment_defaulter
from tests.records.factories import id_number
from xinyong.accounts.tokens import create_token
from xinyong.core.audit import Actor
from xinyong.lists.checks import MAX_SUBJECTS
from xinyong.lists.models import CheckReceipt
from xinyong.subjects.services import create_subject

pytestmark = pytest.mark.django_db
URL = "/api/v1/checks"


def _auth(unit: str = "YN-CZT", scopes: list[str] | None = None) -> dict[str, str]:
    _token, secret = create_token(unit, scopes or ["checks"], Actor.cli())
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def _post(client, body, auth):
    return client.post(
        URL, data=json.dumps(body, ensure_ascii=False), content_type="application/json", **auth
    )


def _body(*subjects: dict[str, str], scene: str = "government-procurement") -> dict:
    return {"scene": scene, "purpose": "政府采购供应商资格审查", "subjects": list(subjects)}


def _error(response, status: int) -> str:
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["message"] and error["message_en"]
    return error["code"]


def test_a_check_answers_per_subject_and_can_be_fetched_again(client, loaded_pack):
    subject = company()
    entry = judgment_defaulter(subject)
    auth = _auth()

    response = _post(client, _body({"uscc": subject.uscc}, {"uscc": "91530102MA6XXXXXX0"}), auth)

    assert response.status_code == 200, response.content
    answer = response.json()
    assert list(answer) == [
        "receipt",
        "checked_at",
        "scene",
        "purpose",
        "unit",
        "data_version",
        "results",
    ]
    assert (answer["scene"], answer["unit"]) == ("government-procurement", "YN-CZT")
    listed, unknown = answer["results"]
    assert listed["entries"][0]["reference"] == entry.reference
    assert {m["code"] for m in listed["measures"]} == {
        "public-resource-trading-limit",
        "government-procurement-ban",
    }
    assert unknown["match"] == "none" and unknown["error"]["code"].startswith("uscc.")
    receipt = CheckReceipt.objects.get(reference=answer["receipt"])
    assert receipt.actor.startswith("token:") and receipt.unit.code == "YN-CZT"

    again = client.get(f"{URL}/{answer['receipt']}", **auth)
    assert again.status_code == 200
    assert again.json() == answer


def test_another_unit_cannot_read_the_receipt(client, loaded_pack):
    answer = _post(client, _body({"uscc": "x"}), _auth()).json()
    response = client.get(f"{URL}/{answer['receipt']}", **_auth("YN-FGW"))
    assert _error(response, 403) == "check.other_unit"
    assert _error(client.get(f"{URL}/HC0000000000000000", **_auth()), 404) == (
        "check.unknown_receipt"
    )


def test_a_check_needs_the_checks_scope_and_a_token(client, loaded_pack):
    response = _post(client, _body({"uscc": "x"}), _auth(scopes=["lists:read"]))
    assert _error(response, 403) == "auth.scope"
    assert _error(_post(client, _body({"uscc": "x"}), {}), 401) == "auth.required"
    assert not CheckReceipt.objects.exists()


def test_the_answer_never_contains_a_full_id_number(client, loaded_pack):
    number = id_number(born="19800101")
    person = create_subject(ACTOR, kind="person", name="赵六", id_number=number)
    judgment_defaulter(person)
    auth = _auth()

    response = _post(client, _body({"id_number": number}), auth)

    assert response.status_code == 200
    assert number not in response.content.decode("utf-8")
    [result] = response.json()["results"]
    assert result["matched_by"] == "id_number"
    assert result["query"]["id_number"] == result["subject"]["code"] == person.id_number_masked
    fetched = client.get(f"{URL}/{response.json()['receipt']}", **auth)
    assert number not in fetched.content.decode("utf-8")


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (_body(), "check.empty"),
        ({**_body({"uscc": "x"}), "purpose": ""}, "check.purpose_required"),
        (_body({"uscc": "x"}, scene="nowhere"), "scene.unknown"),
        (_body({"code": "x"}), "request.invalid"),
        (_body({"uscc": 91530102}), "request.invalid"),
    ],
)
def test_it_refuses_a_malformed_request_with_a_coded_error(client, loaded_pack, body, code):
    response = _post(client, body, _auth())
    assert _error(response, 404 if code == "scene.unknown" else 400) == code


def test_more_than_the_limit_is_refused_with_a_clear_error(client, loaded_pack):
    body = _body(*[{"uscc": "91530102MA6XXXXXX0"}] * (MAX_SUBJECTS + 1))
    response = _post(client, body, _auth())
    assert _error(response, 400) == "check.too_many"
    assert "100,000" in response.json()["error"]["message"]


def test_the_openapi_schema_describes_the_check(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/checks", "/api/v1/checks/{receipt}"} <= set(schema["paths"])
    assert "ResultOut" in schema["components"]["schemas"]
