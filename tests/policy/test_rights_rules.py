"""The pack's rules for subjects' rights: publicity leniency, minors, objections, repair."""

from __future__ import annotations

import pytest

from tests.conftest import PACK
from tests.packedits import edit, problems
from xinyong.policy import schema
from xinyong.policy.reader import read_pack

pytestmark = pytest.mark.django_db


def _rule(kind: type) -> object:
    return next(rule for rule in read_pack(PACK).rules.rules if isinstance(rule, kind))


def test_the_yunnan_pack_sets_objection_deadlines_in_working_days():
    rule = _rule(schema.ObjectionRule)
    assert isinstance(rule, schema.ObjectionRule)
    assert [str(rule.platform_check), str(rule.unit_check)] == [
        "5 working days",
        "10 working days",
    ]
    assert {ground.code for ground in rule.grounds} >= {"wrong", "duplicate", "over-period"}


def test_the_yunnan_pack_decides_repairs_in_10_and_shares_them_in_3_working_days():
    rule = _rule(schema.RepairRule)
    assert isinstance(rule, schema.RepairRule)
    assert (str(rule.decide_within), str(rule.share_within)) == (
        "10 working days",
        "3 working days",
    )
    assert rule.record_types == ["penalty"] and rule.commitment_required


def test_the_yunnan_pack_withholds_records_about_persons_under_18():
    rule = _rule(schema.MinorRecordsRule)
    assert isinstance(rule, schema.MinorRecordsRule) and rule.minimum_age == 18


def test_it_refuses_a_withheld_lenient_kind_that_also_has_a_period(pack_copy):
    edit(
        pack_copy / "rules.yaml",
        "        categories: [警告, 通报批评]\n",
        "        categories: [警告, 通报批评]\n        public: false\n",
    )
    assert any("a withheld kind (public: false) has no period" in m for m in problems(pack_copy))


def test_it_refuses_a_repair_rule_naming_an_unknown_list(pack_copy):
    edit(pack_copy / "rules.yaml", "lists: [wage-arrears, overload-transport]", "lists: [nope]")
    assert "rules.yaml: credit-repair: unknown list 'nope'" in problems(pack_copy)


def test_it_refuses_a_special_minimum_reading_a_field_the_type_lacks(pack_copy):
    edit(pack_copy / "rules.yaml", "          - field: CF_YJ", "          - field: CF_NOPE")
    assert (
        "rules.yaml: penalty-publicity-2023: record type 'penalty' has no field 'CF_NOPE'"
        in problems(pack_copy)
    )


def test_it_refuses_a_lenient_fine_field_the_type_lacks(pack_copy):
    edit(
        pack_copy / "rules.yaml",
        "        fine_at_most: 0.3",
        "        fine_at_most: 0.3\n        fine_field: CF_FINE",
    )
    assert (
        "rules.yaml: penalty-publicity-lenient: record type 'penalty' has no field 'CF_FINE'"
        in problems(pack_copy)
    )
