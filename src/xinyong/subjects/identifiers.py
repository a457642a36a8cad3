"""Identifier policy: unified social credit codes (USCC) and resident ID numbers.

python-stdnum does the arithmetic (check characters) and supplies the GB/T 2260 division
table (`numdb.get("cn/loc")`); this module decides what a clerk's input means. Decisions:

Normalising (`normalize`)
  NFKC folds full-width characters to half-width (`９１１１…`, `＊`, `－`, the ideographic
  space U+3000; also `Ⅹ`, which some input methods give for X). Then all whitespace,
  inside too, and invisible format characters (zero-width space, BOM, soft hyphen: Unicode
  category Cf, common in spreadsheet exports) are removed, and letters are upper-cased.
  Positions in messages count characters of this normalised text.

USCC (GB 32100-2015), checked in this order so the first error is the most helpful one
  `uscc.empty`; `uscc.masked` (contains `*`: a publicity copy, not a code);
  `uscc.org_code` (a 9-character GB 11714 organisation code, `12345678-9` or without the
  hyphen) and `uscc.registration_number` (a 15-digit old business registration number):
  both are real identifiers put in the wrong column, so they are named as such before the
  generic `uscc.length`; `uscc.character` (outside the 31-character alphabet, e.g. I O S V
  Z, punctuation or a Chinese character; the message gives the character and its
  position, which catches O/0 typing mistakes); `uscc.placeholder` (one character
  repeated: `000000000000000000` passes the check character, so it needs its own rule);
  `uscc.region` (positions 3-8 must be digits starting with a province-level code in
  stdnum's table, or `10` for central-level bodies, region 100000; the other four digits
  are not checked, since codes issued under divisions since renamed stay valid);
  `uscc.checksum` last.
  Positions 1 and 2 (registration department and institution class) may be any alphabet
  character: GB 32100 uses letters there (N 农业, Y 其他, ...), and the list of department
  and class codes has grown by later notices, so it is not enforced here.
  A wrong check character is the only *overridable* error (`IdentifierError.overridable`):
  a few early pilot codes failed the check yet were legally issued. The caller may accept
  such a code only by an explicit, recorded operator decision; this module never does.
  The message does not show the expected check character, so that a clerk does not
  "repair" a typo elsewhere in the code by changing the last character.
  The embedded GB 11714 organisation-code check character (positions 9-17) is NOT
  enforced: for subjects that never had an organisation code (many 个体工商户 registered
  after 2015) the registration authority assigns the 9-character body itself, and such
  bodies are reported not always to carry a valid GB 11714 check character. We found no
  authoritative statement of how common this is, so rejecting on it would risk turning
  away legally issued codes; `org_code_check_character` exists for generating data.

Resident ID number (GB 11643-1999), in this order
  `id.empty`; `id.masked`; `id.length` (neither 18 nor 15); `id.character` (digits only,
  except a final X in an 18-character number); `id.birth_date` (not a real date, later
  than today, or before 1900: a plausibility floor for living persons, which even
  rejects GB 11643-1999's own example 440524188001010014, born 1880);
  `id.region`; `id.checksum`. None of these is overridable.
  A 15-digit legacy number (region 6 + YYMMDD + sequence 3, no check character) is
  converted the standard way: "19" is inserted before YYMMDD and the check character is
  computed. That form was replaced by the 18-digit one from 1999, so the century is
  taken as 19 (a person born before 1900 cannot be told apart; none is expected now). The checker
  returns the 18-character form, so both forms of one person compare equal.
  Region rule, deliberately looser than stdnum's `ric`: stdnum rejects a code that did
  not exist in the birth year, but the code is assigned where the household is
  registered when the number is first issued (from 1984 on), so people born before a
  division was created carry its code: stdnum rejects 530102197001011232 (五华区,
  "[1983-]" in its table, born 1970). We reject a code unknown to the table, and a code
  whose every name in the table ended before the birth year (nobody can be registered
  in a division abolished before they were born). 810000, 820000 and 830000 (residence
  permits for Hong Kong, Macao and Taiwan residents, issued from 2018) are always accepted.

Public helpers (also used by the demo-data generator) raise ValueError on malformed
input: that is a programming error, not a clerk's.
"""

from __future__ import annotations

import string
import unicodedata
from datetime import date
from functools import cache
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from stdnum import numdb
from stdnum.cn import ric, uscc

from xinyong.core.errors import InvalidInput

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_LENGTH = 18
CENTRAL_REGION_PREFIX = "10"
ORG_CODE_ALPHABET = string.digits + string.ascii_uppercase
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
RESIDENCE_PERMIT_REGIONS = frozenset({"810000", "820000", "830000"})
EARLIEST_BIRTH_YEAR = 1900
MASK = "*"


class IdentifierError(InvalidInput):
    """A code or number that is not acceptable as given.

    `overridable` is True only for a USCC whose check character alone is wrong. `value` is
    the normalised USCC, which an operator's explicit override would store; it stays empty
    for ID numbers, which are personal information.
    """

    def __init__(
        self,
        code: str,
        message: str | Promise,
        *,
        params: dict[str, Any] | None = None,
        field: str | None = None,
        overridable: bool = False,
        value: str = "",
    ) -> None:
        super().__init__(code, message, params=params, field=field)
        self.overridable = overridable
        self.value = value

    def as_dict(self) -> dict[str, Any]:
        result = super().as_dict()
        if self.overridable:
            result["overridable"] = True
        return result


# Normalising ---------------------------------------------------------------------------


def normalize(raw: str) -> str:
    """NFKC, without whitespace or invisible format characters, upper-cased."""
    text = unicodedata.normalize("NFKC", raw)
    kept = (c for c in text if not c.isspace() and unicodedata.category(c) != "Cf")
    return "".join(kept).upper()


def _is_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


# Check characters ----------------------------------------------------------------------


def uscc_check_character(first17: str) -> str:
    """The 18th character of a USCC whose first 17 characters are given (GB 32100)."""
    if len(first17) != USCC_LENGTH - 1 or any(c not in USCC_ALPHABET for c in first17):
        raise ValueError(f"not 17 USCC characters: {first17!r}")
    return uscc.calc_check_digit(first17)


def org_code_check_character(first8: str) -> str:
    """The 9th character of a GB 11714 organisation code: 11 - Σ mod 11, 10→X, 11→0."""
    if len(first8) != 8 or any(c not in ORG_CODE_ALPHABET for c in first8):
        raise ValueError(f"not 8 organisation-code characters: {first8!r}")
    total = sum(int(c, 36) * w for c, w in zip(first8, ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def id_check_character(first17: str) -> str:
    """The 18th character of a resident ID number (GB 11643-1999)."""
    if len(first17) != 17 or not _is_digits(first17):
        raise ValueError(f"not 17 digits: {first17!r}")
    return ric.calc_check_digit(first17 + "0")  # stdnum ignores the last character


def birth_date(id_number: str) -> date:
    """The birth date in an already checked 18-character ID number."""
    if len(id_number) != 18:
        raise ValueError("expected a checked 18-character ID number")
    return date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def region_code(id_number: str) -> str:
    """The six-digit division code of an already checked ID number."""
    if len(id_number) != 18:
        raise ValueError("expected a checked 18-character ID number")
    return id_number[:6]


# Division table (stdnum's GB/T 2260 data) ------------------------------------------------


@cache
def province_prefixes() -> frozenset[str]:
    """Two-digit province-level codes in stdnum's division table."""
    table = numdb.get("cn/loc")
    candidates = (f"{n:02d}" for n in range(100))
    return frozenset(p for p in candidates if "province" in table.info(p)[0][1])


# A pure function of ~3,500 division codes; stdnum's lookup costs ~30 µs, which an
# import of a million rows would otherwise pay on every ID number.
@cache
def _division_names(region: str) -> tuple[str, ...]:
    """The county entries for a six-digit code, e.g. ("[-1991]东郊区", "[1992-]东丽区")."""
    parts = numdb.get("cn/loc").info(region)
    if len(parts) != 2 or "province" not in parts[0][1]:
        return ()
    county = parts[1][1].get("county")
    return tuple(county.split(",")) if county else ()


def _end_year(name: str) -> int | None:
    """The last year of a table entry like "[1997-2015]江川县"; None if still in use."""
    if not name.startswith("["):
        return None
    end = name[1 : name.index("]")].partition("-")[2]
    return int(end) if end else None


# USCC ------------------------------------------------------------------------------------


def check_uscc(raw: str) -> str:
    """The normalised USCC, or IdentifierError (see the module docstring for the order)."""
    code = normalize(raw)
    _check_uscc_shape(code)
    _check_uscc_characters(code)
    _check_uscc_content(code)
    return code


def _uscc_error(code: str, message: Promise, value: str, **params: Any) -> IdentifierError:
    return IdentifierError(f"uscc.{code}", message, params=params, value=value)


def _check_uscc_shape(code: str) -> None:
    if not code:
        raise _uscc_error("empty", _("统一社会信用代码为空，请填写18位代码"), code)
    if MASK in code:
        raise _uscc_error(
            "masked", _("统一社会信用代码含有“*”，是脱敏后的代码，不能作为代码使用"), code
        )
    if _looks_like_org_code(code):
        raise _uscc_error(
            "org_code",
            _("这是9位组织机构代码，不是统一社会信用代码；请填写18位统一社会信用代码"),
            code,
        )
    if len(code) == 15 and _is_digits(code):
        raise _uscc_error(
            "registration_number",
            _("这是15位工商注册号，不是统一社会信用代码；请填写18位统一社会信用代码"),
            code,
        )
    if len(code) != USCC_LENGTH:
        raise _uscc_error(
            "length", _("统一社会信用代码应为18位，这里是%(length)s位"), code, length=len(code)
        )


def _looks_like_org_code(code: str) -> bool:
    body = code[:8] + code[9:] if len(code) == 10 and code[8] == "-" else code
    return (
        len(body) == 9
        and all(c in ORG_CODE_ALPHABET for c in body[:8])
        and body[8] in string.digits + "X"
    )


def _check_uscc_characters(code: str) -> None:
    for position, character in enumerate(code, start=1):
        if character not in USCC_ALPHABET:
            raise _uscc_error(
                "character",
                _(
                    "统一社会信用代码第%(position)s位的“%(character)s”不是有效字符"
                    "（只用数字和除I、O、S、V、Z以外的大写字母）"
                ),
                code,
                position=position,
                character=character,
            )


def _check_uscc_content(code: str) -> None:
    if len(set(code)) == 1:
        raise _uscc_error(
            "placeholder", _("统一社会信用代码由同一个字符重复组成，是占位值，请填写真实代码"), code
        )
    region = code[2:8]
    known = region[:2] in province_prefixes() or region[:2] == CENTRAL_REGION_PREFIX
    if not (_is_digits(region) and known):
        raise _uscc_error(
            "region",
            _("统一社会信用代码第3至8位“%(region)s”不是有效的行政区划代码，请核对代码"),
            code,
            region=region,
        )
    if code[17] != uscc_check_character(code[:17]):
        raise IdentifierError(
            "uscc.checksum",
            _(
                "统一社会信用代码的校验码（第18位）不符，请核对代码；"
                "确属早期试点合法发放的代码，须由操作员确认后才能接受"
            ),
            overridable=True,
            value=code,
        )


# Resident ID number --------------------------------------------------------------------


def check_id_number(raw: str, *, today: date | None = None) -> str:
    """The normalised 18-character ID number, or IdentifierError (see the module docstring)."""
    number = normalize(raw)
    _check_id_shape(number)
    if len(number) == 15:
        number = _from_legacy(number)
    born = _check_birth_date(number, today or date.today())
    _check_id_region(number, born.year)
    if number[17] != id_check_character(number[:17]):
        raise _id_error("checksum", _("身份证号码的校验码（第18位）不符，请核对号码"))
    return number


def _from_legacy(number: str) -> str:
    """A 15-digit number as 18 digits: "19" before YYMMDD, then the check character."""
    first17 = number[:6] + "19" + number[6:]
    return first17 + id_check_character(first17)


def _id_error(code: str, message: Promise, **params: Any) -> IdentifierError:
    # No `value`: an ID number is personal information and nothing overrides these errors.
    return IdentifierError(f"id.{code}", message, params=params)


def _check_id_shape(number: str) -> None:
    if not number:
        raise _id_error("empty", _("身份证号码为空，请填写18位号码"))
    if MASK in number:
        raise _id_error("masked", _("身份证号码含有“*”，是脱敏后的号码，不能作为号码使用"))
    if len(number) not in (15, 18):
        raise _id_error(
            "length",
            _("身份证号码应为18位（旧号码15位），这里是%(length)s位"),
            length=len(number),
        )
    for position, character in enumerate(number, start=1):
        final_x = character == "X" and position == 18
        if not (_is_digits(character) or final_x):
            raise _id_error(
                "character",
                _(
                    "身份证号码第%(position)s位的“%(character)s”无效：只能是数字，"
                    "18位号码的最后一位可以是X"
                ),
                position=position,
                character=character,
            )


def _check_birth_date(number: str, today: date) -> date:
    text = number[6:14]
    try:
        born = birth_date(number)
    except ValueError:
        raise _id_error(
            "birth_date",
            _("身份证号码中的出生日期“%(date)s”不存在，请核对号码"),
            date=text,
        ) from None
    if born > today:
        raise _id_error(
            "birth_date",
            _("身份证号码中的出生日期“%(date)s”晚于今天，请核对号码"),
            date=text,
        )
    if born.year < EARLIEST_BIRTH_YEAR:
        raise _id_error(
            "birth_date",
            _("身份证号码中的出生日期“%(date)s”早于1900年，请核对号码"),
            date=text,
        )
    return born


def _check_id_region(number: str, birth_year: int) -> None:
    region = number[:6]
    if region in RESIDENCE_PERMIT_REGIONS:
        return
    names = _division_names(region)
    if not names:
        raise _id_error(
            "region",
            _("身份证号码前6位“%(region)s”不是行政区划代码，请核对号码"),
            region=region,
        )
    ends = [_end_year(name) for name in names]
    if all(end is not None and end < birth_year for end in ends):
        raise _id_error(
            "region",
            _("身份证号码前6位“%(region)s”对应的行政区划在出生年份前已撤销，请核对号码"),
            region=region,
        )
