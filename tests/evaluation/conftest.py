"""Fixtures for evaluation: subjects with records written straight into the tables the
expression reads (the import pipeline is tested elsewhere; here the dates, severities
and units must be exactly what a test says)."""

from __future__ import annotations

from datetime import date
from itertools import count

import pytest
from django.utils import timezone

from tests.records.factories import id_number, uscc
from xinyong.core.audit import Actor
from xinyong.lists import entries
from xinyong.records.models import Batch, CreditRecord, RecordType
from xinyong.subjects.models import Subject, Unit
from xinyong.subjects.services import create_subject

ACTOR = Actor("cli:evaluation-tests")
TODAY = date(2026, 11, 28)
_numbers = count(1)


def company(name: str) -> Subject:
    return create_subject(
        ACTOR,
        kind=Subject.Kind.ORGANISATION,
        name=name,
        uscc=uscc("530102", f"{next(_numbers):08d}"),
    )


def record(
    subject: Subject,
    decided: date,
    *,
    type_code: str = "penalty",
    severity: str = "general",
    unit: str = "YN-GSJ",
    status: str = CreditRecord.Status.NORMAL,
    value: float | None = None,
) -> CreditRecord:
    number = next(_numbers)
    record_type = RecordType.objects.get(code=type_code)
    reporter = Unit.objects.get(code=unit)
    batch = Batch.objects.create(
        unit=reporter, record_type=record_type, source="api", status="done", actor="test"
    )
    return CreditRecord.objects.create(
        batch=batch,
        subject=subject,
        record_type=record_type,
        unit=reporter,
        document_number=f"测试〔2026〕{number}号",
        decision_date=decided,
        severity=severity,
        status=status,
        value=value,
        content_hash=f"{number:064d}",
        version_hash=f"{number:064d}",
        received_at=timezone.now(),
    )


def person(name: str, born: str = "19880412") -> Subject:
    return create_subject(
        ACTOR,
        kind=Subject.Kind.PERSON,
        name=name,
        id_number=id_number("530102", born, f"{next(_numbers) % 1000:03d}"),
    )


def listed(subject: Subject, list_code: str, decided: date = date(2026, 6, 1)):
    return entries.record_decided(
        list_code,
        subject,
        reasons="测试。",
        decided_on=decided,
        document_number=f"测试名单〔2026〕{next(_numbers)}号",
        actor=ACTOR,
    )


@pytest.fixture
def today() -> date:
    return TODAY
