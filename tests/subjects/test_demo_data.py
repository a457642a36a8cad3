"""The demo-data generator (`xinyong demo-data`): deterministic, unique, valid, streaming."""

from __future__ import annotations

import json
import random
import tracemalloc
from collections import Counter
from datetime import date
from io import StringIO
from itertools import islice

import pytest
from django.core.management import CommandError, call_command

from xinyong.core import pii
from xinyong.core.models import AuditEvent
from xinyong.subjects import demo
from xinyong.subjects.demo import DemoRegion, generate_subjects, insert_subjects
from xinyong.subjects.identifiers import birth_date, check_id_number, check_uscc
from xinyong.subjects.models import Region, Subject

# Two or three counties in each of the 16 prefectures, with the names the pack uses.
PREFECTURES = {
    ("530100", "昆明市"): "530102 五华区, 530103 盘龙区, 530114 呈贡区, 530126 石林彝族自治县",
    ("530300", "曲靖市"): "530302 麒麟区, 530304 马龙区, 530381 宣威市",
    ("530400", "玉溪市"): "530402 红塔区, 530403 江川区",
    ("530500", "保山市"): "530502 隆阳区, 530581 腾冲市",
    ("530600", "昭通市"): "530602 昭阳区, 530621 鲁甸县",
    ("530700", "丽江市"): "530702 古城区, 530721 玉龙纳西族自治县",
    ("530800", "普洱市"): "530802 思茅区, 530826 江城哈尼族彝族自治县",
    ("530900", "临沧市"): "530902 临翔区, 530925 双江拉祜族佤族布朗族傣族自治县",
    ("532300", "楚雄彝族自治州"): "532301 楚雄市, 532331 禄丰县",
    ("532500", "红河哈尼族彝族自治州"): "532501 个旧市, 532503 蒙自市, 532504 弥勒市",
    ("532600", "文山壮族苗族自治州"): "532601 文山市, 532622 砚山县",
    ("532800", "西双版纳傣族自治州"): "532801 景洪市, 532822 勐海县",
    ("532900", "大理白族自治州"): "532901 大理市, 532922 漾濞彝族自治县",
    ("533100", "德宏傣族景颇族自治州"): "533102 瑞丽市, 533103 芒市",
    ("533300", "怒江傈僳族自治州"): "533301 泸水市, 533325 兰坪白族普米族自治县",
    ("533400", "迪庆藏族自治州"): "533401 香格里拉市, 533422 德钦县",
}


def _regions() -> list[DemoRegion]:
    regions = []
    for (prefecture, prefecture_name), counties in PREFECTURES.items():
        for county in counties.split(", "):
            code, name = county.split()
            regions.append(
                DemoRegion(
                    code,
                    name,
                    demo.short_name(name),
                    prefecture,
                    prefecture_name,
                    demo.short_name(prefecture_name),
                )
            )
    return regions


REGIONS = _regions()


def _rows(count: int, seed: int = 1) -> list[demo.SubjectRow]:
    return list(generate_subjects(count, seed, REGIONS))


@pytest.fixture(scope="module")
def many() -> list[demo.SubjectRow]:
    return _rows(50_000)


def _age(id_number: str, today: date) -> int:
    born = birth_date(id_number)
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


# --- the generator, without a database ----------------------------------------------------
def test_the_same_seed_gives_the_same_first_500_rows():
    assert _rows(500, seed=7) == _rows(500, seed=7)
    assert _rows(1000, seed=7)[:500] == _rows(500, seed=7)


def test_another_seed_gives_other_subjects():
    first, second = _rows(500, seed=7), _rows(500, seed=8)
    codes = {row.uscc or row.id_number for row in first}
    assert len(codes & {row.uscc or row.id_number for row in second}) < 5
    assert sum(a.name == b.name for a, b in zip(first, second, strict=True)) < 25


def test_uscc_and_id_numbers_are_unique_over_50000_rows(many):
    usccs = [row.uscc for row in many if row.uscc]
    ids = [row.id_number for row in many if row.id_number]
    assert len(usccs) + len(ids) == len(many)
    assert len(set(usccs)) == len(usccs)
    assert len(set(ids)) == len(ids)


def test_a_sample_of_codes_passes_the_checkers(many):
    for row in many[::10]:
        if row.kind == demo.PERSON:
            assert row.uscc is None and check_id_number(row.id_number) == row.id_number
        else:
            assert row.id_number is None and check_uscc(row.uscc) == row.uscc


def test_the_kinds_mix_is_about_80_12_8(many):
    kinds = Counter(row.kind for row in many)
    assert 0.78 < kinds[demo.ORGANISATION] / len(many) < 0.82
    assert 0.11 < kinds[demo.INDIVIDUAL_BUSINESS] / len(many) < 0.13
    assert 0.07 < kinds[demo.PERSON] / len(many) < 0.09


def test_uscc_prefixes_follow_the_registration_department_and_class(many):
    prefixes = Counter((row.kind, row.uscc[:2]) for row in many if row.uscc)
    assert set(prefixes) == {
        (demo.INDIVIDUAL_BUSINESS, "92"),
        (demo.ORGANISATION, "91"),
        (demo.ORGANISATION, "93"),
        (demo.ORGANISATION, "12"),
        (demo.ORGANISATION, "51"),
        (demo.ORGANISATION, "52"),
    }
    organisations = sum(n for (kind, _), n in prefixes.items() if kind == demo.ORGANISATION)
    assert prefixes[(demo.ORGANISATION, "91")] / organisations > 0.8


def test_persons_include_minors_and_the_elderly(many):
    today = date.today()
    ages = [_age(row.id_number, today) for row in many if row.id_number]
    assert sum(age < 18 for age in ages) / len(ages) > 0.01, "move demo._BIRTH_LAST on"
    assert sum(age >= 70 for age in ages) > 0
    years = {birth_date(row.id_number).year for row in many if row.id_number}
    assert min(years) == 1950 and max(years) == 2010


def test_id_numbers_occasionally_carry_an_old_or_another_province_code(many):
    codes = Counter(row.id_number[:6] for row in many if row.id_number)
    current = {region.code for region in REGIONS}
    persons = sum(codes.values())
    old = sum(n for code, n in codes.items() if code.startswith("53") and code not in current)
    outside = sum(n for code, n in codes.items() if not code.startswith("53"))
    assert "530421" in codes  # 江川县, now 江川区 530403
    assert 0.005 < old / persons < 0.06
    assert 0.005 < outside / persons < 0.05


def test_subjects_spread_over_all_16_prefectures_with_kunming_first(many):
    prefecture_of = {region.code: region.prefecture_code for region in REGIONS}
    spread = Counter(prefecture_of[row.region_code] for row in many)
    assert len(spread) == 16
    assert spread.most_common(1)[0][0] == "530100"


def test_names_are_diverse_over_10000_rows(many):
    names = [row.name for row in many[:10_000]]
    assert len(set(names)) / len(names) >= 0.9


def test_names_look_like_their_kind(many):
    for row in many[:2000]:
        if row.kind == demo.INDIVIDUAL_BUSINESS:
            region = next(r for r in REGIONS if r.code == row.region_code)
            assert row.name.startswith(region.name) and row.legal_representative
        elif row.kind == demo.PERSON:
            assert 2 <= len(row.name) <= 4 and not row.legal_representative
        else:
            assert row.legal_representative and len(row.name) >= 6


def test_the_fragment_baiyao_occurs(many):
    assert any("白药" in row.name for row in many[:10_000])


def test_it_is_lazy_even_for_a_billion_rows():
    rows = generate_subjects(10**9, 1, REGIONS)
    assert next(rows).name


def test_it_streams_60000_rows_in_constant_memory():
    # Held in a list, 60,000 rows would take about 20 MB; streamed, the peak is the
    # division table stdnum loads once (about 4 MB).
    tracemalloc.start()
    try:
        for _row in generate_subjects(60_000, 11, REGIONS):
            pass
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * 1024 * 1024


@pytest.mark.parametrize("size", [1, 2, 9, 30, 97, 1000, 2 * 3 * 5 * 7 * 11])
def test_the_affine_map_is_a_permutation(size):
    bijection = demo.Bijection.seeded(size, random.Random(size))
    assert sorted(bijection(n) for n in range(size)) == list(range(size))
    with pytest.raises(OverflowError):
        bijection(size)


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("五华区", "五华"),
        ("石林彝族自治县", "石林"),
        ("大理白族自治州", "大理"),
        ("玉龙纳西族自治县", "玉龙"),
        ("双江拉祜族佤族布朗族傣族自治县", "双江"),
        ("西双版纳傣族自治州", "西双版纳"),
        ("香格里拉市", "香格里拉"),
        ("芒市", "芒市"),
    ],
)
def test_short_names_drop_the_suffix_and_the_ethnic_groups(name, short):
    assert demo.short_name(name) == short


# --- insertion ------------------------------------------------------------------------------
@pytest.fixture
def regions(province) -> list[Region]:
    county = Region.Level.COUNTY
    kunming = Region.objects.create(
        code="530100",
        name="昆明市",
        short_name="昆明",
        level=Region.Level.PREFECTURE,
        parent=province,
    )
    dali = Region.objects.create(
        code="532900",
        name="大理白族自治州",
        short_name="大理",
        level=Region.Level.PREFECTURE,
        parent=province,
    )
    yuxi = Region.objects.create(
        code="530400",
        name="玉溪市",
        short_name="玉溪",
        level=Region.Level.PREFECTURE,
        parent=province,
    )
    return [
        Region.objects.create(
            code="530102", name="五华区", short_name="五华", level=county, parent=kunming
        ),
        Region.objects.create(
            code="532901", name="大理市", short_name="大理", level=county, parent=dali
        ),
        Region.objects.create(
            code="530403", name="江川区", level=county, parent=yuxi, former_codes=["530421"]
        ),
    ]


@pytest.mark.django_db
def test_it_inserts_n_subjects_and_a_rerun_inserts_none(regions):
    assert insert_subjects(300, seed=3, batch_size=64) == 300
    assert Subject.objects.count() == 300
    assert insert_subjects(300, seed=3, batch_size=64) == 0
    assert Subject.objects.count() == 300


@pytest.mark.django_db
def test_it_places_subjects_in_the_loaded_counties(regions):
    insert_subjects(200, seed=4)
    assert set(Subject.objects.values_list("region_id", flat=True)) <= {
        region.code for region in regions
    }


@pytest.mark.django_db
def test_it_reports_progress_and_counts_kinds(regions):
    seen: list[int] = []
    kinds: Counter[str] = Counter()
    insert_subjects(25, seed=5, batch_size=10, progress=seen.append, kinds=kinds)
    assert seen == [10, 20, 25]
    assert sum(kinds.values()) == 25


@pytest.mark.django_db
def test_no_id_number_is_stored_in_clear(regions):
    insert_subjects(400, seed=6)
    clear = [
        row.id_number for row in generate_subjects(400, 6, demo.load_regions()) if row.id_number
    ]
    assert clear
    columns = [field.attname for field in Subject._meta.concrete_fields]
    stored = "\n".join(str(value) for row in Subject.objects.values_list(*columns) for value in row)
    assert not [number for number in clear if number in stored]
    person = Subject.objects.filter(kind=demo.PERSON).first()
    assert person is not None
    number = pii.decrypt(person.id_number_enc, "subject.id_number")
    assert number in clear and person.id_number_masked == pii.mask(number)
    assert person.id_number_index == pii.blind_index(number, "subject.id_number")


@pytest.mark.django_db
def test_the_command_prints_its_summary_and_writes_one_audit_event(regions):
    out = StringIO()
    call_command("demo_data", "--subjects", "120", "--seed", "9", stdout=out)
    output = out.getvalue()
    assert "生成 120 个主体（组织 " in output and "新增 120 个" in output
    assert "generated 120 subjects" in output
    events = AuditEvent.objects.filter(action="xinyong.demo.generated")
    assert events.count() == 1
    data = events.get().data
    assert data["seed"] == 9 and data["inserted"] == 120
    assert sum(data["kinds"].values()) == 120
    rows = list(islice(generate_subjects(120, 9, demo.load_regions()), 120))
    leaked = json.dumps(data) + output
    assert not [row.id_number for row in rows if row.id_number and row.id_number in leaked]


@pytest.mark.django_db
def test_the_command_refuses_without_regions():
    with pytest.raises(CommandError, match="xinyong policy load"):
        call_command("demo_data", "--subjects", "10", stdout=StringIO())
    assert not AuditEvent.objects.filter(action="xinyong.demo.generated").exists()
