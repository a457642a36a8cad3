"""Demo list entries and the demo's over-limit case (`xinyong demo-records`).

Entries arrive as their owners decide them elsewhere (`entries.record_decided`), on the
public lists a visitor of the demo portal should find filled. The over-limit case is four
penalties of one haulage company within a year, imported through the real pipeline as
the transport department, so that the detection rule proposes it for the overload list
and the proposal waits in the console. Everything is deterministic for a seed and
idempotent: a second run adds nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from xinyong.core import audit
from xinyong.core.errors import XinyongError
from xinyong.lists import entries
from xinyong.lists.models import ListEntry
from xinyong.records.imports import find_record_type, import_objects
from xinyong.records.pipeline import ImportResult
from xinyong.subjects.demo import make_uscc
from xinyong.subjects.models import Subject
from xinyong.subjects.services import find_unit

TRANSPORT_UNIT = "YN-JTT"
HAULIER = "云南驰远货物运输有限公司"


@dataclass(frozen=True)
class DemoList:
    code: str
    count: int
    reasons: str
    kinds: tuple[str, ...] = (Subject.Kind.ORGANISATION,)


DEMO_LISTS = (
    DemoList(
        "judgment-defaulters",
        12,
        "被执行人有履行能力而拒不履行生效法律文书确定的给付义务。",
        (Subject.Kind.ORGANISATION, Subject.Kind.PERSON),
    ),
    DemoList(
        "major-tax-violators", 6, "虚开增值税专用发票，经税务机关依法确定为重大税收违法失信主体。"
    ),
    DemoList(
        "wage-arrears",
        6,
        "拖欠农民工工资数额达到认定拒不支付劳动报酬罪数额标准，经责令限期支付仍未支付。",
    ),
    DemoList("tourism-watch", 4, "因侵害旅游者合法权益受到行政处罚。"),
    DemoList("a-grade-taxpayers", 10, "年度纳税信用评价为A级。"),
    DemoList("integrity-models", 5, "诚信经营事迹突出，经评选认定为诚信典型。"),
)


def load_entries(seed: int, actor: audit.Actor, today: date | None = None) -> int:
    """Published entries on the demo lists; returns how many were new.

    Every draw happens whether or not the entry already exists, so a second run draws
    the same subjects and dates and adds nothing. No subject is on two demo lists (an A
    grade taxpayer is not also a judgment defaulter).
    """
    today = today or timezone.localdate()
    rng = random.Random(seed)
    used: set[int] = set()
    created = 0
    for spec in DEMO_LISTS:
        for subject_id in _subjects(spec, rng, used):
            decided = today - timedelta(days=rng.randrange(20, 600))
            document = f"演示〔{decided.year}〕{rng.randrange(1, 999)}号"
            created += _entry(spec, subject_id, decided, document, actor)
    return created


def _subjects(spec: DemoList, rng: random.Random, used: set[int]) -> list[int]:
    pool = Subject.objects.filter(kind__in=spec.kinds).order_by("id").values_list("id", flat=True)
    free = [pk for pk in pool[:2000] if pk not in used]
    chosen = rng.sample(free, min(spec.count, len(free)))
    used.update(chosen)
    return chosen


def _entry(
    spec: DemoList, subject_id: int, decided: date, document: str, actor: audit.Actor
) -> int:
    if ListEntry.objects.filter(credit_list__code=spec.code, subject_id=subject_id).exists():
        return 0
    try:
        entries.record_decided(
            spec.code,
            Subject.objects.get(pk=subject_id),
            reasons=spec.reasons,
            decided_on=decided,
            actor=actor,
            origin=ListEntry.Origin.IMPORT,
            origin_ref="demo",
            document_number=document,
        )
    except XinyongError:
        return 0  # a minor, or a kind the list does not cover: the demo skips it, as it must
    return 1


def import_overload_case(actor: audit.Actor, today: date | None = None) -> ImportResult:
    """Four over-limit penalties within a year for one haulage company."""
    today = today or timezone.localdate()
    unit = find_unit(TRANSPORT_UNIT)
    company = make_uscc("91", "530100", 77_000_001)
    rows = [
        _overload_row(company, today - timedelta(days=days), n)
        for n, days in enumerate((300, 190, 95, 12), 1)
    ]
    return import_objects(rows, find_record_type("penalty"), unit, actor)


def _overload_row(uscc: str, decided: date, number: int) -> dict[str, str]:
    return {
        "CF_XDR_MC": HAULIER,
        "CF_XDR_LB": "法人及非法人组织",
        "CF_XDR_SHXYM": uscc,
        "CF_FRDB": "赵六",
        "CF_WSH": f"云交执罚〔{decided.year}〕超{number:03d}号",
        "CF_WFXW": "违法超限运输",
        "CF_SY": f"经查，当事人所属货运车辆于{decided.year}年{decided.month}月{decided.day}日"
        "在高速公路入口检测站检测，车货总质量超过规定限值，违法超限运输。",
        "CF_YJ": "《公路安全保护条例》第六十四条",
        "CF_CFLB": "罚款",
        "CF_NR": "罚款人民币20,000元",
        "CF_NR_FK": "2",
        "CF_JDRQ": decided.isoformat(),
        "CF_YXQ": (decided + timedelta(days=365)).isoformat(),
        "CF_CFJG": "云南省交通运输厅",
        "CF_CFJGDM": make_uscc("11", "530000", 77_000_101),
        "CF_SJLY": "云南省交通运输厅",
        "CF_SJLYDM": make_uscc("11", "530000", 77_000_101),
    }
