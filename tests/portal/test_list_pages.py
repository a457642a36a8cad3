"""The public list pages: what puts a subject on a list, for how long, how it leaves."""

from __future__ import annotations

import pytest
from django.utils import translation

from xinyong.lists.models import CreditList
from xinyong.policy.durations import Duration
from xinyong.policy.schema import ListTerm
from xinyong.portal.list_views import term_text

pytestmark = pytest.mark.django_db


def test_the_lists_page_groups_the_public_lists_by_kind(client, loaded_pack):
    page = client.get("/lists/").content.decode()
    black, red = page.index("黑名单（"), page.index("红名单（")
    assert red < black < page.index("失信被执行人名单")
    assert 'href="/lists/judgment-defaulters/"' in page


def test_a_list_that_is_not_public_is_neither_listed_nor_shown(client, loaded_pack):
    hidden = CreditList.objects.get(code="fraud-numbers-and-accounts")
    assert hidden.public is False
    assert hidden.name not in client.get("/lists/").content.decode()
    assert client.get("/lists/fraud-numbers-and-accounts/").status_code == 404
    assert client.get("/lists/no-such-list/").status_code == 404


def test_a_list_page_shows_basis_criteria_terms_and_exit(client, loaded_pack):
    page = client.get("/lists/judgment-defaulters/").content.decode()
    for text in (
        "最高人民法院",
        "有履行能力而拒不履行",
        "至履行义务或纠正失信行为之日",
        "自认定之日起 2 年，可延长至多 3 年",
        "移出程序",
        "由作出纳入决定的人民法院删除失信信息",
    ):
        assert text in page, text


def test_a_list_page_shows_the_measures_its_memoranda_bind_with_their_scenes(client, loaded_pack):
    page = client.get("/lists/judgment-defaulters/").content.decode()
    assert "关于对失信被执行人实施联合惩戒的合作备忘录" in page
    assert "限制乘坐飞机" in page and "限制出境" in page
    assert "应用场景" in page


def test_a_term_reads_in_english_when_the_page_is_in_english():
    term = ListTerm(kind="fixed", period=Duration(2, "year"), extendable_by=Duration(1, "year"))
    with translation.override("en"):
        assert term_text(term) == "2 years from the listing decision, extendable by up to 1 year"
    with translation.override("zh-hans"):
        assert term_text(term) == "自认定之日起 2 年，可延长至多 1 年"
