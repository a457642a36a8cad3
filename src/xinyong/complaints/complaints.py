"""Complaints as a procedure: file → route → accept or decline → handle → reply → rate.

Every step checks the state it starts from, writes an event (public or internal) and an
audit event in one transaction, and sets the next step's deadline from the pack's
procedure for the complaint's campaign, in working days from the day the step begins.
A step done after its deadline marks the complaint `late`, which the dashboard counts.

Who complains is personal information: the name and contact are sealed together
(`pii.encrypt`) or not kept at all (anonymous); no event, audit entry, page or API
answer outside `reveal_complainant` carries them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date, datetime, time
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinyong.campaigns.models import Campaign
from xinyong.complaints import procedure
from xinyong.complaints.models import Complaint, ComplaintEvent
from xinyong.core import audit, pii
from xinyong.core.errors import Conflict, InvalidInput, NotFound
from xinyong.lists import entries
from xinyong.lists.models import ListEntry
from xinyong.records.models import CreditRecord, StoredFile
from xinyong.subjects.models import Region, Subject, Unit
from xinyong.subjects.services import find_subject

Status = Complaint.Status
Action = ComplaintEvent.Action
IDENTITY_CONTEXT = "complaints.complainant"
TEXT_LIMIT = 5000


# --- filing -------------------------------------------------------------------------------
def file_complaint(
    *,
    campaign: Campaign | str,
    region: Region | str,
    description: str,
    actor: audit.Actor,
    channel: str,
    subject_name: str = "",
    subject_code: str = "",
    anonymous: bool = False,
    complainant_name: str = "",
    contact: str = "",
    hotline: str = "",
    attachments: Callable[[], Sequence[StoredFile]] | None = None,
    today: date | None = None,
) -> Complaint:
    """Register a complaint and send it to the unit the pack's routing names.

    `attachments` stores the uploaded files once everything else is accepted, so a
    refused complaint keeps no files."""
    filed_at = timezone.now() if today is None else _morning(today)
    today = today or timezone.localdate()
    campaign = _campaign(campaign)
    rule = procedure.procedure_for(campaign, today)
    subject = _subject(subject_code)
    region = _region(region, subject)
    complaint = Complaint(
        campaign=campaign,
        channel=_channel(channel),
        hotline=_hotline(channel, hotline, today),
        subject=subject,
        subject_name=subject.name if subject else _text(subject_name, "subject_name", 200),
        region=region,
        description=_text(description, "description", TEXT_LIMIT),
        anonymous=bool(anonymous),
        complainant_enc=_seal(anonymous, complainant_name, contact),
        unit=procedure.route(campaign, region, today),
        filed_at=filed_at,
        accept_due=procedure.deadline(today, rule.accept_within),
    )
    complaint.due_on = complaint.accept_due
    with transaction.atomic():
        complaint.save()
        stored = list(attachments()) if attachments else []
        complaint.attachments.set(stored)
        _log(
            complaint,
            Action.FILED,
            actor,
            data={
                "channel": complaint.channel,
                "hotline": complaint.hotline,
                "anonymous": complaint.anonymous,
                "attachments": [file.sha256 for file in stored],
            },
            audit_action="xinyong.complaint.filed",
        )
        _log(
            complaint,
            Action.ROUTED,
            actor,
            unit=complaint.unit,
            data={"unit": complaint.unit.code, "accept_due": complaint.accept_due.isoformat()},
        )
    return complaint


# --- the handling unit's steps ------------------------------------------------------------
def accept(complaint: Complaint, *, actor: audit.Actor, today: date | None = None) -> Complaint:
    today = today or timezone.localdate()
    _expect(complaint, Status.RECEIVED)
    rule = procedure.procedure_for(complaint.campaign, today)
    _finish_step(complaint, today)
    complaint.status = Status.HANDLING
    complaint.accepted_on = today
    complaint.handle_due = complaint.due_on = procedure.deadline(today, rule.handle_within)
    with transaction.atomic():
        complaint.save()
        _log(
            complaint,
            Action.ACCEPTED,
            actor,
            unit=complaint.unit,
            data={"handle_due": complaint.handle_due.isoformat()},
            audit_action="xinyong.complaint.accepted",
        )
    return complaint


def decline(
    complaint: Complaint, *, reasons: str, actor: audit.Actor, today: date | None = None
) -> Complaint:
    """Not for this platform or this unit (e.g. a matter for the courts): the reasons are
    the complainant's reply."""
    today = today or timezone.localdate()
    _expect(complaint, Status.RECEIVED)
    reasons = _text(reasons, "reasons", TEXT_LIMIT)
    rule = procedure.procedure_for(complaint.campaign, today)
    _finish_step(complaint, today)
    complaint.status = Status.DECLINED
    complaint.reply, complaint.replied_on = reasons, today
    complaint.due_on = None
    complaint.rate_due = procedure.deadline(today, rule.rate_within)
    with transaction.atomic():
        complaint.save()
        _log(
            complaint,
            Action.DECLINED,
            actor,
            unit=complaint.unit,
            note=reasons,
            audit_action="xinyong.complaint.declined",
        )
    return complaint


def transfer(
    complaint: Complaint,
    *,
    to: Unit | str,
    reason: str,
    actor: audit.Actor,
    today: date | None = None,
) -> Complaint:
    """Hand the complaint to another unit with its history; acceptance starts again there."""
    today = today or timezone.localdate()
    _expect(complaint, Status.RECEIVED, Status.HANDLING)
    target = _unit(to)
    if target.pk == complaint.unit_id:
        raise InvalidInput("complaint.same_unit", _("不能转办给本单位"), field="unit")
    reason = _text(reason, "reason", TEXT_LIMIT)
    rule = procedure.procedure_for(complaint.campaign, today)
    source = complaint.unit
    _finish_step(complaint, today)
    complaint.unit = target
    complaint.status = Status.RECEIVED
    complaint.accepted_on = complaint.handle_due = None
    complaint.accept_due = complaint.due_on = procedure.deadline(today, rule.accept_within)
    with transaction.atomic():
        complaint.save()
        _log(
            complaint,
            Action.TRANSFERRED,
            actor,
            unit=target,
            note=reason,
            data={
                "from": source.code,
                "to": target.code,
                "accept_due": complaint.accept_due.isoformat(),
            },
            audit_action="xinyong.complaint.transferred",
        )
    return complaint


def conclude(
    complaint: Complaint,
    *,
    outcome: str,
    findings: str,
    actor: audit.Actor,
    record: CreditRecord | int | None = None,
    credit_list: str = "",
    today: date | None = None,
) -> Complaint:
    """Close the handling with what was found. The outcome may be a credit record the
    unit reported through the ingestion pipeline about the subject (linked by id), or a
    proposal for a list, opened here and decided under the list's own due process."""
    today = today or timezone.localdate()
    _expect(complaint, Status.HANDLING)
    if outcome not in Complaint.Outcome.values or outcome == "":
        raise InvalidInput(
            "complaint.outcome",
            _("办理结果“%(outcome)s”无效"),
            params={"outcome": outcome},
            field="outcome",
        )
    findings = _text(findings, "findings", TEXT_LIMIT)
    rule = procedure.procedure_for(complaint.campaign, today)
    with transaction.atomic():
        linked = _outcome_links(complaint, outcome, record, credit_list, findings, actor, today)
        _finish_step(complaint, today)
        complaint.status, complaint.outcome, complaint.findings = (
            Status.ANSWERING,
            outcome,
            findings,
        )
        complaint.concluded_on = today
        complaint.reply_due = complaint.due_on = procedure.deadline(today, rule.reply_within)
        complaint.save()
        _log(
            complaint,
            Action.CONCLUDED,
            actor,
            unit=complaint.unit,
            note=findings,
            data={"outcome": outcome, **linked, "reply_due": complaint.reply_due.isoformat()},
            audit_action="xinyong.complaint.concluded",
            public=False,
        )
    return complaint


def reply(
    complaint: Complaint, *, text: str, actor: audit.Actor, today: date | None = None
) -> Complaint:
    today = today or timezone.localdate()
    _expect(complaint, Status.ANSWERING)
    text = _text(text, "reply", TEXT_LIMIT)
    rule = procedure.procedure_for(complaint.campaign, today)
    _finish_step(complaint, today)
    complaint.status, complaint.reply, complaint.replied_on = Status.REPLIED, text, today
    complaint.due_on = None
    complaint.rate_due = procedure.deadline(today, rule.rate_within)
    with transaction.atomic():
        complaint.save()
        _log(
            complaint,
            Action.REPLIED,
            actor,
            unit=complaint.unit,
            note=text,
            data={"outcome": complaint.outcome},
            audit_action="xinyong.complaint.replied",
        )
    return complaint


# --- the complainant's rating -------------------------------------------------------------
def rate(
    complaint: Complaint,
    *,
    rating: int | str,
    comment: str = "",
    actor: audit.Actor,
    today: date | None = None,
) -> Complaint:
    """The complainant rates the reply (1–5), once, within the pack's limit."""
    today = today or timezone.localdate()
    _expect(complaint, Status.REPLIED, Status.DECLINED)
    if complaint.rated_at is not None:
        raise Conflict("complaint.already_rated", _("该举报投诉已经评价过"))
    if complaint.rate_due is not None and today > complaint.rate_due:
        raise Conflict(
            "complaint.rating_closed",
            _("评价期限已于%(day)s届满"),
            params={"day": complaint.rate_due.isoformat()},
        )
    score = _rating(rating)
    complaint.rating, complaint.rated_at = score, timezone.now()
    complaint.rating_comment = (comment or "").strip()[:1000]
    with transaction.atomic():
        complaint.save()
        _log(
            complaint,
            Action.RATED,
            actor,
            note=complaint.rating_comment,
            data={"rating": score},
            audit_action="xinyong.complaint.rated",
        )
    return complaint


# --- the complainant's identity -----------------------------------------------------------
def reveal_complainant(complaint: Complaint, *, actor: audit.Actor, purpose: str) -> dict[str, str]:
    """Name and contact in clear for a stated purpose (to reply, to ask for evidence);
    audited. An anonymous complaint has none."""
    purpose = _text(purpose, "purpose", 500)
    audit.record(
        "xinyong.complaint.contact_revealed",
        actor,
        complaint,
        {"reference": complaint.reference, "purpose": purpose},
    )
    if not complaint.complainant_enc:
        return {"name": "", "contact": ""}
    sealed: dict[str, str] = json.loads(pii.decrypt(complaint.complainant_enc, IDENTITY_CONTEXT))
    return sealed


# --- queues -------------------------------------------------------------------------------
def is_overdue(complaint: Complaint, today: date) -> bool:
    return complaint.is_open and complaint.due_on is not None and complaint.due_on < today


def overdue(today: date | None = None) -> QuerySet[Complaint]:
    today = today or timezone.localdate()
    return Complaint.objects.filter(status__in=Complaint.OPEN, due_on__lt=today)


def find(reference: str) -> Complaint:
    found = (
        Complaint.objects.select_related("campaign", "region", "unit", "subject")
        .filter(reference=(reference or "").strip().upper()[:20])
        .first()
    )
    if found is None:
        raise NotFound("complaint.unknown", _("没有这个举报投诉编号"))
    return found


def steps(complaint: Complaint) -> list[dict[str, Any]]:
    """The three steps with their deadlines and state: done, current, waiting, skipped."""
    order: list[str] = [Status.RECEIVED, Status.HANDLING, Status.ANSWERING]
    labels = [Status.RECEIVED.label, Status.HANDLING.label, Status.ANSWERING.label]
    dues = [complaint.accept_due, complaint.handle_due, complaint.reply_due]
    current = order.index(complaint.status) if complaint.status in order else len(order)
    result = []
    for index, (label, due) in enumerate(zip(labels, dues, strict=True)):
        if complaint.status == Status.DECLINED and index > 0:
            state = "skipped"
        elif index < current:
            state = "done"
        elif index == current:
            state = "current"
        else:
            state = "waiting"
        result.append({"label": label, "due_on": due, "state": state})
    return result


# --- helpers ------------------------------------------------------------------------------
def _morning(day: date) -> datetime:
    """A complaint registered "on `day`" (back-dated filings: demo data, hotline batches)."""
    return timezone.make_aware(datetime.combine(day, time(9, 0)))


def _finish_step(complaint: Complaint, today: date) -> None:
    if complaint.due_on is not None and today > complaint.due_on:
        complaint.late = True


def _outcome_links(
    complaint: Complaint,
    outcome: str,
    record: CreditRecord | int | None,
    credit_list: str,
    findings: str,
    actor: audit.Actor,
    today: date,
) -> dict[str, Any]:
    if outcome == Complaint.Outcome.RECORD:
        complaint.outcome_record = _own_record(complaint, record)
        return {"record": complaint.outcome_record.pk}
    if outcome == Complaint.Outcome.PROPOSAL:
        subject = _known_subject(complaint)
        entry: ListEntry = entries.propose(
            credit_list,
            subject,
            reasons=findings,
            actor=actor,
            origin=ListEntry.Origin.COMPLAINT,
            origin_ref=complaint.reference,
            today=today,
        )
        complaint.outcome_entry = entry
        return {"entry": entry.reference}
    return {}


def _own_record(complaint: Complaint, record: CreditRecord | int | None) -> CreditRecord:
    subject = _known_subject(complaint)
    pk = record.pk if isinstance(record, CreditRecord) else record
    found = CreditRecord.objects.filter(pk=pk or 0, subject=subject, unit=complaint.unit).first()
    if found is None:
        raise InvalidInput(
            "complaint.record",
            _("请填写本单位就被投诉主体报送的信用记录编号"),
            field="record",
        )
    return found


def _known_subject(complaint: Complaint) -> Subject:
    if complaint.subject is None:
        raise InvalidInput(
            "complaint.subject_unknown",
            _("被投诉主体未能与已登记的信用主体匹配，无法形成信用记录或名单建议"),
            field="outcome",
        )
    return complaint.subject


def _campaign(campaign: Campaign | str) -> Campaign:
    if isinstance(campaign, Campaign):
        return campaign
    found = Campaign.objects.filter(code=campaign).first()
    if found is None:
        raise InvalidInput("complaint.campaign", _("请选择举报投诉所属的领域"), field="campaign")
    return found


def _region(region: Region | str, subject: Subject | None) -> Region:
    if isinstance(region, Region):
        return region
    found = Region.objects.filter(code=(region or "").strip()).first()
    if found is None and not region and subject is not None:
        found = subject.region
    if found is None:
        raise InvalidInput("complaint.region", _("请选择被投诉主体所在的地区"), field="region")
    return found


def _subject(code: str) -> Subject | None:
    """The subject the code names, if registered; a malformed code is refused. A code
    that names nobody known is not kept (it may be someone's ID number)."""
    code = (code or "").strip()
    if not code:
        return None
    try:
        return find_subject(code)
    except InvalidInput as exc:
        raise InvalidInput(exc.code, exc.message, params=exc.params, field="subject_code") from exc


def _unit(unit: Unit | str) -> Unit:
    if isinstance(unit, Unit):
        return unit
    found = Unit.objects.filter(code=unit, active=True).first()
    if found is None:
        raise InvalidInput("complaint.unit", _("请选择承办单位"), field="unit")
    return found


def _channel(channel: str) -> str:
    if channel not in Complaint.Channel.values:
        raise ValueError(f"unknown channel {channel!r}")
    return channel


def _hotline(channel: str, hotline: str, today: date) -> str:
    if channel != Complaint.Channel.HOTLINE:
        return ""
    known = procedure.hotlines(today)
    if hotline not in known:
        raise InvalidInput(
            "complaint.hotline",
            _("热线“%(hotline)s”无效，应为 %(known)s 之一"),
            params={"hotline": hotline, "known": "、".join(known) or "-"},
            field="hotline",
        )
    return hotline


def _seal(anonymous: bool, name: str, contact: str) -> str:
    if anonymous:
        return ""
    name = _text(name, "complainant_name", 100)
    contact = _text(contact, "contact", 100)
    return pii.encrypt(json.dumps({"name": name, "contact": contact}), IDENTITY_CONTEXT)


def _rating(rating: int | str) -> int:
    try:
        score = int(rating)
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        raise InvalidInput("complaint.rating", _("评价应为1至5分"), field="rating")
    return score


def _text(text: str | None, field: str, limit: int) -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidInput(
            "complaint.required", _("请填写%(field)s"), params={"field": LABELS[field]}, field=field
        )
    if len(text) > limit:
        raise InvalidInput(
            "complaint.too_long",
            _("%(field)s不能超过%(limit)s字"),
            params={"field": LABELS[field], "limit": limit},
            field=field,
        )
    return text


LABELS = {
    "subject_name": _("被投诉主体名称"),
    "description": _("投诉内容"),
    "complainant_name": _("投诉人姓名"),
    "contact": _("联系方式"),
    "reasons": _("不予受理的理由"),
    "reason": _("转办理由"),
    "findings": _("调查处理情况"),
    "reply": _("答复意见"),
    "purpose": _("查看用途"),
}


def _expect(complaint: Complaint, *statuses: str) -> None:
    complaint.refresh_from_db()
    if complaint.status not in statuses:
        raise Conflict(
            "complaint.wrong_step",
            _("该举报投诉当前为“%(status)s”，不能办理此操作"),
            params={"status": complaint.get_status_display()},
        )


def _log(
    complaint: Complaint,
    action: str,
    actor: audit.Actor,
    *,
    unit: Unit | None = None,
    note: str = "",
    data: dict[str, Any] | None = None,
    audit_action: str = "",
    public: bool = True,
) -> None:
    ComplaintEvent.objects.create(
        complaint=complaint,
        at=timezone.now(),
        actor=actor.label,
        action=action,
        unit=unit,
        note=note,
        data=data or {},
        public=public,
    )
    if audit_action:
        audit.record(
            audit_action,
            actor,
            complaint,
            {
                "reference": complaint.reference,
                "campaign": complaint.campaign.code,
                "unit": complaint.unit.code,
                **(data or {}),
            },
        )
