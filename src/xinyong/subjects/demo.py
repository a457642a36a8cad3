"""Realistic, deterministic demo subjects for Yunnan (`xinyong demo-data`).

`generate_subjects()` yields rows lazily and touches no database; `insert_subjects()`
streams them into the Subject table in batches. Memory stays constant whatever the
count (a million rows for benchmarks), because nothing remembers the rows or the codes
already issued. Uniqueness comes from arithmetic instead:

1. Every code is drawn from a finite *space* of size M: USCC-bearing subjects share
   the space of 9-character organisation-code bodies (10⁸ all-digit bodies plus 31⁶
   bodies "MA" + six characters of the USCC alphabet); persons use the space of
   (ID region slot, birth day 1950–2010, sequence block) triples.
2. The n-th organisation (or person) gets the point `(n·a + b) mod M`, where the
   multiplier `a` is coprime to M and `a`, `b` depend on the seed. Multiplication by a
   unit modulo M is a bijection, so n ≠ m gives different points for all n, m < M:
   no two codes collide within a run, and a different seed gives different codes.
   M is about 9.9·10⁸ for bodies and 1.7·10⁹ for persons with Yunnan's 129 counties,
   far beyond the millions a benchmark needs; `Bijection` refuses n ≥ M.
3. A person's point is split into (slot, day, j) with mixed radix. A slot is one
   ID region code plus a block number; a county with weight w owns w slots, and block
   k with j gives the sequence number 1 + k·J + j (J = 999 // max weight), so counties
   are weighted by population and (code, birth date, sequence) stays injective.
   After the split, three hash-and-add steps shuffle the triple (each one invertible,
   see `_scramble`), so consecutive persons do not share a birthday pattern.

The same count and seed always give the same rows; running the insertion twice adds
nothing, because every code collides with itself and the batch ignores conflicts.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import islice

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from xinyong.core import pii
from xinyong.core.errors import InvalidInput
from xinyong.search.index import index_by_uscc
from xinyong.subjects.identifiers import (
    IdentifierError,
    check_id_number,
    id_check_character,
    org_code_check_character,
    uscc_check_character,
)
from xinyong.subjects.models import Region, Subject

ID_CONTEXT = "subject.id_number"
ORGANISATION = Subject.Kind.ORGANISATION.value
INDIVIDUAL_BUSINESS = Subject.Kind.INDIVIDUAL_BUSINESS.value
PERSON = Subject.Kind.PERSON.value

# Shares of the three kinds (the rest, ~80 %, are organisations).
PERSON_SHARE = 0.08
BUSINESS_SHARE = 0.12


def _words(text: str) -> tuple[str, ...]:
    """Word lists are written as space-separated text: denser and easier to review."""
    return tuple(text.split())


# --- the spaces ----------------------------------------------------------------------
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_NUMERIC_BODIES = 10**8
_MA_BODIES = len(USCC_ALPHABET) ** 6
USCC_SPACE = _NUMERIC_BODIES + _MA_BODIES
_BIRTH_FIRST = date(1950, 1, 1).toordinal()
# Persons born 2008–2010 are minors until 2026–2028; move this bound to keep minors later.
_BIRTH_LAST = date(2010, 12, 31)
_BIRTH_DAYS = _BIRTH_LAST.toordinal() - _BIRTH_FIRST + 1
_MAX_COUNTY_WEIGHT = 40
_SEQUENCE_BLOCK = 999 // _MAX_COUNTY_WEIGHT
_MASK64 = (1 << 64) - 1

# --- where subjects live ---------------------------------------------------------------
# 2020 census population in 10,000s, to weight prefectures (a demo, not policy).
_PREFECTURE_POPULATION = {
    "530100": 846,
    "530300": 577,
    "530400": 225,
    "530500": 243,
    "530600": 509,
    "530700": 125,
    "530800": 240,
    "530900": 226,
    "532300": 241,
    "532500": 448,
    "532600": 350,
    "532800": 130,
    "532900": 334,
    "533100": 132,
    "533300": 55,
    "533400": 39,
}
_DEFAULT_POPULATION = 240
# Firms crowd into the capital: 昆明 registers far more than its share of people.
_BUSINESS_BOOST = {"530100": 2.0}
# Counties renamed or upgraded since the 1990s; people keep the code of their ID card.
# Only codes still in use in 2010, so that every birth date of the range is plausible.
_OLD_CODES = {
    "530121": "530114",
    "530122": "530115",
    "530321": "530304",
    "530421": "530403",
    "530522": "530581",
    "530630": "530681",
    "532522": "532503",
    "532526": "532504",
    "532621": "532601",
    "533321": "533301",
    "533421": "533401",
}
_OLD_CODE_SHARE = 0.03
# Born elsewhere, living in Yunnan: 成都, 贵阳, 南宁, 重庆, 广州, 长沙, 杭州, 北京.
_ELSEWHERE_CODES = ("510107", "520102", "450103", "500103", "440106", "430104", "330106", "110105")
_ELSEWHERE_SHARE = 0.02
_ETHNIC_TWO = frozenset(_words("哈尼 纳西 拉祜 傈僳 布朗 景颇 独龙 普米 蒙古 阿昌 德昂 基诺"))

# --- names -------------------------------------------------------------------------------
_SURNAME_TIERS = (
    (8, "王 李 张 刘 陈 杨"),
    (5, "黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 高 林 罗 郑 梁"),
    (
        3,
        "谢 宋 唐 许 韩 冯 邓 曹 彭 曾 肖 田 董 袁 潘 于 蒋 蔡 余 杜 叶 程 苏 魏 吕 丁 任"
        " 沈 姚 卢 姜 崔 钟 谭 陆 汪 范 金 石 廖 贾 夏 韦 付 方 白 邹 孟 熊 秦 邱 江 尹"
        " 薛 闫 段 雷 侯 龙 史 陶 黎 贺 顾 毛 郝 龚 邵 万 钱 严 覃 武 戴 莫 孔 向 汤",
    ),
    (2, "普 和 木 刀 者 字 番 施 自 岩 浦 起 左 保 杞 沙 禄 奎 祁 寸"),
    (1, "欧阳 上官 司马 诸葛"),
)
_MALE = _words(
    "伟 强 磊 军 勇 杰 涛 斌 超 明 刚 平 辉 鹏 华 飞 鑫 波 宇 浩 凯 健 俊 帆 旭 宁 龙 林"
    " 阳 洋 东 文 峰 建 国 成 志 云 海 兵 亮 新 德 荣 永 昌 祥 福 生 贵 发 才 学 忠 顺"
    " 翔 博 睿 泽 晨 轩 然 哲 航 瑞 彬 毅 坤 昊 铭 锐"
)
_FEMALE = _words(
    "芳 娟 敏 静 丽 艳 秀 英 霞 燕 玲 桂 红 梅 兰 琴 萍 雪 婷 慧 莉 丹 颖 倩 琳 洁 晶"
    " 欣 怡 婕 悦 佳 雨 彤 妍 萱 琪 瑶 璐 薇 蕾 露 婧 茜 玉 珍 凤 翠 春 花 美 姗 娜"
    " 蓉 媛"
)
_LUCKY = _words(
    "鑫 瑞 恒 泰 盛 达 宏 远 昌 隆 兴 旺 福 祥 嘉 禾 华 源 丰 和 顺 通 利 鼎 金 诚 信"
    " 德 博 安 康 宁 新 创 众 联 腾 跃 辉 锦 天 润 泽 益 汇 合 晟 弘 骏 祺 昊 卓 誉 航"
    " 川 峰 豪 凯 乐 美"
)
_BRANDS = _words(
    "鑫瑞 恒泰 盛达 宏远 昌隆 兴旺 福祥 嘉禾 华源 丰和 顺通 金诚 德信 博安 康宁 新创"
    " 众联 腾跃 锦绣 天润 泽益 汇合 晟弘 骏祺 卓誉 祥瑞 永顺 宏图 鸿运 瑞丰 鼎盛 润泽"
    " 金桥 银河 星光 阳光 金穗 绿源 青禾 彩云 七彩 高原 边疆 山水 云岭 滇峰 红土 金沙"
    " 澜沧 茶源 乌蒙 哀牢 南诏 同心 合力 众诚 百川 千禧 顺和 正和 安泰 恒信 信达 捷达"
    " 通达 佳和 和美 乐康 康泰 云海 天韵 兴滇 滇信 春晖"
)
# Local colour: 苍洱 for 大理, 茶源 for 普洱, 彝乡 for 楚雄 …
_LOCAL_BRANDS = {
    "530100": "滇池 春城 金马 碧鸡 螺峰 翠湖 西山 石林",
    "530300": "珠江源 麒麟 爨乡 会泽",
    "530400": "红塔 抚仙 聂耳 星云",
    "530500": "永昌 高黎贡 翡翠 腾越",
    "530600": "乌蒙 朱提 天麻 昭阳",
    "530700": "玉龙 雪山 古城 纳西",
    "530800": "茶源 思茅 茶马 普洱",
    "530900": "滇红 佤山 临翔 南汀",
    "532300": "彝乡 紫溪 恐龙 元谋",
    "532500": "红河 哈尼 梯田 锡都",
    "532600": "三七 普者黑 文笔 老君山",
    "532800": "版纳 勐巴拉 傣乡 雨林",
    "532900": "苍洱 洱海 苍山 南诏 蝴蝶泉",
    "533100": "瑞丽 孔雀 芒市 边寨",
    "533300": "怒江 峡谷 独龙 碧罗",
    "533400": "香格里拉 雪域 梅里 藏乡",
}
_LOCAL_BRAND_WORDS = {code: _words(text) for code, text in _LOCAL_BRANDS.items()}
_INDUSTRIES = _words(
    "商贸 贸易 建筑工程 建设工程 旅游开发 旅游文化 农业科技 农业开发 茶业 茶叶"
    " 房地产开发 物流 运输 餐饮管理 酒店管理 文化传媒 广告 信息技术 网络科技 软件"
    " 电子商务 生物科技 医药 药业 矿业 水电开发 电力工程 新能源 机械设备 汽车销售"
    " 汽车服务 建材 装饰工程 园林绿化 环保科技 花卉 咖啡 食品 酒业 糖业 果业"
    " 物业服务 人力资源 劳务 教育咨询 企业管理咨询 会计服务 印刷 进出口 石材 木业"
    " 中药材种植 畜牧 水产养殖 橡胶 通信工程 安防科技 家政服务 健康管理 会展服务"
    " 供应链管理 珠宝"
)
_FORMS = (
    ("有限公司", 70),
    ("有限责任公司", 16),
    ("股份有限公司", 6),
    ("合伙企业（有限合伙）", 3),
    ("branch", 5),
)
_MEDICINE = _words("医药 药业 生物科技 大药房")
_BAIYAO = _words("白药堂 白药坊 白药源")
_SHOPS = _words(
    "米线店 便利店 小吃店 五金店 水果店 理发店 汽车修理部 日用品店 烧烤店 早点铺 粮油店"
    " 茶叶店 服装店 手机维修店 干洗店 杂货铺 农资店 家电维修部 烟酒店 菜馆 饵丝店"
    " 过桥米线馆 鲜花饼店 小卖部 建材经营部 百货店 门窗加工部 打印店 摩托车维修部"
    " 粉面馆 火锅店 豆花店 酱菜坊 茶室 客栈 洗车场 照相馆 裁缝店 眼镜店 药房 蔬菜店"
    " 肉食店 面包房"
)
_FARMING = _words(
    "核桃种植 烤烟种植 蔬菜种植 水果种植 中药材种植 茶叶种植 咖啡种植 花卉种植"
    " 食用菌种植 蓝莓种植 柑橘种植 芒果种植 马铃薯种植 魔芋种植 三七种植 生猪养殖"
    " 肉牛养殖 黑山羊养殖 土鸡养殖 中蜂养殖 水产养殖"
)
_INSTITUTIONS = _words(
    "第一中学 第二中学 第三中学 第一小学 第二小学 第三小学 第四小学 第五小学"
    " 民族中学 职业高级中学 机关幼儿园 人民医院 中医医院 妇幼保健院"
    " 疾病预防控制中心 图书馆 文化馆 融媒体中心 农业技术推广中心"
    " 林业和草原技术推广站 动物疫病预防控制中心 公共资源交易中心 不动产登记中心"
    " 社会保险中心 水利工程管理站"
)
_ASSOCIATIONS = _words(
    "餐饮行业协会 个体劳动者协会 茶叶流通协会 旅游协会 建筑业协会 咖啡行业协会"
    " 花卉协会 企业联合会 青年企业家协会 老年人体育协会 书法家协会 摄影家协会"
    " 作家协会 诗词学会 医学会 会计学会 物流协会 电子商务协会 农产品流通协会"
)
_HOME_PROVINCES = _words("福建 浙江 四川 湖南 重庆 广东 江西 河南 湖北 贵州 江苏 安徽")
_NONPROFITS = _words(
    "培训学校 职业技能培训学校 艺术培训学校 养老院 养老服务中心 社会工作服务中心"
    " 幼儿园 康复中心 医院 体育俱乐部"
)


@dataclass(frozen=True)
class DemoRegion:
    """A county-level division and its prefecture, as the generator needs them."""

    code: str
    name: str
    short_name: str
    prefecture_code: str
    prefecture_name: str
    prefecture_short_name: str
    former_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class SubjectRow:
    """One generated subject, with its identifiers in clear (sealed only on insert)."""

    kind: str
    name: str
    uscc: str | None
    id_number: str | None
    region_code: str
    legal_representative: str


# --- regions -------------------------------------------------------------------------------
def short_name(name: str) -> str:
    """石林彝族自治县 → 石林, 大理白族自治州 → 大理, 五华区 → 五华; 芒市 stays 芒市."""
    cut = name.find("族")
    if cut > 0:
        return name[: cut - 2] if name[cut - 2 : cut] in _ETHNIC_TWO else name[: cut - 1]
    if len(name) > 2 and name[-1] in "市区县州":
        return name[:-1]
    return name


def load_regions() -> list[DemoRegion]:
    """The county-level divisions in the database (a few hundred rows at most)."""
    counties = (
        Region.objects.filter(level=Region.Level.COUNTY).select_related("parent").order_by("code")
    )
    return [_demo_region(county) for county in counties]


def _demo_region(county: Region) -> DemoRegion:
    parent = county.parent or county
    return DemoRegion(
        code=county.code,
        name=county.name,
        short_name=county.short_name or short_name(county.name),
        prefecture_code=parent.code,
        prefecture_name=parent.name,
        prefecture_short_name=parent.short_name or short_name(parent.name),
        former_codes=tuple(county.former_codes or ()),
    )


def _population(region: DemoRegion, siblings: Counter[str]) -> float:
    total = _PREFECTURE_POPULATION.get(region.prefecture_code, _DEFAULT_POPULATION)
    return total / siblings[region.prefecture_code]


# --- the bijections ------------------------------------------------------------------------
@dataclass(frozen=True)
class Bijection:
    """n ↦ (n·multiplier + offset) mod size: a permutation of range(size)."""

    size: int
    multiplier: int
    offset: int

    @classmethod
    def seeded(cls, size: int, rng: random.Random) -> Bijection:
        # Any unit works; one near the middle spreads consecutive n across the space.
        multiplier = rng.randrange(size // 3, 2 * size // 3 + 2) | 1
        while math.gcd(multiplier, size) != 1:
            multiplier += 2
        return cls(size, multiplier, rng.randrange(size))

    def __call__(self, index: int) -> int:
        if not 0 <= index < self.size:
            raise OverflowError(f"only {self.size} distinct codes in this space")
        return (index * self.multiplier + self.offset) % self.size


@dataclass(frozen=True)
class _Slot:
    code: str  # the six-digit region code printed in the ID number
    block: int  # which block of sequence numbers within that code
    home: DemoRegion | None  # the county the person lives in; None: draw one


@dataclass(frozen=True)
class _Plan:
    regions: tuple[DemoRegion, ...]
    person_weights: tuple[float, ...]  # cumulative, by population
    business_weights: tuple[float, ...]  # cumulative, 昆明 boosted
    slots: tuple[_Slot, ...]
    organisations: Bijection
    persons: Bijection
    keys: tuple[int, int, int]  # for _scramble()


def _plan(regions: Sequence[DemoRegion], rng: random.Random) -> _Plan:
    # One entry per code: a repeated code would repeat its ID-number slots.
    ordered = tuple({region.code: region for region in sorted(regions, key=_code)}.values())
    if not ordered:
        raise ValueError("no county-level regions to place subjects in")
    siblings = Counter(region.prefecture_code for region in ordered)
    people = [_population(region, siblings) for region in ordered]
    boosted = [
        weight * _BUSINESS_BOOST.get(region.prefecture_code, 1.0)
        for weight, region in zip(people, ordered, strict=True)
    ]
    slots = _slots(ordered, people)
    person_space = len(slots) * _BIRTH_DAYS * _SEQUENCE_BLOCK
    return _Plan(
        ordered,
        _cumulative(people),
        _cumulative(boosted),
        slots,
        Bijection.seeded(USCC_SPACE, rng),
        Bijection.seeded(person_space, rng),
        (rng.getrandbits(64), rng.getrandbits(64), rng.getrandbits(64)),
    )


def _code(region: DemoRegion) -> str:
    return region.code


def _cumulative(weights: Iterable[float]) -> tuple[float, ...]:
    total, result = 0.0, []
    for weight in weights:
        total += weight
        result.append(total)
    return tuple(result)


def _slots(regions: tuple[DemoRegion, ...], people: list[float]) -> tuple[_Slot, ...]:
    """Region slots for ID numbers: current codes by population, a few old and outside."""
    top = max(people)
    weights = {
        region.code: max(1, round(_MAX_COUNTY_WEIGHT * weight / top))
        for region, weight in zip(regions, people, strict=True)
    }
    slots = [
        _Slot(region.code, block, region)
        for region in regions
        if _usable_id_region(region.code)
        for block in range(weights[region.code])
    ]
    total = len(slots)
    # Each extra code must differ from every code already used, or triples could repeat.
    used = set(weights)
    old = [
        (code, home)
        for code, home in _old_codes(regions)
        if code not in used and _usable_id_region(code)
    ]
    used.update(code for code, _home in old)
    outside = [
        (code, None) for code in _ELSEWHERE_CODES if code not in used and _usable_id_region(code)
    ]
    slots += _extra_slots(old, _OLD_CODE_SHARE * total)
    slots += _extra_slots(outside, _ELSEWHERE_SHARE * total)
    if not slots:
        raise ValueError("no region code usable in a resident ID number")
    return tuple(slots)


def _usable_id_region(code: str) -> bool:
    """Whether ID numbers with this code pass the checker for every birth date we draw.

    The checker refuses codes it does not know and codes abolished before the birth
    year; it does not check start years, so the latest birth date is the hardest case.
    """
    first17 = f"{code}{_BIRTH_LAST:%Y%m%d}001"
    try:
        check_id_number(first17 + id_check_character(first17))
    except IdentifierError:
        return False
    return True


def _old_codes(regions: tuple[DemoRegion, ...]) -> list[tuple[str, DemoRegion]]:
    by_code = {region.code: region for region in regions}
    found = {old: by_code[new] for old, new in _OLD_CODES.items() if new in by_code}
    for region in regions:  # the policy pack's own former codes win
        found.update(dict.fromkeys(region.former_codes, region))
    return sorted(found.items(), key=lambda item: item[0])


def _extra_slots(codes: Sequence[tuple[str, DemoRegion | None]], target: float) -> list[_Slot]:
    """Slots for rarely used codes, about `target` in all, at most the county maximum each."""
    if not codes or target < 0.5:
        return []
    if target < len(codes):
        return [_Slot(code, 0, home) for code, home in codes[: max(1, round(target))]]
    each = min(_MAX_COUNTY_WEIGHT, round(target / len(codes)))
    return [_Slot(code, block, home) for code, home in codes for block in range(each)]


# --- identifiers ---------------------------------------------------------------------------
def _org_body(point: int) -> str:
    """Eight characters of an organisation code: old all-digit, or the newer "MA…"."""
    if point < _NUMERIC_BODIES:
        return f"{point:08d}"
    point -= _NUMERIC_BODIES
    tail = []
    for _position in range(6):
        point, digit = divmod(point, len(USCC_ALPHABET))
        tail.append(USCC_ALPHABET[digit])
    return "MA" + "".join(reversed(tail))


def make_uscc(prefix: str, division: str, point: int) -> str:
    body = _org_body(point)
    first17 = prefix + division + body + org_code_check_character(body)
    return first17 + uscc_check_character(first17)


def _mix(a: int, b: int, key: int) -> int:
    """A 64-bit hash of two numbers (splitmix64 finaliser): cheap and well spread."""
    h = (a * 0x9E3779B97F4A7C15 + b * 0xC2B2AE3D27D4EB4F + key) & _MASK64
    h = ((h ^ (h >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    h = ((h ^ (h >> 27)) * 0x94D049BB133111EB) & _MASK64
    return h ^ (h >> 31)


def _scramble(plan: _Plan, point: int) -> tuple[int, int, int]:
    """Split a point into (slot, day, j) and shuffle the three parts.

    An affine map alone leaves a lattice (birth dates of consecutive persons a fixed
    number of days apart). Each step below adds a hash of the two *other* parts to one
    part, modulo its radix: knowing the other two, it can be undone, so every step, and
    the whole, is still a bijection of the triple space.
    """
    slots = len(plan.slots)
    rest, slot = divmod(point, slots)
    j, day = divmod(rest, _BIRTH_DAYS)
    first, second, third = plan.keys
    day = (day + _mix(slot, j, first)) % _BIRTH_DAYS
    slot = (slot + _mix(day, j, second)) % slots
    j = (j + _mix(slot, day, third)) % _SEQUENCE_BLOCK
    return slot, day, j


def _id_number(plan: _Plan, point: int) -> tuple[str, _Slot, int]:
    """The ID number at a point of the person space, its slot and its sequence."""
    slot_index, day, j = _scramble(plan, point)
    slot = plan.slots[slot_index]
    sequence = 1 + slot.block * _SEQUENCE_BLOCK + j
    born = date.fromordinal(_BIRTH_FIRST + day)
    first17 = f"{slot.code}{born:%Y%m%d}{sequence:03d}"
    return first17 + id_check_character(first17), slot, sequence


# --- names -----------------------------------------------------------------------------------
def _tiers() -> tuple[tuple[str, ...], tuple[float, ...]]:
    names: list[str] = []
    weights: list[float] = []
    for weight, text in _SURNAME_TIERS:
        for surname in text.split():
            names.append(surname)
            weights.append(weight)
    return tuple(names), _cumulative(weights)


_SURNAMES, _SURNAME_WEIGHTS = _tiers()
_FORM_NAMES = tuple(form for form, _weight in _FORMS)
_FORM_WEIGHTS = _cumulative(weight for _form, weight in _FORMS)


def _surname(rng: random.Random) -> str:
    return rng.choices(_SURNAMES, cum_weights=_SURNAME_WEIGHTS)[0]


def _given(rng: random.Random, male: bool) -> str:
    pool = _MALE if male else _FEMALE
    if rng.random() < 0.3:
        return rng.choice(pool)
    first = rng.choice(pool)
    # Doubled given names (丹丹, 婷婷) are common for women only.
    return first + (first if not male and rng.random() < 0.05 else rng.choice(pool))


def _person_name(rng: random.Random, male: bool | None = None) -> str:
    if male is None:
        male = rng.random() < 0.55
    return _surname(rng) + _given(rng, male)


def _brand(rng: random.Random, region: DemoRegion) -> str:
    roll = rng.random()
    local = _LOCAL_BRAND_WORDS.get(region.prefecture_code)
    if local and roll < 0.15:
        return rng.choice(local)
    if roll < 0.55:
        return rng.choice(_BRANDS)
    first, second = rng.sample(_LUCKY, 2)
    return first + second


def _place(rng: random.Random, region: DemoRegion) -> tuple[str, str]:
    """The place in a firm's name and the division code its USCC carries."""
    roll = rng.random()
    if roll < 0.15:
        return "云南", "530000"
    if roll < 0.70:
        registered = region.prefecture_code if rng.random() < 0.6 else region.code
        return region.prefecture_short_name, registered
    return region.short_name, region.code


def _official_prefix(rng: random.Random, region: DemoRegion) -> tuple[str, str]:
    """玉溪市红塔区 / 宜良县 for county bodies, 昆明市 / 大理州 for prefecture ones."""
    if rng.random() < 0.3 and region.prefecture_code != region.code:
        name = region.prefecture_name
        if not name.endswith("市"):
            name = region.prefecture_short_name + "州"
        return name, region.prefecture_code
    if region.name.endswith("区") and region.prefecture_code != region.code:
        return region.prefecture_name + region.name, region.code
    return region.name, region.code


def _enterprise(rng: random.Random, region: DemoRegion) -> tuple[str, str]:
    place, division = _place(rng, region)
    if rng.random() < 0.005:  # portal tests search two-character fragments such as 白药
        return place + rng.choice(_BAIYAO) + rng.choice(_MEDICINE) + "有限公司", division
    form = rng.choices(_FORM_NAMES, cum_weights=_FORM_WEIGHTS)[0]
    stem = place + _brand(rng, region) + rng.choice(_INDUSTRIES)
    if form == "branch" and place != region.short_name:
        return f"{stem}有限公司{region.short_name}分公司", division
    if form == "branch":
        form = "有限公司"
    return stem + form, division


def _cooperative(rng: random.Random, region: DemoRegion) -> tuple[str, str]:
    stem = region.short_name + _brand(rng, region)
    if rng.random() < 0.4:
        return stem + "农民专业合作社", region.code
    return stem + rng.choice(_FARMING) + "专业合作社", region.code


def _institution(rng: random.Random, region: DemoRegion) -> tuple[str, str]:
    prefix, division = _official_prefix(rng, region)
    return prefix + rng.choice(_INSTITUTIONS), division


def _association(rng: random.Random, region: DemoRegion) -> tuple[str, str]:
    prefix, division = _official_prefix(rng, region)
    if rng.random() < 0.2:
        return f"{prefix}{rng.choice(_HOME_PROVINCES)}商会", division
    return prefix + rng.choice(_ASSOCIATIONS), division


def _nonprofit(rng: random.Random, region: DemoRegion) -> tuple[str, str]:
    prefix, division = _official_prefix(rng, region)
    return prefix + _brand(rng, region) + rng.choice(_NONPROFITS), division


# (USCC prefix: registration department + class, share, name builder)
_NameBuilder = Callable[[random.Random, DemoRegion], tuple[str, str]]
_ORGANISATION_CLASSES: tuple[tuple[str, float, _NameBuilder], ...] = (
    ("91", 86, _enterprise),  # 市场监管: 企业
    ("93", 5, _cooperative),  # 市场监管: 农民专业合作社
    ("12", 4, _institution),  # 机构编制: 事业单位
    ("51", 2.5, _association),  # 民政: 社会团体
    ("52", 2.5, _nonprofit),  # 民政: 民办非企业单位
)
_CLASS_WEIGHTS = _cumulative(share for _prefix, share, _build in _ORGANISATION_CLASSES)


def _shop_name(rng: random.Random, region: DemoRegion, operator: str) -> str:
    """五华区李记米线店, 盘龙区张氏便利店, 宜良县鑫瑞五金店, 官渡区阿芳水果店."""
    roll = rng.random()
    surname = operator[:2] if operator[:2] in _SURNAMES else operator[0]
    if roll < 0.30:
        middle = surname + "记"
    elif roll < 0.45:
        middle = surname + "氏"
    elif roll < 0.55:
        middle = rng.choice("阿小") + operator[-1]
    else:
        middle = _brand(rng, region)
    return region.name + middle + rng.choice(_SHOPS)


# --- rows --------------------------------------------------------------------------------------
class _Generator:
    """Holds the running counters; every draw comes from one seeded Random."""

    def __init__(self, seed: int, regions: Sequence[DemoRegion]) -> None:
        self.rng = random.Random(seed)
        self.plan = _plan(regions, self.rng)
        self.organisations = 0
        self.persons = 0

    def row(self) -> SubjectRow:
        roll = self.rng.random()
        if roll < PERSON_SHARE:
            return self.person()
        if roll < PERSON_SHARE + BUSINESS_SHARE:
            return self.business()
        return self.organisation()

    def _region(self, weights: tuple[float, ...]) -> DemoRegion:
        return self.rng.choices(self.plan.regions, cum_weights=weights)[0]

    def _next_uscc_point(self) -> int:
        point = self.plan.organisations(self.organisations)
        self.organisations += 1
        return point

    def organisation(self) -> SubjectRow:
        region = self._region(self.plan.business_weights)
        choice = self.rng.choices(_ORGANISATION_CLASSES, cum_weights=_CLASS_WEIGHTS)[0]
        prefix, _share, build = choice
        name, division = build(self.rng, region)
        uscc = make_uscc(prefix, division, self._next_uscc_point())
        return SubjectRow(ORGANISATION, name, uscc, None, region.code, _person_name(self.rng))

    def business(self) -> SubjectRow:
        region = self._region(self.plan.business_weights)
        operator = _person_name(self.rng)
        uscc = make_uscc("92", region.code, self._next_uscc_point())
        return SubjectRow(
            INDIVIDUAL_BUSINESS,
            _shop_name(self.rng, region, operator),
            uscc,
            None,
            region.code,
            operator,
        )

    def person(self) -> SubjectRow:
        id_number, slot, sequence = _id_number(self.plan, self.plan.persons(self.persons))
        self.persons += 1
        home = slot.home or self._region(self.plan.person_weights)
        # The sequence's parity is the sex (odd: male), so the name matches it.
        name = _person_name(self.rng, male=sequence % 2 == 1)
        return SubjectRow(PERSON, name, None, id_number, home.code, "")


def generate_subjects(count: int, seed: int, regions: Sequence[DemoRegion]) -> Iterator[SubjectRow]:
    """`count` subjects, lazily; the same seed and regions always give the same rows."""
    generator = _Generator(seed, regions)
    for _index in range(count):
        yield generator.row()


# --- insertion ------------------------------------------------------------------------------
# Rows per INSERT statement: keeps PostgreSQL under its 65,535 bind parameters even if
# Subject gains columns; SQLite's own limit is applied by Django on top.
_INSERT_CHUNK = 1000


def _model(row: SubjectRow) -> Subject:
    subject = Subject(
        kind=row.kind,
        name=row.name,
        uscc=row.uscc,
        region_id=row.region_code,
        legal_representative=row.legal_representative,
    )
    if row.id_number is not None:
        sealed = pii.seal(row.id_number, ID_CONTEXT)
        subject.id_number_enc = sealed.ciphertext
        subject.id_number_index = sealed.blind_index
        subject.id_number_masked = sealed.masked
    return subject


def _batches(rows: Iterator[SubjectRow], size: int) -> Iterator[list[SubjectRow]]:
    while batch := list(islice(rows, size)):
        yield batch


def insert_subjects(
    count: int,
    seed: int,
    *,
    batch_size: int = 5000,
    progress: Callable[[int], None] | None = None,
    kinds: Counter[str] | None = None,
) -> int:
    """Stream `count` demo subjects into the database; return how many were new.

    One transaction per batch, conflicts ignored, so a rerun with the same seed inserts
    nothing. `progress` receives the number of rows generated so far after each batch;
    `kinds`, if given, counts the generated rows by kind.
    """
    regions = load_regions()
    if not regions:
        raise InvalidInput(
            "demo.no_regions", _("尚未载入行政区划：请先运行 xinyong policy load 载入政策包")
        )
    before = Subject.objects.count()
    done = 0
    for batch in _batches(generate_subjects(count, seed, regions), max(1, batch_size)):
        with transaction.atomic():
            Subject.objects.bulk_create(
                [_model(row) for row in batch], batch_size=_INSERT_CHUNK, ignore_conflicts=True
            )
            index_by_uscc([row.uscc for row in batch if row.uscc])  # persons are not indexed
        done += len(batch)
        if kinds is not None:
            kinds.update(row.kind for row in batch)
        if progress is not None:
            progress(done)
    # Counting before and after is exact without concurrent writers; with
    # ignore_conflicts the database does not report per-row outcomes.
    return Subject.objects.count() - before
