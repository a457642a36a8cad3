"""Credit repair (信用修复): applications, decisions, and the result owed to the deciding unit.

Order 58 (2023) knows three methods: removal from a serious-dishonesty list, early end of
a penalty's publicity, repair of other dishonesty information. The method follows from
the target (`method_of`); the pack's `credit_repair` rule says which record types and
lists may be repaired, whether a 信用修复型 commitment is required, and the working-day
limits to decide and to tell the deciding unit.

1. `check_repairable` refuses early, with a reason and a date where one helps: a type or
   list the pack does not repair, nothing public to repair, the minimum publicity period
   (`CreditRecord.publicity_minimum_end`) or a list's earliest early exit not yet over.
2. `apply_for_repair` files one application per record or entry (a second one while the
   first is open is a conflict, also at the database); `due_on` is the decision deadline.
3. `approve` ends the record's publicity the day before the decision (a new record
   version) or takes the entry off its list; `reject` needs reasons. Either way the
   result goes to the unit that made the original decision through the outbox, in the
   same transaction, due within the pack's `share_within`.

Every step appends a `RepairEvent` (public ones show on the tracking page) and an audit
event in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinyong.core import audit
from xinyong.core.errors import Conflict, InvalidInput, NotFound
from xinyong.exchange.outbox import enqueue
from xinyong.lists.entries import exit_entry
from xinyong.lists.models import ListEntry
from xinyong.lists.visibility import public_entries
from xinyong.policy import schema
from xinyong.records.changes import change_record
from xinyong.records.models import CreditRecord, RecordType
from xinyong.records.visibility import public_records
from xinyong.rights import attachments as files
from xinyong.rights import procedure
from xinyong.rights.models import RepairApplication, RepairEvent
from xinyong.rights.procedure import (
    check_standing,
    deadline,
    repair_rule,
    required,
    seal_contact,
)

Target = CreditRecord | ListEntry
Status = RepairApplication.Status
Method = RepairApplication.Method
Action = RepairEvent.Action

TOPIC = "rights.repair.decided"
NAME_LENGTH = RepairApplication._meta.get_field("applicant_name").max_length or 100

# The 信用修复型 credit commitment (信用承诺) the portal prefills; the applicant confirms it.
COMMITMENT_TEMPLATE = _(
    "%(name)s郑重承诺：已依法履行相关决定确定的义务，纠正了失信行为，消除了不良影响；"
    "所提交的申请材料真实、准确、完整；今后将严格遵守法律法规，诚实守信。"
    "如违反本承诺，愿意接受有关部门依法依规实施的惩戒，并承担相应法律责任。"
    "本承诺同意向社会公开。"
)


# --- what can be repaired ---------------------------------------------------------------
def method_of(target: Target) -> str:
    """List entry → list exit; a penalty record → early end of its publicity; else other."""
    if isinstance(target, ListEntry):
        return Method.LIST_EXIT
    if target.record_type.category == RecordType.Category.PENALTY:
        return Method.PENALTY_PUBLICITY
    return Method.OTHER


def check_repairable(target: Target, *, today: date | None = None) -> schema.RepairRule:
    """The rule in force, or the reason this target cannot be repaired today."""
    today = today or timezone.localdate()
    rule = repair_rule(today)
    if isinstance(target, ListEntry):
        _check_entry(target, rule, today)
    else:
        _check_record(target, rule, today)
    return rule


def _check_record(record: CreditRecord, rule: schema.RepairRule, today: date) -> None:
    if record.record_type.code not in rule.record_types:
        raise InvalidInput(
            "repair.not_repairable",
            _("“%(type)s”信息不属于政策包规定可以申请信用修复的信息"),
            params={"type": record.record_type.name},
        )
    shown = public_records(today).filter(pk=record.pk).exists() and not record.withheld
    if record.record_type.nature != RecordType.Nature.NEGATIVE or not shown:
        raise Conflict(
            "repair.nothing_to_repair",
            _("该信息目前不在公示中（未公示、已撤销或公示期已届满），无需申请信用修复"),
        )
    minimum_end = record.publicity_minimum_end
    if minimum_end is None:
        raise Conflict(
            "repair.no_minimum",
            _("该信息的最短公示期尚未确定，暂不能受理信用修复申请，请联系信用平台"),
        )
    if today <= minimum_end:
        raise Conflict(
            "repair.too_early",
            _("最短公示期至%(until)s届满，自%(first)s起方可申请信用修复"),
            params={
                "until": minimum_end.isoformat(),
                "first": (minimum_end + timedelta(days=1)).isoformat(),
            },
        )


def _check_entry(entry: ListEntry, rule: schema.RepairRule, today: date) -> None:
    if entry.credit_list.code not in rule.lists:
        raise InvalidInput(
            "repair.not_repairable",
            _("“%(list)s”不适用信用修复，请按该名单公布的移出程序向认定单位申请"),
            params={"list": entry.credit_list.name},
        )
    if not entry.in_force_on(today):
        raise Conflict(
            "repair.nothing_to_repair",
            _("该名单条目目前不在效力期内（未列入、已移出或已届满），无需申请信用修复"),
        )
    first = earliest_exit(entry)
    if first is not None and today < first:
        raise Conflict(
            "repair.too_early",
            _("该名单规定列入满一定期限后方可提前移出，自%(first)s起方可申请信用修复"),
            params={"first": first.isoformat()},
        )


def earliest_exit(entry: ListEntry) -> date | None:
    """The first day the list's terms allow an early exit (`early_exit_after` from the
    listing), or None when no term sets one. With several terms (by ground) the
    shortest is used: the platform cannot tell which ground applies, and refusing
    someone the list would admit is the worse error."""
    periods = [term.early_exit_after for term in entry.credit_list.list_terms()]
    if not periods or any(period is None for period in periods) or entry.starts_on is None:
        return None
    return min(period.after(entry.starts_on) for period in periods if period is not None)


# --- filing -------------------------------------------------------------------------------
def apply_for_repair(
    target: Target,
    *,
    correction: str,
    commitment: str,
    applicant_name: str,
    contact: str,
    channel: str,
    actor: audit.Actor,
    subject_code: str | None = None,
    uploads: Iterable[UploadedFile] = (),
    encoded: Iterable[tuple[str, str]] = (),
) -> RepairApplication:
    """File an application; refused with a reason before anything is stored.

    `subject_code` is the applicant's proof of standing on the portal (the subject's
    USCC or a person's full ID number); staff and API tokens file on a subject's behalf
    and pass None. Attachments arrive either as form uploads or as base64 (`encoded`).
    """
    today = timezone.localdate()
    rule = check_repairable(target, today=today)
    if subject_code is not None:
        check_standing(target.subject, subject_code)
    correction = required(correction, "correction", _("纠正失信行为情况"))
    commitment = (commitment or "").strip()
    if rule.commitment_required and not commitment:
        raise InvalidInput(
            "repair.commitment_required",
            _("申请信用修复须作出信用修复承诺"),
            field="commitment",
        )
    applicant_name = required(applicant_name, "applicant_name", _("申请人"))
    if len(applicant_name) > NAME_LENGTH:
        raise InvalidInput(
            "repair.name_too_long",
            _("申请人姓名或名称不能超过%(count)s个字"),
            params={"count": NAME_LENGTH},
            field="applicant_name",
        )
    application = RepairApplication(
        **_target_fields(target),
        subject=target.subject,
        unit=target.unit,
        channel=channel,
        applicant_name=applicant_name,
        applicant_contact_enc=seal_contact(contact),
        filed_at=timezone.now(),
        due_on=deadline(today, rule.decide_within),
        method=method_of(target),
        correction=correction,
        commitment=commitment,
    )
    _refuse_second(target)
    with transaction.atomic():
        stored = files.store_uploads(uploads, actor) + files.store_encoded(encoded, actor)
        _save_new(application)
        application.attachments.set(stored)
        _log(application, Action.FILED, actor, data={"due_on": application.due_on})
        audit.record(
            "xinyong.repair.filed",
            actor,
            application,
            {
                **_audit_target(application),
                "channel": channel,
                "method": application.method,
                "due_on": application.due_on,
                "attachments": [f.sha256 for f in stored],
            },
        )
    return application


def _target_fields(target: Target) -> dict[str, Any]:
    return {"entry": target} if isinstance(target, ListEntry) else {"record": target}


def _refuse_second(target: Target) -> None:
    if RepairApplication.objects.filter(**_target_fields(target), status=Status.REVIEWING).exists():
        raise _already_open()


def _already_open() -> Conflict:
    return Conflict(
        "repair.already_open",
        _("该信息已有正在审核的信用修复申请，请等待办理结果"),
    )


def _save_new(application: RepairApplication) -> None:
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError as exc:  # a second application filed at the same moment
        raise _already_open() from exc


# --- deciding -----------------------------------------------------------------------------
def approve(
    application: RepairApplication, *, actor: audit.Actor, reasons: str = ""
) -> RepairApplication:
    """Repair: the record leaves public view today, or the entry leaves its list today."""
    today = timezone.localdate()
    reasons = (reasons or "").strip()
    with transaction.atomic():
        application = _lock_open(application)
        if application.record_id:
            application.ended_before = _end_publicity(application, actor, today)
        else:
            application.ended_before = _exit_list(application, actor, today, reasons)
        return _decide(application, Status.APPROVED, reasons, actor, today)


def reject(
    application: RepairApplication, *, actor: audit.Actor, reasons: str
) -> RepairApplication:
    """Refuse the repair; the reasons are shown to the applicant and sent to the unit."""
    reasons = required(reasons, "reasons", _("不予修复的理由"))
    with transaction.atomic():
        application = _lock_open(application)
        return _decide(application, Status.REJECTED, reasons, actor, timezone.localdate())


def withdraw(
    application: RepairApplication, *, actor: audit.Actor, note: str = ""
) -> RepairApplication:
    """The applicant withdraws (staff record it on their request); nobody needs telling."""
    with transaction.atomic():
        application = _lock_open(application)
        application.status = Status.WITHDRAWN
        application.decided_at = timezone.now()
        application.due_on = None
        application.save(update_fields=["status", "decided_at", "due_on"])
        _log(application, Action.WITHDRAWN, actor, note=note.strip())
        audit.record(
            "xinyong.repair.withdrawn",
            actor,
            application,
            {**_audit_target(application), "note": note.strip()},
        )
    return application


def _lock_open(application: RepairApplication) -> RepairApplication:
    locked = (
        # `of`: PostgreSQL cannot lock the nullable side of the outer joins below.
        RepairApplication.objects.select_for_update(of=("self",))
        .select_related("record__record_type", "record__unit", "entry__credit_list", "subject")
        .select_related("unit")
        .get(pk=application.pk)
    )
    if not locked.is_open:
        raise Conflict(
            "repair.decided",
            _("该信用修复申请已办结（%(status)s），不能再办理"),
            params={"status": locked.get_status_display()},
        )
    return locked


def _end_publicity(application: RepairApplication, actor: audit.Actor, today: date) -> date | None:
    """The record's publicity ends yesterday: from today it is off every public page."""
    record = application.record
    assert record is not None
    before = record.publicity_end
    yesterday = today - timedelta(days=1)
    change_record(
        record,
        actor=actor,
        reason="repaired",
        action="xinyong.record.repaired",
        publicity_end=min(before, yesterday) if before else yesterday,
        data={"repair": application.reference},
    )
    return before


def _exit_list(
    application: RepairApplication, actor: audit.Actor, today: date, reasons: str
) -> date | None:
    assert application.entry_id is not None
    entry = ListEntry.objects.select_related("credit_list").get(pk=application.entry_id)
    if entry.status not in ListEntry.IN_FORCE:
        raise Conflict(
            "repair.nothing_to_repair",
            _("该名单条目已不在名单中（%(status)s），无法修复；请作出不予修复决定并说明"),
            params={"status": entry.get_status_display()},
        )
    before = entry.ends_on
    # Stored history, not page text: written in the platform's language, not the reader's.
    note = f"信用修复申请 {application.reference}" + (f"：{reasons}" if reasons else "")
    exit_entry(entry, ListEntry.ExitReason.REPAIRED, actor=actor, on=today, note=note)
    return before


def _decide(
    application: RepairApplication,
    status: str,
    reasons: str,
    actor: audit.Actor,
    today: date,
) -> RepairApplication:
    application.status = status
    application.decided_at = timezone.now()
    application.decision_reasons = reasons
    application.due_on = None
    application.save(
        update_fields=["status", "decided_at", "decision_reasons", "due_on", "ended_before"]
    )
    rule = repair_rule(today)
    message = enqueue(
        f"repair:{application.reference}:decided",
        TOPIC,
        result_payload(application, today),
        unit=application.unit,
        due_by=deadline(today, rule.share_within),
    )
    facts = {"outbox": message.key, "share_by": message.due_by}
    action = Action.APPROVED if status == Status.APPROVED else Action.REJECTED
    _log(application, action, actor, note=reasons, data=facts)
    audit.record(
        f"xinyong.repair.{status}",
        actor,
        application,
        {**_audit_target(application), "reasons": reasons, **facts},
    )
    return application


def result_payload(application: RepairApplication, decided_on: date) -> dict[str, Any]:
    """What the deciding unit is told: the decision, its target, the subject (a person by
    masked ID number only: the message leaves the platform)."""
    subject = application.subject
    return {
        "reference": application.reference,
        "decision": application.status,
        "decided_on": decided_on.isoformat(),
        "method": application.method,
        "reasons": application.decision_reasons,
        "target": _target_payload(application),
        "subject": {"name": subject.name, "kind": subject.kind, "code": subject.display_code},
    }


def _target_payload(application: RepairApplication) -> dict[str, Any]:
    ended_before = application.ended_before.isoformat() if application.ended_before else None
    if application.record is not None:
        record = application.record  # refreshed by change_record
        return {
            "kind": "record",
            "record_type": record.record_type.code,
            "document_number": record.document_number,
            "decision_date": record.decision_date.isoformat(),
            "publicity_end_before": ended_before,
            "publicity_end": record.publicity_end.isoformat() if record.publicity_end else None,
        }
    entry = application.entry
    assert entry is not None
    entry.refresh_from_db(fields=["status", "exited_on", "ends_on"])
    return {
        "kind": "entry",
        "list": entry.credit_list.code,
        "entry": entry.reference,
        "document_number": entry.document_number,
        "ends_on_before": ended_before,
        "exited_on": entry.exited_on.isoformat() if entry.exited_on else None,
    }


# --- reading ------------------------------------------------------------------------------
def find_application(reference: str) -> RepairApplication:
    found = (
        RepairApplication.objects.select_related(
            "record__record_type", "record__unit", "entry__credit_list", "subject", "unit"
        )
        .filter(reference=(reference or "").strip().upper())
        .first()
    )
    if found is None:
        raise NotFound(
            "repair.unknown",
            _("没有编号为“%(ref)s”的信用修复申请"),
            params={"ref": (reference or "").strip()[:40]},
        )
    return found


def public_events(application: RepairApplication) -> QuerySet[RepairEvent]:
    """The history the applicant sees (staff notes are not public)."""
    return application.events.filter(public=True).order_by("at", "id")


def open_applications() -> QuerySet[RepairApplication]:
    return RepairApplication.objects.filter(status__in=RepairApplication.OPEN)


def overdue(today: date | None = None) -> QuerySet[RepairApplication]:
    """Applications still undecided after their decision deadline."""
    return open_applications().filter(due_on__lt=today or timezone.localdate())


def is_overdue(application: RepairApplication, today: date | None = None) -> bool:
    due = application.due_on
    return application.is_open and due is not None and due < (today or timezone.localdate())


def public_target(record: int | str | None, entry: str | None) -> Target:
    """The record or entry as the portal may offer it: public today, else not found."""
    today = timezone.localdate()
    if record not in (None, ""):
        try:
            pk = int(str(record))
        except ValueError:
            pk = 0
        pk = pk if 0 < pk < 2**63 else 0  # beyond a database integer: no such record
        found = public_records(today).select_related("record_type", "unit", "subject")
        target = found.filter(pk=pk).first()
        if target is None:
            raise NotFound("record.unknown", _("没有这条信用记录"))
        return target
    reference = (entry or "").strip().upper()
    listed = public_entries(today).select_related("credit_list", "unit", "subject")
    shown = listed.filter(reference=reference).first()
    if shown is None:
        raise NotFound(
            "entry.unknown", _("没有编号为“%(ref)s”的名单条目"), params={"ref": reference}
        )
    return shown


def commitment_text(target: Target) -> str:
    return str(COMMITMENT_TEMPLATE) % {"name": target.subject.name}


def reveal_contact(application: RepairApplication, *, actor: audit.Actor, purpose: str) -> str:
    """The applicant's contact in clear, for a stated purpose, audited."""
    return procedure.reveal_contact(application, "xinyong.repair.contact_revealed", actor, purpose)


# --- history ------------------------------------------------------------------------------
def _log(
    application: RepairApplication,
    action: str,
    actor: audit.Actor,
    *,
    note: str = "",
    data: dict[str, Any] | None = None,
    public: bool = True,
) -> None:
    RepairEvent.objects.create(
        application=application,
        at=timezone.now(),
        actor=actor.label,
        action=action,
        note=note,
        data={key: _plain(value) for key, value in (data or {}).items()},
        public=public,
    )


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _audit_target(application: RepairApplication) -> dict[str, Any]:
    if application.record_id:
        return {"reference": application.reference, "record": application.record_id}
    return {"reference": application.reference, "entry": application.entry_id}
