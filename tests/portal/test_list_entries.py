"""List entries on the public pages: the list page and the subject page's tabs."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from tests.records.factories import id_number, uscc
from xinyong.core.audit import Actor
from xinyong.lists import entries
from xinyong.lists.models import ListEntry
from xinyong.lists.visibility import public_entries
from xinyong.subjects.identifiers import IdentifierError, check_id_number
from xinyong.subjects.models import Subject
from xinyong.subjects.services import create_subject

pytestmark = pytest.mark.django_db

ACTOR = Actor("cli:portal-tests")
COMPANY = uscc("530102", "12345678")
OTHER = uscc("530103", "23456789")
PERSON_ID = id_number("530102", "19851120", "271")
EIGHTEEN = re.compile(r"(?<![0-9A-Za-z])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")
DEFAULTERS = "/lists/judgment-defaulters/"


def _today() -> date:
    return timezone.localdate()


def _company(code: str = COMPANY, name: str = "昆明鑫瑞商贸有限公司") -> Subject:
    return create_subject(ACTOR, kind="organisation", name=name, uscc=code)


def _person() -> Subject:
    return create_subject(ACTOR, kind="person", name="李四", id_number=PERSON_ID)


def _list(
    subject: Subject,
    code: str = "judgment-defaulters",
    *,
    days_ago: int = 30,
    ends_on: date | None = None,
    publish: bool = True,
    document: str = "（2026）云01执1号",
) -> ListEntry:
    return entries.record_decided(
        code,
        subject,
        reasons="有履行能力而拒不履行生效法律文书确定的义务。",
        decided_on=_today() - timedelta(days=days_ago),
        actor=ACTOR,
        document_number=document,
        ground="有履行能力而拒不履行",
        ends_on=ends_on,
        publish=publish,
    )


def _html(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _full_id_numbers(html: str) -> list[str]:
    found = []
    for candidate in EIGHTEEN.findall(html):
        try:
            check_id_number(candidate)
        except IdentifierError:
            continue
        found.append(candidate)
    return found


def test_a_published_entry_shows_on_the_list_page_and_the_subject_tab(client, loaded_pack):
    company = _company()
    entry = _list(company)
    html = _html(client, DEFAULTERS)
    assert "昆明鑫瑞商贸有限公司" in html and COMPANY in html
    assert f'href="/subjects/{COMPANY}/"' in html
    assert "（2026）云01执1号" in html and "有履行能力而拒不履行" in html
    assert "共 1 条" in html
    subject = _html(client, f"/subjects/{COMPANY}/?tab=punishment")
    assert '失信惩戒 <span class="count">1</span>' in subject
    assert "失信被执行人名单" in subject and entry.reference in subject
    assert "云南省高级人民法院" in subject
    assert "该分类下暂无公示中的信息" not in subject


def test_the_subject_page_opens_on_the_tab_with_the_entry(client, loaded_pack):
    _list(_company())
    html = _html(client, f"/subjects/{COMPANY}/")
    assert 'href="?tab=punishment#records" aria-current="page"' in html


def test_red_and_watch_entries_go_under_their_own_tabs(client, loaded_pack):
    company = _company()
    entries.record_decided(
        "integrity-models",
        company,
        reasons="诚信经营典型。",
        decided_on=_today() - timedelta(days=5),
        actor=ACTOR,
        document_number="云文明办〔2026〕1号",
    )
    entries.record_decided(
        "tourism-watch",
        company,
        reasons="旅游服务质量问题。",
        decided_on=_today() - timedelta(days=5),
        actor=ACTOR,
    )
    html = _html(client, f"/subjects/{COMPANY}/?tab=reward")
    assert '守信激励 <span class="count">1</span>' in html
    assert '重点关注 <span class="count">1</span>' in html
    assert "云文明办〔2026〕1号" in html and "旅游服务质量问题" not in html
    assert "旅游服务质量问题" in _html(client, f"/subjects/{COMPANY}/?tab=watch")


def test_an_expired_entry_vanishes_without_any_job(client, loaded_pack):
    company = _company()
    _list(company, days_ago=800, ends_on=_today() - timedelta(days=1))
    assert ListEntry.objects.get().status == ListEntry.Status.PUBLISHED  # nothing ran
    assert "昆明鑫瑞商贸有限公司" not in _html(client, DEFAULTERS)
    assert "这份名单目前没有公开中的条目" in _html(client, DEFAULTERS)
    html = _html(client, f"/subjects/{COMPANY}/?tab=punishment")
    assert '失信惩戒 <span class="count">0</span>' in html
    assert "失信被执行人名单" not in html


def test_an_entry_ending_today_is_still_shown(client, loaded_pack):
    _list(_company(), days_ago=800, ends_on=_today())
    assert "昆明鑫瑞商贸有限公司" in _html(client, DEFAULTERS)


def test_an_unpublished_or_exited_entry_is_not_shown(client, loaded_pack):
    _list(_company(), publish=False)
    exited = _list(_company(OTHER, "昆明另一公司"), document="（2026）云01执2号")
    entries.exit_entry(exited, "conditions_met", actor=ACTOR, note="已履行")
    html = _html(client, DEFAULTERS)
    assert "昆明鑫瑞商贸有限公司" not in html and "昆明另一公司" not in html
    assert public_entries().count() == 0


def test_a_list_the_pack_keeps_private_shows_no_entries(client, loaded_pack):
    company = _company()
    entries.record_decided(
        "fraud-numbers-and-accounts",
        company,
        reasons="涉诈账户。",
        decided_on=_today() - timedelta(days=5),
        actor=ACTOR,
    )
    assert client.get("/lists/fraud-numbers-and-accounts/").status_code == 404
    html = _html(client, f"/subjects/{COMPANY}/?tab=punishment")
    assert '失信惩戒 <span class="count">0</span>' in html and "涉诈账户" not in html
    assert public_entries().count() == 0


def test_a_person_is_shown_masked_and_linked_by_public_id(client, loaded_pack):
    person = _person()
    _list(person)
    html = _html(client, DEFAULTERS)
    assert "李四" in html and person.id_number_masked in html
    assert f'href="/subjects/{person.public_id}/"' in html
    assert _full_id_numbers(html) == []
    # The entry alone gives the person a page (no public record needed), masked too.
    page = _html(client, f"/subjects/{person.public_id}/")
    assert "失信被执行人名单" in page and person.id_number_masked in page
    assert _full_id_numbers(page) == []
    assert PERSON_ID not in html + page


def test_a_person_whose_entry_expired_has_no_page(client, loaded_pack):
    person = _person()
    _list(person, days_ago=800, ends_on=_today() - timedelta(days=1))
    assert client.get(f"/subjects/{person.public_id}/").status_code == 404


def test_the_list_page_shows_the_newest_first_in_pages(client, loaded_pack):
    for number in range(21):
        subject = _company(uscc("530102", f"{number:08d}"), f"公司{number:02d}号")
        _list(subject, days_ago=100 - number, document=f"（2026）云01执{number}号")
    first = _html(client, DEFAULTERS)
    assert "共 21 条" in first and "第 1 页，共 2 页" in first
    assert first.index("公司20号") < first.index("公司19号")
    assert "公司00号" not in first
    second = _html(client, DEFAULTERS + "?page=2")
    assert "公司00号" in second and "公司20号" not in second
    assert client.get(DEFAULTERS + "?page=3").status_code == 404
    assert client.get(DEFAULTERS + "?page=x").status_code == 400
