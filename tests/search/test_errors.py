"""Queries refused with stable codes."""

from __future__ import annotations

import pytest

from xinyong.core.errors import InvalidInput
from xinyong.search.query import search_subjects

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("text", ["", "   ", "\u3000\u200b", "\t\n"])
def test_it_refuses_a_query_that_is_blank_after_normalising(text):
    with pytest.raises(InvalidInput) as error:
        search_subjects(text)
    assert (error.value.code, error.value.field, error.value.status) == (
        "search.empty_query",
        "q",
        400,
    )
    assert "查询" in error.value.message_in("zh-hans")


@pytest.mark.parametrize("text", ["白" * 51, " " * 300, "白 " * 120])
def test_it_refuses_a_query_over_fifty_characters(text):
    with pytest.raises(InvalidInput) as error:
        search_subjects(text)
    assert error.value.code == "search.query_too_long"
    assert "50" in error.value.message_in("zh-hans")


def test_fifty_characters_are_accepted(organisation):
    name = "云南" + "白" * 44 + "有限公司"
    organisation(name)
    assert [s.name for s in search_subjects(name).items] == [name]
