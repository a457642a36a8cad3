"""`xinyong policy show lists|scenes|measures|memoranda`."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def _show(*args: str) -> str:
    out = StringIO()
    call_command("policy", "show", *args, stdout=out)
    return out.getvalue()


def test_show_lists_prints_json_with_terms(loaded_pack):
    lists = {item["code"]: item for item in json.loads(_show("lists", "--format", "json"))}
    terms = lists["judgment-defaulters"]["terms"]
    assert [term["kind"] for term in terms] == ["until_obligation_met", "fixed"]
    assert lists["integrity-models"]["owner"]["short_name"] == "省文明办"


@pytest.mark.parametrize(
    ("what", "expected"),
    [
        ("lists", ["失信被执行人名单", "省高院"]),
        ("scenes", ["government-procurement", "政府采购"]),
        ("measures", ["限制乘坐飞机", "travel"]),
        ("memoranda", ["judgment-defaulters-2016", "integrity-models"]),
    ],
)
def test_show_prints_a_table(loaded_pack, what, expected):
    table = _show(what)
    assert all(text in table for text in expected), table
