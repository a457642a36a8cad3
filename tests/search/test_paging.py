"""Pages, page sizes and the caps that keep anyone from paging through every subject."""

from __future__ import annotations

import pytest

from xinyong.search import query
from xinyong.search.query import MAX_PAGE_SIZE, search_subjects

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, params=["small groups read whole", "groups read by part"])
def group_reading(request, monkeypatch) -> None:
    """Every test twice: small groups ranked in one query, and by count and parts."""
    if request.param == "groups read by part":
        monkeypatch.setattr(query, "SMALL_GROUP", 0)


@pytest.fixture
def twenty_five(organisation) -> list[str]:
    """25 matches of 鑫瑞商: five start with it, every fourth other one is closed."""
    names = [f"鑫瑞商{n:02d}有限公司" for n in range(5)]
    names += [f"昆明鑫瑞商{n:02d}有限公司" for n in range(5, 25)]
    for n, name in enumerate(names):
        organisation(name, status="closed" if n >= 5 and n % 4 == 0 else "active")
    return names


def _ranked(names: list[str]) -> list[str]:
    prefix, others = names[:5], names[5:]
    active = [name for n, name in enumerate(others, start=5) if n % 4]
    closed = [name for n, name in enumerate(others, start=5) if not n % 4]
    return prefix + active + closed


def _all_pages(text: str, size: int) -> list[str]:
    first = search_subjects(text, page_size=size)
    names = [s.name for s in first.items]
    for number in range(2, first.pages + 1):
        names += [s.name for s in search_subjects(text, page=number, page_size=size).items]
    return names


def test_pages_put_together_give_the_whole_ranking_once(twenty_five):
    page = search_subjects("鑫瑞", page_size=10)
    assert (page.total, page.total_capped, page.pages, page.page_size) == (25, False, 3, 10)
    assert _all_pages("鑫瑞", 10) == _ranked(twenty_five)
    assert len(search_subjects("鑫瑞", page=3, page_size=10).items) == 5


def test_page_numbers_outside_the_range_are_clamped(twenty_five):
    assert search_subjects("鑫瑞", page=99, page_size=10).page == 3
    assert search_subjects("鑫瑞", page=0, page_size=10).page == 1
    assert search_subjects("鑫瑞", page=-5).items == search_subjects("鑫瑞").items


def test_the_page_size_is_capped(twenty_five):
    assert search_subjects("鑫瑞", page_size=10_000).page_size == MAX_PAGE_SIZE
    assert search_subjects("鑫瑞", page_size=0).page_size == 1


def test_a_query_without_matches_has_one_empty_page(organisation):
    organisation("昆明鑫瑞商贸有限公司")
    page = search_subjects("白药")
    assert (page.items, page.total, page.total_capped, page.page, page.pages) == (
        [],
        0,
        False,
        1,
        1,
    )


@pytest.mark.parametrize("size", [1, 2, 3, 4])
@pytest.mark.parametrize("text", ["鑫瑞", "鑫瑞商"])  # grams decide; the text is checked
def test_only_the_first_matches_up_to_the_cap_can_be_paged_through(
    twenty_five, monkeypatch, text, size
):
    monkeypatch.setattr(query, "TOTAL_CAP", 12)
    page = search_subjects(text, page_size=size)
    assert (page.total, page.total_capped) == (12, True)
    assert _all_pages(text, size) == _ranked(twenty_five)[:12]


@pytest.mark.parametrize("text", ["鑫瑞", "鑫瑞商"])
def test_a_group_cut_by_the_cap_still_puts_its_active_subjects_first(
    organisation, monkeypatch, text
):
    closed = [organisation(f"昆明鑫瑞商{n}号有限公司", status="closed").name for n in range(4)]
    active = [organisation(f"昆明鑫瑞商{n}号分公司").name for n in range(4)]
    monkeypatch.setattr(query, "TOTAL_CAP", 5)
    assert _all_pages(text, 2) == [*active, closed[0]]


def test_the_number_of_pages_is_capped(twenty_five, monkeypatch):
    monkeypatch.setattr(query, "MAX_PAGES", 2)
    page = search_subjects("鑫瑞", page=3, page_size=5)
    assert (page.pages, page.page, page.total) == (2, 2, 25)
    assert [s.name for s in page.items] == _ranked(twenty_five)[5:10]
