"""What the credit-repair tests share: a public penalty, a list entry, a filed application.

Records come through the real import pipeline (tests/portal/pipeline.py). The last day
of the minimum publicity period is set explicitly where a test needs a known value.
Test modules import the fixtures they use (`from tests.rights.repair_support import …`).
"""

from __future__ import annotations

import base64
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from tests.portal import pipeline
from tests.records.factories import uscc
from xinyong.core.audit import Actor
from xinyong.lists import entries
from xinyong.lists.models import ListEntry
from xinyong.records.models import CreditRecord
from xinyong.rights import repairs
from xinyong.rights.models import Channel, RepairApplication
from xinyong.subjects.models import Subject
from xinyong.subjects.services import create_subject

DOCUMENT = "昆市监罚〔2026〕11号"
LICENCE = "昆市监许〔2026〕12号"
EMPLOYER = uscc("530111", "87654321")
APPLICANT = Actor("cli:repair-tests")
PDF = b"%PDF-1.4\n% evidence of payment\n"


def today() -> date:
    return timezone.localdate()


def set_minimum_end(record: CreditRecord, day: date | None) -> CreditRecord:
    """The last day of the record's minimum publicity period, as the import would set it."""
    CreditRecord.objects.filter(pk=record.pk).update(publicity_minimum_end=day)
    record.refresh_from_db()
    return record


def penalty_record(document: str = DOCUMENT, minimum_end: date | None = None) -> CreditRecord:
    """A public penalty of the pipeline's company, reported by YN-GSJ."""
    pipeline.run("penalty", [pipeline.company_penalty(document)])
    record = pipeline.record(document)
    return set_minimum_end(record, minimum_end or today() - timedelta(days=1))


def wage_entry(started_days_ago: int = 200) -> ListEntry:
    """A published entry on the wage-arrears list (repairable by the pack), decided by 省人社厅."""
    subject = Subject.objects.filter(uscc=EMPLOYER).first() or create_subject(
        APPLICANT, kind=Subject.Kind.ORGANISATION, name="昆明欠薪建筑劳务有限公司", uscc=EMPLOYER
    )
    return entries.record_decided(
        "wage-arrears",
        subject,
        reasons="拖欠农民工工资，经责令限期支付仍未支付。",
        decided_on=today() - timedelta(days=started_days_ago),
        document_number="云人社欠薪〔2025〕7号",
        actor=APPLICANT,
    )


def apply(target: CreditRecord | ListEntry, **overrides: Any) -> RepairApplication:
    """File an application with complete, valid answers; `overrides` change any of them."""
    answers: dict[str, Any] = {
        "correction": "已缴清全部罚款，整改完毕并经复查合格。",
        "commitment": repairs.commitment_text(target),
        "applicant_name": "张三",
        "contact": "13800000000",
        "channel": Channel.API,
        "actor": APPLICANT,
        "encoded": [("缴款凭证.pdf", base64.b64encode(PDF).decode())],
    }
    answers.update(overrides)
    return repairs.apply_for_repair(target, **answers)


@pytest.fixture
def media(settings, tmp_path):
    """Attachments go to a fresh folder, never the developer's var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def fresh_cache():
    """Rate-limit counters start at zero in every test."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def record(loaded_pack, media) -> CreditRecord:
    """A public penalty whose minimum publicity period ended yesterday."""
    return penalty_record()


@pytest.fixture
def entry(loaded_pack, media) -> ListEntry:
    return wage_entry()
