"""measures_for: which measures apply to a subject on some lists in one scene, and why."""

from __future__ import annotations

import pytest

from xinyong.core.errors import InvalidInput, NotFound
from xinyong.lists.models import CreditList, Measure, Memorandum, MemorandumList, MemorandumMeasure
from xinyong.lists.schemas import ApplicableMeasureOut
from xinyong.lists.services import measures_for

pytestmark = pytest.mark.django_db


def _codes(found) -> list[str]:
    return [item.measure.code for item in found]


def test_a_government_procurement_scene_gets_the_procurement_ban_for_a_judgment_defaulter(
    loaded_pack,
):
    found = measures_for(["judgment-defaulters"], "government-procurement", "organisation")
    assert _codes(found) == ["public-resource-trading-limit", "government-procurement-ban"]
    ban = found[1]
    assert ban.measure.basis_source_id == "mof-2016-125"
    assert [(g.credit_list.code, g.memorandum.code) for g in ban.grounds] == [
        ("judgment-defaulters", "judgment-defaulters-2016"),
        ("judgment-defaulters", "procurement-credit-records-2016"),
    ]
    assert ban.grounds[0].memorandum.basis_source.document_number == "发改财金〔2016〕141号"


def test_a_scene_with_no_measure_for_the_list_gives_none(loaded_pack):
    assert measures_for(["judgment-defaulters"], "charity-awards", "person") == []


def test_a_measure_applies_only_through_a_memorandum(loaded_pack):
    # key-supervision applies in daily supervision, but no memorandum names this list.
    assert measures_for(["fake-lottery-blacklist"], "daily-supervision", "person") == []
    memo = Memorandum.objects.create(
        code="test-lottery", name="测试备忘录", kind="punishment", basis_source_id="gf-2016-33"
    )
    MemorandumList.objects.create(
        memorandum=memo, credit_list=CreditList.objects.get(code="fake-lottery-blacklist")
    )
    MemorandumMeasure.objects.create(
        memorandum=memo, measure=Measure.objects.get(code="key-supervision"), section="二"
    )
    found = measures_for(["fake-lottery-blacklist"], "daily-supervision", "person")
    assert _codes(found) == ["key-supervision"]
    assert found[0].grounds[0].section == "二"


def test_a_retired_memorandum_or_measure_applies_nothing(loaded_pack):
    Memorandum.objects.filter(code="yn-2019-charity").update(active=False)
    assert measures_for(["charity-dishonesty"], "charity-awards", "person") == []
    Memorandum.objects.filter(code="yn-2019-charity").update(active=True)
    Measure.objects.filter(code="charity-award-ban").update(active=False)
    assert measures_for(["charity-dishonesty"], "charity-awards", "person") == []


def test_a_memorandum_can_narrow_a_measure_to_some_subject_kinds(loaded_pack):
    found = measures_for(["integrity-models"], "daily-supervision", "organisation")
    assert _codes(found) == ["fewer-inspections"]
    assert measures_for(["integrity-models"], "daily-supervision", "person") == []


def test_a_measure_never_applies_to_a_kind_it_does_not_cover(loaded_pack):
    # 限制新增项目审批 covers organisations and individual businesses, not persons.
    person = measures_for(["wage-arrears"], "project-approval", "person")
    organisation = measures_for(["wage-arrears"], "project-approval", "organisation")
    assert _codes(person) == [] and _codes(organisation) == ["project-approval-limit"]


def test_red_lists_get_incentives(loaded_pack):
    found = measures_for(["a-grade-taxpayers"], "administrative-licensing", "organisation")
    assert _codes(found) == ["green-channel"]
    assert found[0].grounds[0].section == "三、（一）1"


def test_grounds_from_several_lists_are_gathered_under_one_measure(loaded_pack):
    found = measures_for(
        ["major-tax-violators", "judgment-defaulters"], "government-procurement", "organisation"
    )
    assert _codes(found) == ["public-resource-trading-limit", "government-procurement-ban"]
    ban_lists = {g.credit_list.code for g in found[1].grounds}
    assert ban_lists == {"judgment-defaulters", "major-tax-violators"}


def test_the_result_serialises_with_its_reasons(loaded_pack):
    found = measures_for(["judgment-defaulters"], "travel", "person")
    shapes = [ApplicableMeasureOut.of(item).model_dump() for item in found]
    assert [shape["measure"]["code"] for shape in shapes] == ["flight-ban", "train-class-ban"]
    ground = shapes[0]["grounds"][0]
    assert ground["list"] == "judgment-defaulters"
    assert ground["basis"]["document_number"] == "发改财金〔2016〕141号"
    assert shapes[0]["measure"]["basis"]["source"] == "spc-2015-17"


@pytest.mark.parametrize(
    ("lists", "scene", "kind", "error", "code"),
    [
        (["judgment-defaulters"], "no-such-scene", "person", NotFound, "scene.unknown"),
        (["no-such-list"], "travel", "person", NotFound, "list.unknown"),
        (["judgment-defaulters"], "travel", "company", InvalidInput, "subject.kind_unknown"),
    ],
)
def test_unknown_scenes_lists_and_subject_kinds_are_refused(
    loaded_pack, lists, scene, kind, error, code
):
    with pytest.raises(error) as raised:
        measures_for(lists, scene, kind)
    assert raised.value.code == code
