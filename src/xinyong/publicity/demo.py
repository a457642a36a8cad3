"""Demo articles for the integrity column: a dozen published over the last six weeks and
one draft, written and published through the real services, back-dated through their
`now` argument.

- Reports of 诚信建设万里行 by the provincial civilisation office (省文明办): two in most
  weeks, none in one (below any target the pack can set: `per_week` is at least 1).
- Typical cases of several campaigns, each published by the campaign's lead unit.
- Two integrity stars, of the first two demo organisations (none without organisations).
Articles are known by their titles: loading twice adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from xinyong.campaigns.models import Campaign, CampaignUnit
from xinyong.core.audit import Actor
from xinyong.publicity import articles
from xinyong.publicity.models import Article
from xinyong.subjects.models import Subject, Unit

PUBLISHER = "YN-WMB"  # 云南省精神文明建设指导委员会办公室
Kind = Article.Kind


@dataclass(frozen=True)
class Piece:
    weeks_ago: int  # 0: the current week
    weekday: int  # 0: Monday
    title: str
    summary: str
    body: str
    campaign: str = ""


REPORTS = [
    Piece(
        5,
        0,
        "诚信建设万里行走进昆明市农贸市场",
        "市场监管部门与文明办联合走访农贸市场，推广“诚信计量”承诺。",
        "记者随诚信建设万里行采访组走进昆明市多个农贸市场，看到摊位前挂着统一制作的诚信经营承诺牌。\n"
        "市场管理方设置了公平秤，消费者可随时复核所购商品的重量；对短斤少两的投诉，市场承诺当日处理。\n"
        "采访中，不少商户表示，亮出承诺、接受监督以后，回头客明显多了。",
    ),
    Piece(
        5,
        3,
        "曲靖市推行“信用+网格”基层治理",
        "网格员把诚信宣传送到社区和企业。",
        "曲靖市把诚信宣传纳入网格化管理，网格员在走访中向居民和商户讲解失信联合惩戒的有关规定。\n"
        "各社区设立诚信宣传栏，定期公示守信激励和失信惩戒的典型事例。",
    ),
    Piece(
        3,
        1,
        "诚信建设万里行：大理州旅游市场秩序整治见实效",
        "“不合理低价游”投诉数量明显下降。",
        "大理州持续开展旅游市场秩序整治，对“不合理低价游”、强迫购物等行为依法处理并记入信用记录。\n"
        "游客普遍反映，导游服务更规范，购物点明码标价，投诉渠道也更加畅通。",
    ),
    Piece(
        3,
        4,
        "玉溪市开展诚信主题宣传月活动",
        "诚信讲座、案例展览走进机关、学校和企业。",
        "玉溪市以“诚信建设万里行”为主题，组织开展诚信讲座、典型案例展览和诚信承诺签名活动。\n"
        "活动期间，各部门结合本行业特点宣讲信用修复、异议处理等制度，引导市场主体依法诚信经营。",
    ),
    Piece(
        2,
        0,
        "诚信建设万里行聚焦农民工工资支付",
        "人社部门公开欠薪失信联合惩戒的办理流程。",
        "采访组走访多个在建工程项目，了解农民工工资专户、实名制管理和工资保证金制度的落实情况。\n"
        "人社部门介绍，拖欠农民工工资情节严重的用人单位将依法列入失信联合惩戒对象名单，并向社会公示。",
    ),
    Piece(
        2,
        2,
        "红河州推进医疗卫生行业诚信建设",
        "医疗机构签署依法执业承诺书。",
        "红河州卫生健康部门组织辖区医疗机构签署依法执业承诺书，并对无证行医等行为开展专项检查。\n"
        "检查结果通过信用平台依法公示，接受社会监督。",
    ),
    Piece(
        1,
        2,
        "诚信建设万里行走进普洱茶产区",
        "茶企承诺产地、年份标注真实。",
        "采访组来到普洱茶主产区，茶企负责人介绍了原料可追溯和产品标注管理的做法。\n"
        "当地行业协会倡议会员企业如实标注产地和年份，对虚假宣传行为开展行业自律惩戒。",
    ),
    Piece(
        0,
        0,
        "诚信建设万里行：楚雄州交通运输信用建设",
        "运输企业信用评价结果向社会公开。",
        "楚雄州交通运输部门依法公开道路运输企业信用评价结果，评价结果与市场准入、招投标等挂钩。\n"
        "对严重超限超载等违法失信行为，依法实施联合惩戒。",
    ),
]

CASES = [
    Piece(
        4,
        1,
        "某建筑公司拖欠农民工工资被列入失信联合惩戒对象名单",
        "经责令限期支付仍拒不支付，依法列入名单并公示。",
        "某建筑公司承建的工程项目拖欠农民工工资，经人社部门责令限期支付后仍拒不支付。\n"
        "人社部门依法作出列入拖欠农民工工资失信联合惩戒对象名单的决定，有关部门在政府采购、招投标等方面依法予以限制。\n"
        "该公司全部支付拖欠工资后，可以按规定申请信用修复。",
        "wage-arrears",
    ),
    Piece(
        2,
        3,
        "某药店销售假药被依法查处",
        "药品监管部门依法处罚并公示行政处罚信息。",
        "药品监管部门接到群众举报后检查发现，某药店销售的药品与批准的包装、批号不符，经检验认定为假药。\n"
        "监管部门依法没收违法所得和药品并处罚款，行政处罚信息在信用平台公示。",
        "counterfeit-drugs",
    ),
    Piece(
        1,
        1,
        "某旅行社组织“不合理低价游”被处罚",
        "以低于成本的价格招徕游客并安排购物，依法处罚并记入信用记录。",
        "某旅行社以明显低于成本的价格组织旅游团，在行程中安排另行付费项目和购物。\n"
        "文化和旅游部门依法作出行政处罚，相关信息记入该旅行社的信用记录并公示。",
        "unreasonably-cheap-tours",
    ),
]

STAR_WEEKS = (3, 1)
STAR_TEXT = (
    "{name}坚持依法诚信经营，按时足额缴纳税款，按期支付职工工资，多年来没有失信记录。\n"
    "经推荐和审核，{name}入选本期“诚信之星”，向社会公开宣传。"
)

DRAFT = Piece(
    0,
    0,
    "诚信建设万里行走进西双版纳州景区",
    "景区推行明码标价和游客投诉先行赔付。",
    "采访组走访西双版纳州多个景区，了解明码标价、投诉处理和先行赔付制度的落实情况。",
)


def load_articles(actor: Actor, today: date | None = None) -> int:
    """Write the demo articles the database lacks; how many were added."""
    publisher = (
        Unit.objects.filter(code=PUBLISHER, active=True).first()
        or Unit.objects.filter(active=True).order_by("code").first()
    )
    if publisher is None:
        return 0
    today = today or timezone.localdate()
    added = sum(_publish(piece, Kind.REPORT, publisher, actor, today) for piece in REPORTS)
    campaigns = {c.code: c for c in Campaign.objects.filter(code__in=[p.campaign for p in CASES])}
    for piece in CASES:
        campaign = campaigns.get(piece.campaign)
        if campaign is not None:
            unit = _lead_unit(campaign) or publisher
            added += _publish(piece, Kind.CASE, unit, actor, today, campaign=campaign)
    organisations = Subject.objects.filter(kind=Subject.Kind.ORGANISATION).order_by("pk")[:2]
    for weeks_ago, organisation in zip(STAR_WEEKS, organisations, strict=False):
        piece = Piece(
            weeks_ago,
            2,
            f"诚信之星：{organisation.name}"[: articles.TITLE_MAX],
            f"{organisation.name}入选本期“诚信之星”。",
            STAR_TEXT.format(name=organisation.name),
        )
        added += _publish(piece, Kind.STAR, publisher, actor, today, subject=organisation)
    if not Article.objects.filter(title=DRAFT.title).exists():
        _draft(DRAFT, Kind.REPORT, publisher, actor, _moment(DRAFT, today))
        added += 1
    return added


def _lead_unit(campaign: Campaign) -> Unit | None:
    link = (
        CampaignUnit.objects.filter(
            campaign=campaign, role=CampaignUnit.Role.LEAD, unit__active=True
        )
        .select_related("unit")
        .order_by("position", "pk")
        .first()
    )
    return link.unit if link else None


def _moment(piece: Piece, today: date) -> datetime:
    """10:00 local time on the piece's day, never later than now."""
    monday = today - timedelta(days=today.weekday(), weeks=piece.weeks_ago)
    day = min(monday + timedelta(days=piece.weekday), today)
    return min(timezone.make_aware(datetime.combine(day, time(10))), timezone.now())


def _draft(
    piece: Piece,
    kind: str,
    unit: Unit,
    actor: Actor,
    at: datetime,
    campaign: Campaign | None = None,
    subject: Subject | None = None,
) -> Article:
    return articles.create_draft(
        kind=kind,
        title=piece.title,
        summary=piece.summary,
        body=piece.body,
        unit=unit,
        campaign=campaign,
        subject=subject,
        actor=actor,
        now=at - timedelta(hours=2),
    )


def _publish(
    piece: Piece,
    kind: str,
    unit: Unit,
    actor: Actor,
    today: date,
    campaign: Campaign | None = None,
    subject: Subject | None = None,
) -> int:
    if Article.objects.filter(title=piece.title).exists():
        return 0
    at = _moment(piece, today)
    draft = _draft(piece, kind, unit, actor, at, campaign, subject)
    articles.publish(draft, actor=actor, now=at)
    return 1
