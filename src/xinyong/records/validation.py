"""Validate one row of cells (already mapped to field codes) into a normalised row.

`RowValidator(fields, data_format, today=...)` is built once per import from a record
type's catalogue fields and data-format conventions (policy pack, `catalogue.yaml`);
`validate(row, cells)` returns a `ValidRow` or the list of EVERY problem of the row as
`RowError`s (stable code, field code, Chinese message with named parameters).

Cells
  Every cell is stripped. Codes, numbers, dates and choices are also NFKC-folded
  (full-width digits, letters and punctuation become half-width); free text is not.
  Control and invisible format characters are removed from text (line breaks and tabs
  are kept in long text; in names every run of whitespace becomes one space). A cell
  equal to one of `empty_values` (暂无, 无, ...) or a date equal to one of
  `empty_dates` (1900-01-01) is empty.

Codes (one per rule)
  field.required            a required field is empty (`required`, or `required_for`
                            the row's subject kind); subject name, subject kind,
                            document number and decision date are always required,
                            since a record cannot be stored without them
  field.choice              a value outside the field's choices (also the subject kind)
  field.date                not a date in an accepted form, or a date that does not
                            exist (2019-02-30), or before 1900
  field.date_future         the decision date is after today
  field.amount              an amount in 万元 that is not a number ≥ 0
  field.amount_unit         an amount written in 元 ("2000元"): the unit is 万元
  field.status              a status not in `status_values`
  field.validity_order      validity-to before validity-from
  field.validity_before_decision   validity-to before the decision date
  field.too_long            text longer than its limit (`TEXT_LIMITS`)
  subject.kind_mismatch     the identifiers do not fit the subject kind: a person needs
                            an ID number, an organisation or individual business a USCC
  uscc.*, id.*              from `xinyong.subjects.identifiers`, with `field` set

At most one error is reported per field; a cross-field error (kind mismatch, dates out
of order) is reported only when the fields involved are themselves valid. The kind
mismatch replaces a plain field.required on the identifier's field, except for a person
with neither identifier where the catalogue itself requires the ID number: then
field.required alone says it.

A wrong USCC check character (uscc.checksum, the only overridable identifier error) is
accepted only for codes passed in `overridden_usccs`, an operator's recorded decision.

Personal ID numbers (type id_number, or roles id_number / legal_representative_id) are
checked as resident ID numbers (GB 11643-1999) whatever the 证件类型 cell says: the
catalogue does not link the two fields yet.

`ValidRow.values` holds the non-empty cells only (an absent column and an empty one mean
the same, and hash the same); the status field, when the type has one, always holds the
status code ("normal" when empty).

Accepted dates: 2018-7-27, 2018-07-27, 2019/05/22, 2019/5/2, 2019.05.22, 20190522,
2019年5月22日, and any of the separated forms followed by a time of day (" 0:00:00",
"T00:00:00"); the time is dropped. Excel serial numbers (43607) are not dates here: the
file reader converts date-formatted cells.

Amounts: digits with at most one decimal point, optional thousands separators in
groups of three ("1,000.5"), an optional "万元"/"万" suffix; stored without trailing
zeros ("0.20" → "0.2").

Performance: the per-field work is compiled into closures in `__init__`; USCCs (mostly
the same few reporting units on every row), dates, amounts and choices are memoised per
validator, and a new USCC goes through `quick_uscc` before `check_uscc`. Personal ID
numbers are never memoised.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from operator import mul
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from xinyong.records.errors import RowError
from xinyong.subjects.identifiers import (
    CENTRAL_REGION_PREFIX,
    USCC_ALPHABET,
    USCC_LENGTH,
    IdentifierError,
    check_id_number,
    check_uscc,
    province_prefixes,
)

# The subject-kind choices of the 2019 national format and the platform's kinds.
SUBJECT_KINDS = {
    "法人及非法人组织": "organisation",
    "自然人": "person",
    "个体工商户": "individual_business",
}
ORGANISATION, INDIVIDUAL_BUSINESS, PERSON = "organisation", "individual_business", "person"

# Longest accepted text, in characters, by role; other text fields get DEFAULT_TEXT_LIMIT.
# Names and document numbers follow the database columns they are stored in.
TEXT_LIMITS = {"subject_name": 200, "legal_representative": 100, "document_number": 200}
DEFAULT_TEXT_LIMIT = 2000

# Roles without which a record cannot be stored: required whatever the catalogue says.
ALWAYS_REQUIRED = frozenset({"subject_name", "subject_kind", "document_number", "decision_date"})
NAME_ROLES = frozenset({"subject_name", "legal_representative"})
ID_ROLES = frozenset({"id_number", "legal_representative_id"})
DATE_ROLES = frozenset({"decision_date", "validity_from", "validity_to"})
MULTI_SEPARATORS = str.maketrans(dict.fromkeys("、,，;；/", " "))
FULL_WIDTH = {c: c + 0xFEE0 for c in range(0x21, 0x7F)}
EARLIEST_YEAR = 1900
MEMO_LIMIT = 100_000  # entries per memo; a memo is emptied when it grows past this
SHOWN_VALUE_LIMIT = 60  # characters of a cell quoted in a message
DEFAULT_STATUS = "normal"

# Messages ------------------------------------------------------------------------------
REQUIRED = _("“%(name)s”是必填项，不能为空")
REQUIRED_PLACEHOLDER = _("“%(name)s”是必填项；“%(value)s”是表示“无”的占位值，不能作为内容")
REQUIRED_FOR = _("行政相对人类别为“%(kind)s”时，“%(name)s”是必填项，不能为空")
REQUIRED_FOR_PLACEHOLDER = _(
    "行政相对人类别为“%(kind)s”时，“%(name)s”是必填项；“%(value)s”是表示“无”的占位值，不能作为内容"
)
CHOICE = _("“%(name)s”的值“%(value)s”不在可选范围内，可选值：%(allowed)s")
MULTI_CHOICE = _("“%(name)s”中的“%(value)s”不在可选范围内，可选值：%(allowed)s（多个值用“、”分隔）")
DATE_FORMAT = _("“%(name)s”的“%(value)s”不是可识别的日期，请按“2019-05-22”的格式填写")
DATE_IMPOSSIBLE = _("“%(name)s”的日期“%(value)s”不存在，请核对年、月、日")
DATE_TOO_EARLY = _("“%(name)s”的日期“%(value)s”早于1900年，不是有效日期")
DATE_FUTURE = _("“%(name)s”“%(value)s”晚于今天（%(today)s），决定日期不能是将来的日期")
AMOUNT = _("“%(name)s”的“%(value)s”不是有效金额：请填写不小于0的数字，单位为万元（0.2即2000元）")
AMOUNT_UNIT = _(
    "“%(name)s”的“%(value)s”以“元”为单位，但本项的单位是万元：请换算成万元后只填数字"
    "（0.2万元即2000元）"
)
SCORE = _("“%(name)s”的“%(value)s”不是有效分值：请填写数字，最多两位小数")
SCORE_RANGE = _("“%(name)s”的分值%(value)s超出范围：应在%(minimum)s至%(maximum)s之间")
STATUS = _("“%(name)s”的值“%(value)s”无法识别，可填：%(allowed)s")
VALIDITY_ORDER = _("“%(to_name)s”（%(to)s）早于“%(from_name)s”（%(from)s），有效期起止颠倒")
VALIDITY_BEFORE_DECISION = _(
    "“%(to_name)s”（%(to)s）早于“%(decision_name)s”（%(decision)s），有效期不能在作出决定之前结束"
)
TOO_LONG = _("“%(name)s”有%(length)s个字符，超过了%(limit)s个字符的上限")
PERSON_NEEDS_ID = _("行政相对人类别为“自然人”，须填写“%(name)s”：自然人以身份证件号码识别")
PERSON_HAS_USCC = _(
    "行政相对人类别为“自然人”，但没有填写“%(name)s”，只填写了统一社会信用代码：自然人以身份证件"
    "号码识别。相对人若是组织或个体工商户，请改正行政相对人类别；若是自然人，请填写证件号码"
)
ORGANISATION_NEEDS_USCC = _(
    "行政相对人类别为“%(kind)s”，须填写“%(name)s”：法人及非法人组织和个体工商户以统一社会信用代码"
    "识别，没有代码就无法确定是哪一个主体"
)
ORGANISATION_HAS_ID = _(
    "行政相对人类别为“%(kind)s”，但没有填写“%(name)s”，只填写了证件号码：法人及非法人组织和"
    "个体工商户以统一社会信用代码识别。相对人若是自然人，请改正行政相对人类别；否则请填写代码"
)

Params = tuple[tuple[str, Any], ...]


@dataclass(frozen=True, slots=True)
class _Reject:
    """A cell's problem, returned (not raised: rejects are memoised) by a parser."""

    code: str
    message: Promise | str
    params: Params = ()


@dataclass(frozen=True)
class ValidRow:
    row: int
    subject_kind: str  # "organisation" | "individual_business" | "person"
    subject_name: str
    uscc: str | None  # normalised, checked
    id_number: str | None  # normalised 18 characters, checked (clear: the pipeline seals it)
    legal_representative: str
    legal_representative_id: str | None  # normalised, checked, clear
    document_number: str
    decision_date: date
    categories: tuple[str, ...]
    status: str  # "normal" | "revoked" | "disputed"
    value: float | None  # the `value` role's score (a rating, an assessment), if any
    # Every non-empty field code → its normalised value as a string (dates ISO, amounts
    # without trailing zeros, choices canonical, several choices joined by "、"); personal
    # ID fields are left out.
    values: dict[str, str]


# Cleaning --------------------------------------------------------------------------------


def _nfkc(text: str) -> str:
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


def _clean_code(raw: str) -> str:
    """Codes, numbers, dates and choices: NFKC, stripped."""
    return _nfkc(raw).strip()


def _clean_text(raw: str) -> str:
    """Free text: stripped; control and invisible characters removed, line breaks kept."""
    text = raw.strip()
    if text.isprintable():
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    kept = (
        c
        for c in text
        if c in "\n\t" or c.isprintable() or (c.isspace() and unicodedata.category(c)[0] == "Z")
    )
    return "".join(kept).strip()


def _clean_name(raw: str) -> str:
    """Names: stripped; control and invisible characters removed, spaces collapsed."""
    text = raw.strip()
    if text.isprintable():
        return " ".join(text.split()) if "  " in text else text
    kept = "".join(c if c.isprintable() else " " if c.isspace() else "" for c in text)
    return " ".join(kept.split())


def _shown(value: str) -> str:
    return value if len(value) <= SHOWN_VALUE_LIMIT else value[:SHOWN_VALUE_LIMIT] + "…"


# Parsers (text already cleaned and not empty) ---------------------------------------------


def _digits(text: str, low: int, high: int) -> bool:
    return low <= len(text) <= high and text.isascii() and text.isdigit()


def _valid_time(text: str) -> bool:
    """H:MM, H:MM:SS or H:MM:SS.fff, within a day."""
    parts = text.split(":")
    if len(parts) not in (2, 3):
        return False
    if len(parts) == 3:
        parts[2] = parts[2].partition(".")[0] if parts[2].count(".") == 1 else parts[2]
    limits = (23, 59, 59)
    return all(
        _digits(part, 1 if i == 0 else 2, 2) and int(part) <= limits[i]
        for i, part in enumerate(parts)
    )


def parse_date(text: str) -> date:
    """A date in one of the accepted forms (module docstring), or ValueError.

    The message of the ValueError is "format" (not a recognised form) or "impossible"
    (a form we accept, but no such day).
    """
    head = text
    for separator in (" ", "T"):
        if separator in text:
            head, _sep, time = text.partition(separator)
            if not _valid_time(time.strip()):
                raise ValueError("format")
            break
    if _digits(head, 8, 8):
        y, m, d = head[:4], head[4:6], head[6:]
    elif head.endswith("日") and "年" in head and "月" in head:
        y, _sep, rest = head[:-1].partition("年")
        m, _sep, d = rest.partition("月")
    else:
        for separator in "-/.":
            if separator in head:
                parts = head.split(separator)
                break
        else:
            raise ValueError("format")
        if len(parts) != 3:
            raise ValueError("format")
        y, m, d = parts
    if not (_digits(y, 4, 4) and _digits(m, 1, 2) and _digits(d, 1, 2)):
        raise ValueError("format")
    try:
        return date(int(y), int(m), int(d))
    except ValueError:
        raise ValueError("impossible") from None


def parse_amount(text: str) -> str:
    """An amount in 万元 as a canonical decimal string, or ValueError ("unit", "amount")."""
    number = text.removesuffix("万元").removesuffix("万").rstrip()
    if number.endswith("元"):
        raise ValueError("unit")
    if "," in number:
        number = _without_thousands_separators(number)
    whole, _dot, fraction = number.partition(".")
    if not (whole or fraction) or not all(_digits(p, 1, len(p)) for p in (whole, fraction) if p):
        raise ValueError("amount")
    whole = whole.lstrip("0") or "0"
    fraction = fraction.rstrip("0")
    return f"{whole}.{fraction}" if fraction else whole


def _plain(number: float) -> str:
    """87.50 → "87.5", 4.0 → "4": the canonical text of a score."""
    return f"{number:.2f}".rstrip("0").rstrip(".")


def _without_thousands_separators(number: str) -> str:
    whole, dot, fraction = number.partition(".")
    groups = whole.split(",")
    if "," in fraction or not 1 <= len(groups[0]) <= 3 or any(len(g) != 3 for g in groups[1:]):
        raise ValueError("amount")
    return "".join(groups) + dot + fraction


# USCC fast path ---------------------------------------------------------------------------

_USCC_VALUES = {c: i for i, c in enumerate(USCC_ALPHABET)}
_USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(USCC_LENGTH - 1))  # GB 32100: 3^(i-1) mod 31


def quick_uscc(text: str) -> str | None:
    """The code if `text` is certainly a valid USCC, else None (then ask `check_uscc`).

    `check_uscc` costs about 10 µs, half the budget of a row; this accepts the common case
    (an 18-character ASCII code) in about 1 µs by the same rules: alphabet, not one
    repeated character, province-level (or central) region digits, check character. It
    only ever accepts: every verdict other than "valid", and every message, comes from
    `check_uscc`. tests/records/test_validation.py compares the two on random codes.
    """
    if len(text) != USCC_LENGTH or not text.isascii():
        return None
    code = text.upper()
    if code.strip(USCC_ALPHABET):  # something left: a character outside the alphabet
        return None
    if not code[2:8].isdigit() or code[2:4] not in _known_prefixes():
        return None
    if code.count(code[0]) == USCC_LENGTH:
        return None
    total = sum(map(mul, map(_USCC_VALUES.__getitem__, code[:17]), _USCC_WEIGHTS))
    return code if USCC_ALPHABET[-total % 31] == code[17] else None


@cache
def _known_prefixes() -> frozenset[str]:
    return province_prefixes() | {CENTRAL_REGION_PREFIX}


# The validator ---------------------------------------------------------------------------

# A parser takes a cleaned, non-empty cell and returns (typed value, stored string or None
# for a value kept out of `values`), a _Reject, or EMPTY for a placeholder (1900-01-01).
EMPTY = object()
Parser = Callable[[str], "tuple[Any, str | None] | _Reject | object"]


@dataclass(frozen=True, slots=True)
class _Field:
    code: str
    name: str
    role: str
    clean: Callable[[str], str]
    parse: Parser | None
    limit: int
    required: bool
    required_for: frozenset[str]


def _memoised(parse: Parser) -> Parser:
    """`parse` with a bounded memo (for values that repeat: dates, amounts, choices)."""
    memo: dict[str, tuple[Any, str | None] | _Reject | object] = {}

    def parse_memoised(text: str) -> tuple[Any, str | None] | _Reject | object:
        result = memo.get(text)
        if result is None:
            result = parse(text)
            if len(memo) >= MEMO_LIMIT:
                memo.clear()
            memo[text] = result
        return result

    return parse_memoised


def _lookup_parser(
    name: str, mapping: Mapping[str, str], allowed: str, code: str, message: Promise
) -> Parser:
    """A cell that must be one of `mapping`'s keys; the value is what the key maps to."""

    def parse(text: str) -> tuple[str, str] | _Reject:
        value = mapping.get(text)
        if value is None:
            params = (("name", name), ("value", _shown(text)), ("allowed", allowed))
            return _Reject(code, message, params)
        return value, value

    return parse


class RowValidator:
    """Validates rows of one record type; build one per import (it memoises)."""

    def __init__(
        self,
        fields: list[dict[str, Any]],
        data_format: dict[str, Any],
        *,
        today: date,
        overridden_usccs: Collection[str] = (),
    ) -> None:
        """`overridden_usccs`: codes whose failed check character an operator accepted
        explicitly (uscc.checksum is the only overridable identifier error)."""
        self.today = today
        self.overridden_usccs = frozenset(overridden_usccs)
        listed = [v.strip() for v in data_format.get("empty_values") or []]
        # As written, NFKC-folded, and with ASCII as full-width ("－", "／"): text cells are
        # not NFKC-folded, and a set lookup is all the hot loop can afford.
        self.empty_values = frozenset(
            [*listed, *map(_clean_code, listed), *(v.translate(FULL_WIDTH) for v in listed)]
        )
        self.empty_dates = frozenset(
            date.fromisoformat(str(d)) for d in data_format.get("empty_dates") or []
        )
        self.status_values = {
            _clean_code(str(k)): v for k, v in (data_format.get("status_values") or {}).items()
        }
        indefinite = data_format.get("indefinite_date")
        # Informative only: the indefinite date is an ordinary, valid date to every check.
        self.indefinite_date = date.fromisoformat(str(indefinite)) if indefinite else None
        self.roles: dict[str, str] = {}
        self.names: dict[str, str] = {}
        self._uscc_memo: dict[str, tuple[str, str] | _Reject] = {}
        compiled = [self._compile(spec) for spec in fields]
        # The subject kind first: `required_for` of the other fields depends on it. Tuples,
        # not attributes, for the loop that runs a million times.
        self._plan = [
            (f.code, f.role, f.clean, f.parse, f.limit, f.required, f.required_for, f)
            for f in sorted(compiled, key=lambda f: f.role != "subject_kind")
        ]
        self._kind_code = self.roles.get("subject_kind", "")
        self._status_code = self.roles.get("status")

    # --- compiling ----------------------------------------------------------------------
    def _compile(self, spec: Mapping[str, Any]) -> _Field:
        code, name = spec["code"], spec.get("name") or spec["code"]
        role = spec.get("role") or ""
        kind = spec.get("type") or "text"
        if role:
            self.roles[role] = code
        self.names[code] = name
        clean: Callable[[str], str] = _clean_code
        parse: Parser | None = None  # None: plain text, checked against `limit` inline
        if role == "subject_kind":
            parse = _memoised(self._kind_parser(name, spec.get("choices") or list(SUBJECT_KINDS)))
        elif role == "status":
            parse = self._status_parser(name)
        elif role in ID_ROLES or kind == "id_number":
            parse = self._id_parser()
        elif role == "uscc" or kind == "uscc":
            parse = self._uscc_parser()
        elif role in DATE_ROLES or kind == "date":
            parse = _memoised(self._date_parser(name, future=role == "decision_date"))
        elif kind == "amount_wan":
            parse = _memoised(self._amount_parser(name))
        elif kind == "score":
            parse = _memoised(self._score_parser(name, spec["minimum"], spec["maximum"]))
        elif kind == "choice":
            parse = self._choice_parser(name, spec["choices"])
        elif kind == "multi_choice":
            parse = _memoised(self._multi_choice_parser(name, spec["choices"]))
        else:
            clean = _clean_name if role in NAME_ROLES else _clean_text
        return _Field(
            code=code,
            name=name,
            role=role,
            clean=clean,
            parse=parse,
            limit=TEXT_LIMITS.get(role, DEFAULT_TEXT_LIMIT),
            required=bool(spec.get("required")) or role in ALWAYS_REQUIRED,
            required_for=frozenset(spec.get("required_for") or ()),
        )

    @staticmethod
    def _choices(choices: list[str]) -> dict[str, str]:
        """Cleaned spelling (and the spelling as given) → the canonical choice."""
        canonical = {_clean_code(c): c for c in choices}
        canonical.update({c: c for c in choices})
        return canonical

    def _kind_parser(self, name: str, choices: list[str]) -> Parser:
        unknown = [c for c in choices if c not in SUBJECT_KINDS]
        if unknown:
            raise ValueError(f"subject kind choices without a platform kind: {unknown}")
        canonical = self._choices(choices)
        allowed = "、".join(choices)

        def parse(text: str) -> tuple[str, str] | _Reject:
            value = canonical.get(text)
            if value is None:
                return _Reject(
                    "field.choice",
                    CHOICE,
                    (("name", name), ("value", _shown(text)), ("allowed", allowed)),
                )
            return SUBJECT_KINDS[value], value

        return parse

    def _choice_parser(self, name: str, choices: list[str]) -> Parser:
        return _lookup_parser(
            name, self._choices(choices), "、".join(choices), "field.choice", CHOICE
        )

    def _multi_choice_parser(self, name: str, choices: list[str]) -> Parser:
        canonical = self._choices(choices)
        allowed = "、".join(choices)

        def parse(text: str) -> tuple[tuple[str, ...], str] | _Reject:
            parts = text.translate(MULTI_SEPARATORS).split()
            unknown = [p for p in parts if p not in canonical]
            if unknown:
                return _Reject(
                    "field.choice",
                    MULTI_CHOICE,
                    (("name", name), ("value", _shown("、".join(unknown))), ("allowed", allowed)),
                )
            chosen = tuple(dict.fromkeys(canonical[p] for p in parts))
            return chosen, "、".join(chosen)

        return parse

    def _status_parser(self, name: str) -> Parser:
        statuses = self.status_values
        return _lookup_parser(name, statuses, "、".join(statuses), "field.status", STATUS)

    def _date_parser(self, name: str, *, future: bool) -> Parser:
        today, empty_dates = self.today, self.empty_dates

        def parse(text: str) -> tuple[date, str] | _Reject | object:
            params: Params = (("name", name), ("value", _shown(text)))
            try:
                day = parse_date(text)
            except ValueError as exc:
                message = DATE_IMPOSSIBLE if str(exc) == "impossible" else DATE_FORMAT
                return _Reject("field.date", message, params)
            if day in empty_dates:
                return EMPTY
            if day.year < EARLIEST_YEAR:
                return _Reject("field.date", DATE_TOO_EARLY, params)
            if future and day > today:
                return _Reject(
                    "field.date_future", DATE_FUTURE, (*params, ("today", today.isoformat()))
                )
            return day, day.isoformat()

        return parse

    @staticmethod
    def _amount_parser(name: str) -> Parser:
        def parse(text: str) -> tuple[str, str] | _Reject:
            try:
                amount = parse_amount(text)
            except ValueError as exc:
                if str(exc) == "unit":
                    return _Reject(
                        "field.amount_unit", AMOUNT_UNIT, (("name", name), ("value", _shown(text)))
                    )
                return _Reject("field.amount", AMOUNT, (("name", name), ("value", _shown(text))))
            return amount, amount

        return parse

    @staticmethod
    def _score_parser(name: str, minimum: float, maximum: float) -> Parser:
        """A score within the field's range, at most two decimals (4.5 stars, 87.25
        points): few enough digits that every engine averages them to the same 4 places."""

        def parse(text: str) -> tuple[float, str] | _Reject:
            whole, _dot, fraction = text.partition(".")
            digits = whole.removeprefix("-")
            if not _digits(digits, 1, 6) or (fraction and not _digits(fraction, 1, 2)):
                return _Reject("field.score", SCORE, (("name", name), ("value", _shown(text))))
            number = float(text)
            if not minimum <= number <= maximum:
                params = (
                    ("name", name),
                    ("value", _shown(text)),
                    ("minimum", _plain(minimum)),
                    ("maximum", _plain(maximum)),
                )
                return _Reject("field.score_range", SCORE_RANGE, params)
            return number, _plain(number)

        return parse

    def _uscc_parser(self) -> Parser:
        memo = self._uscc_memo  # shared by every USCC field of the type
        overridden = self.overridden_usccs

        def parse(text: str) -> tuple[str, str] | _Reject:
            result = memo.get(text)
            if result is None:
                result = _check(text)
                if len(memo) >= MEMO_LIMIT:
                    memo.clear()
                memo[text] = result
            return result

        def _check(text: str) -> tuple[str, str] | _Reject:
            code = quick_uscc(text)
            if code is not None:
                return code, code
            try:
                code = check_uscc(text)
            except IdentifierError as exc:
                if exc.overridable and exc.value in overridden:
                    return exc.value, exc.value
                return _Reject(exc.code, exc.message, tuple(exc.params.items()))
            return code, code

        return parse

    def _id_parser(self) -> Parser:
        today = self.today

        def parse(text: str) -> tuple[str, None] | _Reject:
            # Personal information: never memoised, never in `values`.
            try:
                return check_id_number(text, today=today), None
            except IdentifierError as exc:
                return _Reject(exc.code, exc.message, tuple(exc.params.items()))

        return parse

    # --- validating ---------------------------------------------------------------------
    def validate(self, row: int, cells: Mapping[str, str]) -> ValidRow | list[RowError]:
        errors: dict[str, RowError] = {}  # field code → its one error
        typed: dict[str, Any] = {}  # role → typed value
        values: dict[str, str] = {}
        empty_values = self.empty_values
        kind = kind_label = ""
        value: Any
        stored: str | None
        for code, role, clean, parse, limit, required, required_for, spec in self._plan:
            raw = cells.get(code)
            if raw:
                text = clean(raw)
                if text and text not in empty_values:
                    if parse is None:  # plain text
                        if len(text) <= limit:
                            values[code] = text
                            if role:
                                typed[role] = text
                            continue
                        result: Any = _Reject(
                            "field.too_long",
                            TOO_LONG,
                            (("name", spec.name), ("length", len(text)), ("limit", limit)),
                        )
                    else:
                        result = parse(text)
                    if result.__class__ is tuple:
                        value, stored = result
                        if role:
                            typed[role] = value
                            if role == "subject_kind":
                                kind, kind_label = value, stored or ""
                        if stored is not None:
                            values[code] = stored
                        continue
                    if result is not EMPTY:
                        errors[code] = RowError(
                            row, code, result.code, result.message, result.params
                        )
                        continue
                    # else a placeholder date (1900-01-01): empty
            else:
                text = ""
            if required:
                errors[code] = self._required(row, spec, text, "")
            elif kind and kind in required_for:
                errors[code] = self._required(row, spec, text, kind_label)
        status_code = self._status_code
        if status_code is not None and "status" not in typed and status_code not in errors:
            typed["status"] = values[status_code] = DEFAULT_STATUS
        if kind:
            self._check_kind(row, kind, kind_label, typed, errors)
        if "validity_to" in typed:
            self._check_dates(row, typed, errors)
        if errors:
            return list(errors.values())
        categories = typed.get("categories", ())
        return ValidRow(
            row=row,
            subject_kind=kind,
            subject_name=typed["subject_name"],
            uscc=typed.get("uscc"),
            id_number=typed.get("id_number"),
            legal_representative=typed.get("legal_representative", ""),
            legal_representative_id=typed.get("legal_representative_id"),
            document_number=typed["document_number"],
            decision_date=typed["decision_date"],
            categories=categories if isinstance(categories, tuple) else (categories,),
            status=typed.get("status", DEFAULT_STATUS),
            value=typed.get("value"),
            values=values,
        )

    def _required(self, row: int, spec: _Field, placeholder: str, kind_label: str) -> RowError:
        """`placeholder`: the cell's text if it was a placeholder such as 暂无, else ""."""
        params: Params = (("name", spec.name),)
        if kind_label:
            params = (("kind", kind_label), *params)
        if placeholder:
            message = REQUIRED_FOR_PLACEHOLDER if kind_label else REQUIRED_PLACEHOLDER
            params = (*params, ("value", _shown(placeholder)))
        else:
            message = REQUIRED_FOR if kind_label else REQUIRED
        return RowError(row, spec.code, "field.required", message, params)

    def _check_kind(
        self,
        row: int,
        kind: str,
        kind_label: str,
        typed: dict[str, Any],
        errors: dict[str, RowError],
    ) -> None:
        """A person is found by ID number, anyone else by USCC: that identifier must be
        there. The mismatch replaces a plain field.required on the same field, except for
        a person with neither identifier, where the catalogue's "required" says it all."""
        if kind == PERSON:
            needed, other = "id_number", "uscc"
            has_other = self._filled(other, typed, errors)
            message = PERSON_HAS_USCC if has_other else PERSON_NEEDS_ID
        else:
            needed, other = "uscc", "id_number"
            has_other = self._filled(other, typed, errors)
            message = ORGANISATION_HAS_ID if has_other else ORGANISATION_NEEDS_USCC
        if self._filled(needed, typed, errors):
            return  # there: valid, or already reported by the identifier check
        code = self.roles.get(needed) or self._kind_code
        existing = errors.get(code)
        if existing is not None and (
            existing.code != "field.required" or message is PERSON_NEEDS_ID
        ):
            return
        params: Params = (("kind", kind_label), ("name", self.names.get(code, code)))
        errors[code] = RowError(row, code, "subject.kind_mismatch", message, params)

    def _filled(self, role: str, typed: dict[str, Any], errors: dict[str, RowError]) -> bool:
        """Whether the row has a non-empty cell for `role`, valid or not."""
        if role in typed:
            return True
        error = errors.get(self.roles.get(role, ""))
        return error is not None and error.code != "field.required"

    def _check_dates(self, row: int, typed: dict[str, Any], errors: dict[str, RowError]) -> None:
        """Validity-to neither before validity-from nor before the decision date."""
        valid_to: date = typed["validity_to"]
        to_code = self.roles["validity_to"]
        valid_from, decided = typed.get("validity_from"), typed.get("decision_date")
        to_params: Params = (("to_name", self.names[to_code]), ("to", valid_to.isoformat()))
        if valid_from is not None and valid_to < valid_from:
            from_code = self.roles["validity_from"]
            errors.setdefault(
                to_code,
                RowError(
                    row,
                    to_code,
                    "field.validity_order",
                    VALIDITY_ORDER,
                    (
                        *to_params,
                        ("from_name", self.names[from_code]),
                        ("from", valid_from.isoformat()),
                    ),
                ),
            )
        elif decided is not None and valid_to < decided:
            decision_code = self.roles["decision_date"]
            errors.setdefault(
                to_code,
                RowError(
                    row,
                    to_code,
                    "field.validity_before_decision",
                    VALIDITY_BEFORE_DECISION,
                    (
                        *to_params,
                        ("decision_name", self.names[decision_code]),
                        ("decision", decided.isoformat()),
                    ),
                ),
            )
