from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from xinyong.core import audit
from xinyong.core.models import AuditEvent

pytestmark = pytest.mark.django_db

ACTOR = audit.Actor("user:1:clerk", "YN-TEST")


def _events(count: int = 3) -> list[AuditEvent]:
    return [
        audit.record(
            "xinyong.calendar.day_changed",
            ACTOR,
            object_type="core.calendarday",
            object_id=f"2026-10-0{n}",
            data={"n": n, "名称": "国庆节", "x": 1.5},
        )
        for n in range(1, count + 1)
    ]


def _raw(sql: str, *params: object) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_it_chains_each_event_to_the_previous_one():
    first, second, third = _events()
    assert (first.seq, second.seq, third.seq) == (1, 2, 3)
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    assert audit.verify().ok


def test_it_verifies_what_it_reads_back_from_the_database():
    _events()
    result = audit.verify()
    assert (result.ok, result.checked, result.head_seq) == (True, 3, 3)


def test_it_detects_an_edited_event():
    _events()
    _raw("UPDATE core_auditevent SET actor = 'user:2:mallory' WHERE seq = 2")
    result = audit.verify()
    assert not result.ok
    assert result.problems == ["#2: content does not match its hash"]


def test_it_detects_edited_data_even_with_the_hash_recomputed_by_hand():
    _events()
    _raw("UPDATE core_auditevent SET hash = %s WHERE seq = 2", "f" * 64)
    assert "#3: does not follow the previous event" in audit.verify().problems


def test_it_detects_a_deleted_event_in_the_middle():
    _events()
    _raw("DELETE FROM core_auditevent WHERE seq = 2")
    problems = audit.verify().problems
    assert "#3: events #2–#2 are missing" in problems


def test_it_detects_the_newest_event_deleted():
    _events()
    _raw("DELETE FROM core_auditevent WHERE seq = 3")
    problems = audit.verify().problems
    assert len(problems) == 1 and "the head records #3" in problems[0]


def test_it_refuses_an_action_code_without_a_label():
    with pytest.raises(ValueError, match="unknown audit action"):
        audit.record("xinyong.nothing.happened", ACTOR)


def test_every_action_code_is_namespaced_and_labelled():
    labels = audit.action_labels()
    assert len(labels) >= 10
    for code, label in labels.items():
        assert code.startswith("xinyong.") and code.count(".") == 2, code
        assert str(label).strip(), code


def test_the_command_prints_ok_and_the_head_when_the_chain_is_intact():
    events = _events()
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert out.getvalue().strip() == f"ok\t3 events\thead #3 {events[-1].hash}"


def test_the_command_fails_after_one_row_is_edited_by_hand():
    _events()
    _raw("UPDATE core_auditevent SET data = %s WHERE seq = 1", '{"n": 99}')
    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit", "verify", stdout=out, stderr=err)
    assert exit_info.value.code == 1
    assert "broken\t#1: content does not match its hash" in err.getvalue()
    assert "audit log tampered" in out.getvalue()


def test_it_detects_a_deleted_chain_head():
    _events()
    _raw("DELETE FROM core_audithead")
    assert "the chain ends at #3 but the head records #0" in audit.verify().problems[0]


def test_it_starts_a_chain_on_an_empty_database():
    _raw("DELETE FROM core_audithead")
    assert audit.record("xinyong.calendar.day_changed", ACTOR).seq == 1
    assert audit.verify().ok


def _pending(n: int, action: str = "xinyong.calendar.day_changed") -> audit.Pending:
    return audit.Pending(action, "core.calendarday", f"2026-10-0{n}", {"n": n, "名称": "国庆节"})


def test_many_events_at_once_continue_the_chain_in_order():
    (single,) = _events(1)
    assert audit.record_many(ACTOR, [_pending(2), _pending(3)]) == 2
    later = audit.record("xinyong.calendar.day_changed", ACTOR, object_id="after")
    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in events] == [1, 2, 3, 4]
    assert [e.object_id for e in events] == [single.object_id, "2026-10-02", "2026-10-03", "after"]
    assert events[1].prev_hash == single.hash and later.prev_hash == events[2].hash
    assert events[2].data == {"n": 3, "名称": "国庆节"} and events[2].actor == ACTOR.label
    assert audit.verify().ok


def test_many_events_with_an_unknown_action_write_none():
    with pytest.raises(ValueError, match="unknown audit actions"):
        audit.record_many(ACTOR, [_pending(1), _pending(2, "xinyong.nothing.happened")])
    assert not AuditEvent.objects.exists()
