"""List entries through due process (国办发〔2020〕49号).

propose → notify (the subject is told the reasons, basis and rights and has the pack's
defence period) → decide (list or decline) → publish; later exit by expiry, by meeting
the exit conditions, by repair or by revocation. Each step checks the entry is at the
step before it, appends an `EntryEvent` and an audit event in the same transaction.

An entry is in force from `starts_on` through `ends_on`; `in_force_q(day)` is the one
definition every reader uses, so an entry drops out the day after its term with no job
having to run. `expire_due` only writes those expiries into the history each night.

A natural person under the pack's minimum age on the decision date is never listed:
`propose`, `decide` and `record_decided` all refuse, so no path can list a minor.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinyong.core import audit, pii
from xinyong.core.calendar import WorkCalendar
from xinyong.core.errors import Conflict, InvalidInput, NotFound
from xinyong.lists.models import CreditList, EntryEvent, ListEntry
from xinyong.policy import schema
from xinyong.policy.rules import active_rules, in_force
from xinyong.records.models import CreditRecord
from xinyong.subjects import identifiers
from xinyong.subjects.models import Subject, Unit
from xinyong.subjects.services import ID_CONTEXT

Status = ListEntry.Status
Action = EntryEvent.Action


def in_force_q(day: date, prefix: str = "") -> Q:
    """Entries that bind on `day`: decided, begun and not past their term.

    An exit ends the term the day before the exit (`exit_entry` sets `ends_on`), so an
    exited entry still counts for the days it was in force: a question about a past day
    gets the answer that was true on that day.
    """
    return Q(
        **{
            f"{prefix}status__in": (*ListEntry.IN_FORCE, ListEntry.Status.EXITED),
            f"{prefix}starts_on__lte": day,
        }
    ) & (Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gte": day}))


def find_list(code: str | CreditList) -> CreditList:
    if isinstance(code, CreditList):
        return code
    found = CreditList.objects.select_related("owner").filter(code=code, active=True).first()
    if found is None:
        raise NotFound("list.unknown", _("没有代码为“%(code)s”的名单"), params={"code": code})
    return found


def find_entry(reference: str) -> ListEntry:
    entry = (
        ListEntry.objects.select_related("credit_list", "subject", "unit")
        .filter(reference=reference.strip().upper())
        .first()
    )
    if entry is None:
        raise NotFound(
            "entry.unknown", _("没有编号为“%(ref)s”的名单条目"), params={"ref": reference}
        )
    return entry


def due_process(credit_list: CreditList, day: date) -> schema.DueProcessRule:
    """The pack's due-process rule for this list on this day; a pack without one cannot list."""
    for rule in active_rules("listing_due_process"):
        if in_force(rule, day) and (not rule.applies_to or credit_list.code in rule.applies_to):
            return rule
    raise InvalidInput(
        "entry.no_due_process",
        _("政策包没有适用于名单“%(list)s”的列入程序规则（陈述申辩期限、最低年龄）"),
        params={"list": credit_list.name},
    )


# --- the steps --------------------------------------------------------------------------
def propose(
    credit_list: CreditList | str,
    subject: Subject,
    *,
    reasons: str,
    actor: audit.Actor,
    unit: Unit | None = None,
    origin: str = ListEntry.Origin.MANUAL,
    origin_ref: str = "",
    ground: str = "",
    evidence: Iterable[CreditRecord] = (),
    today: date | None = None,
) -> ListEntry:
    """Open a proposal (拟列入); it binds nothing until decided."""
    credit_list = find_list(credit_list)
    today = today or timezone.localdate()
    _check_subject(credit_list, subject, today)
    entry = ListEntry(
        credit_list=credit_list,
        subject=subject,
        unit=unit or credit_list.owner,
        status=Status.PROPOSED,
        origin=origin,
        origin_ref=origin_ref,
        ground=ground.strip(),
        reasons=_required(reasons, "reasons"),
        proposed_at=timezone.now(),
    )
    with transaction.atomic():
        _save_new(entry)
        entry.evidence.set(list(evidence))
        _log(entry, Action.PROPOSED, actor, data={"origin": origin, "origin_ref": origin_ref})
    return entry


def notify(entry: ListEntry, *, actor: audit.Actor, on: date | None = None) -> ListEntry:
    """The subject has been told the reasons, basis and rights; the defence period runs."""
    _expect(entry, Status.PROPOSED)
    on = on or timezone.localdate()
    period = due_process(entry.credit_list, on).defence_period
    entry.notified_on = on
    entry.defence_until = _after(on, period)
    entry.status = Status.NOTIFIED
    with transaction.atomic():
        entry.save()
        _log(entry, Action.NOTIFIED, actor, data={"defence_until": str(entry.defence_until)})
    return entry


def record_defence(entry: ListEntry, text: str, *, actor: audit.Actor) -> ListEntry:
    """The subject's statement and defence (陈述申辩), kept with the entry."""
    _expect(entry, Status.NOTIFIED)
    entry.defence = "\n\n".join(
        part for part in (entry.defence, _required(text, "defence")) if part
    )
    with transaction.atomic():
        entry.save()
        _log(entry, Action.DEFENCE, actor, note=text.strip())
    return entry


def decide(
    entry: ListEntry,
    *,
    listed: bool,
    actor: audit.Actor,
    on: date | None = None,
    document_number: str = "",
    ends_on: date | None = None,
    note: str = "",
) -> ListEntry:
    """List (认定列入) or decline, after notice and once the defence period has run.

    A subject who has stated a defence may be decided before the period ends: the period
    exists so that the defence can be heard, and it has been.
    """
    _expect(entry, Status.NOTIFIED)
    on = on or timezone.localdate()
    assert entry.defence_until is not None
    if on < entry.defence_until and not entry.defence:
        raise Conflict(
            "entry.defence_period_running",
            _("陈述申辩期限至%(until)s，期限届满或当事人陈述申辩后方可作出决定"),
            params={"until": entry.defence_until.isoformat()},
        )
    if not listed:
        reason = _required(note, "note")
        entry.status = Status.DECLINED
        entry.decided_on = on
        with transaction.atomic():
            entry.save()
            _log(entry, Action.DECLINED, actor, note=reason)
        return entry
    _check_subject(entry.credit_list, entry.subject, on)
    _list(entry, on, document_number, ends_on)
    with transaction.atomic():
        entry.save()
        _log(entry, Action.LISTED, actor, note=note, data=_term_data(entry))
    return entry


def publish(entry: ListEntry, *, actor: audit.Actor) -> ListEntry:
    """Make a listed entry public (the portal shows it while in force and the list is public)."""
    _expect(entry, Status.LISTED)
    entry.status = Status.PUBLISHED
    entry.published_at = timezone.now()
    with transaction.atomic():
        entry.save()
        _log(entry, Action.PUBLISHED, actor)
    return entry


def exit_entry(
    entry: ListEntry,
    reason: str,
    *,
    actor: audit.Actor,
    on: date | None = None,
    note: str = "",
) -> ListEntry:
    """Remove an entry from its list: conditions met, repaired, revoked (or expired)."""
    if reason not in ListEntry.ExitReason.values:
        raise InvalidInput(
            "entry.exit_reason",
            _("移出原因“%(reason)s”无效，应为 %(known)s 之一"),
            params={"reason": reason, "known": "、".join(ListEntry.ExitReason.values)},
            field="reason",
        )
    _expect(entry, *ListEntry.IN_FORCE)
    on = on or timezone.localdate()
    if reason != ListEntry.ExitReason.EXPIRED and not note.strip():
        _required(note, "note")
    entry.status = Status.EXITED
    entry.exit_reason = reason
    entry.exited_on = on
    # Out of force from the exit day on, for every reader of in_force_q.
    entry.ends_on = min(entry.ends_on or on, on - timedelta(days=1))
    with transaction.atomic():
        entry.save()
        _log(entry, Action.EXITED, actor, note=note, data={"reason": reason, "on": str(on)})
    return entry


def record_decided(
    credit_list: CreditList | str,
    subject: Subject,
    *,
    reasons: str,
    decided_on: date,
    actor: audit.Actor,
    unit: Unit | None = None,
    origin: str = ListEntry.Origin.IMPORT,
    origin_ref: str = "",
    document_number: str = "",
    ground: str = "",
    starts_on: date | None = None,
    ends_on: date | None = None,
    publish: bool = True,
) -> ListEntry:
    """An entry its owner decided in its own system (a court, the tax bureau), received by
    import or API: its due process happened there, so it arrives decided."""
    credit_list = find_list(credit_list)
    if decided_on > timezone.localdate():
        raise InvalidInput("entry.decided_in_future", _("认定日期不能晚于今天"), field="decided_on")
    _check_subject(credit_list, subject, decided_on)
    entry = ListEntry(
        credit_list=credit_list,
        subject=subject,
        unit=unit or credit_list.owner,
        origin=origin,
        origin_ref=origin_ref,
        ground=ground.strip(),
        reasons=_required(reasons, "reasons"),
        proposed_at=timezone.now(),
    )
    _list(entry, decided_on, document_number, ends_on, starts_on)
    if publish:
        entry.status = Status.PUBLISHED
        entry.published_at = timezone.now()
    with transaction.atomic():
        _save_new(entry)
        _log(entry, Action.IMPORTED, actor, data={"origin": origin, **_term_data(entry)})
    return entry


def expire_due(day: date, actor: audit.Actor) -> int:
    """Write the expiries up to `day` into the history (nightly). Readers never wait for it."""
    due = ListEntry.objects.filter(status__in=ListEntry.IN_FORCE, ends_on__lt=day)
    count = 0
    for entry in due.select_related("credit_list").iterator():
        entry.status = Status.EXITED
        entry.exit_reason = ListEntry.ExitReason.EXPIRED
        assert entry.ends_on is not None
        entry.exited_on = entry.ends_on + timedelta(days=1)
        with transaction.atomic():
            entry.save()
            _log(entry, Action.EXITED, actor, data={"reason": "expired"})
        count += 1
    return count


# --- rules ------------------------------------------------------------------------------
def _check_subject(credit_list: CreditList, subject: Subject, day: date) -> None:
    if subject.kind not in credit_list.subject_kinds:
        raise InvalidInput(
            "entry.subject_kind",
            _("名单“%(list)s”不适用于%(kind)s"),
            params={"list": credit_list.name, "kind": subject.get_kind_display()},
        )
    if subject.kind != Subject.Kind.PERSON:
        return
    minimum = due_process(credit_list, day).minimum_age
    born = identifiers.birth_date(pii.decrypt(subject.id_number_enc, ID_CONTEXT))
    if _age_on(born, day) < minimum:
        raise InvalidInput(
            "entry.minor",
            _("认定日当事人未满%(age)s周岁，依规定不得列入名单"),
            params={"age": minimum},
        )


def _age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _list(
    entry: ListEntry,
    on: date,
    document_number: str,
    ends_on: date | None,
    starts_on: date | None = None,
) -> None:
    entry.status = Status.LISTED
    entry.decided_on = on
    entry.starts_on = starts_on or on
    entry.document_number = document_number.strip()
    entry.ends_on = ends_on if ends_on is not None else default_end(entry)
    if entry.ends_on is not None and entry.ends_on < entry.starts_on:
        raise InvalidInput(
            "entry.ends_before_start", _("届满日期不能早于列入日期"), field="ends_on"
        )


def default_end(entry: ListEntry) -> date | None:
    """The last day of a single fixed term; a list with several terms needs the owner's date."""
    terms = entry.credit_list.list_terms()
    if len(terms) == 1 and terms[0].kind == "fixed" and terms[0].period is not None:
        assert entry.starts_on is not None
        return terms[0].period.after(entry.starts_on) - timedelta(days=1)
    return None


def _after(start: date, period: Any) -> date:
    if period.unit == "working_day":
        return WorkCalendar.load([start.year]).add_workdays(start, period.amount)
    return period.after(start)


def _term_data(entry: ListEntry) -> dict[str, Any]:
    return {
        "decided_on": str(entry.decided_on),
        "starts_on": str(entry.starts_on),
        "ends_on": str(entry.ends_on) if entry.ends_on else None,
        "document_number": entry.document_number,
    }


def _expect(entry: ListEntry, *statuses: str) -> None:
    if entry.status not in statuses:
        raise Conflict(
            "entry.wrong_step",
            _("名单条目当前状态为“%(status)s”，不能进行此操作"),
            params={"status": entry.get_status_display()},
        )


def _required(text: str, field: str) -> str:
    if not text or not text.strip():
        raise InvalidInput(
            "entry.required", _("请填写%(field)s"), params={"field": field}, field=field
        )
    return text.strip()


def _save_new(entry: ListEntry) -> None:
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError as exc:
        raise Conflict(
            "entry.duplicate",
            _("该主体已在名单“%(list)s”中或有待处理的列入程序"),
            params={"list": entry.credit_list.name},
        ) from exc


def _log(
    entry: ListEntry,
    action: str,
    actor: audit.Actor,
    *,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> None:
    EntryEvent.objects.create(
        entry=entry, at=timezone.now(), actor=actor.label, action=action, note=note, data=data or {}
    )
    audit.record(
        f"xinyong.entry.{'imported' if action == Action.IMPORTED else action}",
        actor,
        entry,
        {"reference": entry.reference, "list": entry.credit_list.code, **(data or {})},
    )
