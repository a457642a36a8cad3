"""The search page over the search module: results, totals, pages and friendly errors."""

from __future__ import annotations

import pytest

from tests.portal import pipeline
from xinyong.portal import search_views
from xinyong.search import index
from xinyong.search.query import SearchPage
from xinyong.subjects.models import Subject

pytestmark = pytest.mark.django_db


@pytest.fixture
def subjects(loaded_pack):
    pipeline.run("license", [pipeline.licence()])
    pipeline.run("penalty", [pipeline.company_penalty(), pipeline.persons_penalty()])
    index.rebuild()


def test_the_bare_page_shows_only_the_search_box(client, loaded_pack):
    response = client.get("/search")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<label for="q">' in html and "查询结果" not in html


def test_it_finds_a_subject_by_a_two_character_fragment(client, subjects):
    html = client.get("/search", {"q": "白药"}).content.decode()
    assert "楚雄白药堂医药有限公司" in html and "昆明鑫瑞商贸有限公司" not in html
    assert f'href="/subjects/{pipeline.PHARMACY}/"' in html
    assert pipeline.PHARMACY in html and "楚雄彝族自治州" in html and "存续" in html
    assert "共 1 条" in html


def test_it_finds_a_subject_by_its_code_typed_in_lower_case(client, subjects):
    html = client.get("/search", {"q": pipeline.COMPANY.lower()}).content.decode()
    assert "昆明鑫瑞商贸有限公司" in html


def test_it_never_lists_a_person(client, subjects):
    html = client.get("/search", {"q": "李四"}).content.decode()
    assert "没有找到匹配的主体" in html
    assert pipeline.person().public_id not in html


def test_no_result_gets_a_friendly_message(client, subjects):
    response = client.get("/search", {"q": "不存在的名称"})
    assert response.status_code == 200
    assert "没有找到匹配的主体" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [("   ", "请输入要查询的主体名称或统一社会信用代码"), ("药" * 60, "查询内容过长")],
)
def test_a_refused_query_gets_the_errors_message_in_both_languages(
    client, subjects, query, message
):
    response = client.get("/search", {"q": query})
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html and '<p lang="en">' in html and 'role="alert"' in html
    assert 'aria-invalid="true"' in html


def test_a_capped_total_reads_1000_plus_with_page_links(client, subjects, monkeypatch):
    company = Subject.objects.get(uscc=pipeline.COMPANY)
    calls = []

    def fake(q, *, page=1, page_size=20):
        calls.append((q, page))
        return SearchPage(q, [company], 1000, True, page, 50, 20)

    monkeypatch.setattr(search_views, "search_subjects", fake)
    html = client.get("/search", {"q": "有限", "page": "3"}).content.decode()
    assert calls == [("有限", 3)]
    assert "共 1000+ 条" in html and "第 3 页，共 50 页" in html
    assert 'href="?q=%E6%9C%89%E9%99%90&amp;page=4" rel="next"' in html
    assert 'href="?q=%E6%9C%89%E9%99%90&amp;page=2" rel="prev"' in html


def test_a_bad_page_number_is_a_message(client, subjects):
    response = client.get("/search", {"q": "白药", "page": "-1"})
    assert response.status_code == 400
    assert "页码“-1”无效" in response.content.decode()


@pytest.mark.parametrize("case", [str, str.lower])
def test_an_id_number_is_refused_and_not_repeated(client, subjects, case):
    response = client.get("/search", {"q": case(pipeline.PERSON_ID)})
    html = response.content.decode()
    assert response.status_code == 400
    assert "不能用身份证件号码查询" in html
    assert pipeline.PERSON_ID not in html.upper() and "李四" not in html
