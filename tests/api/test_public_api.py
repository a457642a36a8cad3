"""The public API: a subject's public information without a token (records.api_public)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.portal import pipeline
from tests.records.factories import id_number
from xinyong.core.audit import Actor
from xinyong.lists import entries
from xinyong.records.models import CreditRecord

URL = "/api/v1/public/subjects/{}"
EIGHTEEN = re.compile(r"[0-9]{17}[0-9Xx]")
MINOR_ID = id_number("530102", "20120601", "125")


@pytest.fixture(autouse=True)
def fresh_cache():
    # Rate-limit counters and cached look-ups live in the cache: none from another test.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def records(loaded_pack):
    pipeline.run(
        "penalty",
        [
            pipeline.company_penalty("罚〔2026〕1号", CF_NR_FK="5"),
            pipeline.company_penalty(
                "罚〔2026〕2号", CF_JDRQ=pipeline.days_ago(40), CF_CFLB="警告", CF_NR_FK=""
            ),
            pipeline.company_penalty("罚〔2026〕3号", CF_JDRQ=pipeline.days_ago(200)),
            pipeline.company_penalty("罚〔2026〕4号"),
            pipeline.persons_penalty("罚〔2026〕5号"),
        ],
    )
    pipeline.set_status("罚〔2026〕4号", CreditRecord.Status.REVOKED)


def _get(client, code: str, **params: str):
    return client.get(URL.format(code), params)


def test_it_answers_without_a_token_with_the_subject_and_its_public_records(client, records):
    response = _get(client, pipeline.COMPANY)
    assert response.status_code == 200
    body = response.json()
    subject = pipeline.record("罚〔2026〕1号").subject
    assert body["subject"] == {
        "public_id": subject.public_id,
        "kind": "organisation",
        "kind_name": "法人及非法人组织",
        "name": subject.name,
        "code": pipeline.COMPANY,
    }
    # 3号 (a small fine 200 days ago) ended after 3 months; 4号 is revoked.
    assert [r["document_number"] for r in body["records"]] == ["罚〔2026〕1号", "罚〔2026〕2号"]
    assert (body["records_total"], body["page"], body["pages"]) == (2, 1, 1)
    assert body["entries"] == []


def test_a_record_shows_what_a_portal_card_shows(client, records):
    record = pipeline.record("罚〔2026〕1号")
    shown = _get(client, pipeline.COMPANY).json()["records"][0]
    assert shown["type"] == "penalty" and shown["type_name"] == "行政处罚"
    assert (shown["unit"], shown["unit_name"]) == (record.unit.code, record.unit.name)
    assert shown["decision_date"] == record.decision_date.isoformat()
    assert shown["publicity_end"] == record.publicity_end.isoformat()
    assert (shown["categories"], shown["disputed"]) == (["罚款"], False)
    fields = {field["code"]: field for field in shown["fields"]}
    assert fields["CF_NR_FK"] == {"code": "CF_NR_FK", "name": "罚款金额（万元）", "value": "5"}
    assert fields["CF_CFLB"]["value"] == "罚款"
    # The legal representative's ID number is never shown, not even masked.
    assert "CF_FR_ZJHM" not in fields and "CF_XDR_ZJHM" not in fields
    assert set(shown) == {
        "type",
        "type_name",
        "unit",
        "unit_name",
        "document_number",
        "decision_date",
        "categories",
        "publicity_end",
        "disputed",
        "fields",
    }


def test_a_disputed_record_is_flagged(client, records):
    pipeline.set_status("罚〔2026〕1号", CreditRecord.Status.DISPUTED)
    shown = {r["document_number"]: r for r in _get(client, pipeline.COMPANY).json()["records"]}
    assert shown["罚〔2026〕1号"]["disputed"] and not shown["罚〔2026〕2号"]["disputed"]


def test_a_uscc_is_found_in_any_case_and_by_public_id(client, records):
    subject = pipeline.record("罚〔2026〕1号").subject
    for code in (pipeline.COMPANY.lower(), subject.public_id):
        assert _get(client, code).json()["subject"]["code"] == pipeline.COMPANY


def test_a_person_is_shown_by_masked_id_number_and_never_found_by_it(client, records):
    person = pipeline.person()
    response = _get(client, person.public_id)
    text = response.content.decode()
    assert response.status_code == 200
    assert response.json()["subject"]["code"] == person.id_number_masked
    assert pipeline.PERSON_ID not in text and not EIGHTEEN.search(text)
    by_number = _get(client, pipeline.PERSON_ID)
    assert by_number.status_code == 404
    assert pipeline.PERSON_ID not in by_number.content.decode()


def test_a_company_records_legal_representative_id_number_never_appears(client, records):
    text = _get(client, pipeline.COMPANY).content.decode()
    assert pipeline.REPRESENTATIVE_ID not in text and not EIGHTEEN.search(text)


def test_a_person_with_nothing_public_is_not_found(client, records):
    pipeline.run(
        "penalty",
        [pipeline.persons_penalty("罚〔2026〕6号", CF_XDR_MC="王小明", CF_XDR_ZJHM=MINOR_ID)],
    )
    minor = pipeline.record("罚〔2026〕6号")
    assert minor.withheld == CreditRecord.Withheld.MINOR
    response = _get(client, minor.subject.public_id)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "subject.unknown"


def test_an_unknown_code_is_a_404_in_the_stable_error_shape(client, records):
    response = _get(client, "91530102000000000X")
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "subject.unknown"
    assert error["message"] and error["message_en"] and "91530102000000000X" not in str(error)


def test_a_date_is_refused_because_the_public_sees_today_only(client, records):
    yesterday = (pipeline.today() - timedelta(days=1)).isoformat()
    response = _get(client, pipeline.COMPANY, date=yesterday)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "public.date_not_allowed"


def test_a_bad_page_is_refused_in_the_error_shape(client, records):
    response = _get(client, pipeline.COMPANY, page="0")
    assert (response.status_code, response.json()["error"]["code"]) == (400, "portal.bad_page")


def test_public_list_entries_are_shown(client, records):
    subject = pipeline.record("罚〔2026〕1号").subject
    entries.record_decided(
        "judgment-defaulters",
        subject,
        reasons="有履行能力而拒不履行生效法律文书确定的义务。",
        decided_on=pipeline.today() - timedelta(days=10),
        actor=Actor("cli:api-tests"),
        document_number="（2026）云01执1号",
        ground="有履行能力而拒不履行",
        publish=True,
    )
    shown = _get(client, pipeline.COMPANY).json()["entries"]
    assert len(shown) == 1
    assert shown[0]["list"] == "judgment-defaulters" and shown[0]["list_kind"] == "black"
    assert shown[0]["document_number"] == "（2026）云01执1号" and not shown[0]["disputed"]


@pytest.mark.usefixtures("mid_rate_window")
def test_it_is_rate_limited_together_with_the_subject_page(client, records, settings):
    settings.XINYONG_PORTAL_RATE_LIMIT = 2
    assert client.get(reverse("portal:subject", args=[pipeline.COMPANY])).status_code == 200
    assert _get(client, pipeline.COMPANY).status_code == 200
    response = _get(client, pipeline.COMPANY)
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    error = response.json()["error"]
    assert error["code"] == "request.rate_limited" and "秒后再试" in error["message"]


@pytest.mark.usefixtures("mid_rate_window")
def test_another_client_is_not_limited_by_the_first(client, records, settings):
    settings.XINYONG_PORTAL_RATE_LIMIT = 1
    assert _get(client, pipeline.COMPANY).status_code == 200
    assert _get(client, pipeline.COMPANY).status_code == 429
    other = client.get(URL.format(pipeline.COMPANY), REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 200
