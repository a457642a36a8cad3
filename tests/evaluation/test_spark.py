"""One definition, two engines: Spark in local mode over a Parquet snapshot of the demo
data grades every subject exactly as the platform's own database does."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from tests.evaluation.conftest import ACTOR, TODAY, company, listed, record
from xinyong.evaluation.models import EvaluationResult
from xinyong.evaluation.runs import evaluate
from xinyong.records.models import CreditRecord

pytestmark = [pytest.mark.django_db, pytest.mark.spark]


@pytest.fixture
def demo(loaded_pack):
    call_command("demo_data", "--subjects", "600", "--seed", "11", stdout=StringIO())
    call_command("demo_records", "--rows", "800", "--seed", "11", stdout=StringIO())
    # A few subjects at the edges: capped, clipped at 0, recency bands.
    worst = company("多重失信公司")
    for code in ("judgment-defaulters", "major-tax-violators", "wage-arrears"):
        listed(worst, code)
    record(worst, TODAY.replace(month=3), severity="serious", unit="YN-STHJT")
    # demo_records imported ratings and assessments too (the averaged indicators).
    assert CreditRecord.objects.filter(value__isnull=False).count() > 100


def graded(run) -> dict[int, tuple[float, str, list[float]]]:
    return {
        subject: (score, grade, values)
        for subject, score, grade, values in EvaluationResult.objects.filter(run=run).values_list(
            "subject_id", "score", "grade", "values"
        )
    }


# The fewest subjects each scheme grades on this data: organisations and individual
# businesses; the rated tourism businesses; the demo's twelve guides; the taxi companies.
SCHEMES = {
    "public-credit": 500,
    "environmental-credit": 500,
    "tourism-integrity": 10,
    "tour-guides": 12,
    "taxi-service": 5,
}


@pytest.mark.parametrize("scheme", SCHEMES)
def test_spark_grades_every_subject_as_the_database_does(demo, scheme):
    in_database = evaluate(scheme, actor=ACTOR, today=TODAY)
    on_spark = evaluate(scheme, actor=ACTOR, engine="spark", today=TODAY)
    assert in_database.subjects >= SCHEMES[scheme]
    assert len(set(in_database.grades)) >= 2  # not a trivial all-A run
    assert graded(on_spark) == graded(in_database)
    assert on_spark.digest == in_database.digest
