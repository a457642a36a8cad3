"""Ratings and assessments (tourists' stars, quality and competence assessments, taxi
service scores): imported as records with a value, averaged by the tourism, tour-guide
and taxi schemes. Scores worked out by hand from rules.yaml."""

from __future__ import annotations

from datetime import date

import pytest

from tests.evaluation.conftest import ACTOR, TODAY, company, listed, person, record
from tests.evaluation.test_console_pages import login
from tests.packedits import edit, problems
from tests.records.factories import id_number, uscc
from xinyong.accounts.roles import Role
from xinyong.evaluation.explain import explain
from xinyong.evaluation.models import EvaluationResult, EvaluationRun
from xinyong.evaluation.runs import evaluate
from xinyong.records.models import Batch, CreditRecord, RecordType
from xinyong.records.pipeline import Importer, SourceRow, start_batch
from xinyong.subjects.models import Unit

pytestmark = pytest.mark.django_db
RECENT = date(2026, 5, 1)  # within a year of TODAY
LAST_YEAR = date(2025, 6, 1)  # within two years, not one


def results(run: EvaluationRun) -> dict[str, tuple[float, str, list[float]]]:
    return {
        r.subject.name: (r.score, r.grade, r.values)
        for r in EvaluationResult.objects.filter(run=run).select_related("subject")
    }


def rated(subject, stars: float, decided: date = RECENT, **kwargs) -> CreditRecord:
    return record(
        subject, decided, type_code="tourist-rating", unit="YN-WLT", value=stars, **kwargs
    )


def assessed(subject, score: float, type_code: str, decided: date = RECENT) -> CreditRecord:
    unit = "YN-JTT" if type_code == "taxi-service-assessment" else "YN-WLT"
    return record(subject, decided, type_code=type_code, unit=unit, value=score)


# --- importing ratings --------------------------------------------------------------------
def rating_row(document: str = "YKPJ-001", stars: str = "4.5", **overrides: str):
    cells = {
        "YK_DX_MC": "丽江古城花间客栈有限公司",
        "YK_DX_LB": "法人及非法人组织",
        "YK_DX_SHXYM": uscc("530702", "33445566"),
        "YK_BH": document,
        "YK_RQ": "2026-10-02",
        "YK_FZ": stars,
        "YK_QD": "游云南App",
    }
    return {**cells, **overrides}


def import_ratings(rows: list[dict[str, str]]):
    batch = start_batch(
        Unit.objects.get(code="YN-WLT"),
        RecordType.objects.get(code="tourist-rating"),
        Batch.Source.API,
        ACTOR,
    )
    sources = [SourceRow(n, cells, cells) for n, cells in enumerate(rows, start=2)]
    return Importer(batch, ACTOR, today=TODAY, keep_outcomes=True).run(sources)


def test_an_imported_rating_keeps_its_score_as_the_records_value(loaded_pack):
    result = import_ratings([rating_row(stars="4.50"), rating_row("YKPJ-002", stars="５")])
    assert (result.accepted, result.rejected) == (2, 0)
    values = dict(CreditRecord.objects.values_list("document_number", "value"))
    assert values == {"YKPJ-001": 4.5, "YKPJ-002": 5.0}
    assert CreditRecord.objects.get(document_number="YKPJ-001").payload["YK_FZ"] == "4.5"


def test_it_rejects_a_score_outside_the_range_or_not_a_number(loaded_pack):
    result = import_ratings(
        [
            rating_row("YKPJ-001", stars="6"),
            rating_row("YKPJ-002", stars="四星"),
            rating_row("YKPJ-003", stars="4.125"),
            rating_row("YKPJ-004", stars="0.5"),
        ]
    )
    assert result.rejected == 4 and not CreditRecord.objects.exists()
    errors = {e.row: (e.field, e.code, e.as_dict()["message"]) for e in result.errors}
    assert errors[2] == ("YK_FZ", "field.score_range", "“评分”的分值6超出范围：应在1至5之间")
    assert errors[3][1] == errors[4][1] == "field.score"
    assert "最多两位小数" in errors[3][2]
    assert errors[5][1] == "field.score_range"


def test_a_changed_score_makes_a_new_version_with_the_new_value(loaded_pack):
    import_ratings([rating_row(stars="2")])
    again = import_ratings([rating_row(stars="3")])
    assert again.updated == 1
    rating = CreditRecord.objects.get()
    assert (rating.value, rating.version) == (3.0, 2)


def test_a_guide_rating_needs_the_guides_id_number(loaded_pack):
    guide = rating_row(YK_DX_MC="杨丽萍", YK_DX_LB="自然人", YK_DX_SHXYM="")
    result = import_ratings([guide, {**guide, "YK_DX_ZJHM": id_number(), "YK_BH": "YKPJ-9"}])
    assert (result.accepted, result.rejected) == (1, 1)
    assert [(e.row, e.field, e.code) for e in result.errors] == [
        (2, "YK_DX_ZJHM", "field.required")
    ]


# --- the schemes ------------------------------------------------------------------------
@pytest.fixture
def tourism(loaded_pack):
    good = company("好评酒店")
    for score in (80, 90):
        assessed(good, score, "tourism-quality-assessment")
    for stars in (4, 5, 4.5):
        rated(good, stars)
    few = company("少评客栈")
    rated(few, 3.5)
    rated(few, 1, decided=LAST_YEAR)  # older than a year: not in the 体验指数
    rated(few, 1, status=CreditRecord.Status.REVOKED)  # revoked: not counted
    fined = company("受罚旅行社")
    assessed(fined, 70, "tourism-quality-assessment")
    rated(fined, 2)
    rated(fined, 3)
    record(fined, date(2026, 6, 1), unit="YN-WLT")  # a tourism penalty within a year
    listed(fined, "tourism-watch")
    company("未评公司")  # never rated: outside the scheme's population
    return good, few, fined


def test_tourism_integrity_adds_the_three_indices(tourism):
    got = results(evaluate("tourism-integrity", actor=ACTOR, today=TODAY))
    # base 40 (规范指数) + 品质 mean × 0.3 + 体验 mean stars × 6
    assert got["好评酒店"] == (92.5, "A", [0.0, 0.0, 85.0, 4.5])  # 40 + 25.5 + 27
    assert got["少评客栈"] == (79.0, "B", [0.0, 0.0, 60.0, 3.5])  # no assessment: 60 → 18
    assert got["受罚旅行社"] == (46.0, "D", [1.0, 1.0, 70.0, 2.5])  # 40 − 10 − 20 + 21 + 15
    assert "未评公司" not in got and len(got) == 3


def test_a_rating_decided_after_the_evaluation_day_does_not_count(tourism):
    good = tourism[0]
    rated(good, 1, decided=date(2026, 11, 1))
    got = results(evaluate("tourism-integrity", actor=ACTOR, today=date(2026, 10, 31)))
    assert got["好评酒店"][2][3] == 4.5


def test_tour_guides_are_persons_rated_and_assessed_as_guides(loaded_pack):
    yang = person("杨导")
    assessed(yang, 90, "guide-competence-assessment", decided=LAST_YEAR)
    rated(yang, 5)
    rated(yang, 4)
    li = person("李导", born="19790923")
    rated(li, 3)
    person("王某", born="19900101")  # no guide record: not evaluated
    got = results(evaluate("tour-guides", actor=ACTOR, today=TODAY))
    assert got == {
        "杨导": (90.0, "A", [90.0, 4.5, 0.0, 0.0]),  # 90 × 0.6 + 4.5 × 8
        "李导": (60.0, "C", [60.0, 3.0, 0.0, 0.0]),  # none assessed: 60 × 0.6 + 3 × 8
    }


def test_taxi_service_averages_two_years_of_assessments_less_penalties(loaded_pack):
    fleet = company("昆明畅行出租汽车有限公司")
    assessed(fleet, 96, "taxi-service-assessment", decided=date(2026, 3, 31))
    assessed(fleet, 89, "taxi-service-assessment", decided=date(2025, 3, 31))
    assessed(fleet, 10, "taxi-service-assessment", decided=date(2024, 3, 31))  # too old
    fined = company("春城出租汽车有限公司")
    assessed(fined, 85, "taxi-service-assessment")
    record(fined, date(2026, 8, 1), unit="YN-JTT")
    listed(fined, "taxi-dishonesty")
    got = results(evaluate("taxi-service", actor=ACTOR, today=TODAY))
    assert got["昆明畅行出租汽车有限公司"][:2] == (92.5, "AAA")
    assert got["春城出租汽车有限公司"][:2] == (40.0, "B")  # 85 − 5 − 40


def test_the_explanation_shows_each_rating_and_their_mean(tourism):
    run = evaluate("tourism-integrity", actor=ACTOR, today=TODAY)
    result = EvaluationResult.objects.get(run=run, subject=tourism[0])
    quality, experience = explain(result).indicators[2:]
    assert sorted(b.weight for b in quality.behind) == [80.0, 90.0]
    assert sorted(b.weight for b in experience.behind) == [4.0, 4.5, 5.0]
    assert (quality.found, experience.found) == (85.0, 4.5)
    assert (quality.contribution, experience.contribution) == (25.5, 27.0)
    assert not quality.changed and not experience.changed
    rated(tourism[0], 1)
    assert explain(result).indicators[3].changed  # 3.625 now, 4.5 when evaluated


def test_the_mean_is_rounded_half_up_to_hundredths_and_adds_up_on_the_page(loaded_pack):
    thirds = company("三星半酒店")
    for stars in (4, 4, 5):  # 4.333… → 4.33
        rated(thirds, stars)
    half = company("半分酒店")
    for stars in (4.5, 4.75):  # 4.625 → 4.63
        rated(half, stars)
    run = evaluate("tourism-integrity", actor=ACTOR, today=TODAY)
    got = results(run)
    assert got["三星半酒店"][2][3] == 4.33 and got["三星半酒店"][0] == 40 + 18 + 25.98
    assert got["半分酒店"][2][3] == 4.63
    for result in EvaluationResult.objects.filter(run=run):
        explanation = explain(result)
        assert explanation.indicators[3].found == result.values[3]
        total = 40 + sum(item.contribution for item in explanation.indicators)
        assert round(total, 4) == result.score


def test_a_subject_without_ratings_is_explained_by_the_default(tourism):
    run = evaluate("tourism-integrity", actor=ACTOR, today=TODAY)
    result = EvaluationResult.objects.get(run=run, subject=tourism[1])
    quality = explain(result).indicators[2]
    assert quality.behind == () and quality.found == 60.0 and not quality.changed


def test_the_console_shows_a_guides_ratings(client, loaded_pack):
    yang = person("杨导")
    rated(yang, 4.5)
    evaluate("tour-guides", actor=ACTOR, today=TODAY)
    login(client, "office", "YN-WMB", Role.OPERATOR)
    html = client.get(f"/console/evaluation/subjects/{yang.public_id}/").content.decode()
    assert "导游评价" in html and "评分 4.5" in html
    assert "没有记录时按 60 计" in html  # competence: no assessment yet


# --- the pack ---------------------------------------------------------------------------
def test_the_pack_refuses_a_score_field_without_its_range(pack_copy):
    edit(pack_copy / "catalogue.yaml", "        minimum: 1\n        maximum: 5\n", "")
    assert any("a score field gives its minimum and maximum" in p for p in problems(pack_copy))


def test_the_pack_refuses_an_average_of_a_type_without_a_value(pack_copy):
    edit(
        pack_copy / "rules.yaml",
        "        record_types: [tourism-quality-assessment]\n        within: 1 year",
        "        record_types: [commendation]\n        within: 1 year",
    )
    assert (
        "rules.yaml: tourism-integrity.quality: record type 'commendation' has no value field"
        in problems(pack_copy)
    )


def test_the_pack_refuses_recency_bands_on_an_average(pack_copy):
    edit(
        pack_copy / "rules.yaml",
        "        when_none: 60\n        points: 0.3\n",
        "        when_none: 60\n        points: 0.3\n        recency:\n"
        "          - {within: 1 year, weight: 1}\n",
    )
    assert any("an average is unweighted" in p for p in problems(pack_copy))
