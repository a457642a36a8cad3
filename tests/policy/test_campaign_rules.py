"""The pack's rules for campaign work: complaint procedures and routing, the integrity
column's weekly quota, and the units' assessment rubric."""

from __future__ import annotations

import pytest

from tests.conftest import PACK
from tests.packedits import edit, problems
from tests.policy.test_rights_rules import _rule
from xinyong.policy import schema
from xinyong.policy.reader import read_pack

pytestmark = pytest.mark.django_db


def test_the_yunnan_pack_routes_wage_complaints_to_each_prefectures_bureau():
    rule = _rule(schema.ComplaintRoutingRule)
    assert isinstance(rule, schema.ComplaintRoutingRule)
    route = rule.routes[0]
    assert (route.campaign, route.per_prefecture, route.fallback) == (
        "wage-arrears",
        "{code}-RSJ",
        "省人社厅",
    )
    units = {unit.code: unit.name for unit in read_pack(PACK).expanded_units}
    assert units["530300-RSJ"] == "曲靖市人力资源和社会保障局"


def test_the_yunnan_pack_accepts_wage_complaints_within_5_working_days_and_others_in_7():
    rules = [r for r in read_pack(PACK).rules.rules if isinstance(r, schema.ComplaintProcedureRule)]
    by_scope = {tuple(rule.campaigns): str(rule.accept_within) for rule in rules}
    assert by_scope == {("wage-arrears",): "5 working days", (): "7 working days"}


def test_the_yunnan_pack_asks_for_2_column_reports_a_week_and_grades_units_from_the_rubric():
    quota = _rule(schema.PublicityQuotaRule)
    assert isinstance(quota, schema.PublicityQuotaRule)
    assert (quota.column, quota.per_week) == ("诚信建设万里行", 2)
    rubric = _rule(schema.UnitAssessmentRule)
    assert isinstance(rubric, schema.UnitAssessmentRule)
    assert sum(item.points for item in rubric.items) == 100
    assert [grade.at_least for grade in rubric.grades] == [90, 75, 60, 0]


def test_a_route_to_an_unknown_unit_or_campaign_is_refused(pack_copy):
    rules = pack_copy / "rules.yaml"
    edit(rules, "      - campaign: wage-arrears\n", "      - campaign: wage-arears\n")
    edit(rules, "        fallback: 省人社厅", "        fallback: 省人事厅")
    messages = "\n".join(problems(pack_copy))
    assert "unknown campaign 'wage-arears'" in messages
    assert "省人事厅" in messages


def test_two_default_complaint_procedures_are_refused(pack_copy):
    rules = pack_copy / "rules.yaml"
    edit(rules, "    campaigns: [wage-arrears]\n    accept_within", "    accept_within")
    assert any("exactly one must name no campaigns" in m for m in problems(pack_copy))


def test_rubric_grades_must_descend_to_zero(pack_copy):
    edit(pack_copy / "rules.yaml", "{name: 差, at_least: 0}", "{name: 差, at_least: 10}")
    assert any("grades must go from the highest" in m for m in problems(pack_copy))
