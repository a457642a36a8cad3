"""Demo complaints: a few in every campaign's domain, at every step, some overdue, and the
acceptance example: a wage-arrears complaint about a company in 曲靖市, routed to 曲靖's
人社局, transferred, concluded, replied and rated. Loaded once (a second run adds nothing);
real services only, back-dated through their `today` argument."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.utils import timezone

from xinyong.campaigns.models import Campaign
from xinyong.complaints import complaints
from xinyong.complaints.models import Complaint
from xinyong.core.audit import Actor
from xinyong.subjects.models import Region, Subject, Unit

WHAT = {
    "wage-arrears": "工程完工三个月仍拖欠农民工工资，多次讨要未果。",
    "counterfeit-drugs": "药店销售的药品包装与正品不符，疑似假药。",
    "unreasonably-cheap-tours": "参加低价团被强制购物，导游威胁不购物不让下车。",
    "telecom-fraud": "接到冒充客服的电话，被骗转账，提供对方号码和账户。",
    "illegal-medical-practice": "村里有人无证开诊所给人输液。",
    "ticket-scalping": "医院挂号被号贩子加价倒卖。",
}
DEFAULT_WHAT = "发现该主体存在失信行为，请有关部门核查处理。"


def load_complaints(actor: Actor, today: date | None = None, seed: int = 2019) -> int:
    """File the demo complaints unless there are complaints already; how many were filed."""
    if Complaint.objects.exists():
        return 0
    today = today or timezone.localdate()
    rng = random.Random(seed)
    prefectures = list(Region.objects.filter(level=Region.Level.PREFECTURE).order_by("code"))
    filed = 0
    for campaign in Campaign.objects.order_by("number"):
        for index in range(2):
            region = prefectures[rng.randrange(len(prefectures))]
            complaint = complaints.file_complaint(
                campaign=campaign,
                region=region,
                subject_name=_subject_name(region, rng),
                description=WHAT.get(campaign.code, DEFAULT_WHAT),
                anonymous=index == 1,
                complainant_name="" if index == 1 else "张先生",
                contact="" if index == 1 else "13800000000",
                channel=Complaint.Channel.HOTLINE if index == 1 else Complaint.Channel.PORTAL,
                hotline="12345" if index == 1 else "",
                actor=actor,
                today=today - timedelta(days=rng.choice([1, 3, 12, 30, 60])),
            )
            _advance(complaint, rng.randrange(4), actor, today)
            filed += 1
    _acceptance_example(actor, today)
    _waiting_in_qujing(actor, today)
    return filed + 2


def _subject_name(region: Region, rng: random.Random) -> str:
    found = Subject.objects.filter(
        region__code__startswith=region.code[:4], kind=Subject.Kind.ORGANISATION
    ).order_by("pk")
    count = found.count()
    if count:
        return found[rng.randrange(count)].name
    return f"{region.short_name or region.name}某有限公司"


def _advance(complaint: Complaint, steps: int, actor: Actor, today: date) -> None:
    """Take a complaint `steps` steps along, each a few days after the last."""
    day = complaint.filed_at.date()
    if steps >= 1:
        day = min(day + timedelta(days=2), today)
        complaints.accept(complaint, actor=actor, today=day)
    if steps >= 2:
        day = min(day + timedelta(days=10), today)
        complaints.conclude(
            complaint,
            outcome=Complaint.Outcome.CORRECTED,
            findings="经现场核查，情况属实，已责令限期整改。",
            actor=actor,
            today=day,
        )
    if steps >= 3:
        day = min(day + timedelta(days=2), today)
        complaints.reply(
            complaint,
            text="您反映的问题经核查属实，已责令整改。感谢您的监督。",
            actor=actor,
            today=day,
        )


def _acceptance_example(actor: Actor, today: date) -> Complaint:
    qujing = Region.objects.get(code="530300")
    wage = Campaign.objects.get(code="wage-arrears")
    start = today - timedelta(days=40)
    complaint = complaints.file_complaint(
        campaign=wage,
        region=qujing,
        subject_name=_subject_name(qujing, random.Random(8)),
        description="在麒麟区某工地务工，工程款已结算，但2026年春节前后三个月工资共3.6万元未发放。",
        complainant_name="李师傅",
        contact="13900000000",
        channel=Complaint.Channel.PORTAL,
        actor=actor,
        today=start,
    )
    provincial = Unit.objects.get(short_name="省人社厅")
    complaints.transfer(
        complaint,
        to=provincial,
        reason="涉及省属建设项目，转省人社厅办理。",
        actor=actor,
        today=start + timedelta(days=2),
    )
    complaints.accept(complaint, actor=actor, today=start + timedelta(days=3))
    complaints.conclude(
        complaint,
        outcome=Complaint.Outcome.CORRECTED,
        findings="经调查，该公司拖欠工资属实，已责令其支付全部拖欠工资。",
        actor=actor,
        today=start + timedelta(days=20),
    )
    complaints.reply(
        complaint,
        text="经调查属实，已责令该公司限期支付拖欠工资3.6万元，目前已全部发放。",
        actor=actor,
        today=start + timedelta(days=22),
    )
    complaints.rate(
        complaint,
        rating=5,
        comment="处理及时，工资已拿到。",
        actor=actor,
        today=start + timedelta(days=23),
    )
    return complaint


def _waiting_in_qujing(actor: Actor, today: date) -> Complaint:
    """One waiting in 曲靖's queue: filed on the portal about a company in 麒麟区."""
    return complaints.file_complaint(
        campaign="wage-arrears",
        region="530302",
        subject_name=_subject_name(Region.objects.get(code="530300"), random.Random(9)),
        description="装修项目完工后，包工头称公司未拨款，十余名工人两个月工资未发。",
        complainant_name="赵女士",
        contact="13700000000",
        channel=Complaint.Channel.PORTAL,
        actor=actor,
        today=today - timedelta(days=2),
    )
