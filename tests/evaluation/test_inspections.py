"""Random inspection draws by grade (双随机、一公开): the same seed draws the same sample,
each grade draws the pack's share, inspectors share the load, and the results that
come back through the import are linked to the items."""

from __future__ import annotations

import hashlib
import io
import json
import math
import random
from collections import Counter
from datetime import date
from fractions import Fraction

import pytest
from django.core.management import CommandError, call_command

from tests.evaluation.conftest import ACTOR, TODAY, company, record
from xinyong.core.errors import Conflict, InvalidInput, NotFound
from xinyong.core.models import AuditEvent
from xinyong.evaluation import inspections
from xinyong.evaluation.inspections import draw, find_draw, population, record_results
from xinyong.evaluation.models import EvaluationResult, InspectionItem
from xinyong.evaluation.runs import evaluate, find_scheme
from xinyong.records.models import CreditRecord, RecordType
from xinyong.records.pipeline import Importer, SourceRow, start_batch
from xinyong.subjects.models import Subject, Unit

pytestmark = pytest.mark.django_db

INSPECTORS = ["张三", "李四", "王五"]
# Subjects per grade, and the serious penalties (within a year, −15 each) that grade them.
SIZES = {"A": 25, "B": 12, "C": 8, "D": 4}
SERIOUS = {"A": 0, "B": 1, "C": 2, "D": 3}


@pytest.fixture
def gsj(loaded_pack) -> Unit:
    return Unit.objects.get(code="YN-GSJ")


@pytest.fixture
def supervised(gsj) -> dict[str, list[Subject]]:
    """Subjects the provincial market regulator reported on, by grade, evaluated."""
    graded: dict[str, list[Subject]] = {}
    for grade, size in SIZES.items():
        for n in range(size):
            subject = company(f"{grade}级公司{n}")
            record(subject, date(2022, 1, 1))  # older than 3 years: a trace, no points
            for month in range(SERIOUS[grade]):
                record(subject, date(2026, month + 1, 1), severity="serious")
            graded.setdefault(grade, []).append(subject)
    record(company("他部门监管公司"), date(2026, 3, 1), unit="YN-STHJT")
    run = evaluate("public-credit", actor=ACTOR, today=TODAY)
    assert run.grades == {**SIZES, "A": SIZES["A"] + 1}  # the other unit's subject: A too
    return graded


def shares() -> dict[str, float]:
    return {grade.code: grade.inspect for grade in find_scheme("public-credit", TODAY)[1].grades}


def drawn(made) -> list[tuple[int, str, str]]:
    return list(made.items.values_list("subject_id", "grade", "inspector"))


def make(unit: Unit, seed: str | None = "2026-11-双随机", **kwargs):
    kwargs.setdefault("inspectors", INSPECTORS)
    return draw(unit, scheme="public-credit", seed=seed, actor=ACTOR, today=TODAY, **kwargs)


# --- the draw --------------------------------------------------------------------------
def test_the_same_seed_draws_the_same_sample_and_inspectors(gsj, supervised):
    first, again = make(gsj), make(gsj)
    assert first.reference != again.reference
    assert drawn(first) == drawn(again)
    assert first.population_digest == again.population_digest


def test_a_different_seed_draws_a_different_sample(gsj, supervised):
    one, other = make(gsj, "one"), make(gsj, "other")
    assert {pk for pk, _g, _i in drawn(one)} != {pk for pk, _g, _i in drawn(other)}
    assert one.counts == other.counts


def test_each_grade_draws_the_packs_share_rounded_up(gsj, supervised):
    made = make(gsj)
    per_grade = Counter(made.items.values_list("grade", flat=True))
    for grade, share in shares().items():
        expected = math.ceil(Fraction(str(share)) * SIZES[grade])
        assert per_grade[grade] == expected == made.counts[grade]["drawn"]
        assert made.counts[grade]["population"] == SIZES[grade]
        assert made.ratios[grade] == share
    assert made.population == sum(SIZES.values())


def test_a_share_of_one_draws_the_whole_grade(gsj, supervised):
    assert shares()["D"] == 1
    made = make(gsj)
    assert {pk for pk, grade, _i in drawn(made) if grade == "D"} == {
        subject.pk for subject in supervised["D"]
    }


def test_the_sample_is_drawn_within_each_grade(gsj, supervised):
    made = make(gsj)
    for subject_id, grade, _inspector in drawn(made):
        assert subject_id in {subject.pk for subject in supervised[grade]}


def test_inspectors_loads_differ_by_at_most_one(gsj, supervised):
    made = make(gsj)
    loads = Counter(made.items.values_list("inspector", flat=True))
    assert set(loads) == set(INSPECTORS)
    assert max(loads.values()) - min(loads.values()) <= 1


def test_duplicate_and_blank_inspectors_are_dropped(gsj, supervised):
    made = make(gsj, inspectors=[" 张三", "张三", "", "李四 "])
    assert made.inspectors == ["张三", "李四"]


def test_the_shuffle_gives_the_same_order_on_any_machine():
    # Pinned: a change of Python or of the algorithm must not change past draws.
    assert inspections._shuffled(random.Random("seed:A"), list(range(10))) == [
        1,
        4,
        0,
        2,
        7,
        6,
        9,
        3,
        8,
        5,
    ]
    assert inspections.sample_size(0.07, 100) == 7  # not 8, as 0.07 × 100 is in binary


def test_the_population_is_the_units_supervised_subjects(gsj, supervised):
    ids = population(gsj, ["organisation", "individual_business"])
    assert ids == sorted(s.pk for grade in supervised.values() for s in grade)
    made = make(gsj)
    expected = hashlib.sha256("".join(f"{pk}\n" for pk in ids).encode()).hexdigest()
    assert made.population_digest == expected


def test_closed_subjects_are_not_in_the_population(gsj, supervised):
    closed = supervised["A"][0]
    Subject.objects.filter(pk=closed.pk).update(status=Subject.Status.CLOSED)
    assert closed.pk not in population(gsj, ["organisation"])


def test_subjects_without_a_result_in_the_run_are_left_out_and_counted(gsj, supervised):
    newcomer = company("评价后登记公司")
    record(newcomer, date(2026, 11, 1))
    made = make(gsj)
    assert (made.population, made.unrated) == (sum(SIZES.values()), 1)
    assert not made.items.filter(subject=newcomer).exists()


def test_an_explicit_list_of_subjects_is_drawn_from(gsj, supervised):
    chosen = [s.pk for s in supervised["A"][:10] + supervised["D"]]
    made = make(gsj, subjects=chosen)
    assert made.population == 14
    assert made.counts["A"] == {"rank": 0, "name": "优", "population": 10, "drawn": 1}
    assert made.counts["B"]["population"] == 0 and made.counts["B"]["drawn"] == 0
    assert set(made.items.values_list("subject_id", flat=True)) <= set(chosen)


def test_the_draw_is_audited_with_its_seed_run_digest_and_counts(gsj, supervised):
    made = make(gsj)
    event = AuditEvent.objects.get(action="xinyong.evaluation.inspection_drawn")
    assert event.object_id == str(made.pk) and event.actor == ACTOR.label
    assert event.data["seed"] == "2026-11-双随机"
    assert (event.data["scheme"], event.data["run"]) == ("public-credit", made.run.number)
    assert event.data["population_digest"] == made.population_digest
    assert event.data["counts"] == made.counts


def test_without_a_seed_a_fresh_one_is_kept(gsj, supervised):
    made = make(gsj, seed=None)
    assert len(made.seed) == 16
    assert drawn(make(gsj, seed=made.seed)) == drawn(made)


def test_it_uses_the_latest_finished_run(gsj, supervised):
    second = evaluate("public-credit", actor=ACTOR, today=TODAY)
    assert make(gsj).run == second


# --- errors ----------------------------------------------------------------------------
def test_it_refuses_a_draw_without_inspectors(gsj, supervised):
    with pytest.raises(InvalidInput) as caught:
        make(gsj, inspectors=["", " "])
    assert (caught.value.code, caught.value.field) == ("inspections.no_inspectors", "inspectors")


def test_it_refuses_a_blank_seed(gsj, supervised):
    with pytest.raises(InvalidInput) as caught:
        make(gsj, seed="  ")
    assert caught.value.code == "inspections.seed"


def test_it_refuses_a_scheme_without_a_finished_run(gsj):
    with pytest.raises(Conflict) as caught:
        make(gsj)
    assert caught.value.code == "inspections.no_run"


def test_it_refuses_an_unknown_scheme(gsj, supervised):
    with pytest.raises(NotFound) as caught:
        draw(gsj, scheme="no-such", seed="1", inspectors=INSPECTORS, actor=ACTOR, today=TODAY)
    assert caught.value.code == "evaluation.unknown_scheme"


def test_it_refuses_an_empty_population(supervised):
    with pytest.raises(InvalidInput) as caught:
        make(Unit.objects.get(code="YN-ZJJ"))
    assert (caught.value.code, caught.value.field) == ("inspections.empty_population", "unit")


def test_it_refuses_unknown_subjects(gsj, supervised):
    with pytest.raises(InvalidInput) as caught:
        make(gsj, subjects=[supervised["A"][0].pk, 999_999])
    assert (caught.value.code, caught.value.field) == ("inspections.unknown_subjects", "subjects")


def test_it_refuses_a_run_graded_by_grades_the_scheme_no_longer_has(gsj, supervised):
    EvaluationResult.objects.filter(grade="D").update(grade="E")
    with pytest.raises(Conflict) as caught:
        make(gsj)
    assert caught.value.code == "inspections.stale_run"


def test_a_refused_draw_keeps_nothing(gsj, supervised):
    with pytest.raises(InvalidInput):
        make(gsj, inspectors=[])
    assert not InspectionItem.objects.exists()
    assert not AuditEvent.objects.filter(action="xinyong.evaluation.inspection_drawn").exists()


# --- results ---------------------------------------------------------------------------
def inspection_result(subject: Subject, unit: Unit, decided: str, number: int, **cells: str):
    """An inspection-result row through the normal import pipeline."""
    row = {
        "JC_XDR_MC": subject.name,
        "JC_XDR_LB": "法人及非法人组织",
        "JC_XDR_SHXYM": subject.uscc or "",
        "JC_WSH": f"云市监检〔2026〕{number}号",
        "JC_RQ": decided,
        "JC_JG": "责令整改",
        "JC_JGMC": unit.name,
        **cells,
    }
    batch = start_batch(unit, RecordType.objects.get(code="inspection-result"), "cli", ACTOR)
    result = Importer(batch, ACTOR, today=date(2026, 12, 31), keep_outcomes=True).run(
        [SourceRow(2, row, row)]
    )
    assert (result.accepted, result.rejected) == (1, 0), result
    return CreditRecord.objects.get(unit=unit, document_number=row["JC_WSH"])


def test_an_inspection_result_that_comes_back_is_linked_to_its_item(gsj, supervised):
    made = make(gsj)
    item = made.items.get(position=1)
    came_back = inspection_result(item.subject, gsj, "2026-12-03", 1)
    assert came_back.categories == ["责令整改"]
    assert record_results(made, actor=ACTOR) == 1
    item.refresh_from_db()
    assert item.result_record == came_back
    event = AuditEvent.objects.get(action="xinyong.evaluation.inspection_results")
    assert event.data["linked"] == {"1": came_back.pk}
    assert record_results(made, actor=ACTOR) == 0  # already linked


def test_results_from_before_the_draw_or_from_another_unit_are_not_linked(gsj, supervised):
    made = make(gsj)
    subject = made.items.get(position=1).subject
    inspection_result(subject, gsj, "2026-11-27", 1)  # the day before the draw
    inspection_result(subject, Unit.objects.get(code="YN-STHJT"), "2026-12-01", 2)
    assert record_results(made) == 0
    assert not AuditEvent.objects.filter(action="xinyong.evaluation.inspection_results").exists()


def test_a_result_is_linked_to_one_item_only(gsj, supervised):
    first, second = make(gsj), make(gsj)
    subject = first.items.get(position=1).subject
    inspection_result(subject, gsj, "2026-12-01", 1)
    assert (record_results(first), record_results(second)) == (1, 0)


def test_the_catalogue_gives_inspection_results_their_fields(loaded_pack):
    fields = RecordType.objects.get(code="inspection-result").fields
    by_role = {spec["role"]: spec["code"] for spec in fields if spec.get("role")}
    assert by_role["decision_date"] == "JC_RQ" and by_role["uscc"] == "JC_XDR_SHXYM"
    assert by_role["categories"] == "JC_JG"


# --- the command line ------------------------------------------------------------------
def command(*args: str) -> str:
    out = io.StringIO()
    call_command("inspections", *args, stdout=out)
    return out.getvalue()


def test_the_command_draws_and_shows_a_draw(gsj, supervised):
    args = ["--unit", "YN-GSJ", "--scheme", "public-credit", "--seed", "42", "--date", "2026-11-28"]
    text = command("draw", *args, "--inspectors", "张三，李四")
    assert "随机种子 / seed 42" in text and "D 差\t4 / 4\t比例 / share 100%" in text
    report = json.loads(command("draw", *args, "--inspectors", "张三,李四", "--json"))
    assert report["grades"][0] == {
        "grade": "A",
        "name": "优",
        "ratio": 0.05,
        "population": 25,
        "drawn": 2,
    }
    shown = json.loads(command("show", report["reference"].lower(), "--json"))
    assert len(shown["items"]) == sum(g["drawn"] for g in report["grades"])
    assert shown["items"][0]["code"] == Subject.objects.get(name=shown["items"][0]["subject"]).uscc
    assert {item["inspector"] for item in shown["items"]} == {"张三", "李四"}
    listing = command("show", report["reference"])
    assert listing.count("\n") == 5 + 4 + 1 + len(shown["items"])  # head, grades, columns


def test_the_command_links_results_of_waiting_draws(gsj, supervised):
    made = make(gsj)
    inspection_result(made.items.get(position=2).subject, gsj, "2026-12-01", 1)
    assert command("results") == f"{made.reference}\t关联检查结果 / linked 1\n"
    assert find_draw(made.reference).items.filter(result_record__isnull=False).count() == 1


def test_the_command_refuses_bad_input_in_one_bilingual_line(gsj, supervised):
    with pytest.raises(CommandError) as caught:
        command("draw", "--unit", "YN-GSJ", "--scheme", "public-credit", "--inspectors", " , ")
    message = str(caught.value)
    assert message.startswith("inspections.no_inspectors: 至少需要一名检查人员 / ")
    assert "\n" not in message
    assert caught.value.returncode == 1
    with pytest.raises(CommandError) as caught:
        command("show", "CC000000000000")
    assert str(caught.value).startswith("inspections.unknown_draw: ")
