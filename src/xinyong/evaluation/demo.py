"""The demo's ratings, assessments and environmental penalties, for the evaluation schemes.

Rows go through the import pipeline as departments would send them (`import_objects`):
tourists' star ratings and professional quality assessments of the demo's tourism and
hotel businesses, competence assessments and ratings of a dozen tour guides (persons
created by the import), service assessments of the demo's transport companies, and
penalties reported by the environmental regulator (省生态环境厅), so that the
environmental credit evaluation has something to grade.
Every draw comes from one seeded Random and every document number from the draw, so a
second run with the same seed changes nothing.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta

from django.db.models import Q
from django.utils import timezone

from xinyong.core import audit
from xinyong.records.imports import find_record_type, import_objects
from xinyong.subjects.demo import make_uscc
from xinyong.subjects.identifiers import id_check_character
from xinyong.subjects.models import Subject
from xinyong.subjects.services import find_unit

TOURISM_UNIT = "YN-WLT"
TRANSPORT_UNIT = "YN-JTT"
ENVIRONMENT_UNIT = "YN-STHJT"
ENVIRONMENT_UNIT_USCC = make_uscc("11", "530000", 77_000_201)
POLLUTERS = 60
# (违法行为, 处罚依据, 处罚类别, fine in 万元 or "")
POLLUTION = (
    ("超标排放大气污染物", "《中华人民共和国大气污染防治法》第九十九条", "罚款", "15"),
    ("未批先建", "《中华人民共和国环境影响评价法》第三十一条", "罚款", "8"),
    ("违规处置危险废物", "《中华人民共和国固体废物污染环境防治法》第一百一十二条", "罚款", "22"),
    ("篡改监测数据", "《中华人民共和国水污染防治法》第八十二条", "罚款、责令停产停业", "5"),
    ("未按规定设置排污口", "《中华人民共和国水污染防治法》第八十四条", "罚款", "2"),
)
REPRESENTATIVES = ("王建国", "李秀英", "张伟", "刘洋", "陈静", "杨勇")
KINDS = {
    Subject.Kind.ORGANISATION: "法人及非法人组织",
    Subject.Kind.INDIVIDUAL_BUSINESS: "个体工商户",
}
TOURISM_WORDS = ("旅游", "酒店", "客栈", "民宿")
TRANSPORT_WORDS = ("运输", "物流")
TOURISM_BUSINESSES = 60
TRANSPORT_COMPANIES = 20
GUIDES = (
    ("杨丽萍", "19880412"),
    ("李建华", "19790923"),
    ("段晓云", "19930105"),
    ("和志强", "19850730"),
    ("刀玉香", "19910218"),
    ("普文龙", "19830611"),
    ("赵雪梅", "19960327"),
    ("罗春林", "19770814"),
    ("岩温", "19890902"),
    ("木丽娟", "19941120"),
    ("张海燕", "19820506"),
    ("王金辉", "19870128"),
)
# Stars drawn with a lean to the good: most tourists are satisfied, some are not.
STARS = (1, 2, 3, 3.5, 4, 4, 4.5, 4.5, 5, 5, 5)
CHANNELS = ("游云南App", "12345热线", "景区现场评价")


def load_evaluation_data(
    seed: int, actor: audit.Actor, today: date | None = None
) -> dict[str, int]:
    """Import every demo rating, assessment and environmental penalty; {record type:
    rows accepted}."""
    today = today or timezone.localdate()
    rng = random.Random(seed * 7919 + 9)
    tourism = _businesses(TOURISM_WORDS, TOURISM_BUSINESSES)
    transport = _businesses(TRANSPORT_WORDS, TRANSPORT_COMPANIES)
    guides = [(name, _guide_id(born, n)) for n, (name, born) in enumerate(GUIDES, 1)]
    batches = {
        "tourist-rating": (
            TOURISM_UNIT,
            [
                *_tourist_ratings(rng, tourism, today),
                *_guide_ratings(rng, guides, today),
            ],
        ),
        "tourism-quality-assessment": (TOURISM_UNIT, list(_quality(rng, tourism, today))),
        "guide-competence-assessment": (TOURISM_UNIT, list(_competence(rng, guides, today))),
        "taxi-service-assessment": (TRANSPORT_UNIT, list(_taxi(rng, transport, today))),
        "penalty": (ENVIRONMENT_UNIT, list(_pollution(rng, _polluters(rng), today))),
    }
    accepted = {}
    for code, (unit, rows) in batches.items():
        result = import_objects(rows, find_record_type(code), find_unit(unit), actor)
        accepted[code] = result.accepted
    return accepted


def _businesses(words: tuple[str, ...], limit: int) -> list[Subject]:
    named = Q()
    for word in words:
        named |= Q(name__contains=word)
    found = Subject.objects.filter(named, kind__in=list(KINDS), uscc__isnull=False)
    return list(found.exclude(uscc="").order_by("pk")[:limit])


def _guide_id(born: str, number: int) -> str:
    first17 = f"530102{born}{number:03d}"
    return first17 + id_check_character(first17)


def _day(rng: random.Random, today: date, within_days: int) -> date:
    return today - timedelta(days=rng.randrange(1, within_days))


def _stars(rng: random.Random, lean: float) -> str:
    """A star rating; `lean` (0–1) shifts a business's ratings up or down."""
    stars = rng.choice(STARS)
    if rng.random() < lean:
        stars = max(1.0, stars - 2)
    return f"{stars:g}"


def _subject_cells(prefix: str, subject: Subject) -> dict[str, str]:
    return {
        f"{prefix}_DX_MC": subject.name,
        f"{prefix}_DX_LB": KINDS[Subject.Kind(subject.kind)],
        f"{prefix}_DX_SHXYM": subject.uscc or "",
    }


def _guide_cells(prefix: str, name: str, id_number: str) -> dict[str, str]:
    return {f"{prefix}_DX_MC": name, f"{prefix}_DX_LB": "自然人", f"{prefix}_DX_ZJHM": id_number}


def _tourist_ratings(
    rng: random.Random, businesses: list[Subject], today: date
) -> Iterator[dict[str, str]]:
    for subject in businesses:
        lean = rng.choice((0.0, 0.0, 0.1, 0.5))
        for n in range(rng.randrange(1, 9)):
            decided = _day(rng, today, 500)
            yield {
                **_subject_cells("YK", subject),
                "YK_BH": f"YKPJ-{subject.pk}-{n + 1:02d}",
                "YK_RQ": decided.isoformat(),
                "YK_FZ": _stars(rng, lean),
                "YK_QD": rng.choice(CHANNELS),
            }


def _guide_ratings(
    rng: random.Random, guides: list[tuple[str, str]], today: date
) -> Iterator[dict[str, str]]:
    for number, (name, id_number) in enumerate(guides, 1):
        lean = rng.choice((0.0, 0.1, 0.6))
        for n in range(rng.randrange(0, 7)):
            yield {
                **_guide_cells("YK", name, id_number),
                "YK_BH": f"YKPJ-DY{number:02d}-{n + 1:02d}",
                "YK_RQ": _day(rng, today, 400).isoformat(),
                "YK_FZ": _stars(rng, lean),
                "YK_QD": rng.choice(CHANNELS),
            }


def _quality(
    rng: random.Random, businesses: list[Subject], today: date
) -> Iterator[dict[str, str]]:
    for subject in businesses:
        for n in range(rng.choice((0, 1, 1, 2))):
            yield {
                **_subject_cells("PZ", subject),
                "PZ_BH": f"PZPJ-{subject.pk}-{n + 1}",
                "PZ_RQ": _day(rng, today, 360).isoformat(),
                "PZ_FZ": f"{rng.randrange(110, 198) / 2:g}",
                "PZ_JG": "云南省旅游协会",
            }


def _competence(
    rng: random.Random, guides: list[tuple[str, str]], today: date
) -> Iterator[dict[str, str]]:
    for number, (name, id_number) in enumerate(guides, 1):
        yield {
            **_guide_cells("DY", name, id_number),
            "DY_BH": f"DYKH-{today.year}-{number:03d}",
            "DY_RQ": _day(rng, today, 300).isoformat(),
            "DY_FZ": str(rng.randrange(52, 99)),
            "DY_DYZH": f"D-5301-{number:06d}",
        }


def _taxi(rng: random.Random, companies: list[Subject], today: date) -> Iterator[dict[str, str]]:
    for subject in companies:
        for year in (today.year - 2, today.year - 1):
            yield {
                **_subject_cells("CZ", subject),
                "CZ_BH": f"CZKH-{year}-{subject.pk}",
                # Assessed by the end of March of the next year (yesterday at the latest).
                "CZ_RQ": min(date(year + 1, 3, 31), today - timedelta(days=1)).isoformat(),
                "CZ_FZ": str(rng.randrange(45, 100)),
                "CZ_ZQ": f"{year}年度",
            }


def _polluters(rng: random.Random) -> list[Subject]:
    """A seeded sample of the demo's organisations (manufacturers and miners are not
    told apart by name in the demo data)."""
    found = Subject.objects.filter(kind=Subject.Kind.ORGANISATION, uscc__isnull=False)
    pool = list(found.exclude(uscc="").order_by("pk")[:2000])
    return rng.sample(pool, min(POLLUTERS, len(pool)))


def _pollution(
    rng: random.Random, companies: list[Subject], today: date
) -> Iterator[dict[str, str]]:
    for number, subject in enumerate(companies, 1):
        for n in range(rng.choice((1, 1, 2, 2, 3))):
            decided = _day(rng, today, 700)
            act, basis, kinds, fine = rng.choice(POLLUTION)
            yield {
                "CF_XDR_MC": subject.name,
                "CF_XDR_LB": "法人及非法人组织",
                "CF_XDR_SHXYM": subject.uscc or "",
                "CF_FRDB": rng.choice(REPRESENTATIVES),
                "CF_WSH": f"云环罚〔{decided.year}〕{number:03d}{n + 1}号",
                "CF_WFXW": act,
                "CF_SY": f"经查，当事人存在{act}的环境违法行为。",
                "CF_YJ": basis,
                "CF_CFLB": kinds,
                "CF_NR": f"{kinds}" + (f"，罚款人民币{fine}万元" if fine else ""),
                "CF_NR_FK": fine,
                "CF_JDRQ": decided.isoformat(),
                "CF_YXQ": (decided + timedelta(days=365)).isoformat(),
                "CF_CFJG": "云南省生态环境厅",
                "CF_CFJGDM": ENVIRONMENT_UNIT_USCC,
                "CF_SJLY": "云南省生态环境厅",
                "CF_SJLYDM": ENVIRONMENT_UNIT_USCC,
            }
