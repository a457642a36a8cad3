"""Demo cases for the staff desks and the tracking page: one objection waiting for the
data-providing unit's check and one repair application under review, filed through the
real services against the demo's public penalties. Loading twice adds nothing."""

from __future__ import annotations

from django.utils import timezone

from xinyong.core import audit
from xinyong.records.models import CreditRecord
from xinyong.records.visibility import public_records
from xinyong.rights import objections, repairs
from xinyong.rights.models import Channel, Objection, RepairApplication
from xinyong.subjects.models import Subject

APPLICANT = "演示申请人"
CONTACT = "0871-00000000"


def load_cases(actor: audit.Actor) -> list[str]:
    """File the two cases unless the demo already has them; their references."""
    if Objection.objects.filter(applicant_name=APPLICANT).exists():
        return []
    penalties = (
        public_records()
        .filter(record_type__code="penalty", subject__kind=Subject.Kind.ORGANISATION)
        .exclude(status=CreditRecord.Status.DISPUTED)
        .select_related("subject", "unit")
    )
    references = []
    newest = penalties.order_by("-decision_date", "id").first()
    if newest is not None:
        references.append(_objection(newest, actor))
    candidates = penalties.filter(publicity_minimum_end__lt=timezone.localdate(), withheld="")
    if newest is not None:
        candidates = candidates.exclude(pk=newest.pk)
    repairable = candidates.order_by("decision_date", "id").first()
    if repairable is not None and not RepairApplication.objects.filter(record=repairable):
        references.append(_repair(repairable, actor))
    return references


def _objection(record: CreditRecord, actor: audit.Actor) -> str:
    objection = objections.file_objection(
        record,
        ground="wrong",
        description="处罚决定书载明的罚款金额与公示金额不一致，请核实更正。",
        corrections={"_text": "罚款金额应为决定书载明的金额"},
        applicant_name=APPLICANT,
        contact=CONTACT,
        actor=actor,
        channel=Channel.CONSOLE,
    )
    objections.refer_to_unit(objection, actor=actor, note="需处罚机关核对决定书原件")
    return objection.reference


def _repair(record: CreditRecord, actor: audit.Actor) -> str:
    application = repairs.apply_for_repair(
        record,
        correction="已按处罚决定缴清罚款并完成整改，附缴款凭证和整改报告。",
        commitment=f"{record.subject.name}承诺：所提交材料真实有效，今后依法诚信经营。",
        applicant_name=APPLICANT,
        contact=CONTACT,
        channel=Channel.CONSOLE,
        actor=actor,
    )
    return application.reference
