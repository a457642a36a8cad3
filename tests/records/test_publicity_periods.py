"""Publicity periods of negative records, from the pack's rules (records.deadlines).

Dates are counted from the decision date; the last public day is the day before the
period ends, and the minimum end is the last day of the minimum period.
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.records.factories import id_number, penalty, person_penalty
from xinyong.core import audit
from xinyong.core.calendar import WorkCalendar
from xinyong.policy.models import Rule
from xinyong.records.deadlines import Publicity, RecordDeadlines, age_on, kinds_of
from xinyong.records.models import CreditRecord, RecordType
from xinyong.records.pipeline import Importer, SourceRow, start_batch
from xinyong.records.visibility import public_records
from xinyong.subjects.models import Unit

DECIDED = date(2024, 1, 15)
THREE_YEARS = Publicity(DECIDED, date(2027, 1, 14), date(2024, 4, 14))
THREE_MONTHS = Publicity(DECIDED, date(2024, 4, 14), date(2024, 4, 14))
FIRE_LAW = "《中华人民共和国消防法》第六十条第一款第一项"


@pytest.fixture
def deadlines(loaded_pack) -> RecordDeadlines:
    return RecordDeadlines("penalty", WorkCalendar.load())


def _publicity(deadlines: RecordDeadlines, decided: date = DECIDED, **values: str) -> Publicity:
    return deadlines.publicity_for(decided, values)


# --- the 2023 rule and leniency -------------------------------------------------------------


def test_a_large_fine_is_public_for_three_years_with_a_three_month_minimum(deadlines):
    assert _publicity(deadlines, CF_CFLB="罚款", CF_NR_FK="5") == THREE_YEARS


@pytest.mark.parametrize("kind", ["警告", "通报批评"])
def test_a_warning_or_a_circulated_criticism_alone_is_public_for_three_months(deadlines, kind):
    assert _publicity(deadlines, CF_CFLB=kind) == THREE_MONTHS


@pytest.mark.parametrize(
    ("fine", "expected"),
    [("0.3", THREE_MONTHS), ("0.05", THREE_MONTHS), ("0.31", THREE_YEARS), ("12", THREE_YEARS)],
)
def test_a_fine_is_lenient_only_up_to_the_packs_threshold(deadlines, fine, expected):
    assert _publicity(deadlines, CF_CFLB="罚款", CF_NR_FK=fine) == expected


def test_a_fine_without_an_amount_is_not_shown_to_be_small(deadlines):
    assert _publicity(deadlines, CF_CFLB="罚款") == THREE_YEARS


def test_a_fine_whose_amount_is_not_a_number_is_not_lenient(deadlines):
    assert _publicity(deadlines, CF_CFLB="罚款", CF_NR_FK="两千元") == THREE_YEARS


@pytest.mark.parametrize("kinds", ["警告、没收违法所得", "警告,没收违法所得", "没收违法所得；警告"])
def test_a_decision_with_several_kinds_takes_the_longest_period(deadlines, kinds):
    assert _publicity(deadlines, CF_CFLB=kinds) == THREE_YEARS


def test_a_warning_with_a_large_fine_is_published_as_the_fine_is(deadlines):
    assert _publicity(deadlines, CF_CFLB="警告、罚款", CF_NR_FK="1") == THREE_YEARS


def test_a_warning_with_a_small_fine_stays_lenient(deadlines):
    assert _publicity(deadlines, CF_CFLB="警告 罚款", CF_NR_FK="0.1") == THREE_MONTHS


def test_a_kind_the_lenient_rule_does_not_name_gets_the_general_period(deadlines):
    assert _publicity(deadlines, CF_CFLB="吊销许可证件") == THREE_YEARS


def test_a_decision_without_penalty_kinds_gets_the_general_period(deadlines):
    assert _publicity(deadlines) == THREE_YEARS


# --- special minimums -----------------------------------------------------------------------


def test_a_fire_safety_warning_is_public_for_at_least_the_one_year_minimum(deadlines):
    expected = Publicity(DECIDED, date(2025, 1, 14), date(2025, 1, 14))
    assert _publicity(deadlines, CF_CFLB="警告", CF_YJ=FIRE_LAW) == expected


def test_a_special_minimum_leaves_a_longer_maximum_alone(deadlines):
    expected = Publicity(DECIDED, date(2027, 1, 14), date(2025, 1, 14))
    assert _publicity(deadlines, CF_CFLB="罚款", CF_NR_FK="5", CF_YJ=FIRE_LAW) == expected


def test_a_law_of_another_domain_has_no_special_minimum(deadlines):
    assert _publicity(deadlines, CF_CFLB="警告", CF_YJ="《产品质量法》第四十九条") == THREE_MONTHS


# --- which rule is in force -----------------------------------------------------------------


def test_a_decision_before_2023_05_01_falls_under_the_2019_rule_without_leniency(deadlines):
    decided = date(2023, 4, 30)
    expected = Publicity(decided, date(2024, 4, 29), date(2023, 7, 29))
    assert _publicity(deadlines, decided, CF_CFLB="警告", CF_YJ=FIRE_LAW) == expected


def test_a_decision_on_2023_05_01_falls_under_the_2023_rule(deadlines):
    decided = date(2023, 5, 1)
    assert _publicity(deadlines, decided, CF_CFLB="警告") == Publicity(
        decided, date(2023, 7, 31), date(2023, 7, 31)
    )
    assert _publicity(deadlines, decided, CF_CFLB="罚款", CF_NR_FK="5").end == date(2026, 4, 30)


def test_a_serious_case_under_the_2019_rule_gets_the_serious_tier(deadlines):
    decided = date(2020, 3, 31)
    assert deadlines.publicity_for(decided, {}, "serious") == Publicity(
        decided, date(2023, 3, 30), date(2020, 9, 29)
    )


def test_the_publicity_window_counts_from_the_decision_date(deadlines):
    assert deadlines.publicity_window(DECIDED) == (DECIDED, date(2027, 1, 14))


def test_three_months_from_30_november_end_with_february(deadlines):
    # 2024-02-30 does not exist: the period ends on 29 February, the last public day before.
    decided = date(2023, 11, 30)
    assert _publicity(deadlines, decided, CF_CFLB="警告").end == date(2024, 2, 28)


def test_a_kind_the_pack_keeps_from_the_public_withholds_a_decision_of_that_kind_alone(
    loaded_pack,
):
    rule = Rule.objects.get(key="penalty-publicity-lenient")
    rule.body["lenient"].append({"name": "通报批评", "categories": ["通报批评"], "public": False})
    rule.body["lenient"][0]["categories"] = ["警告"]
    rule.save()
    deadlines = RecordDeadlines("penalty", WorkCalendar.load())
    assert _publicity(deadlines, CF_CFLB="通报批评") == Publicity(withheld="lenient")
    assert _publicity(deadlines, CF_CFLB="通报批评、警告") == THREE_MONTHS
    assert _publicity(deadlines, CF_CFLB="通报批评、罚款", CF_NR_FK="9") == THREE_YEARS


def test_kinds_are_split_on_chinese_and_latin_separators_and_spaces():
    assert kinds_of("警告、罚款，没收违法所得,吊销许可证件;其他； 行政拘留") == [
        "警告",
        "罚款",
        "没收违法所得",
        "吊销许可证件",
        "其他",
        "行政拘留",
    ]


# --- minors ---------------------------------------------------------------------------------


def test_a_person_is_a_minor_until_the_eighteenth_birthday(deadlines):
    number = id_number("530102", "20080601", "123")
    assert deadlines.is_minor(number, date(2026, 5, 31))
    assert not deadlines.is_minor(number, date(2026, 6, 1))


def test_a_person_born_on_29_february_comes_of_age_on_1_march():
    assert age_on(date(2008, 2, 29), date(2026, 2, 28)) == 17
    assert age_on(date(2008, 2, 29), date(2026, 3, 1)) == 18


# --- through the import ---------------------------------------------------------------------

ACTOR = audit.Actor("cli:publicity-tests")


def _run(rows: list[dict[str, str]]) -> None:
    batch = start_batch(
        Unit.objects.get(code="YN-GSJ"), RecordType.objects.get(code="penalty"), "cli", ACTOR
    )
    result = Importer(batch, ACTOR).run(
        SourceRow(n, cells, cells) for n, cells in enumerate(rows, start=2)
    )
    assert result.rejected == 0, result.errors


def test_an_import_writes_the_minimum_end_and_the_lenient_period(loaded_pack):
    _run([penalty("罚1", CF_JDRQ="2024-01-15", CF_CFLB="警告", CF_NR_FK="")])
    record = CreditRecord.objects.get()
    assert (record.publicity_start, record.publicity_end) == (DECIDED, date(2024, 4, 14))
    assert (record.publicity_minimum_end, record.withheld) == (date(2024, 4, 14), "")


def test_an_updated_row_gets_its_new_period(loaded_pack):
    _run([penalty("罚1", CF_JDRQ="2024-01-15", CF_CFLB="罚款", CF_NR_FK="0.2")])
    _run([penalty("罚1", CF_JDRQ="2024-01-15", CF_CFLB="罚款", CF_NR_FK="2")])
    record = CreditRecord.objects.get()
    assert record.version == 2
    assert (record.publicity_end, record.publicity_minimum_end) == (
        date(2027, 1, 14),
        date(2024, 4, 14),
    )


def test_a_minors_record_is_withheld_and_never_public(loaded_pack):
    minor = id_number("530102", "20080601", "125")
    adult = id_number("530102", "20050601", "131")  # 18 on 2024-01-15
    _run(
        [
            person_penalty("罚1", CF_XDR_ZJHM=minor, CF_JDRQ="2024-01-15", CF_NR_FK="5"),
            person_penalty("罚2", CF_XDR_ZJHM=adult, CF_JDRQ="2024-01-15", CF_NR_FK="5"),
        ]
    )
    withheld = CreditRecord.objects.get(document_number="罚1")
    assert withheld.withheld == CreditRecord.Withheld.MINOR
    assert withheld.publicity_end == date(2027, 1, 14)  # the period is kept, for staff
    assert CreditRecord.objects.get(document_number="罚2").withheld == ""
    public = public_records(date(2024, 2, 1))
    assert list(public.values_list("document_number", flat=True)) == ["罚2"]


def test_a_minor_stays_withheld_when_the_record_is_updated_after_coming_of_age(loaded_pack):
    minor = id_number("530102", "20080601", "125")
    row = person_penalty("罚1", CF_XDR_ZJHM=minor, CF_JDRQ="2024-01-15", CF_NR_FK="5")
    _run([row])
    _run([{**row, "CF_NR": "罚款人民币伍万元整"}])
    record = CreditRecord.objects.get()
    assert (record.version, record.withheld) == (2, CreditRecord.Withheld.MINOR)
