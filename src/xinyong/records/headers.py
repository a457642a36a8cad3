"""Map a file's column headers to the field codes of a record type.

`map_headers(headers, fields)` never raises: it returns a `HeaderMap` that lists what it
found, and the caller decides. `HeaderMap.raise_for_problems()` raises the first
file-level problem (`problems()` gives them all, for a report):

    file.duplicate_column    two or more columns name the same field
    file.conflicting_column  one header whose code and Chinese name name different fields
    file.missing_columns     a `required: true` field has no column (every row would fail)

Columns that match no field are only listed in `unknown`: their cells stay in the raw
row (quarantine, reports) but are not imported.

How a header is matched
  The header is normalised: NFKC (full-width letters, digits, ＿, （）and spaces become
  half-width), invisible format characters (BOM, zero-width space) removed, ALL
  whitespace removed (Excel headers wrapped with Alt+Enter carry line breaks; field
  names and codes contain no spaces), leading and trailing "*" (required markers)
  removed, upper-cased. Then, first match wins:
    1. the whole header is a field's name (normalised the same way), so "罚款金额（万元）"
       equals "罚款金额(万元)";
    2. the whole header is a field code, reading hyphens as underscores (CF-XDR-MC),
       and dropping a numeric suffix such as "_1" when the code with the suffix is not
       itself a field (CF_WSH_1 → CF_WSH; exporting tools number columns this way);
    3. the header ends with a parenthesised part (brackets balanced, so
       "CF_NR_FK（罚款金额（万元））" splits after CF_NR_FK): the part before it and the
       part inside are each tried by 1 and 2. A part inside that is just a marker
       (必填, 选填, ...) is ignored. If both parts match, they must match the same field,
       otherwise the column is a conflict (a mislabelled template is not guessed at).
  Names must match exactly after normalisation, units included: "罚款金额（元）" is NOT
  "罚款金额（万元）" (reading yuan as 万元 would multiply every fine by 10,000), and
  "罚款金额" alone is not matched either. Such columns end up in `unknown`.
  A blank header is an unknown column too ("" in `unknown`), so no column disappears
  without a trace. A name shared by two fields of the same type matches neither.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from xinyong.core.errors import InvalidInput

_CODE = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*")
_DASHES = re.compile(r"[-‐‑‒–—―]")
_NUMBER_SUFFIX = re.compile(r"_\d+$")
# What templates put in brackets after a header that says nothing about the field.
_MARKERS = frozenset({"必填", "必填项", "选填", "选填项", "非必填", "可选", "可空"})


def normalise(header: str) -> str:
    """The matching key of a header or a field name (see the module docstring)."""
    text = unicodedata.normalize("NFKC", header)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf" and not ch.isspace())
    return text.strip("*").upper()


def _code_candidates(key: str) -> list[str]:
    code = _DASHES.sub("_", key)
    if not _CODE.fullmatch(code):
        return []
    unnumbered = _NUMBER_SUFFIX.sub("", code)
    return [code, unnumbered] if unnumbered != code else [code]


def _split_trailing(key: str) -> tuple[str, str] | None:
    """("CF_NR_FK", "罚款金额(万元)") for "CF_NR_FK(罚款金额(万元))"; None if no bracket."""
    if not key.endswith(")"):
        return None
    depth = 0
    for index in range(len(key) - 1, -1, -1):
        if key[index] == ")":
            depth += 1
        elif key[index] == "(":
            depth -= 1
            if depth == 0:
                return key[:index], key[index + 1 : -1]
    return None


class _Matcher:
    def __init__(self, fields: list[dict[str, Any]]) -> None:
        self.codes = {str(f["code"]) for f in fields}
        by_name: dict[str, str | None] = {}
        for f in fields:
            key = normalise(str(f.get("name") or ""))
            if key:
                # A name two fields share identifies neither.
                by_name[key] = None if key in by_name else str(f["code"])
        self.by_name = by_name

    def resolve(self, key: str) -> str | None:
        if not key:
            return None
        named = self.by_name.get(key)
        if named:
            return named
        return next((code for code in _code_candidates(key) if code in self.codes), None)

    def match(self, header: str) -> tuple[str | None, tuple[str, str] | None]:
        """(field code or None, (code, other code) when the header contradicts itself)."""
        key = normalise(header)
        whole = self.resolve(key)
        if whole:
            return whole, None
        parts = _split_trailing(key)
        if parts is None:
            return None, None
        outer, inner = parts
        first = self.resolve(outer)
        second = None if inner in _MARKERS else self.resolve(inner)
        if first and second and first != second:
            return None, (first, second)
        return first or second, None


@dataclass
class HeaderMap:
    headers: list[str]
    # column index → field code, for columns that are imported
    columns: dict[int, str] = field(default_factory=dict)
    # (column index, header as written) of columns that match no field
    unknown: list[tuple[int, str]] = field(default_factory=list)
    # codes of `required: true` fields without a column, in catalogue order
    missing_required: list[str] = field(default_factory=list)
    # (field code, first column, later column): the later column is not imported
    duplicates: list[tuple[str, int, int]] = field(default_factory=list)
    # (column index, code read from the header's code, code read from its name)
    conflicts: list[tuple[int, str, str]] = field(default_factory=list)
    # field code → Chinese name, for messages
    names: dict[str, str] = field(default_factory=dict)

    def cells(self, row: list[str]) -> dict[str, str]:
        """{field code: cell} for the mapped columns ("" past the end of a short row)."""
        width = len(row)
        return {code: row[i] if i < width else "" for i, code in self.columns.items()}

    def problems(self) -> list[InvalidInput]:
        """Every file-level problem, most fundamental first; empty when importable."""
        found = [self._duplicate_error(), self._conflict_error(), self._missing_error()]
        return [error for error in found if error is not None]

    def raise_for_problems(self) -> None:
        problems = self.problems()
        if problems:
            raise problems[0]

    def _label(self, code: str) -> str:
        name = self.names.get(code)
        return f"{name}（{code}）" if name else code

    def _duplicate_error(self) -> InvalidInput | None:
        if not self.duplicates:
            return None
        pairs = "；".join(
            f"“{self.headers[first]}”与“{self.headers[later]}” → {self._label(code)}"
            for code, first, later in self.duplicates
        )
        return InvalidInput(
            "file.duplicate_column",
            _("多列对应同一字段，每个字段只能有一列：%(columns)s"),
            params={"columns": pairs},
        )

    def _conflict_error(self) -> InvalidInput | None:
        if not self.conflicts:
            return None
        columns = "；".join(
            f"“{self.headers[i]}” → {self._label(first)} / {self._label(second)}"
            for i, first, second in self.conflicts
        )
        return InvalidInput(
            "file.conflicting_column",
            _("列名中的字段代码与中文名称不一致，请更正列名：%(columns)s"),
            params={"columns": columns},
        )

    def _missing_error(self) -> InvalidInput | None:
        if not self.missing_required:
            return None
        return InvalidInput(
            "file.missing_columns",
            _("缺少必填列：%(names)s"),
            params={"names": "、".join(self._label(code) for code in self.missing_required)},
        )


def map_headers(headers: list[str], fields: list[dict[str, Any]]) -> HeaderMap:
    """Match each header to a field of `fields` (a record type's catalogue fields)."""
    matcher = _Matcher(fields)
    result = HeaderMap(headers=list(headers), names=_names(fields))
    first_column: dict[str, int] = {}
    for index, header in enumerate(headers):
        code, conflict = matcher.match(header)
        if conflict is not None:
            result.conflicts.append((index, *conflict))
        elif code is None:
            result.unknown.append((index, header))
        elif code in first_column:
            result.duplicates.append((code, first_column[code], index))
        else:
            first_column[code] = index
            result.columns[index] = code
    result.missing_required = [
        str(f["code"]) for f in fields if f.get("required") and f["code"] not in first_column
    ]
    return result


def _names(fields: list[dict[str, Any]]) -> dict[str, str]:
    return {str(f["code"]): str(f.get("name") or "") for f in fields}
