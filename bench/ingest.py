"""Ingestion benchmark: a generated penalty file through the real import pipeline.

`python -m bench --only ingest [--rows N] [--db sqlite|postgres|both]`

1. A fresh SQLite var directory gets `xinyong keys init`, `migrate` and `policy load
   policies/yunnan-2019`; a child process with Django then streams N penalty rows (the
   2019 national format, Chinese or CF_* headers) into a CSV file: subjects from
   `generate_subjects` (about 8 % persons with ID numbers), about 0.3 subjects per row so
   that a subject has several penalties, decision dates 2021 up to yesterday, document
   numbers like 昆市监罚〔2024〕1234号 unique per row, about 1 % bad rows (masked USCC,
   decision date in the future) so rejection is exercised.
2. For each database, in a fresh state (SQLite: that var directory; PostgreSQL: a
   throwaway cluster with its own var directory, set up the same way):
   - the raw reference: the same CSV read with the csv module and loaded into a plain
     table of TEXT columns (SQLite: `executemany` in one transaction with the app's
     pragmas, WAL and synchronous=NORMAL; PostgreSQL: `COPY … FROM STDIN`). The timing
     covers CSV parsing and loading, not connecting or creating the table;
   - `import_file` in a child process (`python -m bench.ingest import`): full
     validation, subjects, natural-key matching and hash-chained versions. The timing
     covers the `import_file` call (storing the file, reading, validating, writing),
     not starting Python and Django; the child's peak RSS is its own `ru_maxrss`;
   - the same file imported a second time: every row unchanged (or rejected again).
3. A table and var/bench/ingest.json (under XINYONG_VAR_DIR when set).

Progress goes to stderr. `--profile` runs the first import under cProfile and prints
where the time goes per row (µs); `--keep` keeps the temporary directory.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench.common import format_table

ROOT = Path(__file__).resolve().parent.parent
POLICY_DIR = ROOT / "policies" / "yunnan-2019"
RECORD_TYPE = "penalty"
# A government unit that may report penalties: the market regulator of the 2019 pack.
UNIT = "YN-GSJ"
DEFAULT_ROWS = 1_000_000
SUBJECTS_PER_ROW = 0.3
BAD_SHARE = 0.01
FIRST_DECISION = date(2021, 1, 1)
PROGRESS_SECONDS = 10.0
RAW_TABLE = "bench_raw"


def log(message: str) -> None:
    # UTC: Django sets TZ in the child processes, and their lines interleave with ours.
    sys.stderr.write(f"[bench {time.strftime('%H:%M:%S', time.gmtime())}Z] {message}\n")
    sys.stderr.flush()


# --- the catalogue -----------------------------------------------------------------------


def penalty_fields() -> list[dict[str, Any]]:
    """The penalty fields of the policy pack, in catalogue order."""
    import yaml

    catalogue = yaml.safe_load((POLICY_DIR / "catalogue.yaml").read_text(encoding="utf-8"))
    for record_type in catalogue["record_types"]:
        if record_type["code"] == RECORD_TYPE:
            return list(record_type["fields"])
    raise SystemExit(f"no record type {RECORD_TYPE!r} in {POLICY_DIR / 'catalogue.yaml'}")


# --- generating the file (child process, Django set up) --------------------------------

KIND_LABELS = {
    "organisation": "法人及非法人组织",
    "individual_business": "个体工商户",
    "person": "自然人",
}


@dataclass(frozen=True)
class Agency:
    name: str
    prefix: str  # of its document numbers: 昆市监罚〔2024〕12号
    uscc: str


@dataclass(frozen=True)
class Violation:
    kind: str  # 违法行为类型
    facts: str  # 违法事实, with {goods} and {place}
    violated: str  # the provision broken
    basis: str  # 处罚依据
    penalties: tuple[tuple[tuple[str, ...], int], ...]  # (处罚类别, weight)
    fine: tuple[int, int]  # yuan, lowest and highest
    persons: bool = False  # also seen against natural persons


VIOLATIONS = (
    Violation(
        "销售不符合食品安全标准的食品",
        "在其经营场所销售{goods}，经抽样检验，该批次产品{item}项目不符合食品安全国家标准，"
        "货值金额{value}元",
        "《中华人民共和国食品安全法》第三十四条第（二）项",
        "《中华人民共和国食品安全法》第一百二十四条第一款第（一）项",
        (
            (("罚款", "没收违法所得"), 6),
            (("罚款",), 3),
            (("没收违法所得", "没收非法财物", "罚款"), 1),
        ),
        (5_000, 150_000),
        persons=True,
    ),
    Violation(
        "未取得食品经营许可从事食品经营活动",
        "未取得食品经营许可证，在{place}从事{goods}经营活动，违法所得{value}元",
        "《中华人民共和国食品安全法》第三十五条第一款",
        "《中华人民共和国食品安全法》第一百二十二条第一款",
        ((("没收违法所得", "罚款"), 7), (("罚款",), 3)),
        (5_000, 50_000),
        persons=True,
    ),
    Violation(
        "未按规定明码标价",
        "在{place}销售{goods}时未按规定明码标价",
        "《中华人民共和国价格法》第十三条第一款",
        "《明码标价和禁止价格欺诈规定》第二十一条、《中华人民共和国价格法》第四十二条",
        ((("警告",), 5), (("罚款",), 4), (("警告", "罚款"), 1)),
        (500, 5_000),
        persons=True,
    ),
    Violation(
        "发布虚假广告",
        "通过微信公众号及{place}的宣传海报发布含有虚假内容的{goods}广告，广告费用{value}元",
        "《中华人民共和国广告法》第四条第一款、第二十八条",
        "《中华人民共和国广告法》第五十五条第一款",
        ((("罚款",), 8), (("罚款", "通报批评"), 1)),
        (20_000, 300_000),
    ),
    Violation(
        "销售不合格产品",
        "销售的{goods}经监督抽查判定为不合格产品，货值金额{value}元",
        "《中华人民共和国产品质量法》第三十九条",
        "《中华人民共和国产品质量法》第五十条",
        (
            (("没收非法财物", "罚款"), 5),
            (("没收违法所得", "没收非法财物", "罚款"), 3),
            (("罚款",), 2),
        ),
        (3_000, 200_000),
    ),
    Violation(
        "侵犯注册商标专用权",
        "在{place}销售侵犯他人注册商标专用权的{goods}，非法经营额{value}元",
        "《中华人民共和国商标法》第五十七条第（三）项",
        "《中华人民共和国商标法》第六十条第二款",
        ((("没收非法财物", "罚款"), 9), (("没收非法财物",), 1)),
        (2_000, 100_000),
        persons=True,
    ),
    Violation(
        "使用未经定期检验的特种设备",
        "在{place}使用的电梯、锅炉等特种设备超过检验有效期未申报定期检验",
        "《中华人民共和国特种设备安全法》第四十条第三款",
        "《中华人民共和国特种设备安全法》第八十四条第（一）项",
        ((("罚款",), 7), (("责令停产停业", "罚款"), 3)),
        (30_000, 300_000),
    ),
    Violation(
        "使用未经检定的计量器具",
        "在{place}使用未按照规定申请检定的电子计价秤进行贸易结算",
        "《中华人民共和国计量法》第九条第一款",
        "《中华人民共和国计量法实施细则》第四十三条",
        ((("罚款",), 6), (("没收非法财物", "罚款"), 4)),
        (500, 10_000),
        persons=True,
    ),
    Violation(
        "虚假宣传",
        "在其网店页面对{goods}的功能、质量作虚假的商业宣传，欺骗、误导消费者",
        "《中华人民共和国反不正当竞争法》第八条第一款",
        "《中华人民共和国反不正当竞争法》第二十条第一款",
        ((("罚款",), 9), (("罚款", "吊销许可证件"), 1)),
        (100_000, 1_000_000),
    ),
    Violation(
        "经营超过保质期的食品",
        "在{place}的货架上陈列销售超过保质期的{goods}共{count}件",
        "《中华人民共和国食品安全法》第三十四条第（十）项",
        "《中华人民共和国食品安全法》第一百二十四条第一款第（五）项",
        (
            (("没收违法所得", "没收非法财物", "罚款"), 5),
            (("警告",), 2),
            (("罚款", "暂扣许可证件"), 1),
        ),
        (5_000, 50_000),
        persons=True,
    ),
    Violation(
        "销售劣药",
        "销售的{goods}经检验含量测定项不符合规定，为劣药，货值金额{value}元",
        "《中华人民共和国药品管理法》第九十八条第一款",
        "《中华人民共和国药品管理法》第一百一十七条第一款",
        (
            (("没收违法所得", "没收非法财物", "罚款"), 8),
            (("罚款", "吊销许可证件"), 1),
            (("罚款", "限制从业"), 1),
        ),
        (100_000, 500_000),
    ),
    Violation(
        "未经许可从事经营活动",
        "未依法取得营业执照，擅自在{place}从事{goods}经营活动",
        "《无证无照经营查处办法》第二条",
        "《无证无照经营查处办法》第十三条、《中华人民共和国市场主体登记管理条例》第四十三条",
        ((("罚款",), 5), (("责令关闭", "罚款"), 2), (("警告",), 2), (("其他",), 1)),
        (1_000, 10_000),
        persons=True,
    ),
)


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


GOODS = _words(
    "散装白酒 鲜花饼 普洱茶 小粒咖啡 过桥米线 宣威火腿 腊肉 食用菌 菌子干货 蜂蜜 核桃乳 "
    "米线 饵块 酸角糕 牛干巴 辣椒面 食用植物油 瓶装饮用水 乳制品 冷冻水饮 婴幼儿配方乳粉 "
    "保健食品 三七粉 天麻 玛咖 电线电缆 电动自行车 儿童玩具 化妆品 运动鞋 箱包 手机配件"
)
PLACES = _words("经营场所 店铺 门市 仓库 农贸市场摊位 商场专柜 超市 加工车间 网络店铺 景区商铺")
TEST_ITEMS = _words("大肠菌群 菌落总数 酸价 过氧化值 铅 甲醇 二氧化硫残留量 霉菌 苯甲酸及其钠盐")
LICENCES = ("食品经营许可证", "药品经营许可证", "食品生产许可证", "工业产品生产许可证")
REMARKS = ("当事人已履行", "已缴纳罚款", "已责令改正", "分期缴纳罚款")


def _agencies(regions: Sequence[Any]) -> tuple[Agency, dict[str, Agency], dict[str, Agency]]:
    """The provincial regulator, one per prefecture and one per county (by region code)."""
    from xinyong.subjects.demo import make_uscc

    points = iter(range(10_000_001, 10**8, 7_919))  # any bodies: these are no subjects
    province = Agency("云南省市场监督管理局", "云市监", make_uscc("11", "530000", next(points)))
    prefectures: dict[str, Agency] = {}
    counties: dict[str, Agency] = {}
    for region in regions:
        if region.prefecture_code not in prefectures:
            prefectures[region.prefecture_code] = Agency(
                f"{region.prefecture_name}市场监督管理局",
                f"{region.prefecture_short_name[0]}市监",
                make_uscc("11", region.prefecture_code, next(points)),
            )
        name = region.name
        if region.prefecture_code != region.code and name.endswith("区"):
            name = region.prefecture_name + name  # 昆明市五华区市场监督管理局
        counties[region.code] = Agency(
            f"{name}市场监督管理局",
            f"{region.short_name}{region.name[-1] if region.name[-1] in '县区市' else ''}市监",
            make_uscc("11", region.code, next(points)),
        )
    return province, prefectures, counties


def _date_text(day: date, roll: float) -> str:
    """Mostly ISO, sometimes the other forms departments send."""
    if roll < 0.80:
        return day.isoformat()
    if roll < 0.90:
        return f"{day.year}/{day.month}/{day.day}"
    if roll < 0.95:
        return f"{day:%Y%m%d}"
    return f"{day.year}-{day.month}-{day.day} 0:00:00"


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _wan(yuan: int, roll: float) -> str:
    """An amount in 万元 as departments write it: 0.5, 12, sometimes 0.50 or 0.5万元."""
    text = f"{yuan / 10_000:.4f}".rstrip("0").rstrip(".")
    if roll < 0.05:
        return text + "万元"
    if roll < 0.10 and "." in text:
        return text + "0"
    return text


class PenaltyFile:
    """Writes N penalty rows; every draw comes from one seeded Random."""

    def __init__(self, rows: int, seed: int, regions: Sequence[Any], today: date) -> None:
        from xinyong.subjects.demo import generate_subjects

        self.rows = rows
        self.rng = random.Random(seed)
        self.last_day = today - timedelta(days=1)
        self.today = today
        self.span = (self.last_day - FIRST_DECISION).days + 1
        self.province, self.prefectures, self.counties = _agencies(regions)
        self.prefecture_of = {region.code: region.prefecture_code for region in regions}
        count = max(1, round(rows * SUBJECTS_PER_ROW))
        started = time.perf_counter()
        # (kind label, name, USCC, ID number, region, legal representative): a few
        # hundred bytes each, for the generator only (the import never sees this list).
        self.subjects = [
            (
                KIND_LABELS[s.kind],
                s.name,
                s.uscc or "",
                s.id_number or "",
                s.region_code,
                s.legal_representative,
            )
            for s in generate_subjects(count, seed, regions)
        ]
        log(f"generated {count:,} subjects in {time.perf_counter() - started:.1f} s")
        self.persons_violations = [v for v in VIOLATIONS if v.persons]
        self.sequence: Counter[tuple[str, int]] = Counter()
        self.counts: Counter[str] = Counter()

    def _agency(self, region: str) -> Agency:
        roll = self.rng.random()
        if roll < 0.05:
            return self.province
        county = self.counties.get(region)
        prefecture = self.prefectures.get(self.prefecture_of.get(region, ""))
        if roll < 0.40 or county is None:
            return prefecture or self.province
        return county

    def _document_number(self, agency: Agency, year: int) -> str:
        key = (agency.prefix, year)
        self.sequence[key] += 1
        number = self.sequence[key]
        if self.rng.random() < 0.1:
            return f"{agency.prefix}罚字〔{year}〕第{number}号"
        return f"{agency.prefix}罚〔{year}〕{number}号"

    def row(self) -> dict[str, str]:
        rng = self.rng
        kind, name, uscc, id_number, region, representative = self.subjects[
            rng.randrange(len(self.subjects))
        ]
        person = kind == "自然人"
        violation = rng.choice(self.persons_violations if person else VIOLATIONS)
        decided = FIRST_DECISION + timedelta(days=rng.randrange(self.span))
        bad = ""
        if rng.random() < BAD_SHARE:
            bad = "masked_uscc" if uscc and rng.random() < 0.5 else "future_date"
            if bad == "future_date":
                decided = self.today + timedelta(days=rng.randint(5, 90))
        self.counts[bad or "good"] += 1
        agency = self._agency(region)
        source = agency if rng.random() < 0.6 else self.province
        options, weights = zip(*violation.penalties, strict=True)
        categories = rng.choices(options, weights=weights)[0]
        cells = {
            "CF_XDR_MC": name,
            "CF_XDR_LB": kind,
            "CF_XDR_SHXYM": uscc[:6] + "******" + uscc[12:] if bad == "masked_uscc" else uscc,
            "CF_WSH": self._document_number(agency, decided.year),
            "CF_WFXW": violation.kind,
            "CF_YJ": violation.basis,
            "CF_CFLB": "、".join(categories),
            "CF_JDRQ": _date_text(decided, rng.random()),
            "CF_CFJG": agency.name,
            "CF_CFJGDM": agency.uscc,
            "CF_SJLY": source.name,
            "CF_SJLYDM": source.uscc,
        }
        if person:
            cells["CF_XDR_ZJLX"] = "身份证"
            cells["CF_XDR_ZJHM"] = id_number
        else:
            cells["CF_FRDB"] = representative
            if kind == "法人及非法人组织" and rng.random() < 0.3:
                cells["CF_XDR_ZZJG"] = uscc[8:17]
        cells.update(self._content(violation, categories, decided))
        # 处罚有效期 is required and cannot be a placeholder: one or three years, or the
        # "indefinite" 2099-12-31 some departments use.
        roll = rng.random()
        valid_to = date(2099, 12, 31) if roll < 0.1 else _years_later(decided, 1 + 2 * (roll > 0.5))
        cells["CF_YXQ"] = _date_text(valid_to, rng.random())
        if rng.random() < 0.7:
            cells["CF_GSJZQ"] = _years_later(decided, 3 if roll > 0.5 else 1).isoformat()
        if rng.random() < 0.05:
            cells["BZ"] = rng.choice(REMARKS)
        return cells

    def _content(
        self, violation: Violation, categories: tuple[str, ...], decided: date
    ) -> dict[str, str]:
        rng = self.rng
        found = decided - timedelta(days=rng.randint(15, 120))
        value = rng.randrange(200, 80_000, 10)
        facts = violation.facts.format(
            goods=rng.choice(GOODS),
            place=rng.choice(PLACES),
            item=rng.choice(TEST_ITEMS),
            value=f"{value:,}",
            count=rng.randint(3, 120),
        )
        cells = {
            "CF_SY": f"经查，当事人于{found.year}年{found.month}月{found.day}日{facts}。"
            f"当事人的上述行为违反了{violation.violated}的规定。",
        }
        parts = []
        for category in categories:
            if category == "罚款":
                low, high = violation.fine
                yuan = rng.randrange(low, high + 1, 100)
                cells["CF_NR_FK"] = _wan(yuan, rng.random())
                parts.append(f"罚款人民币{yuan:,}元")
            elif category == "没收违法所得":
                cells["CF_NR_WFFF"] = _wan(value, rng.random())
                parts.append(f"没收违法所得人民币{value:,}元")
            elif category == "没收非法财物":
                parts.append(f"没收{rng.choice(GOODS)}{rng.randint(2, 300)}件")
            elif category in ("吊销许可证件", "暂扣许可证件"):
                licence = f"{rng.choice(LICENCES)}（JY{rng.randrange(10**13, 10**14)}）"
                cells["CF_NR_ZKDX"] = licence
                parts.append(f"{category[:2]}{licence}")
            elif category == "责令停产停业":
                parts.append(f"责令停产停业{rng.choice((7, 15, 30))}日")
            else:
                parts.append(category)
        if len(parts) == 1:
            cells["CF_NR"] = parts[0]
        else:
            cells["CF_NR"] = "；".join(f"{i}.{part}" for i, part in enumerate(parts, start=1))
        return cells


def generate(path: Path, rows: int, seed: int, headers: str) -> dict[str, Any]:
    """Write the CSV (Django must be set up: the regions come from the database)."""
    from xinyong.subjects.demo import load_regions

    fields = penalty_fields()
    codes = [spec["code"] for spec in fields]
    header = codes if headers == "code" else [spec.get("name") or spec["code"] for spec in fields]
    regions = load_regions()
    if not regions:
        raise SystemExit("no regions in the database: was the policy pack loaded?")
    maker = PenaltyFile(rows, seed, regions, date.today())
    started = last = time.perf_counter()
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for done in range(1, rows + 1):
            cells = maker.row()
            writer.writerow([cells.get(code, "") for code in codes])
            now = time.perf_counter()
            if now - last >= PROGRESS_SECONDS:
                last = now
                log(f"generate: {done:,} rows, {done / (now - started):,.0f} rows/s")
    return {
        "rows": rows,
        "subjects": len(maker.subjects),
        "persons": sum(1 for s in maker.subjects if s[0] == "自然人"),
        "bad_rows": {k: v for k, v in maker.counts.items() if k != "good"},
        "bytes": path.stat().st_size,
        "seconds": round(time.perf_counter() - started, 2),
    }


# --- the import (child process, Django set up) -------------------------------------------


def _progress(label: str) -> Callable[[int], None]:
    started = last = time.perf_counter()

    def show(done: int) -> None:
        nonlocal last
        now = time.perf_counter()
        if now - last >= PROGRESS_SECONDS:
            last = now
            log(
                f"{label}: {done:,} rows, {done / (now - started):,.0f} rows/s, "
                f"RSS peak {_peak_rss_mb():,.0f} MB"
            )

    return show


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def run_import(path: Path, label: str, profile: Path | None) -> dict[str, Any]:
    from django.db import connection

    from xinyong.core.audit import Actor
    from xinyong.records.imports import find_record_type, import_file
    from xinyong.records.models import CreditRecord, RecordVersion
    from xinyong.subjects.models import Subject
    from xinyong.subjects.services import find_unit

    record_type = find_record_type(RECORD_TYPE)
    unit = find_unit(UNIT)
    profiler = None
    if profile is not None:
        import cProfile

        profiler = cProfile.Profile()
    started = time.perf_counter()
    if profiler is not None:
        profiler.enable()
    result = import_file(path, record_type, unit, Actor("cli:bench"), progress=_progress(label))
    if profiler is not None:
        profiler.disable()
    seconds = time.perf_counter() - started
    total = result.accepted + result.updated + result.unchanged + result.rejected
    outcome = {
        "seconds": round(seconds, 3),
        "rows": total,
        "rows_per_s": round(total / seconds, 1),
        "peak_rss_mb": round(_peak_rss_mb(), 1),
        "accepted": result.accepted,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "rejected": result.rejected,
        "errors": dict(Counter(error.code for error in result.errors).most_common()),
        "database": {
            "vendor": connection.vendor,
            "subjects": Subject.objects.count(),
            "records": CreditRecord.objects.count(),
            "versions": RecordVersion.objects.count(),
        },
    }
    if profiler is not None and profile is not None:
        profiler.dump_stats(profile)
        outcome["profile"] = str(profile)
        outcome["profile_top"] = profile_summary(profile, total)
    return outcome


def profile_summary(path: Path, rows: int, limit: int = 30) -> list[dict[str, Any]]:
    """The functions with the most own time, in µs per imported row."""
    import pstats

    stats = pstats.Stats(str(path))
    entries = []
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    for (filename, line, name), (_cc, calls, own, cumulative, _callers) in raw.items():
        where = filename.replace(str(ROOT / "src") + "/", "")
        where = where.split("site-packages/")[-1]
        entries.append(
            {
                "function": f"{where}:{line}({name})",
                "calls": calls,
                "own_us_per_row": own * 1e6 / max(rows, 1),
                "cum_us_per_row": cumulative * 1e6 / max(rows, 1),
            }
        )
    entries.sort(key=lambda e: e["own_us_per_row"], reverse=True)
    return [
        {
            **e,
            "own_us_per_row": round(e["own_us_per_row"], 2),
            "cum_us_per_row": round(e["cum_us_per_row"], 2),
        }
        for e in entries[:limit]
    ]


# --- the raw references (this process) ------------------------------------------------


def _csv_rows(path: Path) -> tuple[list[str], Iterator[list[str]], Any]:
    handle = path.open(encoding="utf-8", newline="")
    reader = csv.reader(handle)
    return next(reader), reader, handle


def _raw_columns(width: int) -> list[str]:
    return [f"c{i}" for i in range(width)]


def raw_sqlite(csv_path: Path, database: Path) -> dict[str, Any]:
    connection = sqlite3.connect(database, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        header, reader, handle = _csv_rows(csv_path)
        columns = _raw_columns(len(header))
        connection.execute(f"CREATE TABLE {RAW_TABLE} ({', '.join(c + ' TEXT' for c in columns)})")
        placeholders = ", ".join("?" * len(columns))
        started = time.perf_counter()
        with handle:
            connection.execute("BEGIN")
            connection.executemany(f"INSERT INTO {RAW_TABLE} VALUES ({placeholders})", reader)
            connection.execute("COMMIT")
        seconds = time.perf_counter() - started
        (rows,) = connection.execute(f"SELECT count(*) FROM {RAW_TABLE}").fetchone()
    finally:
        connection.close()
    return {"seconds": round(seconds, 3), "rows": rows, "rows_per_s": round(rows / seconds, 1)}


def raw_postgres(csv_path: Path, conninfo: str) -> dict[str, Any]:
    import psycopg

    with psycopg.connect(conninfo) as connection:
        header, reader, handle = _csv_rows(csv_path)
        columns = _raw_columns(len(header))
        connection.execute(f"DROP TABLE IF EXISTS {RAW_TABLE}")
        connection.execute(f"CREATE TABLE {RAW_TABLE} ({', '.join(c + ' text' for c in columns)})")
        connection.commit()
        started = time.perf_counter()
        with handle, connection.cursor() as cursor:
            with cursor.copy(f"COPY {RAW_TABLE} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in reader:
                    copy.write_row(row)
            connection.commit()
        seconds = time.perf_counter() - started
        row = connection.execute(f"SELECT count(*) FROM {RAW_TABLE}").fetchone()
        rows = row[0] if row else 0
        connection.execute(f"DROP TABLE {RAW_TABLE}")
        connection.commit()
    return {"seconds": round(seconds, 3), "rows": rows, "rows_per_s": round(rows / seconds, 1)}


# --- orchestration ---------------------------------------------------------------------


def _child_env(var_dir: Path, database_url: str | None, settings: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("XINYONG_", "DJANGO_", "PYTHONPATH"))
    }
    env["XINYONG_VAR_DIR"] = str(var_dir)
    env["DJANGO_SETTINGS_MODULE"] = settings
    # The bench package first; then whatever was set, for an experimental settings module.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    if database_url:
        env["XINYONG_DATABASE_URL"] = database_url
    return env


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    started = time.perf_counter()
    completed = subprocess.run(
        command,
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        sys.stderr.write(completed.stdout)
        raise SystemExit(f"{what} failed with exit status {completed.returncode}")
    log(f"{what}: {time.perf_counter() - started:.1f} s")


def _xinyong(*args: str) -> list[str]:
    return [sys.executable, "-m", "xinyong.cli", *args]


def set_up(env: dict[str, str], label: str) -> None:
    _run(_xinyong("keys", "init"), env, f"{label}: keys init")
    # --skip-checks: the system checks import every URL module, which says nothing
    # about ingestion; the import itself imports only what it uses.
    _run(_xinyong("migrate", "--no-input", "-v", "0", "--skip-checks"), env, f"{label}: migrate")
    _run(_xinyong("policy", "--skip-checks", "load", str(POLICY_DIR)), env, f"{label}: policy load")


@contextmanager
def database_env(work: Path, database: str, settings: str) -> Iterator[dict[str, str]]:
    """The environment of a child process with a fresh, set-up database."""
    if database == "sqlite":
        env = _child_env(work / "sqlite-var", None, settings)
        set_up(env, "sqlite")
        yield env
        return
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import psycopg
    from tests.plugins.pgcluster import PostgresCluster

    log("postgres: starting a throwaway cluster")
    cluster = PostgresCluster().start()
    try:
        conninfo = f"host={cluster.root} user=postgres dbname=postgres"
        with psycopg.connect(conninfo, autocommit=True) as connection:
            connection.execute("CREATE DATABASE xinyong")
        env = _child_env(work / "postgres-var", cluster.url, settings)
        set_up(env, "postgres")
        yield env
    finally:
        cluster.stop()


def _child(env: dict[str, str], what: str, *args: str) -> dict[str, Any]:
    """Run `python -m bench.ingest ARGS --result FILE` and return the JSON it wrote."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        result = Path(handle.name)
    try:
        started = time.perf_counter()
        completed = subprocess.run(
            [sys.executable, "-m", "bench.ingest", *args, "--result", str(result)],
            env=env,
            cwd=ROOT,
            check=False,
        )
        wall = time.perf_counter() - started
        if completed.returncode != 0:
            raise SystemExit(f"{what} failed with exit status {completed.returncode}")
        outcome: dict[str, Any] = json.loads(result.read_text(encoding="utf-8"))
        outcome["process_seconds"] = round(wall, 3)
        return outcome
    finally:
        result.unlink(missing_ok=True)


def _import_twice(
    env: dict[str, str], csv_path: Path, label: str, profile: Path | None
) -> tuple[dict[str, Any], dict[str, Any]]:
    log(f"{label}: import")
    extra = ["--profile", str(profile)] if profile is not None else []
    first = _child(
        env, f"{label} import", "import", str(csv_path), "--label", f"{label} import", *extra
    )
    log(f"{label}: import {first['rows_per_s']:,.0f} rows/s, peak RSS {first['peak_rss_mb']} MB")
    log(f"{label}: re-import of the same file")
    second = _child(
        env, f"{label} re-import", "import", str(csv_path), "--label", f"{label} re-import"
    )
    log(f"{label}: re-import {second['rows_per_s']:,.0f} rows/s")
    return first, second


def _result(
    database: str, rows: int, raw: dict[str, Any], first: dict[str, Any], second: dict[str, Any]
) -> dict[str, Any]:
    return {
        "database": database,
        "rows": rows,
        "raw": raw,
        "import": first,
        "reimport": second,
        "ratio": round(first["rows_per_s"] / raw["rows_per_s"], 3),
        "peak_rss_mb": max(first["peak_rss_mb"], second["peak_rss_mb"]),
    }


def bench_sqlite(
    work: Path, env: dict[str, str], csv_path: Path, rows: int, profile: Path | None
) -> dict[str, Any]:
    log("sqlite: raw executemany")
    raw = raw_sqlite(csv_path, work / "raw.sqlite3")
    log(f"sqlite: raw {raw['rows_per_s']:,.0f} rows/s")
    (work / "raw.sqlite3").unlink(missing_ok=True)
    first, second = _import_twice(env, csv_path, "sqlite", profile)
    return _result("sqlite", rows, raw, first, second)


def bench_postgres(
    work: Path, csv_path: Path, rows: int, profile: Path | None, settings: str
) -> dict[str, Any]:
    with database_env(work, "postgres", settings) as env:
        log("postgres: raw COPY")
        # The cluster's URL names the database the platform uses: a libpq URI.
        raw = raw_postgres(csv_path, env["XINYONG_DATABASE_URL"])
        log(f"postgres: raw {raw['rows_per_s']:,.0f} rows/s")
        first, second = _import_twice(env, csv_path, "postgres", profile)
        return _result("postgres", rows, raw, first, second)


def table(results: list[dict[str, Any]]) -> str:
    header = (
        "database",
        "rows",
        "raw rows/s",
        "import rows/s",
        "ratio",
        "peak RSS MB",
        "re-import rows/s",
        "accepted",
        "updated",
        "unchanged",
        "rejected",
    )
    lines = [header]
    for r in results:
        first, second = r["import"], r["reimport"]
        lines.append(
            (
                r["database"],
                f"{r['rows']:,}",
                f"{r['raw']['rows_per_s']:,.0f}",
                f"{first['rows_per_s']:,.0f}",
                f"{r['ratio']:.2f}",
                f"{r['peak_rss_mb']:,.0f}",
                f"{second['rows_per_s']:,.0f}",
                f"{first['accepted']:,}",
                f"{first['updated']:,}",
                f"{first['unchanged']:,}",
                f"{first['rejected']:,}",
            )
        )
        lines.append(
            (
                "  re-import",
                "",
                "",
                "",
                "",
                f"{second['peak_rss_mb']:,.0f}",
                "",
                f"{second['accepted']:,}",
                f"{second['updated']:,}",
                f"{second['unchanged']:,}",
                f"{second['rejected']:,}",
            )
        )
    return format_table(lines)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--rows",
        type=int,
        default=DEFAULT_ROWS,
        help=f"penalty rows to generate and import (default {DEFAULT_ROWS:,})",
    )
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--seed", type=int, default=2019)
    parser.add_argument(
        "--headers",
        choices=("zh", "code"),
        default="zh",
        help="Chinese field names (default) or CF_* codes as column headers",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="profile the first import of each database with cProfile",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument(
        "--settings",
        default="xinyong.settings",
        help="Django settings module of the child processes, to try a change of settings: "
        "a module on PYTHONPATH that imports xinyong.settings and overrides one thing",
    )


def main(args: argparse.Namespace) -> int:
    if args.rows < 1:
        raise SystemExit("--rows must be at least 1")
    out_dir = Path(os.environ.get("XINYONG_VAR_DIR") or ROOT / "var") / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="xinyong-bench-"))
    databases = ("sqlite", "postgres") if args.db == "both" else (args.db,)
    log(f"ingest: {args.rows:,} rows on {', '.join(databases)}; work directory {work}")
    results: list[dict[str, Any]] = []
    try:
        sqlite_env = _child_env(work / "sqlite-var", None, args.settings)
        set_up(sqlite_env, "sqlite")
        csv_path = work / "penalties.csv"
        log(f"generating {args.rows:,} penalty rows")
        generated = _child(
            sqlite_env,
            "generate",
            "generate",
            str(csv_path),
            "--rows",
            str(args.rows),
            "--seed",
            str(args.seed),
            "--headers",
            args.headers,
        )
        log(
            f"generated {csv_path.stat().st_size / 1e6:,.0f} MB in {generated['seconds']} s; "
            f"bad rows {generated['bad_rows']}"
        )
        for database in databases:
            profile = out_dir / f"ingest-{database}.prof" if args.profile else None
            if database == "sqlite":
                results.append(bench_sqlite(work, sqlite_env, csv_path, args.rows, profile))
            else:
                results.append(bench_postgres(work, csv_path, args.rows, profile, args.settings))
    finally:
        if args.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    report = {
        "benchmark": "ingest",
        "at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "rows": args.rows,
        "seed": args.seed,
        "headers": args.headers,
        "python": sys.version.split()[0],
        "settings": args.settings,
        "file": generated,
        "results": results,
    }
    target = out_dir / "ingest.json"
    target.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(
        f"\ningest: {args.rows:,} penalty rows ({generated['bytes'] / 1e6:,.0f} MB CSV); "
        "raw = csv module + executemany (SQLite) / COPY (PostgreSQL); import = import_file "
        "with validation and versioning; ratio = import / raw"
    )
    print(table(results))
    for result in results:
        for run in ("import", "reimport"):
            top = result[run].get("profile_top")
            if top:
                print(f"\nprofile of the {result['database']} {run}: own time per row (µs)")
                for entry in top:
                    print(
                        f"{entry['own_us_per_row']:9.2f} {entry['cum_us_per_row']:9.2f} "
                        f"{entry['calls']:>10,}  {entry['function']}"
                    )
    print(f"\nresults: {target}")
    return 0


# --- child entry points ------------------------------------------------------------------


def _child_main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ingest")
    sub = parser.add_subparsers(dest="action", required=True)
    gen = sub.add_parser("generate", help="write the penalty CSV")
    gen.add_argument("path", type=Path)
    gen.add_argument("--rows", type=int, required=True)
    gen.add_argument("--seed", type=int, default=2019)
    gen.add_argument("--headers", choices=("zh", "code"), default="zh")
    imp = sub.add_parser("import", help="import the CSV with import_file")
    imp.add_argument("path", type=Path)
    imp.add_argument("--label", default="import")
    imp.add_argument("--profile", type=Path)
    for sub_parser in (gen, imp):
        sub_parser.add_argument("--result", type=Path, required=True)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinyong.settings")
    import django

    django.setup()
    if args.action == "generate":
        outcome = generate(args.path, args.rows, args.seed, args.headers)
    else:
        outcome = run_import(args.path, args.label, args.profile)
    args.result.write_text(json.dumps(outcome, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(_child_main())
