"""Complaints as a procedure: routing from the pack, deadlines in working days across
holidays, transfer with history, outcomes, rating, and the complainant's identity."""

from __future__ import annotations

import json
from datetime import date

import pytest

from tests.complaints.conftest import ACTOR, COMPANY, COMPANY_USCC, CONTACT, NAME, QUJING_RSJ
from xinyong.complaints import complaints
from xinyong.complaints.models import Complaint, ComplaintEvent
from xinyong.core.errors import Conflict, InvalidInput
from xinyong.core.models import AuditEvent
from xinyong.lists.models import ListEntry
from xinyong.policy.models import Rule
from xinyong.subjects.models import Unit

pytestmark = pytest.mark.django_db
BEFORE_NATIONAL_DAY = date(2026, 9, 30)  # Wednesday; 10-01…10-07 off, Saturday 10-10 worked


def file(**overrides):
    values = {
        "campaign": "wage-arrears",
        "region": "530302",
        "subject_name": COMPANY,
        "description": "拖欠三个月工资。",
        "complainant_name": NAME,
        "contact": CONTACT,
        "channel": Complaint.Channel.PORTAL,
        "actor": ACTOR,
        "today": BEFORE_NATIONAL_DAY,
    }
    return complaints.file_complaint(**(values | overrides))


def test_a_wage_arrears_complaint_in_a_county_of_qujing_goes_to_qujings_bureau(loaded_pack):
    complaint = file()
    assert complaint.unit.code == QUJING_RSJ
    assert complaint.unit.name == "曲靖市人力资源和社会保障局"
    assert complaint.status == Complaint.Status.RECEIVED


def test_a_complaint_about_the_province_as_a_whole_goes_to_the_routes_fallback(loaded_pack):
    assert file(region="530000").unit.short_name == "省人社厅"


def test_an_inactive_prefecture_unit_falls_back_to_the_provincial_lead_unit(loaded_pack):
    Unit.objects.filter(code=QUJING_RSJ).update(active=False)
    assert file().unit.short_name == "省人社厅"


def test_a_campaign_without_a_route_goes_to_its_first_lead_unit(loaded_pack):
    complaint = file(campaign="counterfeit-drugs", description="药店卖假药。")
    assert complaint.unit.short_name == "省药监局"


def test_the_routing_is_read_from_the_pack(loaded_pack):
    rule = Rule.objects.get(key="complaint-routing")
    rule.body = {**rule.body, "routes": [{"campaign": "wage-arrears", "fallback": "省发展改革委"}]}
    rule.save()
    assert file().unit.short_name == "省发展改革委"


def test_acceptance_is_due_five_working_days_later_across_national_day(loaded_pack):
    # 10-08, 10-09, the make-up Saturday 10-10, 10-12, 10-13: not 10-07 as weekends alone
    # would give, and not calendar days.
    complaint = file()
    assert complaint.accept_due == date(2026, 10, 13)
    assert complaint.due_on == complaint.accept_due


def test_other_campaigns_use_the_default_procedures_seven_working_days(loaded_pack):
    complaint = file(campaign="counterfeit-drugs")
    assert complaint.accept_due == date(2026, 10, 15)


def test_each_step_is_due_from_the_day_it_begins(loaded_pack):
    complaint = file()
    complaints.accept(complaint, actor=ACTOR, today=date(2026, 10, 9))
    # 60 working days from Friday 10-09: 16 left in October (with the make-up Saturday
    # 10-10), 21 in November, 23 in December.
    assert complaint.handle_due == date(2026, 12, 31)
    assert complaint.due_on == complaint.handle_due
    complaints.conclude(
        complaint,
        outcome="corrected",
        findings="已责令支付。",
        actor=ACTOR,
        today=date(2026, 11, 2),
    )
    assert complaint.reply_due == date(2026, 11, 9)
    complaints.reply(complaint, text="已责令支付。", actor=ACTOR, today=date(2026, 11, 3))
    assert complaint.status == Complaint.Status.REPLIED
    assert complaint.due_on is None
    assert complaint.late is False


def test_a_step_done_after_its_deadline_marks_the_complaint_late(loaded_pack):
    complaint = file()
    complaints.accept(complaint, actor=ACTOR, today=date(2026, 10, 14))
    assert complaint.late is True


def test_a_transfer_starts_acceptance_again_at_the_new_unit_and_keeps_the_history(
    loaded_pack,
):
    complaint = file()
    complaints.accept(complaint, actor=ACTOR, today=date(2026, 10, 8))
    complaints.transfer(
        complaint, to="YN-RST", reason="涉及省属项目。", actor=ACTOR, today=date(2026, 10, 9)
    )
    assert complaint.unit.code == "YN-RST"
    assert complaint.status == Complaint.Status.RECEIVED
    # From Friday 10-09: the make-up Saturday 10-10, then 10-12 … 10-15.
    assert complaint.accept_due == date(2026, 10, 15)
    actions = list(complaint.events.values_list("action", flat=True))
    assert actions == ["filed", "routed", "accepted", "transferred"]
    transfer = complaint.events.get(action="transferred")
    assert transfer.data["from"] == QUJING_RSJ and transfer.data["to"] == "YN-RST"
    assert AuditEvent.objects.filter(action="xinyong.complaint.transferred").count() == 1


def test_it_refuses_a_transfer_to_the_same_unit(loaded_pack):
    complaint = file()
    with pytest.raises(InvalidInput) as caught:
        complaints.transfer(complaint, to=QUJING_RSJ, reason="x", actor=ACTOR)
    assert caught.value.code == "complaint.same_unit"


def test_it_refuses_a_step_out_of_order(loaded_pack):
    complaint = file()
    with pytest.raises(Conflict) as caught:
        complaints.reply(complaint, text="答复", actor=ACTOR)
    assert caught.value.code == "complaint.wrong_step"


def test_a_declined_complaint_carries_its_reasons_as_the_reply(loaded_pack):
    complaint = file()
    complaints.decline(
        complaint, reasons="属于劳动争议仲裁事项。", actor=ACTOR, today=date(2026, 10, 8)
    )
    assert complaint.status == Complaint.Status.DECLINED
    assert complaint.reply == "属于劳动争议仲裁事项。"


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"description": "  "}, "complaint.required", "description"),
        ({"campaign": "no-such"}, "complaint.campaign", "campaign"),
        ({"region": "999999"}, "complaint.region", "region"),
        ({"contact": ""}, "complaint.required", "contact"),
        ({"channel": "hotline", "hotline": "110"}, "complaint.hotline", "hotline"),
        ({"subject_code": "91530302MA6K0000X0"}, "uscc.checksum", "subject_code"),
    ],
)
def test_it_rejects_bad_input_with_a_stable_code(loaded_pack, overrides, code, field):
    with pytest.raises(InvalidInput) as caught:
        file(**overrides)
    assert (caught.value.code, caught.value.field) == (code, field)
    assert Complaint.objects.count() == 0


def test_a_hotline_complaint_names_its_hotline_from_the_pack(loaded_pack):
    complaint = file(channel="hotline", hotline="12333")
    assert complaint.hotline == "12333"


def test_a_code_that_matches_a_registered_subject_links_it(company):
    complaint = file(subject_name="", subject_code=COMPANY_USCC.lower())
    assert complaint.subject == company
    assert complaint.subject_name == COMPANY


def test_the_outcome_can_be_a_list_proposal_for_the_subject(company):
    complaint = file(subject_code=COMPANY_USCC)
    complaints.accept(complaint, actor=ACTOR, today=date(2026, 10, 8))
    complaints.conclude(
        complaint,
        outcome="proposal",
        credit_list="wage-arrears",
        findings="拖欠农民工工资，经责令仍不支付。",
        actor=ACTOR,
        today=date(2026, 10, 20),
    )
    entry = complaint.outcome_entry
    assert entry.status == ListEntry.Status.PROPOSED
    assert (entry.origin, entry.origin_ref) == ("complaint", complaint.reference)
    assert entry.subject == company


def test_an_outcome_needs_a_registered_subject(loaded_pack):
    complaint = file()
    complaints.accept(complaint, actor=ACTOR, today=date(2026, 10, 8))
    with pytest.raises(InvalidInput) as caught:
        complaints.conclude(
            complaint,
            outcome="record",
            record=1,
            findings="x",
            actor=ACTOR,
            today=date(2026, 10, 9),
        )
    assert caught.value.code == "complaint.subject_unknown"


def test_the_complainant_rates_the_reply_once(loaded_pack):
    complaint = file()
    complaints.accept(complaint, actor=ACTOR, today=date(2026, 10, 8))
    complaints.conclude(
        complaint, outcome="not_found", findings="x", actor=ACTOR, today=date(2026, 10, 9)
    )
    complaints.reply(complaint, text="经查不属实。", actor=ACTOR, today=date(2026, 10, 9))
    with pytest.raises(InvalidInput):
        complaints.rate(complaint, rating=6, actor=ACTOR, today=date(2026, 10, 9))
    complaints.rate(
        complaint, rating=2, comment="没有实地核查", actor=ACTOR, today=date(2026, 10, 12)
    )
    assert complaint.rating == 2
    with pytest.raises(Conflict) as caught:
        complaints.rate(complaint, rating=5, actor=ACTOR, today=date(2026, 10, 12))
    assert caught.value.code == "complaint.already_rated"


def test_rating_closes_after_the_packs_limit(loaded_pack):
    complaint = file()
    complaints.decline(
        complaint, reasons="不属于本平台受理范围。", actor=ACTOR, today=date(2026, 10, 8)
    )
    with pytest.raises(Conflict) as caught:
        complaints.rate(complaint, rating=3, actor=ACTOR, today=date(2026, 12, 31))
    assert caught.value.code == "complaint.rating_closed"


def test_the_complainants_identity_is_stored_sealed_and_nowhere_else(loaded_pack):
    complaint = file()
    complaints.accept(complaint, actor=ACTOR, today=date(2026, 10, 8))
    stored = Complaint.objects.filter(pk=complaint.pk).values().get()
    assert NAME not in json.dumps(stored, default=str)
    assert CONTACT not in json.dumps(stored, default=str)
    for event in ComplaintEvent.objects.all():
        assert (
            NAME not in f"{event.note}{event.data}" and CONTACT not in f"{event.note}{event.data}"
        )
    for event in AuditEvent.objects.filter(action__startswith="xinyong.complaint."):
        assert NAME not in json.dumps(event.data) and CONTACT not in json.dumps(event.data)


def test_revealing_the_complainant_needs_a_purpose_and_is_audited(loaded_pack):
    complaint = file()
    with pytest.raises(InvalidInput):
        complaints.reveal_complainant(complaint, actor=ACTOR, purpose=" ")
    identity = complaints.reveal_complainant(complaint, actor=ACTOR, purpose="电话核实欠薪金额")
    assert identity == {"name": NAME, "contact": CONTACT}
    event = AuditEvent.objects.get(action="xinyong.complaint.contact_revealed")
    assert event.data["purpose"] == "电话核实欠薪金额"


def test_an_anonymous_complaint_keeps_no_identity(loaded_pack):
    complaint = file(anonymous=True, complainant_name="", contact="")
    assert complaint.complainant_enc == ""
    assert complaints.reveal_complainant(complaint, actor=ACTOR, purpose="核实") == {
        "name": "",
        "contact": "",
    }


def test_overdue_lists_open_complaints_past_their_deadline(loaded_pack):
    late = file()
    done = file()
    complaints.decline(done, reasons="重复投诉。", actor=ACTOR, today=date(2026, 10, 8))
    assert list(complaints.overdue(date(2026, 10, 14))) == [late]
    assert list(complaints.overdue(date(2026, 10, 13))) == []
