"""Graded supervision in the joint check: the pack's grade_incentive rule gives enterprises
graded A by the public credit evaluation fewer inspections in daily supervision."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.evaluation.conftest import ACTOR, TODAY, company, listed, record
from tests.packedits import edit, problems
from xinyong.core.audit import Actor
from xinyong.evaluation.runs import evaluate
from xinyong.lists.checks import SubjectQuery, run_check
from xinyong.subjects.models import Unit

pytestmark = pytest.mark.django_db
SUPERVISION = "daily-supervision"
CHECKER = Actor("test:checker", "YN-GSJ")


@pytest.fixture
def graded(loaded_pack):
    honest = company("守信优等公司")
    middling = company("良好公司")
    for month in (3, 4, 5):
        record(middling, date(2026, month, 1))  # 100 − 15: 85, B
    evaluate("public-credit", actor=ACTOR, today=TODAY)
    return honest, middling


def incentives(subject, *, scene: str = SUPERVISION, today: date = TODAY) -> list[dict]:
    [result] = run_check(
        [SubjectQuery(uscc=subject.uscc)],
        scene_code=scene,
        purpose="日常监督检查对象确定",
        actor=CHECKER,
        unit=Unit.objects.get(code="YN-GSJ"),
        today=today,
    ).results
    return [item for item in result["incentives"] if item["rule"] == "grade-a-fewer-inspections"]


def test_an_a_grade_gets_fewer_inspections_and_says_which_run_graded_it(graded):
    [item] = incentives(graded[0])
    assert item["code"] == "fewer-inspections" and item["name"] == "优化检查频次"
    assert item["why"].startswith("“公共信用综合评价”第1版次（评价日2026-11-28）评为A（优）")
    assert item["basis"]["source"] == "yn-2019-integrity-measures"


def test_a_b_grade_gets_nothing_for_its_grade(graded):
    assert incentives(graded[1]) == []


def test_the_grade_applies_only_in_the_measures_scenes(graded):
    assert incentives(graded[0], scene="administrative-licensing") == []


def test_a_grade_older_than_the_rules_validity_grants_nothing(graded):
    assert incentives(graded[0], today=TODAY + timedelta(days=364)) != []
    assert incentives(graded[0], today=TODAY + timedelta(days=366)) == []


def test_a_black_list_entry_since_the_run_bars_the_incentive(graded):
    listed(graded[0], "wage-arrears", decided=TODAY)
    assert incentives(graded[0]) == []


def test_the_pack_refuses_a_grade_the_scheme_does_not_have(pack_copy):
    edit(
        pack_copy / "rules.yaml",
        "    grades: [A]\n    valid_for",
        "    grades: [AAA]\n    valid_for",
    )
    assert problems(pack_copy) == [
        "rules.yaml: grade-a-fewer-inspections: scheme 'public-credit' has no grade 'AAA'"
    ]
