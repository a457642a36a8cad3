"""Objections (异议): filed against a credit record or a list entry, handled in steps with
deadlines from the pack (rule kind `objection_procedure`).

    file → platform check ─┬─ decide (upheld: corrected | revoked; rejected)
                           └─ refer → unit check → deciding → decide
    any open step → withdraw

- Filing flags the target at once: a record's status becomes 异议 (disputed) through
  `records.changes.change_record`, a new version; an entry gets `disputed`. Both pages
  then show 异议处理中 immediately. The record's status before the flag is kept
  (`status_before`) and restored when the objection ends without a revocation.
- Standing: on the portal nobody logs in, so the applicant proves they are named by the
  subject's code (`procedure.check_standing`). The console and the API are used by
  operators and by units' systems acting for applicants: they are trusted filers.
- The platform check ends either by referring the objection to the data-providing unit
  or by the decision itself; the unit's answer leads to the decision step. Each step's
  deadline is counted in working days from the day the step begins, by the rule in
  force on the day the objection was filed (one rule governs the whole objection).
- An upheld objection corrects the record (payload fields only, never identifiers:
  `CORRECTABLE` below) with a new version, or revokes it. A list entry is not corrected
  field by field: its facts are its deciding unit's decision, so an upheld objection
  revokes the entry (`lists.entries.exit_entry`, reason revoked) and a unit that only
  needs to fix a wording decides again through its own procedure.
- Every step appends an `ObjectionEvent` (the public ones are the applicant's view) and
  an audit event in the same transaction; referral and decision put a message for the
  data-providing unit in the outbox.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinyong.core import audit
from xinyong.core.errors import Conflict, InvalidInput, NotFound
from xinyong.exchange.outbox import enqueue
from xinyong.lists import entries
from xinyong.lists.models import ListEntry
from xinyong.policy import schema
from xinyong.records.changes import change_record
from xinyong.records.models import CreditRecord, StoredFile
from xinyong.records.validation import (
    DEFAULT_TEXT_LIMIT,
    TEXT_LIMITS,
    parse_amount,
    parse_date,
)
from xinyong.rights import procedure
from xinyong.rights.models import Channel, Objection, ObjectionEvent
from xinyong.rights.procedure import (
    check_standing,
    deadline,
    objection_rule,
    required,
    seal_contact,
)

Status = Objection.Status
Outcome = Objection.Outcome
Action = ObjectionEvent.Action
Target = CreditRecord | ListEntry

# The key under which `corrections` keeps what the applicant wrote in words (the
# portal's free-text box); field codes are upper case, so it never collides with one.
FREE_TEXT = "_text"
FREE_TEXT_LIMIT = 2000
NAME_LIMIT = 100  # Objection.applicant_name
# Roles whose value identifies the subject or the record, or is copied into a column
# that drives publicity and look-ups: the data-providing unit corrects these by
# reporting the record again, never through an objection.
FIXED_ROLES = frozenset(
    {
        "subject_kind",
        "uscc",
        "id_number",
        "legal_representative_id",
        "document_number",
        "decision_date",
        "categories",
        "validity_from",
        "validity_to",
        "status",
        "source_unit_uscc",
        "deciding_unit_uscc",
        "value",
    }
)
FIXED_TYPES = frozenset({"uscc", "id_number"})

ALREADY_OPEN = _("该信息已有正在处理的异议，请按异议编号查询进度")
WRONG_STEP = _("异议当前状态为“%(status)s”，不能进行此操作")


# --- reading --------------------------------------------------------------------------
def grounds(day: date | None = None) -> list[tuple[str, str]]:
    """The pack's grounds in force on `day`, as (code, name) for a choice field."""
    rule = objection_rule(day or timezone.localdate())
    return [(ground.code, ground.name) for ground in rule.grounds]


def rule_of(objection: Objection) -> schema.ObjectionRule:
    """The rule in force on the filing day governs the objection to its end."""
    return objection_rule(timezone.localtime(objection.filed_at).date())


def overdue(today: date | None = None) -> QuerySet[Objection]:
    """Open objections whose current step's deadline has passed (the day after it)."""
    today = today or timezone.localdate()
    return Objection.objects.filter(status__in=Objection.OPEN, due_on__lt=today)


def is_overdue(objection: Objection, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return objection.is_open and objection.due_on is not None and objection.due_on < today


def find_objection(reference: str) -> Objection:
    found = (
        Objection.objects.select_related("record", "entry", "subject", "unit")
        .filter(reference=(reference or "").strip().upper())
        .first()
    )
    if found is None:
        raise NotFound(
            "objection.unknown", _("没有编号为“%(ref)s”的异议"), params={"ref": reference[:40]}
        )
    return found


def ground_name(objection: Objection) -> str:
    """The ground's name in the rule that governs the objection (its code if retired)."""
    try:
        rule = rule_of(objection)
    except InvalidInput:
        return objection.ground
    names = {ground.code: ground.name for ground in rule.grounds}
    return names.get(objection.ground, objection.ground)


def target_of(objection: Objection) -> Target:
    if objection.record_id:
        assert objection.record is not None
        return objection.record
    assert objection.entry is not None
    return objection.entry


def public_events(objection: Objection) -> QuerySet[ObjectionEvent]:
    """What the applicant sees on the tracking page: the public events, oldest first."""
    return objection.events.filter(public=True).order_by("at", "id")


@dataclass(frozen=True)
class Step:
    """One step of the procedure as the tracking page and the API show it."""

    code: str  # platform, unit, decision
    label: Any  # lazy text
    due_on: date | None
    state: str  # done, current, waiting, skipped


def steps(objection: Objection) -> list[Step]:
    """The three steps with their deadlines and where the objection is."""
    status = objection.status
    referred = objection.unit_due is not None
    states = {
        Status.PLATFORM_CHECK: ("current", "waiting", "waiting"),
        Status.UNIT_CHECK: ("done", "current", "waiting"),
        Status.DECIDING: ("done", "done", "current"),
        Status.UPHELD: ("done", "done" if referred else "skipped", "done"),
        Status.REJECTED: ("done", "done" if referred else "skipped", "done"),
        Status.WITHDRAWN: (
            "done" if referred else "skipped",
            "done" if objection.decision_due else "skipped",
            "skipped",
        ),
    }
    platform, unit, decision = states[Status(status)]
    return [
        Step("platform", _("平台核查"), objection.platform_due, platform),
        Step("unit", _("数据提供单位核查"), objection.unit_due, unit),
        Step("decision", _("作出决定"), objection.decision_due, decision),
    ]


# --- filing -----------------------------------------------------------------------------
def file_objection(
    target: Target,
    *,
    ground: str,
    description: str,
    applicant_name: str,
    contact: str,
    actor: audit.Actor,
    channel: str,
    subject_code: str = "",
    corrections: Mapping[str, Any] | None = None,
    attachments: Callable[[], Sequence[StoredFile]] | None = None,
    today: date | None = None,
) -> Objection:
    """File an objection and flag its target at once.

    `subject_code` proves standing on the portal (the subject's USCC or full ID number);
    the console and the API are trusted filers. `attachments` stores the uploaded files
    once everything else is accepted, so a refused filing keeps no files.
    """
    today = today or timezone.localdate()
    rule = objection_rule(today)
    target.refresh_from_db()
    _check_open_target(target)
    if channel == Channel.PORTAL:
        check_standing(target.subject, subject_code)
    objection = Objection(
        record=target if isinstance(target, CreditRecord) else None,
        entry=target if isinstance(target, ListEntry) else None,
        subject=target.subject,
        unit=target.unit,
        channel=_channel(channel),
        ground=_ground(rule, ground),
        description=required(description, "description", _("异议说明")),
        applicant_name=_name(applicant_name),
        applicant_contact_enc=seal_contact(contact),
        corrections=clean_corrections(target, corrections or {}, allow_text=True),
        filed_at=timezone.now(),
        platform_due=deadline(today, rule.platform_check),
        status_before=target.status if isinstance(target, CreditRecord) else "",
    )
    objection.due_on = objection.platform_due
    with transaction.atomic():
        _save_new(objection)
        stored = list(attachments()) if attachments else []
        objection.attachments.set(stored)
        _log(
            objection,
            Action.FILED,
            actor,
            data={
                "ground": objection.ground,
                "channel": objection.channel,
                "corrections": objection.corrections,
                "attachments": [file.sha256 for file in stored],
                "platform_due": objection.platform_due.isoformat(),
            },
            audit_action="xinyong.objection.filed",
        )
        _flag(objection, target, actor, rule)
    return objection


def _check_open_target(target: Target) -> None:
    if isinstance(target, CreditRecord):
        closed = target.status == CreditRecord.Status.REVOKED
    else:
        closed = target.status not in ListEntry.IN_FORCE
    if closed:
        raise Conflict("objection.target_closed", _("该信息已撤销或不在效力期内，不能提出异议"))
    if _open_objections(target).exists():
        raise Conflict("objection.already_open", ALREADY_OPEN)


def _open_objections(target: Target) -> QuerySet[Objection]:
    found = Objection.objects.filter(status__in=Objection.OPEN)
    if isinstance(target, CreditRecord):
        return found.filter(record=target)
    return found.filter(entry=target)


def _save_new(objection: Objection) -> None:
    """Insert; a second open objection filed at the same moment hits the constraint."""
    try:
        with transaction.atomic():
            objection.save()
    except IntegrityError as exc:
        raise Conflict("objection.already_open", ALREADY_OPEN) from exc


def _channel(channel: str) -> str:
    if channel not in Channel.values:
        raise ValueError(f"unknown channel {channel!r}")
    return channel


def _ground(rule: schema.ObjectionRule, ground: str) -> str:
    codes = [item.code for item in rule.grounds]
    if ground not in codes:
        raise InvalidInput(
            "objection.ground",
            _("异议理由“%(ground)s”无效，应为 %(known)s 之一"),
            params={"ground": ground, "known": "、".join(codes)},
            field="ground",
        )
    return ground


def _name(name: str) -> str:
    name = required(name, "applicant_name", _("申请人"))
    if len(name) > NAME_LIMIT:
        raise InvalidInput("objection.name_too_long", _("申请人姓名过长"), field="applicant_name")
    return name


def _flag(
    objection: Objection, target: Target, actor: audit.Actor, rule: schema.ObjectionRule
) -> None:
    """Mark the target 异议处理中 now: the rule's `flag_within` is the outer limit."""
    data = {"objection": objection.reference}
    if isinstance(target, CreditRecord):
        if target.status != CreditRecord.Status.DISPUTED:
            change_record(
                target,
                actor=actor,
                reason=f"objection:{objection.reference}:flagged",
                action="xinyong.record.disputed",
                status=CreditRecord.Status.DISPUTED,
                data=data,
            )
    else:
        _set_entry_flag(target, True, actor, data)
    _log(
        objection,
        Action.FLAGGED,
        actor,
        data={"flag_within": str(rule.flag_within)},
    )


def _set_entry_flag(
    entry: ListEntry, disputed: bool, actor: audit.Actor, data: dict[str, Any]
) -> None:
    ListEntry.objects.filter(pk=entry.pk).update(disputed=disputed, updated_at=timezone.now())
    entry.disputed = disputed
    action = "xinyong.entry.disputed" if disputed else "xinyong.entry.dispute_cleared"
    audit.record(action, actor, entry, {"reference": entry.reference, **data})


# --- corrections ------------------------------------------------------------------------
def correctable_fields(record: CreditRecord) -> list[dict[str, Any]]:
    """The record type's fields an objection may correct: not identifiers, not the
    fields copied into the record's columns (`FIXED_ROLES`)."""
    return [
        spec
        for spec in record.record_type.fields or []
        if spec.get("role") not in FIXED_ROLES and spec.get("type") not in FIXED_TYPES
    ]


def clean_corrections(
    target: Target, corrections: Mapping[str, Any], *, allow_text: bool = False
) -> dict[str, str]:
    """Check and normalise field code → value (dates, amounts, choices as imports store
    them). `allow_text`: the applicant's request in words, under `FREE_TEXT`."""
    cleaned: dict[str, str] = {}
    specs = (
        {spec["code"]: spec for spec in correctable_fields(target)}
        if isinstance(target, CreditRecord)
        else {}
    )
    for code, raw in corrections.items():
        value = "" if raw is None else str(raw).strip()
        if code == FREE_TEXT and allow_text:
            if value:
                cleaned[FREE_TEXT] = _limited(value, FREE_TEXT_LIMIT, _("请求更正的内容"))
            continue
        spec = specs.get(code)
        if spec is None:
            raise InvalidInput(
                "objection.correction_field",
                _(
                    "“%(field)s”不是该信息可以通过异议更正的字段（主体标识、文书号、日期和状态由数据提供单位重新报送更正）"
                ),
                params={"field": code},
                field="corrections",
            )
        cleaned[code] = _field_value(spec, value)
    return cleaned


def _field_value(spec: Mapping[str, Any], value: str) -> str:
    name = spec.get("name") or spec["code"]
    if not value:
        if spec.get("required"):
            raise InvalidInput(
                "objection.correction_value",
                _("“%(field)s”是必填项，不能更正为空"),
                params={"field": name},
                field="corrections",
            )
        return ""
    kind = spec.get("type") or "text"
    try:
        if kind == "date":
            return parse_date(value).isoformat()
        if kind == "amount_wan":
            return parse_amount(value)
    except ValueError as exc:
        raise _bad_value(name, value) from exc
    if kind == "choice" and value not in spec.get("choices", []):
        raise _bad_value(name, value)
    if kind == "multi_choice":
        parts = [part for part in value.replace("，", "、").replace(",", "、").split("、") if part]
        if not parts or any(part not in spec.get("choices", []) for part in parts):
            raise _bad_value(name, value)
        return "、".join(dict.fromkeys(parts))
    limit = TEXT_LIMITS.get(spec.get("role") or "", DEFAULT_TEXT_LIMIT)
    return _limited(value, limit, name)


def _bad_value(name: str, value: str) -> InvalidInput:
    return InvalidInput(
        "objection.correction_value",
        _("“%(field)s”的更正值“%(value)s”无效"),
        params={"field": name, "value": value[:60]},
        field="corrections",
    )


def _limited(text: str, limit: int, label: Any) -> str:
    if len(text) > limit:
        raise InvalidInput(
            "objection.too_long",
            _("“%(field)s”超过%(limit)s个字符"),
            params={"field": label, "limit": limit},
            field="corrections",
        )
    return text


# --- the steps ----------------------------------------------------------------------------
def refer_to_unit(
    objection: Objection, *, actor: audit.Actor, note: str = "", today: date | None = None
) -> Objection:
    """The platform check needs the data-providing unit: it has the pack's unit_check."""
    today = today or timezone.localdate()
    with transaction.atomic():
        objection = _locked(objection, Status.PLATFORM_CHECK)
        objection.status = Status.UNIT_CHECK
        objection.unit_due = deadline(today, rule_of(objection).unit_check)
        objection.due_on = objection.unit_due
        objection.save(update_fields=["status", "unit_due", "due_on"])
        _log(
            objection,
            Action.REFERRED,
            actor,
            data={"unit": objection.unit.code, "unit_due": objection.unit_due.isoformat()},
            audit_action="xinyong.objection.referred",
        )
        _staff_note(objection, actor, note)
        enqueue(
            f"objection:{objection.reference}:referred",
            "objection.referred",
            _message(objection, unit_due=objection.unit_due.isoformat()),
            unit=objection.unit,
            due_by=objection.unit_due,
        )
    return objection


def unit_answer(
    objection: Objection,
    *,
    confirms_error: bool,
    answer: str,
    actor: audit.Actor,
    corrections: Mapping[str, Any] | None = None,
    today: date | None = None,
) -> Objection:
    """The data-providing unit's finding; the decision follows within the pack's limit.

    Corrections the unit confirms replace the applicant's requested values: the unit
    holds the source of the record.
    """
    today = today or timezone.localdate()
    answer = required(answer, "answer", _("单位核查意见"))
    with transaction.atomic():
        objection = _locked(objection, Status.UNIT_CHECK)
        confirmed = clean_corrections(target_of(objection), corrections or {})
        if confirmed and not confirms_error:
            raise InvalidInput(
                "objection.corrections_without_error",
                _("单位认为信息无误时不能同时提出更正内容"),
                field="corrections",
            )
        objection.unit_answer = answer
        objection.corrections = {**objection.corrections, **confirmed}
        objection.status = Status.DECIDING
        objection.decision_due = deadline(today, rule_of(objection).decision)
        objection.due_on = objection.decision_due
        objection.save(
            update_fields=["unit_answer", "corrections", "status", "decision_due", "due_on"]
        )
        _log(
            objection,
            Action.UNIT_ANSWERED,
            actor,
            data={"confirms_error": confirms_error, "corrections": confirmed},
            audit_action="xinyong.objection.unit_answered",
        )
    return objection


def decide(
    objection: Objection,
    *,
    upheld: bool,
    reasons: str,
    actor: audit.Actor,
    outcome: str = "",
    corrections: Mapping[str, Any] | None = None,
) -> Objection:
    """Decide at the platform check (no referral needed) or after the unit's answer.

    Upheld: `outcome` corrected (the record gets the corrections, by default the ones
    on file, in a new version, and its status back) or revoked. Rejected: the record or
    entry is restored as it was. `reasons` go to the applicant either way.
    """
    reasons = required(reasons, "reasons", _("处理意见"))
    with transaction.atomic():
        objection = _locked(objection, Status.PLATFORM_CHECK, Status.DECIDING)
        target = _fresh_target(objection)
        data: dict[str, Any] = {}
        if not upheld:
            objection.status, objection.outcome = Status.REJECTED, Outcome.REJECTED
            _clear(objection, target, actor)
        elif outcome == Outcome.CORRECTED:
            data = _correct(objection, target, corrections, actor)
            objection.status, objection.outcome = Status.UPHELD, Outcome.CORRECTED
        elif outcome == Outcome.REVOKED:
            data = _revoke(objection, target, reasons, actor)
            objection.status, objection.outcome = Status.UPHELD, Outcome.REVOKED
        else:
            raise InvalidInput(
                "objection.outcome",
                _("异议成立时须选择处理结果：更正或撤销"),
                field="outcome",
            )
        _close(objection, reasons)
        verb = "upheld" if upheld else "rejected"
        _log(
            objection,
            Action.UPHELD if upheld else Action.REJECTED,
            actor,
            note=reasons,
            data={"outcome": objection.outcome, **data},
            audit_action=f"xinyong.objection.{verb}",
        )
        enqueue(
            f"objection:{objection.reference}:decided",
            "objection.decided",
            _message(objection, outcome=objection.outcome, reasons=reasons, **data),
            unit=objection.unit,
        )
    return objection


def withdraw(objection: Objection, *, actor: audit.Actor, note: str = "") -> Objection:
    """The applicant withdraws: the target is restored as it was before the objection."""
    with transaction.atomic():
        objection = _locked(objection, *Objection.OPEN)
        _clear(objection, _fresh_target(objection), actor)
        objection.status, objection.outcome = Status.WITHDRAWN, Outcome.WITHDRAWN
        _close(objection, "")
        _log(
            objection,
            Action.WITHDRAWN,
            actor,
            note=note.strip(),
            audit_action="xinyong.objection.withdrawn",
        )
    return objection


def reveal_contact(objection: Objection, *, actor: audit.Actor, purpose: str) -> str:
    """The applicant's contact in clear, for a stated purpose, audited."""
    return procedure.reveal_contact(objection, "xinyong.objection.contact_revealed", actor, purpose)


# --- what decisions do to the target ------------------------------------------------------
def _correct(
    objection: Objection,
    target: Target,
    corrections: Mapping[str, Any] | None,
    actor: audit.Actor,
) -> dict[str, Any]:
    if not isinstance(target, CreditRecord):
        raise InvalidInput(
            "objection.entry_outcome",
            _("名单条目的异议成立时应撤销认定；条目内容的更正由认定单位重新认定"),
            field="outcome",
        )
    wanted = corrections if corrections else _on_file(objection)
    cleaned = clean_corrections(target, wanted)
    if not cleaned:
        raise InvalidInput(
            "objection.corrections_required",
            _("请填写需要更正的字段和正确的内容"),
            field="corrections",
        )
    restored = _restored_status(objection, target)
    record = change_record(
        target,
        actor=actor,
        reason=f"objection:{objection.reference}:corrected",
        action="xinyong.record.corrected",
        payload={**target.payload, **cleaned},
        status=restored,
        data={
            "objection": objection.reference,
            "fields": {
                code: [target.payload.get(code, ""), value] for code, value in cleaned.items()
            },
        },
    )
    objection.corrections = {**objection.corrections, **cleaned}
    return {"corrections": cleaned, "version": record.version}


def _on_file(objection: Objection) -> dict[str, Any]:
    return {code: value for code, value in objection.corrections.items() if code != FREE_TEXT}


def _revoke(
    objection: Objection, target: Target, reasons: str, actor: audit.Actor
) -> dict[str, Any]:
    if isinstance(target, CreditRecord):
        if target.status == CreditRecord.Status.REVOKED:
            return {}
        record = change_record(
            target,
            actor=actor,
            reason=f"objection:{objection.reference}:revoked",
            action="xinyong.record.revoked",
            status=CreditRecord.Status.REVOKED,
            data={"objection": objection.reference},
        )
        return {"version": record.version}
    if target.status in ListEntry.IN_FORCE:
        entries.exit_entry(target, ListEntry.ExitReason.REVOKED, actor=actor, note=reasons)
    _set_entry_flag(target, False, actor, {"objection": objection.reference})
    return {}


def _clear(objection: Objection, target: Target, actor: audit.Actor) -> None:
    """Take the flag off: the record's status before the objection, the entry's flag."""
    data = {"objection": objection.reference}
    if isinstance(target, ListEntry):
        if target.disputed:
            _set_entry_flag(target, False, actor, data)
        return
    restored = _restored_status(objection, target)
    if restored is not None and restored != target.status:
        change_record(
            target,
            actor=actor,
            reason=f"objection:{objection.reference}:cleared",
            action="xinyong.record.dispute_cleared",
            status=restored,
            data=data,
        )


def _restored_status(objection: Objection, record: CreditRecord) -> str | None:
    """The status to restore, or None to leave it: a record its unit revoked or changed
    meanwhile keeps what the unit said."""
    if record.status != CreditRecord.Status.DISPUTED:
        return None
    return objection.status_before or CreditRecord.Status.NORMAL


# --- plumbing -----------------------------------------------------------------------------
def _locked(objection: Objection, *statuses: str) -> Objection:
    """The objection's row, locked for the step, if it is at one of `statuses`."""
    locked = (
        Objection.objects.select_for_update().select_related("unit", "subject").get(pk=objection.pk)
    )
    if locked.status not in statuses:
        raise Conflict(
            "objection.wrong_step",
            WRONG_STEP,
            params={"status": locked.get_status_display()},
        )
    return locked


def _fresh_target(objection: Objection) -> Target:
    if objection.record_id:
        return CreditRecord.objects.select_related("record_type", "subject", "unit").get(
            pk=objection.record_id
        )
    assert objection.entry_id is not None
    return ListEntry.objects.select_related("credit_list", "subject", "unit").get(
        pk=objection.entry_id
    )


def _close(objection: Objection, reasons: str) -> None:
    objection.decided_at = timezone.now()
    objection.decision_reasons = reasons
    objection.due_on = None
    objection.save(
        update_fields=[
            "status",
            "outcome",
            "corrections",
            "decided_at",
            "decision_reasons",
            "due_on",
        ]
    )


def _staff_note(objection: Objection, actor: audit.Actor, note: str) -> None:
    if note.strip():
        ObjectionEvent.objects.create(
            objection=objection,
            at=timezone.now(),
            actor=actor.label,
            action=Action.NOTE,
            note=note.strip(),
            public=False,
        )


def _log(
    objection: Objection,
    action: str,
    actor: audit.Actor,
    *,
    note: str = "",
    data: dict[str, Any] | None = None,
    audit_action: str = "",
    public: bool = True,
) -> None:
    ObjectionEvent.objects.create(
        objection=objection,
        at=timezone.now(),
        actor=actor.label,
        action=action,
        note=note,
        data=data or {},
        public=public,
    )
    if audit_action:
        audit.record(
            audit_action,
            actor,
            objection,
            {"reference": objection.reference, **_target_data(objection), **(data or {})},
        )


def _target_data(objection: Objection) -> dict[str, Any]:
    if objection.record_id:
        return {"record": objection.record_id}
    assert objection.entry is not None
    return {"entry": objection.entry.reference}


def _message(objection: Objection, **extra: Any) -> dict[str, Any]:
    return {
        "reference": objection.reference,
        **_target_data(objection),
        "ground": objection.ground,
        **extra,
    }
