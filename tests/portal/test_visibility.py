"""The one visibility rule (records.visibility.public_records), rule by rule."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.portal import pipeline
from tests.records.factories import id_number
from xinyong.records.models import CreditRecord, RecordType
from xinyong.records.visibility import is_disputed, public_records, public_records_of
from xinyong.subjects.models import Subject

pytestmark = pytest.mark.django_db


def _public(document: str, **kwargs) -> bool:
    return public_records(**kwargs).filter(document_number=document).exists()


def test_a_normal_penalty_within_its_window_is_public(loaded_pack):
    pipeline.run("penalty", [pipeline.company_penalty("罚〔2026〕1号")])
    assert _public("罚〔2026〕1号")


def test_a_revoked_record_is_not_public(loaded_pack):
    pipeline.run("penalty", [pipeline.company_penalty("罚〔2026〕1号")])
    pipeline.set_status("罚〔2026〕1号", CreditRecord.Status.REVOKED)
    assert not _public("罚〔2026〕1号")


def test_a_licence_revoked_in_its_status_field_is_not_public(loaded_pack):
    pipeline.run("license", [pipeline.licence("许〔2026〕1号", XK_ZT="撤销")])
    assert pipeline.record("许〔2026〕1号").status == CreditRecord.Status.REVOKED
    assert not _public("许〔2026〕1号")


def test_a_record_is_public_on_the_last_day_of_its_window_and_gone_the_day_after(loaded_pack):
    pipeline.run("penalty", [pipeline.company_penalty("罚〔2021〕1号", CF_JDRQ="2021-03-01")])
    end = pipeline.record("罚〔2021〕1号").publicity_end
    assert end is not None
    assert _public("罚〔2021〕1号", today=end)
    assert not _public("罚〔2021〕1号", today=end + timedelta(days=1))


def test_a_record_whose_window_ended_yesterday_is_not_public_today(loaded_pack):
    pipeline.run("penalty", [pipeline.company_penalty("罚〔2026〕1号")])
    yesterday = pipeline.today() - timedelta(days=1)
    CreditRecord.objects.update(publicity_end=yesterday)
    assert not _public("罚〔2026〕1号")
    CreditRecord.objects.update(publicity_end=pipeline.today())
    assert _public("罚〔2026〕1号")


def test_a_record_without_a_publicity_window_stays_public(loaded_pack):
    pipeline.run("license", [pipeline.licence("许〔2016〕1号", XK_JDRQ="2016-03-01")])
    assert pipeline.record("许〔2016〕1号").publicity_end is None
    assert _public("许〔2016〕1号")


def test_a_persons_record_is_public_only_if_its_type_is_public_for_persons(loaded_pack):
    pipeline.run("penalty", [pipeline.persons_penalty("罚〔2026〕2号")])
    assert _public("罚〔2026〕2号")
    RecordType.objects.filter(code="penalty").update(public_for_persons=False)
    assert not _public("罚〔2026〕2号")


def test_an_organisations_record_does_not_depend_on_the_persons_flag(loaded_pack):
    pipeline.run("penalty", [pipeline.company_penalty("罚〔2026〕1号")])
    RecordType.objects.filter(code="penalty").update(public_for_persons=False)
    assert _public("罚〔2026〕1号")


def test_a_disputed_record_stays_public_and_is_flagged(loaded_pack):
    pipeline.run("penalty", [pipeline.company_penalty("罚〔2026〕1号")])
    pipeline.set_status("罚〔2026〕1号", CreditRecord.Status.DISPUTED)
    assert _public("罚〔2026〕1号")
    assert is_disputed(pipeline.record("罚〔2026〕1号"))


def test_a_minors_record_is_never_public_whatever_its_window(loaded_pack):
    minor = id_number("530102", (pipeline.today() - timedelta(days=365 * 15)).strftime("%Y%m%d"))
    pipeline.run("penalty", [pipeline.persons_penalty("罚〔2026〕2号", CF_XDR_ZJHM=minor)])
    record = pipeline.record("罚〔2026〕2号")
    assert record.withheld == CreditRecord.Withheld.MINOR
    assert record.publicity_end is not None and record.publicity_end > pipeline.today()
    assert not _public("罚〔2026〕2号")
    assert not public_records_of(record.subject).exists()


@pytest.mark.parametrize("reason", [CreditRecord.Withheld.MINOR, CreditRecord.Withheld.LENIENT])
def test_a_withheld_record_is_not_public_and_is_again_when_no_longer_withheld(loaded_pack, reason):
    pipeline.run("penalty", [pipeline.company_penalty("罚〔2026〕1号")])
    CreditRecord.objects.update(withheld=reason)
    subject = pipeline.record("罚〔2026〕1号").subject
    assert not _public("罚〔2026〕1号") and not public_records_of(subject).exists()
    CreditRecord.objects.update(withheld=CreditRecord.Withheld.NO)
    assert _public("罚〔2026〕1号") and public_records_of(subject).exists()


def test_the_rule_for_one_subject_agrees_with_the_rule_for_all(loaded_pack):
    pipeline.run("penalty", [pipeline.company_penalty("罚〔2026〕1号"), pipeline.persons_penalty()])
    pipeline.run("penalty", [pipeline.company_penalty("罚〔2021〕1号", CF_JDRQ="2021-03-01")])
    pipeline.set_status("罚〔2026〕1号", CreditRecord.Status.DISPUTED)
    CreditRecord.objects.filter(document_number="罚〔2021〕1号").update(
        publicity_end=None, withheld=CreditRecord.Withheld.LENIENT
    )

    def agree() -> None:
        for subject in Subject.objects.all():
            one = set(public_records_of(subject).values_list("pk", flat=True))
            assert one == set(public_records().filter(subject=subject).values_list("pk", flat=True))

    agree()
    RecordType.objects.filter(code="penalty").update(public_for_persons=False)
    agree()
    assert not public_records_of(pipeline.person()).exists()
