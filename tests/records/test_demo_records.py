"""`xinyong demo-records`: the demo's penalties, list entries and over-limit case."""

from __future__ import annotations

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from xinyong.lists.models import ListEntry
from xinyong.records.models import CreditRecord, QuarantinedRow


@pytest.fixture
def demo(loaded_pack):
    call_command("demo_data", "--subjects", "400", "--seed", "7", stdout=StringIO())
    out = StringIO()
    call_command("demo_records", "--rows", "300", "--seed", "7", stdout=out)
    return out.getvalue()


def test_it_imports_penalties_of_the_demo_subjects_through_the_pipeline(demo):
    # 300 generated rows with about 1 % planted bad ones, plus the four over-limit rows;
    # the environmental regulator's penalties come separately, all valid.
    penalties = CreditRecord.objects.filter(record_type__code="penalty")
    market = penalties.exclude(unit__code="YN-STHJT").count() - 4
    assert 290 <= market < 300
    assert QuarantinedRow.objects.count() == 300 - market
    assert penalties.filter(unit__code="YN-STHJT").count() > 50
    assert "penalties" in demo


def test_it_fills_the_public_lists_with_published_entries(demo):
    published = Counter(
        ListEntry.objects.filter(status="published").values_list("credit_list__code", flat=True)
    )
    assert published["judgment-defaulters"] >= 10
    assert published["a-grade-taxpayers"] == 10
    subjects = ListEntry.objects.filter(status="published").values_list("subject_id", flat=True)
    assert len(set(subjects)) == len(subjects)  # no subject on two demo lists


def test_the_over_limit_case_waits_as_one_proposal(demo):
    proposal = ListEntry.objects.get(credit_list__code="overload-transport")
    assert proposal.status == "proposed" and proposal.origin == "detection"
    assert proposal.evidence.count() == 4


def test_a_second_run_adds_nothing(demo):
    before = (CreditRecord.objects.count(), ListEntry.objects.count())
    out = StringIO()
    call_command("demo_records", "--rows", "300", "--seed", "7", stdout=out)
    assert (CreditRecord.objects.count(), ListEntry.objects.count()) == before
    assert "名单条目 / list entries: 0" in out.getvalue()


def test_it_files_an_objection_at_the_unit_check_and_a_repair_under_review(demo):
    from xinyong.rights.models import Objection, RepairApplication

    objection = Objection.objects.get()
    assert objection.status == Objection.Status.UNIT_CHECK
    assert objection.record is not None
    assert objection.record.status == CreditRecord.Status.DISPUTED
    repair = RepairApplication.objects.get()
    assert repair.status == RepairApplication.Status.REVIEWING
    assert f"{objection.reference}, {repair.reference}" in demo


def test_a_second_run_files_no_second_case(demo):
    from xinyong.rights.models import Objection, RepairApplication

    call_command("demo_records", "--rows", "300", "--seed", "7", stdout=StringIO())
    assert (Objection.objects.count(), RepairApplication.objects.count()) == (1, 1)
