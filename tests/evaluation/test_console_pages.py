"""The console's evaluation pages: runs and grade distributions for operators and
auditors, and every indicator of a subject with everything behind it."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests.evaluation.conftest import ACTOR, TODAY, company, record
from tests.evaluation.test_subject_page import make_private
from tests.records.factories import uscc
from tests.staff import PASSWORD, make_user
from xinyong.accounts.roles import Role
from xinyong.evaluation import figures
from xinyong.evaluation.runs import evaluate
from xinyong.policy.models import Rule
from xinyong.policy.rules import active_rules
from xinyong.records.models import CreditRecord
from xinyong.subjects.models import Subject
from xinyong.subjects.services import create_subject

pytestmark = pytest.mark.django_db


def subject_in(region: str, name: str, number: str) -> Subject:
    return create_subject(
        ACTOR, kind=Subject.Kind.ORGANISATION, name=name, uscc=uscc(region, number)
    )


@pytest.fixture
def graded(loaded_pack):
    """Four subjects in three places, graded A, B, A, A by the public-credit scheme."""
    kunming = company("昆明甲公司")  # 五华区, 昆明市
    record(kunming, date(2026, 6, 1))  # 95: A
    kunming_b = company("昆明乙公司")
    record(kunming_b, date(2026, 11, 1), severity="serious")  # 85: B
    record(kunming_b, date(2023, 6, 1))  # too old to count, still the unit's subject
    qujing = subject_in("530302", "曲靖公司", "77770001")  # 麒麟区, 曲靖市
    record(qujing, date(2026, 6, 1), unit="YN-STHJT")  # 95: A
    record(qujing, date(2026, 7, 1), unit="YN-RST", status=CreditRecord.Status.REVOKED)
    subject_in("530000", "省级公司", "77770002")  # clean: A
    return evaluate("public-credit", actor=ACTOR, today=TODAY)


def scheme(key: str = "public-credit"):
    return next(rule for rule in active_rules("evaluation_scheme") if rule.key == key)


def test_grades_are_counted_by_prefecture(graded):
    rows = dict(figures.by_prefecture(graded, scheme()))
    assert rows["昆明市"] == [1, 1, 0, 0]  # A, B, C, D
    assert rows["曲靖市"] == [1, 0, 0, 0]
    assert rows["省级或未登记区划"] == [1, 0, 0, 0]
    assert sum(sum(values) for values in rows.values()) == 4


def test_grades_are_counted_by_the_units_that_reported_records(graded):
    rows = figures.by_unit(graded, scheme())
    # Each subject once per unit; a revoked record makes no unit's subject.
    assert rows == [("省工商局", [1, 1, 0, 0]), ("省生态环境厅", [1, 0, 0, 0])]


def login(client, username: str, unit: str, role: str):
    user = make_user(username, unit, role)
    assert client.login(username=user.username, password=PASSWORD)
    return user


def table_row(html: str, label: str) -> list[str]:
    match = re.search(rf"<th scope=\"row\">{re.escape(label)}</th>(.*?)</tr>", html, re.S)
    assert match, label
    return re.findall(r"<td>(\d+)</td>", match.group(1))


def test_the_overview_lists_runs_and_draws_the_latest_runs_distributions(client, graded):
    login(client, "office", "YN-WMB", Role.OPERATOR)
    response = client.get("/console/evaluation/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "公共信用综合评价" in html and graded.digest[:12] in html
    assert "A 3 · B 1 · C 0 · D 0" in html
    assert html.count("<svg") == 2 and 'class="g-1"' in html and 'class="g-2"' in html
    assert table_row(html, "昆明市") == ["1", "1", "0", "0"]
    assert table_row(html, "省工商局") == ["1", "1", "0", "0"]
    assert "该方案尚未运行" in html  # environmental credit
    assert 'aria-current="page">信用评价</a>' in html


ROLES = [
    (Role.OPERATOR, "YN-WMB", 200),
    (Role.AUDITOR, "YN-WMB", 200),
    (Role.CLERK, "YN-RST", 403),
    (Role.REVIEWER, "YN-RST", 403),
]


@pytest.mark.parametrize(("role", "unit", "status"), ROLES)
@pytest.mark.parametrize("page", ["", "subject"])
def test_the_pages_are_for_operators_and_auditors(client, graded, role, unit, status, page):
    login(client, f"user-{role}", unit, role)
    subject = Subject.objects.get(name="昆明乙公司")
    url = "/console/evaluation/" + (f"subjects/{subject.public_id}/" if page else "")
    assert client.get(url).status_code == status
    assert client.post(url).status_code in (405, 403)


def test_an_anonymous_visitor_is_sent_to_log_in(client, graded):
    response = client.get("/console/evaluation/")
    assert response.status_code == 302 and "/console/login/" in response["Location"]


def test_the_subject_page_shows_every_indicator_and_every_record_behind_it(client, graded):
    make_private("public-credit", "serious-penalties")
    subject = Subject.objects.get(name="昆明乙公司")
    serious = CreditRecord.objects.get(subject=subject, severity="serious")
    CreditRecord.objects.filter(pk=serious.pk).update(publicity_end=date(2026, 11, 2))
    login(client, "office", "YN-WMB", Role.OPERATOR)
    html = client.get(f"/console/evaluation/subjects/{subject.public_id}/").content.decode()
    assert "严重违法行政处罚" in html and "不公开" in html  # the private indicator
    assert serious.document_number in html  # its publicity over, still behind the grade
    assert ">B</span> 良" in html and "-15" in html and "按 1 计" in html
    old = CreditRecord.objects.get(subject=subject, decision_date=date(2023, 6, 1))
    assert old.document_number not in html  # older than every band
    assert "评价后数据有变化" not in html


def test_the_subject_page_says_when_the_data_changed_since_the_run(client, graded):
    subject = Subject.objects.get(name="昆明乙公司")
    CreditRecord.objects.filter(subject=subject, severity="serious").update(
        status=CreditRecord.Status.REVOKED
    )
    login(client, "office", "YN-WMB", Role.OPERATOR)
    html = client.get(f"/console/evaluation/subjects/{subject.pk}/").content.decode()
    assert "评价后数据有变化：按现有数据计为 0。" in html


def test_a_result_whose_scheme_is_gone_is_shown_without_indicators(client, graded):
    evaluate("environmental-credit", actor=ACTOR, today=TODAY)
    Rule.objects.filter(key="environmental-credit").update(active=False)
    login(client, "office", "YN-WMB", Role.OPERATOR)
    subject = Subject.objects.get(name="曲靖公司")
    response = client.get(f"/console/evaluation/subjects/{subject.uscc}/")
    html = response.content.decode()
    assert response.status_code == 200 and "公共信用综合评价" in html
    assert "environmental-credit" in html and "无法列出指标" in html


def test_a_subject_is_found_by_its_code_from_the_overview(client, graded):
    login(client, "office", "YN-WMB", Role.OPERATOR)
    subject = Subject.objects.get(name="曲靖公司")
    response = client.get("/console/evaluation/", {"subject": subject.uscc.lower()})
    assert response.status_code == 302
    assert response["Location"] == f"/console/evaluation/subjects/{subject.public_id}/"
    missing = client.get("/console/evaluation/", {"subject": "no-such-subject"})
    assert missing.status_code == 404 and "没有找到“no-such-subject”" in missing.content.decode()
    assert client.get("/console/evaluation/subjects/no-such-subject/").status_code == 404


def test_a_person_outside_every_schemes_population_has_no_result(client, graded):
    from tests.records.factories import id_number

    person = create_subject(
        ACTOR,
        kind=Subject.Kind.PERSON,
        name="李四",
        id_number=id_number("530102", "19851120", "271"),
    )
    login(client, "office", "YN-WMB", Role.OPERATOR)
    html = client.get(f"/console/evaluation/subjects/{person.public_id}/").content.decode()
    assert "该主体尚无已完成的评价结果" in html and "grade-badge" not in html
