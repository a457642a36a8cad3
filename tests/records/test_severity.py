"""Serious or general (严重失信 / 一般失信): the pack's severity rule classifies each penalty
at import from its kinds and fine; severity picks the 2019 publicity tier and feeds the
evaluation's serious-penalty indicator."""

from __future__ import annotations

from datetime import date

import pytest

from tests.packedits import edit, problems
from tests.records.factories import penalty
from xinyong.core import audit
from xinyong.evaluation.models import EvaluationResult
from xinyong.evaluation.runs import evaluate
from xinyong.records import publicity
from xinyong.records.imports import import_objects
from xinyong.records.models import CreditRecord, RecordType
from xinyong.subjects.models import Unit

pytestmark = pytest.mark.django_db
ACTOR = audit.Actor("cli:tester")


def imported(*rows: dict[str, str]) -> dict[str, CreditRecord]:
    result = import_objects(
        list(rows), RecordType.objects.get(code="penalty"), Unit.objects.get(code="YN-GSJ"), ACTOR
    )
    assert result.rejected == 0, result.errors
    return {record.document_number: record for record in CreditRecord.objects.all()}


def test_a_revoked_licence_or_a_large_fine_is_serious(loaded_pack):
    records = imported(
        penalty("罚〔2024〕1号", CF_CFLB="罚款、吊销许可证件", CF_NR_FK="0.5"),
        penalty("罚〔2024〕2号", CF_CFLB="罚款", CF_NR_FK="10"),
        penalty("罚〔2024〕3号", CF_CFLB="罚款", CF_NR_FK="9.99"),
        penalty("罚〔2024〕4号", CF_CFLB="警告", CF_NR_FK=""),
    )
    assert {number: r.severity for number, r in records.items()} == {
        "罚〔2024〕1号": "serious",
        "罚〔2024〕2号": "serious",
        "罚〔2024〕3号": "general",
        "罚〔2024〕4号": "general",
    }


def test_under_the_2019_rule_a_serious_penalty_is_public_for_three_years(loaded_pack):
    decided = "2022-06-01"
    records = imported(
        penalty("罚〔2022〕1号", CF_CFLB="责令停产停业", CF_JDRQ=decided, CF_YXQ="2023-06-01"),
        penalty(
            "罚〔2022〕2号", CF_CFLB="罚款", CF_NR_FK="1", CF_JDRQ=decided, CF_YXQ="2023-06-01"
        ),
    )
    serious, general = records["罚〔2022〕1号"], records["罚〔2022〕2号"]
    assert (serious.publicity_minimum_end, serious.publicity_end) == (
        date(2022, 11, 30),  # 6 months
        date(2025, 5, 31),  # 3 years
    )
    assert (general.publicity_minimum_end, general.publicity_end) == (
        date(2022, 8, 31),  # 3 months
        date(2023, 5, 31),  # 1 year
    )


def test_recompute_reclassifies_records_stored_before_the_rule(loaded_pack):
    imported(penalty("罚〔2024〕1号", CF_CFLB="责令关闭"))
    CreditRecord.objects.update(severity="general")  # as imported before the rule existed
    report = publicity.recompute(ACTOR)
    assert report.changed == 1 and CreditRecord.objects.get().severity == "serious"
    assert publicity.recompute(ACTOR).changed == 0


def test_a_serious_penalty_counts_in_the_public_credit_evaluation(loaded_pack):
    records = imported(
        penalty("罚〔2026〕1号", CF_CFLB="吊销许可证件", CF_JDRQ="2026-03-02", CF_YXQ="2027-03-02")
    )
    run = evaluate("public-credit", actor=ACTOR, today=date(2026, 11, 28))
    result = EvaluationResult.objects.get(run=run, subject=records["罚〔2026〕1号"].subject)
    assert (result.score, result.grade) == (85.0, "B")  # serious, within a year: −15
    assert result.values[:2] == [0.0, 1.0]


def test_the_pack_refuses_a_serious_kind_the_catalogue_does_not_know(pack_copy):
    edit(pack_copy / "rules.yaml", "serious_kinds: [降低资质等级,", "serious_kinds: [停业整顿,")
    assert problems(pack_copy) == [
        "rules.yaml: penalty-severity: '停业整顿' is not a choice of CF_CFLB"
    ]
