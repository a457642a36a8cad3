"""`search_subjects`: what a query finds, in what order."""

from __future__ import annotations

import pytest

from xinyong.search.query import search_subjects
from xinyong.subjects.models import Region

pytestmark = pytest.mark.django_db


def _names(query: str, **kwargs) -> list[str]:
    return [subject.name for subject in search_subjects(query, **kwargs).items]


def test_it_finds_a_two_character_fragment(organisation):
    organisation("云南白药集团股份有限公司")
    organisation("昆明白药坊大药房有限公司")
    organisation("昆明鑫瑞商贸有限公司")
    organisation("白族药业有限公司")  # 白 and 药, but not next to each other
    assert _names("白药") == ["云南白药集团股份有限公司", "昆明白药坊大药房有限公司"]


def test_it_finds_a_one_character_fragment(organisation):
    organisation("昆明鑫瑞商贸有限公司")
    organisation("玉溪红塔烟草有限公司")
    organisation("大理苍山茶业有限公司")
    assert _names("塔") == ["玉溪红塔烟草有限公司"]
    assert search_subjects("司").total == 3


def test_it_finds_a_fragment_of_three_or_more_characters(organisation):
    organisation("云南药白药业有限公司")
    organisation("白药药白商贸有限公司")  # has the bigrams 药白 and 白药, not 药白药
    assert _names("药白药") == ["云南药白药业有限公司"]
    assert _names("药白药业有限") == ["云南药白药业有限公司"]
    assert _names("药白药业有限责任") == []


def test_it_matches_across_width_case_and_spaces(organisation):
    organisation("ＡＢＣ科技（云南）有限公司")
    assert _names("abc科技(云南") == ["ＡＢＣ科技（云南）有限公司"]
    assert _names(" Ａbc 科 技 ") == ["ＡＢＣ科技（云南）有限公司"]
    assert search_subjects(" Ａbc 科 技 ").query == "abc科技"


def test_like_wildcards_in_a_query_are_plain_characters(organisation):
    organisation("百分之100%纯净水有限公司")
    organisation("abc贸易有限公司")
    assert _names("100%纯") == ["百分之100%纯净水有限公司"]
    assert _names("a_c贸") == []
    assert _names("%") == ["百分之100%纯净水有限公司"]


def test_it_finds_a_subject_by_its_code_typed_in_lower_case(organisation):
    subject = organisation("昆明鑫瑞商贸有限公司")
    organisation("玉溪红塔烟草有限公司")
    page = search_subjects(f" {subject.uscc.lower()} ")
    assert [found.pk for found in page.items] == [subject.pk]
    assert page.total == 1


def test_a_code_with_a_wrong_check_character_finds_nothing_but_does_not_fail(organisation):
    subject = organisation("昆明鑫瑞商贸有限公司")
    wrong = subject.uscc[:17] + ("0" if subject.uscc[17] != "0" else "1")
    assert search_subjects(wrong).items == []


@pytest.mark.parametrize("query", ["白药", "白药坊"])
def test_it_ranks_prefix_matches_first_and_active_subjects_first(organisation, query):
    organisation("云南白药坊有限公司", status="revoked")
    organisation("白药坊商贸有限公司", status="closed")
    organisation("昆明白药坊有限公司")
    organisation("白药坊科技有限公司")
    assert _names(query) == [
        "白药坊科技有限公司",  # prefix, active
        "白药坊商贸有限公司",  # prefix, closed
        "昆明白药坊有限公司",  # elsewhere, active
        "云南白药坊有限公司",  # elsewhere, revoked
    ]


def test_a_code_match_comes_before_name_matches_and_is_not_repeated(organisation):
    subject = organisation("昆明鑫瑞商贸有限公司")
    page = search_subjects(subject.uscc)
    assert page.items == [subject]
    assert (page.total, page.pages) == (1, 1)


def test_the_items_carry_their_region(organisation, django_assert_num_queries):
    Region.objects.create(code="530102", name="五华区", level=Region.Level.COUNTY)
    organisation("昆明鑫瑞商贸有限公司")  # its code is registered in 530102
    (subject,) = search_subjects("鑫瑞").items
    with django_assert_num_queries(0):
        assert subject.region.name == "五华区"
