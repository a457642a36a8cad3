"""The identifier policy: USCC (GB 32100-2015) and resident ID numbers (GB 11643-1999).

Check characters are cross-checked against python-stdnum, an independent implementation.
ID numbers here are the standard's own examples or made up; none is a real person's.
"""

from __future__ import annotations

import random
import re
from datetime import date, timedelta

import pytest
from stdnum.cn import ric, uscc

from xinyong.subjects import identifiers
from xinyong.subjects.identifiers import (
    IdentifierError,
    birth_date,
    check_id_number,
    check_uscc,
    id_check_character,
    normalize,
    org_code_check_character,
    region_code,
    uscc_check_character,
)

CHINESE = re.compile(r"[\u4e00-\u9fff]")
TODAY = date(2025, 6, 1)


def with_uscc_check(first17: str) -> str:
    return first17 + uscc.calc_check_digit(first17)


def with_id_check(first17: str) -> str:
    return first17 + ric.calc_check_digit(first17 + "0")


def uscc_error(raw: str) -> IdentifierError:
    with pytest.raises(IdentifierError) as caught:
        check_uscc(raw)
    return caught.value


def id_error(raw: str) -> IdentifierError:
    with pytest.raises(IdentifierError) as caught:
        check_id_number(raw, today=TODAY)
    return caught.value


# USCC: valid codes and check characters ---------------------------------------------------

PUBLISHED_USCCS = [
    "91110000600037341L",  # python-stdnum's doctest
    "914403001922038216",  # 华为技术有限公司
    "91440300708461136T",  # 深圳市腾讯计算机系统有限公司
    "91330100716105852F",  # 阿里巴巴（中国）有限公司
    "91110000100010433L",  # 中国石油天然气集团有限公司
]


@pytest.mark.parametrize("code", PUBLISHED_USCCS)
def test_it_accepts_published_codes_of_well_known_organisations(code):
    assert check_uscc(code) == code
    assert uscc_check_character(code[:17]) == code[17]
    assert uscc.is_valid(code)


def test_its_uscc_check_character_agrees_with_stdnum():
    rng = random.Random(32100)
    for _ in range(500):
        first17 = "".join(rng.choice(identifiers.USCC_ALPHABET) for _ in range(17))
        assert uscc_check_character(first17) == uscc.calc_check_digit(first17)


@pytest.mark.parametrize(
    ("first8", "expected"),
    [
        ("19220382", "1"),  # 华为, from its USCC 914403001922038216
        ("70846113", "6"),  # 腾讯, from 91440300708461136T
        ("MA6K4Y5R", "3"),  # letters count 10 (A) to 35 (Z)
        ("40000000", "X"),  # 11 - 12 mod 11 = 10 -> X
        ("00000000", "0"),  # 11 - 0 = 11 -> 0
    ],
)
def test_its_organisation_code_check_character_follows_gb_11714(first8, expected):
    assert org_code_check_character(first8) == expected


def test_its_id_check_character_gives_the_standards_example():
    assert id_check_character("11010519491231002") == "X"


def test_its_id_check_character_agrees_with_stdnum():
    rng = random.Random(11643)
    for _ in range(500):
        first17 = "".join(rng.choice("0123456789") for _ in range(17))
        assert id_check_character(first17) == ric.calc_check_digit(first17 + "0")


@pytest.mark.parametrize(
    ("helper", "argument"),
    [
        (uscc_check_character, "9111000060003734"),
        (uscc_check_character, "91110000600O37341"),
        (org_code_check_character, "1922038"),
        (org_code_check_character, "1922038a"),
        (id_check_character, "1101051949123100X"),
        (birth_date, "110105491231002"),
        (region_code, "110105"),
    ],
)
def test_its_helpers_refuse_malformed_input_as_a_programming_error(helper, argument):
    with pytest.raises(ValueError):
        helper(argument)


@pytest.mark.parametrize(
    "raw",
    [
        "91110000600037341l",
        "９１１１００００６０００３７３４１Ｌ",
        "9111 0000 6000 3734 1L",
        "\u300091110000\u3000600037341L\t\n",
        "91110000\u200b600037341L\ufeff",
    ],
)
def test_it_normalises_lowercase_full_width_and_spaced_input(raw):
    assert check_uscc(raw) == "91110000600037341L"


def test_it_normalises_the_full_width_asterisk_and_the_roman_numeral_ten():
    assert normalize("1133００＊＊") == "113300**"
    assert normalize("1101051949123100２Ⅹ") == "11010519491231002X"


@pytest.mark.parametrize(
    "code",
    [
        with_uscc_check("N1530102MA6K4Y5R3"),  # N 农业 registration department
        with_uscc_check("Y1530000MJ0000001"),  # Y 其他
    ],
)
def test_it_accepts_letters_in_positions_one_and_two(code):
    assert check_uscc(code) == code
    assert not uscc.is_valid(code)  # stdnum wants eight leading digits


def test_it_accepts_a_central_level_code_with_region_100000():
    code = with_uscc_check("11100000000013127")
    assert check_uscc(code) == code


# USCC: errors ----------------------------------------------------------------------------

USCC_ERRORS = [
    ("", "uscc.empty"),
    ("\u3000 ", "uscc.empty"),
    ("113300******82154n", "uscc.masked"),
    ("9144０３００＊＊＊＊＊＊＊＊3821６", "uscc.masked"),
    ("19220382-1", "uscc.org_code"),
    ("192203821", "uscc.org_code"),
    ("７０８４６１１３－６", "uscc.org_code"),
    ("530102100012345", "uscc.registration_number"),
    ("9144030019220382", "uscc.length"),
    ("9144030019220382166", "uscc.length"),
    ("91440300192203821６_", "uscc.length"),
    ("914403001922O38216", "uscc.character"),
    ("91440300-192203821", "uscc.character"),
    ("000000000000000000", "uscc.placeholder"),
    ("111111111111111111", "uscc.placeholder"),
    ("91990000600037341L", "uscc.region"),
    ("91AB0000600037341L", "uscc.region"),
    ("91000000600037341L", "uscc.region"),
    ("91110000600037341K", "uscc.checksum"),
    ("914403001922038217", "uscc.checksum"),
]


@pytest.mark.parametrize(("raw", "code"), USCC_ERRORS)
def test_it_rejects_a_bad_uscc_with_the_most_helpful_error(raw, code):
    assert uscc_error(raw).code == code


def test_it_rejects_a_masked_code():
    error = uscc_error("113300******82154n")
    assert error.code == "uscc.masked"
    assert "脱敏" in error.message_in("zh-hans")


def test_it_rejects_an_organisation_code_in_the_uscc_field():
    assert uscc_error("19220382-1").code == "uscc.org_code"


def test_it_rejects_a_placeholder_code_that_stdnum_accepts():
    assert uscc.is_valid("000000000000000000")
    assert uscc_error("000000000000000000").code == "uscc.placeholder"


def test_it_names_the_bad_character_and_its_position():
    error = uscc_error("914403001922O38216")
    assert error.params == {"position": 13, "character": "O"}
    assert "第13位的“O”" in error.message_in("zh-hans")


def test_it_counts_positions_in_the_normalised_code():
    assert uscc_error("9144 0300 1922 O38216").params["position"] == 13


def test_it_names_the_bad_region():
    error = uscc_error("91990000600037341L")
    assert error.params == {"region": "990000"}


def test_a_bad_uscc_check_character_is_overridable_with_the_normalised_code():
    error = uscc_error(" 91110000600037341k ")
    assert error.code == "uscc.checksum"
    assert error.overridable is True
    assert error.value == "91110000600037341K"
    assert error.as_dict()["overridable"] is True


@pytest.mark.parametrize(
    ("raw", "code"), [case for case in USCC_ERRORS if case[1] != "uscc.checksum"]
)
def test_no_other_uscc_error_is_overridable(raw, code):
    error = uscc_error(raw)
    assert error.overridable is False
    assert "overridable" not in error.as_dict()


def test_it_does_not_enforce_the_embedded_organisation_code_check_character():
    body = "MA6K4Y5R" + "0"  # GB 11714 would want 3 as the ninth character
    assert org_code_check_character(body[:8]) != body[8]
    code = with_uscc_check("92530102" + body)
    assert check_uscc(code) == code


# Resident ID numbers: valid ---------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    ["11010519491231002X", "11010519491231002x", "1101051949123100２Ⅹ", "110105 19491231 002X"],
)
def test_it_accepts_the_standards_example_however_it_is_typed(raw):
    assert check_id_number(raw, today=TODAY) == "11010519491231002X"


def test_it_converts_a_legacy_15_digit_number_to_18_digits():
    assert check_id_number("110105491231002", today=TODAY) == "11010519491231002X"


def test_its_helpers_read_birth_date_and_region():
    number = check_id_number("110105491231002", today=TODAY)
    assert birth_date(number) == date(1949, 12, 31)
    assert region_code(number) == "110105"


def test_it_accepts_a_division_created_after_the_birth_year_unlike_stdnum():
    number = with_id_check("53010219700101123")  # 五华区 is "[1983-]" in stdnum's table
    assert not ric.is_valid(number)
    assert check_id_number(number, today=TODAY) == number


def test_it_accepts_a_division_abolished_after_the_birth_year():
    number = with_id_check("11010320090101001")  # 崇文区, abolished 2010
    assert check_id_number(number, today=TODAY) == number


@pytest.mark.parametrize("region", ["810000", "820000", "830000"])
def test_it_accepts_residence_permits_for_hong_kong_macao_and_taiwan(region):
    number = with_id_check(region + "19600101001")
    assert check_id_number(number, today=TODAY) == number


def test_it_accepts_a_birth_date_of_today():
    number = with_id_check("530102" + TODAY.strftime("%Y%m%d") + "001")
    assert check_id_number(number, today=TODAY) == number


# Resident ID numbers: errors ------------------------------------------------------------

ID_ERRORS = [
    ("", "id.empty"),
    ("530102**********1232", "id.masked"),
    ("5301＊＊＊＊＊＊＊＊＊＊1232", "id.masked"),
    ("53010219700101123", "id.length"),
    ("5301021970010112321", "id.length"),
    ("53010219700101123A", "id.character"),
    ("5301021970X101123X", "id.character"),
    ("53010270010112X", "id.character"),
    (with_id_check("53010219900230123"), "id.birth_date"),
    (with_id_check("53010220250602001"), "id.birth_date"),
    ("440524188001010014", "id.birth_date"),  # GB 11643-1999's example, born 1880
    (with_id_check("53999919900101001"), "id.region"),
    (with_id_check("11010320150101001"), "id.region"),
    (with_id_check("53042120160101001"), "id.region"),
    ("530102197001011233", "id.checksum"),
]


@pytest.mark.parametrize(("raw", "code"), ID_ERRORS)
def test_it_rejects_a_bad_id_number_with_the_most_helpful_error(raw, code):
    error = id_error(raw)
    assert error.code == code
    assert error.overridable is False


def test_it_rejects_an_impossible_birth_date():
    error = id_error(with_id_check("53010219900230123"))
    assert error.params == {"date": "19900230"}
    assert "不存在" in error.message_in("zh-hans")


def test_it_rejects_a_birth_date_in_the_future():
    error = id_error(with_id_check("53010220250602001"))
    assert error.code == "id.birth_date"
    assert "晚于今天" in error.message_in("zh-hans")


def test_it_takes_today_from_the_clock_by_default():
    tomorrow = date.today() + timedelta(days=1)
    with pytest.raises(IdentifierError) as caught:
        check_id_number(with_id_check("530102" + tomorrow.strftime("%Y%m%d") + "001"))
    assert caught.value.code == "id.birth_date"


def test_it_rejects_a_division_abolished_before_the_birth_year():
    error = id_error(with_id_check("53042120160101001"))  # 江川县 "[1997-2015]"
    assert error.code == "id.region"
    assert error.params == {"region": "530421"}
    assert "已撤销" in error.message_in("zh-hans")


def test_it_rejects_a_region_code_that_never_existed():
    error = id_error(with_id_check("53999919900101001"))
    assert "不是行政区划代码" in error.message_in("zh-hans")


def test_it_names_the_bad_id_character_and_its_position():
    assert id_error("5301021970X101123X").params == {"position": 11, "character": "X"}


def test_an_id_error_does_not_carry_the_number():
    assert id_error("530102197001011233").value == ""


# Messages --------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "code"), USCC_ERRORS)
def test_every_uscc_error_has_a_chinese_and_an_english_message(raw, code):
    assert_messages(uscc_error(raw), code)


@pytest.mark.parametrize(("raw", "code"), ID_ERRORS)
def test_every_id_error_has_a_chinese_and_an_english_message(raw, code):
    assert_messages(id_error(raw), code)


def assert_messages(error: IdentifierError, code: str) -> None:
    as_dict = error.as_dict()
    assert as_dict["code"] == code
    assert as_dict["message"]
    assert as_dict["message_en"]
    assert CHINESE.search(error.message_in("zh-hans"))
    assert "%(" not in as_dict["message"]
