"""How a run reads and writes: the query outside any write transaction, the results
stored with the driver in one transaction afterwards, nothing kept when either fails."""

from __future__ import annotations

from contextlib import closing
from datetime import date

import psycopg
import pytest
from django.db import connection

from tests.evaluation.conftest import ACTOR, TODAY, company, record
from xinyong.evaluation import engines, runs
from xinyong.evaluation.models import EvaluationResult, EvaluationRun
from xinyong.evaluation.runs import evaluate

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(loaded_pack):
    clean = company("读写守信公司")
    penalised = company("读写处罚公司")
    record(penalised, date(2026, 6, 1))
    record(penalised, date(2025, 6, 1), severity="serious")
    return clean, penalised


def test_results_are_stored_with_every_column_the_model_declares():
    declared = {f.column for f in EvaluationResult._meta.concrete_fields if not f.primary_key}
    assert set(runs.RESULT_COLUMNS) == declared


def test_stored_results_read_back_through_the_orm(two):
    clean, penalised = two
    run = evaluate("public-credit", actor=ACTOR, today=TODAY)
    stored = {r.subject_id: r for r in EvaluationResult.objects.filter(run=run)}
    assert (stored[clean.pk].score, stored[clean.pk].grade) == (100.0, "A")
    # 100 − 5 × 1 (general, within a year) − 15 × 0.5 (serious, within two years)
    assert (stored[penalised.pk].score, stored[penalised.pk].grade) == (87.5, "B")
    assert stored[penalised.pk].values == [1.0, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0]
    assert run.subjects == len(stored) and run.grades == {"A": 1, "B": 1}


def test_a_failure_while_storing_keeps_no_results_and_marks_the_run_failed(two, monkeypatch):
    def finish_fails(*args, **kwargs):
        raise RuntimeError("disk full")

    # `_finish` runs after `_store` has written every row, in the same transaction.
    monkeypatch.setattr(runs, "_finish", finish_fails)
    with pytest.raises(RuntimeError):
        evaluate("public-credit", actor=ACTOR, today=TODAY)
    run = EvaluationRun.objects.get()
    assert (run.status, run.failure, run.digest) == ("failed", "disk full", "")
    assert run.finished_at is not None
    assert not EvaluationResult.objects.exists()


def test_a_failure_in_the_engine_keeps_no_results_and_marks_the_run_failed(two, monkeypatch):
    real = engines.run_in_database

    def fails_halfway(expr):
        with closing(real(expr)) as rows:
            yield next(rows)
            raise RuntimeError("connection lost")

    monkeypatch.setattr(engines, "run_in_database", fails_halfway)
    with pytest.raises(RuntimeError):
        evaluate("public-credit", actor=ACTOR, today=TODAY)
    assert EvaluationRun.objects.get().status == "failed"
    assert not EvaluationResult.objects.exists()


def driver_in_transaction() -> bool:
    raw = connection.connection
    if connection.vendor == "sqlite":
        return raw.in_transaction
    return raw.info.transaction_status != psycopg.pq.TransactionStatus.IDLE


@pytest.mark.django_db(transaction=True)
def test_the_query_reads_in_its_own_transaction_before_the_results_are_stored(two, monkeypatch):
    real = engines.run_in_database
    seen = []

    def watched(expr):
        for row in real(expr):
            seen.append(
                (
                    connection.in_atomic_block,
                    driver_in_transaction(),
                    EvaluationResult.objects.count(),
                )
            )
            yield row

    monkeypatch.setattr(engines, "run_in_database", watched)
    evaluate("public-credit", actor=ACTOR, today=TODAY)
    if connection.vendor == "sqlite":
        # A read transaction on the driver, not a Django one: those are IMMEDIATE and
        # would hold the write lock for the whole query.
        assert seen == [(False, True, 0), (False, True, 0)]
    else:  # a transaction for the server-side cursor
        assert seen == [(True, True, 0), (True, True, 0)]
    assert EvaluationResult.objects.count() == 2
    assert not driver_in_transaction()  # the read ended with the run
