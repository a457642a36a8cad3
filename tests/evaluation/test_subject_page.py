"""The portal's subject page shows the public part of each latest grade: grade, score,
day, the public indicators and the records and entries behind them the public may see."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.evaluation.conftest import ACTOR, company, listed, record
from tests.records.factories import id_number
from xinyong.evaluation import public
from xinyong.evaluation.models import EvaluationResult
from xinyong.evaluation.runs import evaluate
from xinyong.lists.models import ListEntry
from xinyong.policy.models import Rule
from xinyong.records.models import CreditRecord
from xinyong.subjects.models import Subject
from xinyong.subjects.services import create_subject

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    # Schemes and ids are cached per run id, and ids repeat between tests.
    cache.clear()
    yield
    cache.clear()


def days_ago(days: int):
    return timezone.localdate() - timedelta(days=days)


def evaluation_section(client, subject: Subject) -> str:
    response = client.get(f"/subjects/{subject.uscc}/")
    assert response.status_code == 200
    found = re.search(r'<section[^>]*id="evaluation".*?</section>', response.content.decode(), re.S)
    assert found, "no evaluation section"
    return found.group(0)


def make_private(key: str, code: str) -> None:
    rule = Rule.objects.get(key=key)
    for indicator in rule.body["indicators"]:
        if indicator["code"] == code:
            indicator["public"] = False
    rule.save()


@pytest.fixture
def penalised(loaded_pack):
    subject = company("公开评价公司")
    record(subject, days_ago(30))  # 一般行政处罚, public: 1
    revoked = record(subject, days_ago(40), status=CreditRecord.Status.REVOKED)
    expired = record(subject, days_ago(500))  # counts 0.5, its publicity is over
    CreditRecord.objects.filter(pk=expired.pk).update(publicity_end=days_ago(1))
    record(subject, days_ago(60), severity="serious")  # 严重违法, kept private below
    listed(subject, "wage-arrears", decided=days_ago(10))
    hidden = listed(subject, "major-tax-violators", decided=days_ago(10))
    ListEntry.objects.filter(pk=hidden.pk).update(status=ListEntry.Status.LISTED)  # unpublished
    make_private("public-credit", "serious-penalties")
    evaluate("public-credit", actor=ACTOR, today=timezone.localdate())
    return subject, revoked, expired


def test_it_shows_the_grade_score_day_and_public_indicators(client, penalised):
    subject, _revoked, _expired = penalised
    result = EvaluationResult.objects.get(subject=subject, run__scheme="public-credit")
    # 100 − 5 × 1.5 − 15 − 40 × 2 capped at 60
    assert (result.score, result.grade) == (17.5, "D")
    html = evaluation_section(client, subject)
    assert "公共信用综合评价" in html and ">D</span> 差" in html and "17.5" in html
    assert timezone.localdate().isoformat() in html
    assert "一般行政处罚" in html and "-7.5" in html
    assert "列入严重失信主体名单" in html and "-60" in html


def test_it_shows_no_private_indicator_and_no_record_the_public_may_not_see(client, penalised):
    subject, revoked, expired = penalised
    html = evaluation_section(client, subject)
    assert "严重违法行政处罚" not in html and "-15" not in html  # private indicator
    records = CreditRecord.objects.filter(subject=subject).order_by("decision_date")
    shown = [r.document_number for r in records if r.document_number in html]
    assert shown == [records.get(decision_date=days_ago(30)).document_number]
    assert revoked.document_number not in html and expired.document_number not in html
    entries = ListEntry.objects.filter(subject=subject)
    assert entries.get(credit_list__code="wage-arrears").reference in html
    assert entries.get(credit_list__code="major-tax-violators").reference not in html


def test_an_entry_of_a_list_the_public_may_not_see_is_not_shown(client, loaded_pack):
    subject = company("非公开名单公司")
    entry = listed(subject, "fake-lottery-blacklist", decided=days_ago(5))
    evaluate("public-credit", actor=ACTOR, today=timezone.localdate())
    html = evaluation_section(client, subject)
    assert "列入严重失信主体名单" in html and "-40" in html  # counted, as the value says
    assert entry.reference not in html and "假彩票" not in html


def test_a_clean_subject_costs_one_query_and_a_penalised_one_two(client, penalised, monkeypatch):
    subject, _revoked, _expired = penalised
    clean = company("守信公司")
    evaluate("public-credit", actor=ACTOR, today=timezone.localdate())
    evaluate("environmental-credit", actor=ACTOR, today=timezone.localdate())
    counts = {}
    for name, shown in [("with", public.public_explanations), ("without", lambda *a: [])]:
        monkeypatch.setattr("xinyong.portal.subject_views.public_explanations", shown)
        for who in (clean, subject):
            client.get(f"/subjects/{who.uscc}/")  # caches warm
            with CaptureQueriesContext(connection) as queries:
                assert client.get(f"/subjects/{who.uscc}/").status_code == 200
            counts[name, who.name] = len(queries)
    assert counts["with", clean.name] - counts["without", clean.name] == 1
    assert counts["with", subject.name] - counts["without", subject.name] == 2


def test_a_persons_page_shows_no_evaluation(client, loaded_pack):
    person = create_subject(
        ACTOR,
        kind=Subject.Kind.PERSON,
        name="李四",
        id_number=id_number("530102", "19851120", "271"),
    )
    record(person, days_ago(30))
    run = evaluate("public-credit", actor=ACTOR, today=timezone.localdate())
    # Even a result that somehow exists for a person is never shown.
    EvaluationResult.objects.create(run=run, subject=person, score=0, grade="D", values=[0] * 7)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/subjects/{person.public_id}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "信用评价" not in html and "evaluation.css" not in html
    assert not [q for q in queries if "evaluation_" in q["sql"]]
