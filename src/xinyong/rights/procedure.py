"""What objections and repairs share: the pack's rules, deadlines in working days, the
case's target (a record or a list entry), the applicant's standing and contact.

Standing: on the portal nobody logs in, so "anyone named in a record" is checked by
knowledge of the subject's code: the USCC of an organisation or business, the full ID
number of a person (compared through its blind index, never stored). Operators file
from the console or the API on anyone's behalf.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from xinyong.core import audit, pii
from xinyong.core.calendar import WorkCalendar
from xinyong.core.errors import InvalidInput, NotFound, PermissionDenied
from xinyong.lists.models import ListEntry
from xinyong.policy import schema
from xinyong.policy.durations import Duration
from xinyong.policy.rules import active_rules, in_force
from xinyong.records.models import CreditRecord
from xinyong.rights.models import Objection, RepairApplication
from xinyong.subjects import identifiers
from xinyong.subjects.models import Subject
from xinyong.subjects.services import id_number_index

CONTACT_CONTEXT = "rights.applicant_contact"


def rule_of(kind: str, day: date) -> Any:
    """The pack's rule of `kind` in force on `day`; without one the procedure cannot run."""
    for rule in active_rules(kind):
        if in_force(rule, day):
            return rule
    raise InvalidInput(
        "rights.no_rule",
        _("政策包没有在%(day)s有效的“%(kind)s”规则"),
        params={"day": day.isoformat(), "kind": kind},
    )


def objection_rule(day: date) -> schema.ObjectionRule:
    rule: schema.ObjectionRule = rule_of("objection_procedure", day)
    return rule


def repair_rule(day: date) -> schema.RepairRule:
    rule: schema.RepairRule = rule_of("credit_repair", day)
    return rule


def deadline(start: date, period: Duration) -> date:
    """`period` after `start`: working days by the holiday calendar, else calendar dates."""
    if period.unit == "working_day":
        return WorkCalendar.load([start.year]).add_workdays(start, period.amount)
    return period.after(start)


def find_record(record_id: int | str) -> CreditRecord:
    try:
        pk = int(record_id)
    except (TypeError, ValueError):
        pk = 0
    record = (
        CreditRecord.objects.select_related("subject", "unit", "record_type").filter(pk=pk).first()
    )
    if record is None:
        raise NotFound("record.unknown", _("没有这条信用记录"))
    return record


def find_target(
    record: int | str | CreditRecord | None, entry: str | ListEntry | None
) -> CreditRecord | ListEntry:
    """Exactly one of a record (by id) or a list entry (by reference)."""
    if (record is None or record == "") == (entry is None or entry == ""):
        raise InvalidInput(
            "rights.target", _("请指定一条信用记录或一个名单条目（二者选一）"), field="record"
        )
    if isinstance(record, CreditRecord):
        return record
    if isinstance(entry, ListEntry):
        return entry
    if record not in (None, ""):
        return find_record(record)  # type: ignore[arg-type]
    from xinyong.lists.entries import find_entry

    return find_entry(str(entry))


def check_standing(subject: Subject, code: str) -> None:
    """Refuse unless `code` is the subject's USCC, or a person's full ID number."""
    given = identifiers.normalize(code or "")
    if subject.kind == Subject.Kind.PERSON:
        try:
            named = given != "" and id_number_index(given) == subject.id_number_index
        except identifiers.IdentifierError:
            named = False
    else:
        named = given != "" and subject.uscc is not None and given == subject.uscc.upper()
    if not named:
        raise PermissionDenied(
            "rights.not_named",
            _("只有信息所涉主体可以提交：请填写该主体的统一社会信用代码或身份证件号码"),
            field="subject_code",
        )


def seal_contact(contact: str) -> str:
    contact = (contact or "").strip()
    if not contact:
        raise InvalidInput(
            "rights.contact_required", _("请填写联系方式（电话或电子邮箱）"), field="contact"
        )
    if len(contact) > 100:
        raise InvalidInput("rights.contact_too_long", _("联系方式过长"), field="contact")
    return pii.encrypt(contact, CONTACT_CONTEXT)


def reveal_contact(
    case: Objection | RepairApplication, action: str, actor: audit.Actor, purpose: str
) -> str:
    """The applicant's contact in clear, for a stated purpose, audited as `action`."""
    purpose = required(purpose, "purpose", _("查看用途"))
    audit.record(action, actor, case, {"reference": case.reference, "purpose": purpose})
    ciphertext = case.applicant_contact_enc
    return pii.decrypt(ciphertext, CONTACT_CONTEXT) if ciphertext else ""


def required(text: str | None, field: str, label: Any) -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidInput(
            "rights.required", _("请填写%(field)s"), params={"field": label}, field=field
        )
    return text
