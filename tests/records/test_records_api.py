"""The records API end to end: a unit's system reports penalties with its token."""

from __future__ import annotations

import json

import pytest

from tests.records.test_import_command import (
    COMPANY_USCC,
    PERSON_ID,
    REJECTED,
    ROWS,
)
from xinyong.accounts.tokens import create_token
from xinyong.core.audit import Actor
from xinyong.records.models import Batch, CreditRecord

pytestmark = pytest.mark.django_db
BOTH = ["records:write", "records:read"]
URL = "/api/v1/records/penalty"


def _token(unit: str = "YN-GAT", scopes: list[str] | None = None) -> dict[str, str]:
    _token, secret = create_token(unit, scopes or BOTH, Actor.cli())
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def _objects() -> list[dict[str, str]]:
    """The penalty file's rows as JSON objects, in file order, without the empty cells."""
    return [
        {code: value for code, value in row.items() if value} for _n, row in sorted(ROWS.items())
    ]


def _post(client, body, auth, url: str = URL):
    return client.post(
        url, data=json.dumps(body, ensure_ascii=False), content_type="application/json", **auth
    )


def _error(response, status: int) -> str:
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["message"] and error["message_en"]
    return error["code"]


def test_it_imports_rows_and_answers_each_rows_outcome(client, loaded_pack):
    response = _post(client, _objects(), _token())
    assert response.status_code == 200, response.content
    body = response.json()
    assert list(body) == ["batch", "accepted", "updated", "unchanged", "rejected", "rows"]
    assert (body["accepted"], body["updated"], body["unchanged"], body["rejected"]) == (5, 0, 0, 4)
    # Rows are numbered from 1 in the order sent: file row n is API row n - 1.
    expected = {n - 1: code for n, (_field, code) in REJECTED.items()}
    assert [r["row"] for r in body["rows"]] == list(range(1, 10))
    for row in body["rows"]:
        if row["row"] in expected:
            assert row["outcome"] == "rejected"
            assert [e["code"] for e in row["errors"]] == [expected[row["row"]]]
            assert set(row["errors"][0]) == {"row", "field", "code", "message", "message_en"}
        else:
            assert row == {"row": row["row"], "outcome": "accepted", "errors": []}
    batch = Batch.objects.get(pk=body["batch"])
    assert (batch.source, batch.unit.code) == ("api", "YN-GAT")
    assert batch.actor.startswith("token:")


def test_sending_the_same_rows_again_reports_them_unchanged(client, loaded_pack):
    auth = _token()
    _post(client, _objects(), auth)
    again = _post(client, _objects(), auth).json()
    assert (again["accepted"], again["unchanged"], again["rejected"]) == (0, 5, 4)
    assert {r["outcome"] for r in again["rows"]} == {"unchanged", "rejected"}


def test_a_changed_row_is_updated_with_a_new_version(client, loaded_pack):
    auth = _token()
    objects = _objects()
    _post(client, objects, auth)
    objects[0]["CF_NR"] = "警告，并处罚款（复核更正）"
    body = _post(client, objects, auth).json()
    assert body["rows"][0] == {"row": 1, "outcome": "updated", "errors": []}
    assert CreditRecord.objects.get(document_number=objects[0]["CF_WSH"]).version == 2


def test_keys_may_be_chinese_field_names_and_numbers_may_be_numbers(client, loaded_pack):
    from tests.records.test_import_command import COLUMNS

    names = dict(COLUMNS)
    row = {names[code]: value for code, value in _objects()[0].items()}
    row["罚款金额（万元）"] = 0.2  # type: ignore[assignment]
    body = _post(client, [row], _token()).json()
    assert body["accepted"] == 1, body
    assert CreditRecord.objects.get().payload["CF_NR_FK"] == "0.2"


def test_it_requires_a_token(client, loaded_pack):
    assert _error(_post(client, _objects(), {}), 401) == "auth.required"
    bad = {"HTTP_AUTHORIZATION": "Bearer xy_00000000_nope"}
    assert _error(_post(client, _objects(), bad), 401) == "auth.required"


def test_it_requires_the_write_scope(client, loaded_pack):
    response = _post(client, _objects(), _token(scopes=["records:read"]))
    assert _error(response, 403) == "auth.scope"
    assert not Batch.objects.exists()


def test_a_party_office_may_not_report_penalties(client, loaded_pack):
    assert _error(_post(client, _objects(), _token("YN-WMB")), 403) == "batch.unit_not_allowed"
    assert CreditRecord.objects.count() == 0


def test_an_unknown_type_is_not_found(client, loaded_pack):
    response = _post(client, _objects(), _token(), url="/api/v1/records/parking")
    assert _error(response, 404) == "record_type.unknown"


@pytest.mark.parametrize(
    "body",
    [
        {"CF_XDR_MC": "x"},
        ["x"],
        [[1]],
        "rows",
        [{"CF_XDR_MC": {"nested": 1}}],
        [{"CF_XDR_MC": True}],
    ],
)
def test_a_body_that_is_not_an_array_of_objects_is_invalid(client, loaded_pack, body):
    assert _error(_post(client, body, _token()), 400) == "request.invalid"


def test_a_body_that_is_not_json_is_invalid(client, loaded_pack):
    response = client.post(URL, data=b"[{", content_type="application/json", **_token())
    assert _error(response, 400) == "request.invalid"


def test_an_unknown_field_refuses_the_whole_request(client, loaded_pack):
    objects = _objects()
    objects[3]["CF_XDR_NAME"] = "misspelt"
    response = _post(client, objects, _token())
    assert _error(response, 400) == "field.unknown"
    assert "CF_XDR_NAME" in response.json()["error"]["message"]
    assert CreditRecord.objects.count() == 0


def test_missing_required_columns_refuse_the_whole_request(client, loaded_pack):
    objects = [{k: v for k, v in row.items() if k != "CF_JDRQ"} for row in _objects()]
    assert _error(_post(client, objects, _token()), 400)
    assert CreditRecord.objects.count() == 0


def test_more_than_ten_thousand_rows_are_refused(client, loaded_pack):
    objects = [{"CF_XDR_MC": "x"}] * 10_001
    assert _error(_post(client, objects, _token()), 400) == "request.too_many_rows"


# --- reading --------------------------------------------------------------------------------


def test_it_lists_a_subjects_records_with_their_versions(client, loaded_pack):
    auth = _token()
    _post(client, _objects(), auth)
    response = client.get(f"/api/v1/subjects/{COMPANY_USCC}/records", **auth)
    assert response.status_code == 200
    body = response.json()
    assert body["subject"]["code"] == COMPANY_USCC and body["subject"]["kind"] == "organisation"
    assert len(body["records"]) == 3
    record = body["records"][0]
    assert {
        "type",
        "document_number",
        "decision_date",
        "status",
        "version",
        "fields",
        "versions",
    } <= set(record)
    assert record["versions"][0]["number"] == 1 and len(record["versions"][0]["hash"]) == 64


def test_the_api_and_the_command_show_the_same_records(client, loaded_pack):
    import io

    from django.core.management import call_command

    auth = _token()
    _post(client, _objects(), auth)
    out = io.StringIO()
    call_command("records", "list", "--subject", COMPANY_USCC, "--json", stdout=out)
    api = client.get(f"/api/v1/subjects/{COMPANY_USCC}/records", **auth).json()
    assert json.loads(out.getvalue()) == api


def test_a_persons_records_show_the_id_number_masked_only(client, loaded_pack):
    auth = _token()
    _post(client, _objects(), auth)
    response = client.get(f"/api/v1/subjects/{PERSON_ID}/records", **auth)
    assert response.status_code == 200
    text = response.content.decode()
    masked = PERSON_ID[:4] + "*" * 10 + PERSON_ID[-4:]
    assert PERSON_ID not in text
    body = response.json()
    assert body["subject"]["code"] == masked
    assert body["records"][0]["fields"]["CF_XDR_ZJHM"] == masked


def test_an_unknown_subject_is_not_found_without_echoing_the_code(client, loaded_pack):
    from tests.records.factories import id_number

    auth = _token()
    for code in (id_number(sequence="777"), "5301**********1238", "not-a-code"):
        response = client.get(f"/api/v1/subjects/{code}/records", **auth)
        assert _error(response, 404) == "subject.unknown"
        assert code not in response.content.decode()


def test_reading_requires_the_read_scope(client, loaded_pack):
    response = client.get(
        f"/api/v1/subjects/{COMPANY_USCC}/records", **_token(scopes=["records:write"])
    )
    assert _error(response, 403) == "auth.scope"
    assert _error(client.get(f"/api/v1/subjects/{COMPANY_USCC}/records"), 401) == "auth.required"


def test_the_openapi_schema_documents_both_endpoints_with_typed_schemas(client):
    schema = client.get("/api/v1/openapi.json").json()
    post = schema["paths"]["/api/v1/records/{type}"]["post"]
    assert post["requestBody"]["content"]["application/json"]["schema"]["type"] == "array"
    assert set(post["responses"]) >= {"200", "400", "401", "403", "404"}
    get = schema["paths"]["/api/v1/subjects/{code}/records"]["get"]
    assert set(get["responses"]) >= {"200", "404"}
    components = schema["components"]["schemas"]
    assert {
        "ImportOut",
        "RowOutcomeOut",
        "SubjectRecordsOut",
        "RecordOut",
        "VersionOut",
        "ErrorOut",
    } <= set(components)
    assert components["ImportOut"].get("examples")


def test_ten_thousand_realistic_rows_fit_in_one_request(client, loaded_pack):
    row = _objects()[0]
    rows = [{**row, "CF_WSH": f"云公(治)罚〔2024〕{n}号"} for n in range(10_000)]
    response = _post(client, rows, _token())
    assert response.status_code == 200
    assert response.json()["accepted"] == 10_000
