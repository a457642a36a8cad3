"""The pack's schemes evaluated in the platform's database: scores and grades worked out
by hand from the rules in rules.yaml (public-credit, environmental-credit)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.evaluation.conftest import ACTOR, TODAY, company, listed, record
from xinyong.core.errors import InvalidInput, NotFound
from xinyong.core.models import AuditEvent
from xinyong.evaluation.models import EvaluationResult, EvaluationRun
from xinyong.evaluation.runs import evaluate
from xinyong.exchange.models import OutboxMessage

pytestmark = pytest.mark.django_db


def results(run: EvaluationRun) -> dict[str, tuple[float, str]]:
    return {
        r.subject.name: (r.score, r.grade)
        for r in EvaluationResult.objects.filter(run=run).select_related("subject")
    }


@pytest.fixture
def subjects(loaded_pack):
    clean = company("守信公司")
    penalised = company("一般处罚公司")
    record(penalised, date(2026, 6, 1))  # within 1 year: 1
    record(penalised, date(2025, 6, 1))  # within 2 years: 0.5
    record(penalised, date(2024, 6, 1))  # within 3 years: 0.25
    record(penalised, date(2023, 6, 1))  # older: not counted
    serious = company("严重处罚公司")
    record(serious, date(2026, 1, 1), severity="serious")  # 1
    record(serious, date(2024, 1, 1), severity="serious")  # 0.5
    record(serious, date(2026, 2, 1), severity="serious", status="revoked")  # not counted
    blacklisted = company("失信名单公司")
    listed(blacklisted, "wage-arrears")
    listed(blacklisted, "a-grade-taxpayers")
    worst = company("多重失信公司")
    for code in ("judgment-defaulters", "major-tax-violators", "wage-arrears"):
        listed(worst, code)
    for month in (3, 4, 5):
        record(worst, date(2026, month, 1), severity="serious")
    polluter = company("排污公司")
    record(polluter, date(2026, 3, 1), unit="YN-STHJT")
    return [clean, penalised, serious, blacklisted, worst, polluter]


def test_public_credit_scores_and_grades_follow_the_pack(subjects):
    run = evaluate("public-credit", actor=ACTOR, today=TODAY)
    got = results(run)
    assert got["守信公司"] == (100.0, "A")
    assert got["一般处罚公司"] == (91.25, "A")  # 100 − 5 × 1.75
    assert got["严重处罚公司"] == (77.5, "B")  # 100 − 15 × 1.5
    assert got["失信名单公司"] == (65.0, "C")  # 100 − 40 + 5
    assert got["多重失信公司"] == (0.0, "D")  # 100 − 60 (cap) − 45 (cap), kept at 0
    assert got["排污公司"] == (95.0, "A")  # one general penalty
    assert run.grades == {"A": 3, "B": 1, "C": 1, "D": 1}
    assert run.status == "done" and run.number == 1 and len(run.digest) == 64


def test_each_result_keeps_its_indicator_values_in_the_schemes_order(subjects):
    run = evaluate("public-credit", actor=ACTOR, today=TODAY)
    found = EvaluationResult.objects.get(run=run, subject__name="失信名单公司")
    # penalties, serious, black lists, watch lists, abnormal operations, red lists, commendations
    assert found.values == [0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0]


def test_environmental_credit_counts_only_the_environmental_regulators_penalties(subjects):
    got = results(evaluate("environmental-credit", actor=ACTOR, today=TODAY))
    assert got["排污公司"] == (90.0, "blue")
    assert got["一般处罚公司"] == (100.0, "green")


def test_runs_are_numbered_and_a_grade_change_goes_to_the_outbox(subjects):
    first = evaluate("public-credit", actor=ACTOR, today=TODAY)
    assert first.changed == 0 and not OutboxMessage.objects.exists()
    record(subjects[0], date(2026, 11, 1), severity="serious")  # 守信公司 falls to 85: B
    second = evaluate("public-credit", actor=ACTOR, today=TODAY)
    assert second.number == 2 and second.changed == 1
    message = OutboxMessage.objects.get()
    assert (message.topic, message.payload["changed"]) == ("evaluation.grades_changed", 1)
    assert AuditEvent.objects.filter(action="xinyong.evaluation.run").count() == 2


def test_the_same_data_gives_the_same_digest(subjects):
    first = evaluate("public-credit", actor=ACTOR, today=TODAY)
    second = evaluate("public-credit", actor=ACTOR, today=TODAY)
    assert first.digest == second.digest
    later = evaluate("public-credit", actor=ACTOR, today=date(2027, 7, 1))
    assert later.digest != first.digest  # the recency bands moved


def test_it_refuses_an_unknown_scheme_or_engine(loaded_pack):
    with pytest.raises(NotFound) as caught:
        evaluate("no-such-scheme", actor=ACTOR, today=TODAY)
    assert caught.value.code == "evaluation.unknown_scheme"
    with pytest.raises(InvalidInput) as caught:
        evaluate("public-credit", actor=ACTOR, engine="duckdb", today=TODAY)
    assert caught.value.code == "evaluation.engine"


def test_a_record_decided_after_the_evaluation_day_does_not_count(loaded_pack):
    late = company("后来处罚公司")
    record(late, date(2026, 12, 1))
    got = results(evaluate("public-credit", actor=ACTOR, today=TODAY))
    assert got["后来处罚公司"] == (100.0, "A")
