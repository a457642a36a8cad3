"""The demo's ratings and assessments, for the tourism, tour-guide and taxi schemes.

Rows go through the import pipeline as departments would send them (`import_objects`):
tourists' star ratings and professional quality assessments of the demo's tourism and
hotel businesses, competence assessments and ratings of a dozen tour guides (persons
created by the import), and service assessments of the demo's transport companies.
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
from xinyong.subjects.identifiers import id_check_character
from xinyong.subjects.models import Subject
from xinyong.subjects.services import find_unit

TOURISM_UNIT = "YN-WLT"
TRANSPORT_UNIT = "YN-JTT"
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


def load_ratings(seed: int, actor: audit.Actor, today: date | None = None) -> dict[str, int]:
    """Import every demo rating and assessment; {record type: rows accepted}."""
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
                "YK_DX_MC": name,
                "YK_DX_LB": "自然人",
                "YK_DX_ZJHM": id_number,
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
            "DY_DX_MC": name,
            "DY_DX_LB": "自然人",
            "DY_DX_ZJHM": id_number,
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
