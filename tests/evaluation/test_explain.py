"""Explanations of grades: each indicator's value, contribution and the records or list
entries behind it, found by querysets that agree with the engine for every subject."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.evaluation.conftest import ACTOR, TODAY, company, listed, record
from xinyong.evaluation import explain
from xinyong.evaluation.expressions import Ids
from xinyong.evaluation.models import EvaluationResult, EvaluationRun
from xinyong.evaluation.runs import evaluate
from xinyong.records.models import CreditRecord

pytestmark = pytest.mark.django_db


def explained(run: EvaluationRun, name: str) -> dict[str, explain.IndicatorExplanation]:
    result = EvaluationResult.objects.select_related("run").get(run=run, subject__name=name)
    return {item.indicator.code: item for item in explain.explain(result).indicators}


@pytest.fixture
def penalised(loaded_pack):
    subject = company("一般处罚公司")
    newest = record(subject, date(2026, 6, 1))  # within 1 year: 1
    middle = record(subject, date(2025, 6, 1))  # within 2 years: 0.5
    oldest = record(subject, date(2024, 6, 1))  # within 3 years: 0.25
    record(subject, date(2023, 6, 1))  # older than every band: not behind the value
    record(subject, date(2026, 2, 1), status=CreditRecord.Status.REVOKED)
    record(subject, date(2026, 3, 1), severity="serious")  # another indicator
    return subject, [newest, middle, oldest]


def test_it_gives_each_record_its_recency_weight_and_the_capped_contribution(penalised):
    subject, (newest, middle, oldest) = penalised
    run = evaluate("public-credit", actor=ACTOR, today=TODAY)
    got = explained(run, subject.name)
    penalties = got["penalties"]
    assert [(b.item.pk, b.weight) for b in penalties.behind] == [
        (newest.pk, 1.0),
        (middle.pk, 0.5),
        (oldest.pk, 0.25),
    ]
    assert (penalties.value, penalties.contribution, penalties.signed) == (1.75, -8.75, "-8.75")
    assert not penalties.changed
    serious = got["serious-penalties"]
    assert (serious.value, serious.contribution, len(serious.behind)) == (1.0, -15.0, 1)
    assert got["commendations"].behind == () and got["commendations"].signed == "0"
    # 100 − 8.75 − 15
    assert EvaluationResult.objects.get(run=run, subject=subject).score == 76.25


def test_list_entries_in_force_on_the_day_are_behind_the_list_indicators(loaded_pack):
    worst = company("多重失信公司")
    entries = [listed(worst, code) for code in ("judgment-defaulters", "major-tax-violators")]
    entries.append(listed(worst, "wage-arrears"))
    red = listed(worst, "a-grade-taxpayers")
    run = evaluate("public-credit", actor=ACTOR, today=TODAY)
    got = explained(run, "多重失信公司")
    black = got["black-lists"]
    assert sorted(b.item.pk for b in black.behind) == sorted(e.pk for e in entries)
    assert black.value == 3.0 and black.contribution == -60.0  # 3 × −40, capped at 60
    assert [b.item.pk for b in got["red-lists"].behind] == [red.pk]
    assert got["red-lists"].contribution == 5.0


def test_a_record_revoked_after_the_run_shows_the_explanation_changed(penalised):
    subject, (newest, _middle, _oldest) = penalised
    run = evaluate("public-credit", actor=ACTOR, today=TODAY)
    CreditRecord.objects.filter(pk=newest.pk).update(status=CreditRecord.Status.REVOKED)
    penalties = explained(run, subject.name)["penalties"]
    assert penalties.value == 1.75 and penalties.found == 0.75 and penalties.changed


def test_latest_results_take_each_schemes_latest_finished_run_in_one_query(penalised):
    subject, _records = penalised
    evaluate("public-credit", actor=ACTOR, today=date(2026, 1, 1))
    latest = evaluate("public-credit", actor=ACTOR, today=TODAY)
    environmental = evaluate("environmental-credit", actor=ACTOR, today=TODAY)
    EvaluationRun.objects.create(  # a run still going is not the latest result
        scheme="public-credit",
        number=3,
        rule=latest.rule,
        engine="db",
        on=TODAY,
        status=EvaluationRun.Status.RUNNING,
        started_at=latest.started_at,
        actor="test",
    )
    with CaptureQueriesContext(connection) as queries:
        found = explain.latest_results(subject)
        runs = [result.run for result in found]
    assert len(queries) == 1
    assert [run.pk for run in runs] == [environmental.pk, latest.pk]


def test_an_explanation_costs_one_query_per_measure(penalised):
    subject, _records = penalised
    run = evaluate("public-credit", actor=ACTOR, today=TODAY)
    result = EvaluationResult.objects.select_related("run").get(run=run, subject=subject)
    scheme, ids = explain.scheme_of(result), Ids.load()
    with CaptureQueriesContext(connection) as queries:
        explain.explain(result, scheme=scheme, ids=ids)
    assert len(queries) == 2  # records, entries


@pytest.fixture
def demo(loaded_pack):
    call_command("demo_data", "--subjects", "300", "--seed", "7", stdout=StringIO())
    call_command("demo_records", "--rows", "600", "--seed", "7", stdout=StringIO())
    worst = company("多重失信公司")
    for code in ("judgment-defaulters", "major-tax-violators", "wage-arrears"):
        listed(worst, code)
    record(worst, TODAY.replace(month=3), severity="serious", unit="YN-STHJT")
    record(worst, date(2024, 6, 1), unit="YN-STHJT")
    polluter = company("排污公司")
    for code in ("environmental-serious-dishonesty", "eia-rectification"):
        listed(polluter, code)
    record(polluter, date(2025, 6, 1), unit="YN-STHJT")


# The fewest subjects each scheme grades on this data (demo_records adds ratings and
# assessments of the demo's tourism and transport companies and twelve guides).
GRADED = {
    "public-credit": 250,
    "environmental-credit": 250,
    "tourism-integrity": 3,
    "tour-guides": 12,
    "taxi-service": 2,
}


@pytest.mark.parametrize("scheme", GRADED)
def test_the_explanation_finds_the_stored_value_for_every_subject_of_a_run(demo, scheme):
    run = evaluate(scheme, actor=ACTOR, today=TODAY)
    results = list(EvaluationResult.objects.filter(run=run).select_related("run"))
    scheme_rule, ids = explain.scheme_of(results[0]), Ids.load()
    assert len(results) >= GRADED[scheme]
    counted = 0
    for result in results:
        explanation = explain.explain(result, scheme=scheme_rule, ids=ids)
        for item in explanation.indicators:
            assert item.found == item.value, (result.subject_id, item.indicator.code)
            counted += len(item.behind)
        total = scheme_rule.base + sum(item.contribution for item in explanation.indicators)
        assert round(min(max(total, 0.0), scheme_rule.maximum), 4) == result.score
    assert counted >= 5  # the data gives the indicators something to find
