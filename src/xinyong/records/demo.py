"""Generated penalty rows in the 2019 national format, as departments send them.

Used by `xinyong demo-records` (the demo's penalties) and by `bench.ingest` (1,000,000
rows). Subjects come from `xinyong.subjects.demo.generate_subjects` with the same seed, so
the penalties belong to the first of the demo subjects; about 0.3 subjects per row so a
subject has several penalties; decision dates from 2021 up to yesterday; document numbers
like 昆市监罚〔2024〕1234号 unique per row; a share of bad rows (masked USCC, a decision
date in the future) so rejection and quarantine are exercised. Every draw comes from one
seeded Random: the same seed writes the same file.
"""

from __future__ import annotations

import csv
import random
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

RECORD_TYPE = "penalty"
SUBJECTS_PER_ROW = 0.3
BAD_SHARE = 0.01
FIRST_DECISION = date(2021, 1, 1)
PROGRESS_SECONDS = 10.0


def _stderr(message: str) -> None:
    sys.stderr.write(message + "\n")


# --- the catalogue -----------------------------------------------------------------------


def penalty_fields() -> list[dict[str, Any]]:
    """The penalty fields of the loaded policy pack, in catalogue order."""
    from xinyong.records.models import RecordType

    return list(RecordType.objects.get(code=RECORD_TYPE).fields)


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

    def __init__(
        self,
        rows: int,
        seed: int,
        regions: Sequence[Any],
        today: date,
        bad_share: float = BAD_SHARE,
        log: Callable[[str], None] = _stderr,
    ) -> None:
        from xinyong.subjects.demo import generate_subjects

        self.bad_share = bad_share
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
        if rng.random() < self.bad_share:
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


def generate(
    path: Path,
    rows: int,
    seed: int,
    headers: str = "name",
    bad_share: float = BAD_SHARE,
    log: Callable[[str], None] = _stderr,
) -> dict[str, Any]:
    """Write the CSV (Django must be set up: the regions come from the database)."""
    from xinyong.subjects.demo import load_regions

    fields = penalty_fields()
    codes = [spec["code"] for spec in fields]
    header = codes if headers == "code" else [spec.get("name") or spec["code"] for spec in fields]
    regions = load_regions()
    if not regions:
        raise SystemExit("no regions in the database: was the policy pack loaded?")
    maker = PenaltyFile(rows, seed, regions, date.today(), bad_share, log)
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
