"""List entries through due process: propose → notify → defence → decide → publish → exit."""

from __future__ import annotations

from datetime import date

import pytest

from tests.records.factories import id_number, uscc
from xinyong.core.audit import Actor
from xinyong.core.errors import Conflict, InvalidInput
from xinyong.core.models import AuditEvent
from xinyong.lists import entries
from xinyong.lists.models import EntryEvent, ListEntry
from xinyong.subjects.models import Subject
from xinyong.subjects.services import create_subject

ACTOR = Actor("test:operator")
# 2025-03-03 is a Monday: five working days later is Monday 2025-03-10.
MONDAY = date(2025, 3, 3)


@pytest.fixture
def company(loaded_pack) -> Subject:
    return create_subject(ACTOR, kind="organisation", name="昆明拒执商贸有限公司", uscc=uscc())


def adult(born: str = "19900307") -> Subject:
    return create_subject(ACTOR, kind="person", name="王五", id_number=id_number(born=born))


def listed(subject: Subject, code: str = "judgment-defaulters") -> ListEntry:
    entry = entries.propose(code, subject, reasons="有履行能力而拒不履行", actor=ACTOR)
    entries.notify(entry, actor=ACTOR, on=MONDAY)
    return entries.decide(
        entry, listed=True, actor=ACTOR, on=date(2025, 3, 10), document_number="（2025）云01执1号"
    )


def test_the_full_flow_lists_publishes_and_keeps_every_step(company):
    entry = entries.propose(
        "judgment-defaulters", company, reasons="有履行能力而拒不履行", actor=ACTOR
    )
    assert entry.status == "proposed" and entry.unit.short_name == "省高院"
    entries.notify(entry, actor=ACTOR, on=MONDAY)
    assert entry.defence_until == date(2025, 3, 10)
    entries.record_defence(entry, "已与申请人达成和解，正在履行", actor=ACTOR)
    entries.decide(entry, listed=True, actor=ACTOR, on=date(2025, 3, 7), document_number="X号")
    entries.publish(entry, actor=ACTOR)

    entry.refresh_from_db()
    assert entry.status == "published" and entry.starts_on == date(2025, 3, 7)
    # 失信被执行人 has two terms (until performance / 2 years): the court sets the end.
    assert entry.ends_on is None
    assert list(entry.events.values_list("action", flat=True)) == [
        "proposed",
        "notified",
        "defence",
        "listed",
        "published",
    ]
    assert AuditEvent.objects.filter(action__startswith="xinyong.entry.").count() == 5


def test_it_refuses_a_decision_while_the_defence_period_runs(company):
    entry = entries.propose("wage-arrears", company, reasons="拖欠工资", actor=ACTOR)
    entries.notify(entry, actor=ACTOR, on=MONDAY)
    with pytest.raises(Conflict) as caught:
        entries.decide(entry, listed=True, actor=ACTOR, on=date(2025, 3, 7))
    assert caught.value.code == "entry.defence_period_running"
    assert "2025-03-10" in caught.value.message_in("zh-hans")
    entries.decide(entry, listed=True, actor=ACTOR, on=date(2025, 3, 10))
    assert entry.status == "listed"


def test_it_refuses_to_decide_before_the_subject_is_notified(company):
    entry = entries.propose("wage-arrears", company, reasons="拖欠工资", actor=ACTOR)
    with pytest.raises(Conflict) as caught:
        entries.decide(entry, listed=True, actor=ACTOR, on=MONDAY)
    assert caught.value.code == "entry.wrong_step"


def test_a_fixed_term_list_ends_after_its_period(company):
    entry = listed(company, "wage-arrears")
    # 拖欠农民工工资: 3 years from the decision, through the day before the anniversary.
    assert entry.ends_on == date(2028, 3, 9)


def test_an_entry_is_in_force_through_its_last_day_and_gone_the_next(company):
    entry = listed(company, "wage-arrears")
    in_force = ListEntry.objects.filter(pk=entry.pk)
    assert in_force.filter(entries.in_force_q(date(2028, 3, 9))).exists()
    assert not in_force.filter(entries.in_force_q(date(2028, 3, 10))).exists()
    assert not in_force.filter(entries.in_force_q(date(2025, 3, 9))).exists()


def test_it_never_lists_a_minor(loaded_pack):
    minor = adult(born="20100601")
    with pytest.raises(InvalidInput) as caught:
        entries.propose("judgment-defaulters", minor, reasons="拒不履行", actor=ACTOR)
    assert caught.value.code == "entry.minor"
    assert "18" in caught.value.message_in("en")
    assert not ListEntry.objects.exists()


def test_it_refuses_a_minor_on_the_decision_date_even_when_imported(loaded_pack):
    # 18 on 2028-06-01: still a minor on a decision of 2025.
    minor = adult(born="20100601")
    with pytest.raises(InvalidInput) as caught:
        entries.record_decided(
            "judgment-defaulters",
            minor,
            reasons="拒不履行",
            decided_on=date(2025, 3, 3),
            actor=ACTOR,
        )
    assert caught.value.code == "entry.minor"


def test_it_lists_a_person_who_is_18_on_the_decision_date(loaded_pack):
    person = adult(born="20070303")
    entry = entries.record_decided(
        "judgment-defaulters", person, reasons="拒不履行", decided_on=date(2025, 3, 3), actor=ACTOR
    )
    assert entry.status == "published"


def test_it_refuses_a_subject_kind_the_list_does_not_cover(loaded_pack):
    person = adult()
    with pytest.raises(InvalidInput) as caught:
        entries.propose("a-grade-taxpayers", person, reasons="纳税信用A级", actor=ACTOR)
    assert caught.value.code == "entry.subject_kind"


def test_a_subject_has_one_open_entry_per_list(company):
    entries.propose("wage-arrears", company, reasons="拖欠工资", actor=ACTOR)
    with pytest.raises(Conflict) as caught:
        entries.propose("wage-arrears", company, reasons="再次拖欠", actor=ACTOR)
    assert caught.value.code == "entry.duplicate"


def test_a_declined_proposal_needs_reasons_and_leaves_room_for_a_new_one(company):
    entry = entries.propose("wage-arrears", company, reasons="拖欠工资", actor=ACTOR)
    entries.notify(entry, actor=ACTOR, on=MONDAY)
    with pytest.raises(InvalidInput):
        entries.decide(entry, listed=False, actor=ACTOR, on=date(2025, 3, 10))
    entries.decide(entry, listed=False, actor=ACTOR, on=date(2025, 3, 10), note="已足额支付")
    assert entry.status == "declined"
    assert entries.propose("wage-arrears", company, reasons="再次拖欠", actor=ACTOR).pk


def test_exit_ends_the_entry_from_the_exit_day(company):
    entry = listed(company, "wage-arrears")
    entries.exit_entry(
        entry, "conditions_met", actor=ACTOR, on=date(2025, 9, 10), note="已纠正并作出承诺"
    )
    in_force = ListEntry.objects.filter(pk=entry.pk)
    assert in_force.filter(entries.in_force_q(date(2025, 9, 9))).exists()
    assert not in_force.filter(entries.in_force_q(date(2025, 9, 10))).exists()
    assert entry.events.last().data["reason"] == "conditions_met"


def test_exit_refuses_an_unknown_reason(company):
    entry = listed(company, "wage-arrears")
    with pytest.raises(InvalidInput) as caught:
        entries.exit_entry(entry, "bored", actor=ACTOR, note="x")
    assert caught.value.code == "entry.exit_reason"


def test_expire_due_records_expiries_in_the_history(company):
    entry = listed(company, "wage-arrears")
    assert entries.expire_due(date(2028, 3, 9), ACTOR) == 0
    assert entries.expire_due(date(2028, 3, 10), ACTOR) == 1
    entry.refresh_from_db()
    assert (entry.status, entry.exit_reason, entry.exited_on) == (
        "exited",
        "expired",
        date(2028, 3, 10),
    )
    assert EntryEvent.objects.filter(entry=entry, action="exited").count() == 1
    assert entries.expire_due(date(2028, 3, 11), ACTOR) == 0


def test_a_pack_without_a_due_process_rule_cannot_list(company):
    from xinyong.policy.models import Rule

    Rule.objects.filter(kind="listing_due_process").update(active=False)
    entry = entries.propose("wage-arrears", company, reasons="拖欠工资", actor=ACTOR)
    with pytest.raises(InvalidInput) as caught:
        entries.notify(entry, actor=ACTOR, on=MONDAY)
    assert caught.value.code == "entry.no_due_process"
