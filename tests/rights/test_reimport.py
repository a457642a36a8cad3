"""A unit's next import of a changed row does not undo what a procedure decided: an open
objection keeps its record disputed, an approved repair keeps its early publicity end.
A revocation from the unit still wins over the flag."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.portal import pipeline
from tests.rights.conftest import ACTOR, DATA_UNIT, PENALTY
from tests.rights.repair_support import DOCUMENT, apply
from tests.rights.repair_support import media as media
from tests.rights.repair_support import record as record
from xinyong.records.models import CreditRecord
from xinyong.records.visibility import public_records
from xinyong.rights import objections, repairs
from xinyong.rights.models import Channel

pytestmark = pytest.mark.django_db
Status = CreditRecord.Status


def _object_to(record: CreditRecord):
    return objections.file_objection(
        record,
        ground="wrong",
        description="违法事实表述有误。",
        applicant_name="王经理",
        contact="13800000000",
        actor=ACTOR,
        channel=Channel.CONSOLE,
    )


def _resend(document: str, **changes: str):
    return pipeline.run("penalty", [pipeline.company_penalty(document, **changes)], DATA_UNIT)


def test_a_changed_row_keeps_a_record_under_objection_disputed(penalty):
    objection = _object_to(penalty)

    result = _resend(PENALTY, CF_WFXW="更正后的违法事实")

    assert result.updated == 1
    penalty.refresh_from_db()
    assert penalty.status == Status.DISPUTED
    assert penalty.payload["CF_WFXW"] == "更正后的违法事实"
    assert penalty.versions.get(number=penalty.version).status == Status.DISPUTED
    objections.decide(objection, upheld=False, reasons="信息无误。", actor=ACTOR)
    penalty.refresh_from_db()
    assert penalty.status == Status.NORMAL


def test_the_same_row_again_is_unchanged_while_the_objection_is_open(penalty):
    _object_to(penalty)
    penalty.refresh_from_db()
    version = penalty.version

    assert _resend(PENALTY).unchanged == 1

    penalty.refresh_from_db()
    assert (penalty.status, penalty.version) == (Status.DISPUTED, version)


def test_a_revocation_from_the_unit_wins_over_the_flag(penalty):
    _object_to(penalty)

    _resend(PENALTY, CF_ZT="撤销")

    penalty.refresh_from_db()
    assert penalty.status == Status.REVOKED


def test_a_decided_objection_holds_nothing(penalty):
    objection = _object_to(penalty)
    objections.decide(objection, upheld=False, reasons="信息无误。", actor=ACTOR)

    _resend(PENALTY, CF_WFXW="另一处修改")

    penalty.refresh_from_db()
    assert penalty.status == Status.NORMAL


def test_a_changed_row_keeps_a_repaired_records_early_end(record):
    repairs.approve(apply(record), actor=ACTOR, reasons="满足修复条件")
    yesterday = timezone.localdate() - timedelta(days=1)

    assert _resend(DOCUMENT, CF_WFXW="更正后的违法事实").updated == 1

    record.refresh_from_db()
    assert record.publicity_end == yesterday
    assert record.payload["CF_WFXW"] == "更正后的违法事实"
    assert not public_records().filter(pk=record.pk).exists()
