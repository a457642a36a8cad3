"""Import list entries their owner decided in its own system (a court's 失信被执行人, the tax
bureau's 重大税收违法失信主体), from a CSV or XLSX file or from the API.

The due process happened where the entry was decided, so each accepted row becomes an
entry through `entries.record_decided` (which still refuses a minor and a subject kind
the list does not cover). Everything the records pipeline already does is reused, not
written again:

- reading: `records.readers.open_table` (CSV in UTF-8, UTF-8 with BOM or GB18030; XLSX;
  rows numbered as the spreadsheet shows them, header = row 1);
- columns: `records.headers.map_headers`, with the columns below as "fields" and their
  aliases as further names of the same field. The API's English keys (`name`,
  `decided_on`, …) are the fields' codes, so the same matcher maps them;
- cells: `records.validation.RowValidator` (identifiers, dates such as 2019/5/22 or
  20190522, placeholders such as 暂无, text limits), with the pack-wide data format;
- subjects: `records.subjects_index.SubjectResolver`, found by USCC or ID-number blind
  index and created when the platform has not seen them.

Columns
  主体名称 (name), 统一社会信用代码 (uscc), 身份证件号码 (id_number), 主体类别 (kind,
  optional: inferred from the identifier, a USCC beginning 92 being an individual
  business), 认定日期 (decided_on), 认定文书号 (document_number), 列入事实和理由
  (reasons), 认定情形 (ground, optional), 列入日期 (starts_on, optional: the decision
  date), 届满日期 (ends_on, optional: empty, or the catalogue's indefinite date
  2099-12-31, gives the service's default: the end of the list's term when the list has
  one single fixed term, else open). A file needs the name, decision date, document
  number and reasons columns and at least one identifier column.

Outcomes per row
  accepted    a new entry, published (the owner decided and publishes it);
  unchanged   the subject already has an open entry on the list with the same content
              (same document, dates, reasons and ground): importing a file twice is safe;
  rejected    with every error of the row: the validator's codes (field.*, uscc.*,
              id.*, subject.kind_mismatch), entry.identifier_required (neither
              identifier), entry.minor, entry.subject_kind, entry.decided_in_future,
              entry.ends_before_start (from the entries service), and entry.duplicate
              (an open entry of the subject on the list with other content: changing a
              decided entry goes through exit or correction, never an import).

A file is imported in ONE transaction; each row in a savepoint, so a rejected row leaves
nothing behind (not even a subject created for it). Rejected rows are not copied
anywhere: the file is kept as received (`records.StoredFile`, named by its SHA-256, the
entries' `origin_ref` being `file:<sha256>`), so the rows are in it under the numbers the
report gives. The records app's quarantine is tied to a record type's batch and does
not fit entries. An audit event (`xinyong.entry.batch_imported`) records the list, the
unit, the file, the counts and the rejected rows' numbers and codes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinyong.core import audit
from xinyong.core.errors import InvalidInput, PermissionDenied, XinyongError
from xinyong.lists import entries
from xinyong.lists.models import CreditList, ListEntry
from xinyong.records.errors import RowError
from xinyong.records.headers import HeaderMap, map_headers
from xinyong.records.imports import store_file, stored_path
from xinyong.records.models import RecordType
from xinyong.records.pipeline import SourceRow
from xinyong.records.readers import open_table
from xinyong.records.subjects_index import SubjectKey, SubjectResolver, subject_key
from xinyong.records.validation import TOO_LONG, RowValidator, ValidRow
from xinyong.subjects.models import Subject, Unit

MAX_API_ROWS = 10_000
CHUNK_SIZE = 500  # rows whose known subjects and open entries are read in two queries
GROUND_LIMIT = 200  # ListEntry.ground
AUDITED_ERRORS = 1000  # rejected rows named in the import's audit event

# (code = the API key upper-cased, Chinese name, validator role, aliases).
COLUMNS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    (
        "NAME",
        "主体名称",
        "subject_name",
        ("名称", "当事人名称", "失信主体名称", "被执行人名称", "被执行人姓名/名称", "企业名称"),
    ),
    ("USCC", "统一社会信用代码", "uscc", ("社会信用代码", "统一代码")),
    (
        "ID_NUMBER",
        "身份证件号码",
        "id_number",
        ("身份证号码", "身份证号", "证件号码", "居民身份证号码", "身份证件号"),
    ),
    ("KIND", "主体类别", "subject_kind", ("主体类型", "行政相对人类别")),
    ("DECIDED_ON", "认定日期", "decision_date", ("决定日期", "认定时间", "列入决定日期")),
    ("DOCUMENT_NUMBER", "认定文书号", "document_number", ("文书号", "认定文书编号", "决定文书号")),
    ("REASONS", "列入事实和理由", "", ("列入理由", "事实和理由", "失信事实", "列入原因")),
    ("GROUND", "认定情形", "", ("失信情形", "失信行为具体情形", "失信被执行人行为具体情形")),
    ("STARTS_ON", "列入日期", "validity_from", ("纳入日期", "列入时间")),
    ("ENDS_ON", "届满日期", "validity_to", ("期限届满日期", "届满时间", "有效期至")),
)
REQUIRED_COLUMNS = frozenset({"NAME", "DECIDED_ON", "DOCUMENT_NUMBER", "REASONS"})
NAMES = {code: name for code, name, _role, _aliases in COLUMNS}
# The entries service names fields by their API key; map them to the row's column.
SERVICE_FIELDS = {
    "decided_on": "DECIDED_ON",
    "ends_on": "ENDS_ON",
    "starts_on": "STARTS_ON",
    "reasons": "REASONS",
    "document_number": "DOCUMENT_NUMBER",
}
SERVICE_CODE_FIELDS = {"entry.minor": "ID_NUMBER", "entry.subject_kind": "KIND"}
# Subject kinds as the API may also send them.
KIND_WORDS = {
    "organisation": "法人及非法人组织",
    "individual_business": "个体工商户",
    "person": "自然人",
}
INDIVIDUAL_BUSINESS_PREFIX = "92"  # GB 32100: registration by 工商, class 个体工商户

IDENTIFIER_REQUIRED = _(
    "须填写统一社会信用代码（法人及非法人组织、个体工商户）或身份证件号码（自然人），"
    "否则无法确定是哪一个主体"
)
IDENTIFIER_COLUMNS_MISSING = _("缺少主体标识列：须有“统一社会信用代码”或“身份证件号码”列")
DUPLICATE = _(
    "该主体已在名单“%(list)s”中有条目 %(reference)s（%(status)s），内容与本行不同；"
    "已认定的条目须经移出或更正程序变更，不能用导入覆盖"
)
NOT_OWNER = _("%(unit)s 不是名单“%(list)s”的认定单位，不能报送或处理其条目")
FILE_MISSING = _("找不到要导入的文件：%(path)s")


def column_specs() -> list[dict[str, Any]]:
    """The columns as catalogue-style fields for `map_headers` and `RowValidator`.

    Aliases come first: a field's display name is the last spec of its code.
    """
    specs: list[dict[str, Any]] = []
    for code, _name, _role, aliases in COLUMNS:
        specs += [{"code": code, "name": alias} for alias in aliases]
    for code, name, role, _aliases in COLUMNS:
        spec: dict[str, Any] = {"code": code, "name": name, "required": code in REQUIRED_COLUMNS}
        if role:
            spec["role"] = role
        specs.append(spec)
    return specs


def key_of(code: str) -> str:
    """A column's API key, as errors name the field ("decided_on")."""
    return code.lower()


def check_unit_may_decide(unit: Unit, credit_list: CreditList) -> None:
    """Only the list's owner (认定单位) reports or handles its entries.

    Tokens and the command line act for one unit; the platform has no operator unit that
    acts for all (operators are staff users, in the console), so the rule is the owner.
    """
    if unit.pk != credit_list.owner_id:
        raise PermissionDenied(
            "entry.unit_not_owner",
            NOT_OWNER,
            params={"unit": unit.name, "list": credit_list.name},
        )


@dataclass
class EntryImportResult:
    credit_list: CreditList
    origin_ref: str
    accepted: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors: list[RowError] = field(default_factory=list)
    # (row, outcome, entry reference or "") for every row; sort for the file's order.
    outcomes: list[tuple[int, str, str]] = field(default_factory=list)

    def note(self, row: int, outcome: str, reference: str = "") -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)
        self.outcomes.append((row, outcome, reference))

    def error_dicts(self) -> list[dict[str, Any]]:
        """The errors in row order (a chunk's invalid rows are reported before its others)."""
        ordered = sorted(self.errors, key=lambda error: error.row)
        return [{**error.as_dict(), "field": key_of(error.field)} for error in ordered]

    def as_dict(self) -> dict[str, Any]:
        return {
            "list": self.credit_list.code,
            "origin_ref": self.origin_ref,
            "accepted": self.accepted,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "errors": self.error_dicts(),
        }


class EntryImporter:
    """Turns rows (cells by column code) into entries of one list, for one unit."""

    def __init__(
        self,
        credit_list: CreditList,
        unit: Unit,
        actor: audit.Actor,
        *,
        origin: str,
        origin_ref: str,
        today: date | None = None,
    ) -> None:
        self.credit_list = credit_list
        self.unit = unit
        self.actor = actor
        self.origin = origin
        self.today = today or timezone.localdate()
        self.validator = RowValidator(column_specs(), _data_format(), today=self.today)
        self.indefinite = self.validator.indefinite_date
        self.subjects = SubjectResolver()
        self.result = EntryImportResult(credit_list, origin_ref)
        self.known: dict[SubjectKey, Subject] = {}
        self.open: dict[int, ListEntry] = {}

    def run(self, rows: Iterable[SourceRow]) -> EntryImportResult:
        with transaction.atomic():
            for chunk in _chunks(rows, CHUNK_SIZE):
                valid: list[tuple[ValidRow, dict[str, Any]]] = []
                for source in chunk:
                    outcome = self._validate(source)
                    if isinstance(outcome, list):
                        self._reject(outcome)
                    else:
                        valid.append(outcome)
                self._load(row for row, _values in valid)
                for row, values in valid:
                    self._store(row, values)
        return self.result

    # --- a chunk: its known subjects and their open entries, in two queries ------------
    def _load(self, rows: Iterable[ValidRow]) -> None:
        keys = {subject_key(row) for row in rows}
        codes = [value for kind, value in keys if kind == "uscc"]
        indexes = [value for kind, value in keys if kind == "id"]
        found = Subject.objects.filter(Q(uscc__in=codes) | Q(id_number_index__in=indexes))
        self.known = {
            ("uscc", s.uscc) if s.uscc else ("id", s.id_number_index or ""): s for s in found
        }
        open_entries = ListEntry.objects.filter(
            credit_list=self.credit_list,
            subject_id__in=[subject.pk for subject in self.known.values()],
            status__in=ListEntry.OPEN,
        )
        self.open = {entry.subject_id: entry for entry in open_entries}

    # --- one row ----------------------------------------------------------------------
    def _store(self, row: ValidRow, values: dict[str, Any]) -> None:
        key = subject_key(row)
        subject = self.known.get(key)
        try:
            existing = self.open.get(subject.pk) if subject is not None else None
            if existing is not None:
                self._compare(row, values, existing)
                return
            with transaction.atomic():  # a savepoint: a refused row leaves no subject
                if subject is None:
                    subject = self._create_subject(row)
                entry = entries.record_decided(
                    self.credit_list,
                    subject,
                    reasons=values["reasons"],
                    decided_on=row.decision_date,
                    actor=self.actor,
                    unit=self.unit,
                    origin=self.origin,
                    origin_ref=self.result.origin_ref,
                    document_number=row.document_number,
                    ground=values["ground"],
                    starts_on=values["starts_on"],
                    ends_on=values["ends_on"],
                )
        except XinyongError as exc:
            self._reject([_row_error(row.row, exc)])
            return
        self.known[key] = subject
        self.open[subject.pk] = entry
        self.result.note(row.row, "accepted", entry.reference)

    def _reject(self, errors: list[RowError]) -> None:
        self.result.note(errors[0].row, "rejected")
        self.result.errors.extend(errors)

    def _validate(self, source: SourceRow) -> tuple[ValidRow, dict[str, Any]] | list[RowError]:
        cells = dict(source.cells)
        kind = cells.get("KIND", "").strip()
        cells["KIND"] = KIND_WORDS.get(kind, kind) or _inferred_kind(cells)
        if not cells["KIND"]:
            return [RowError(source.row, "USCC", "entry.identifier_required", IDENTIFIER_REQUIRED)]
        outcome = self.validator.validate(source.row, cells)
        if isinstance(outcome, list):
            return outcome
        ground = outcome.values.get("GROUND", "")
        if len(ground) > GROUND_LIMIT:
            params = (("name", NAMES["GROUND"]), ("length", len(ground)), ("limit", GROUND_LIMIT))
            return [RowError(source.row, "GROUND", "field.too_long", TOO_LONG, params)]
        return outcome, {
            "reasons": outcome.values["REASONS"],
            "ground": ground,
            "starts_on": self._date(outcome.values.get("STARTS_ON")),
            "ends_on": self._date(outcome.values.get("ENDS_ON"), open_ended=True),
        }

    def _date(self, text: str | None, *, open_ended: bool = False) -> date | None:
        if not text:
            return None
        day = date.fromisoformat(text)
        return None if open_ended and day == self.indefinite else day

    def _create_subject(self, row: ValidRow) -> Subject:
        """A subject the platform has not seen, made as the records pipeline makes it."""
        subject_id = self.subjects.resolve([row])[subject_key(row)]
        return Subject.objects.get(pk=subject_id)

    def _compare(self, row: ValidRow, values: dict[str, Any], entry: ListEntry) -> None:
        """An open entry exists: the same decision again is unchanged, anything else is
        refused (entry.duplicate)."""
        starts_on = values["starts_on"] or row.decision_date
        ends_on = values["ends_on"]
        if ends_on is None:
            # What `record_decided` would set: the service's own default, not a copy.
            probe = ListEntry(credit_list=self.credit_list, starts_on=starts_on)
            ends_on = entries.default_end(probe)
        same = (
            entry.status in ListEntry.IN_FORCE
            and entry.unit_id == self.unit.pk
            and entry.document_number == row.document_number
            and entry.decided_on == row.decision_date
            and entry.starts_on == starts_on
            and entry.ends_on == ends_on
            and entry.reasons == values["reasons"]
            and entry.ground == values["ground"]
        )
        if same:
            self.result.note(row.row, "unchanged", entry.reference)
            return
        raise _duplicate(entry)


def _chunks(rows: Iterable[SourceRow], size: int) -> Iterator[list[SourceRow]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _duplicate(entry: ListEntry) -> InvalidInput:
    return InvalidInput(
        "entry.duplicate",
        DUPLICATE,
        params={
            "list": entry.credit_list.name,
            "reference": entry.reference,
            "status": entry.get_status_display(),
        },
    )


def _inferred_kind(cells: dict[str, str]) -> str:
    uscc = "".join(cells.get("USCC", "").split()).upper()
    if uscc:
        return "个体工商户" if uscc.startswith(INDIVIDUAL_BUSINESS_PREFIX) else "法人及非法人组织"
    if cells.get("ID_NUMBER", "").strip():
        return "自然人"
    return ""


def _row_error(row: int, exc: XinyongError) -> RowError:
    column = SERVICE_CODE_FIELDS.get(exc.code) or SERVICE_FIELDS.get(exc.field or "", "")
    return RowError(row, column, exc.code, exc.message, tuple(exc.params.items()))


def _data_format() -> dict[str, Any]:
    """The pack's data-format conventions (placeholders, indefinite date): pack-wide."""
    found = (
        RecordType.objects.filter(active=True)
        .exclude(data_format={})
        .values_list("data_format", flat=True)
        .first()
    )
    return dict(found or {})


def _check_columns(header_map: HeaderMap) -> None:
    header_map.raise_for_problems()
    mapped = set(header_map.columns.values())
    if not mapped & {"USCC", "ID_NUMBER"}:
        raise InvalidInput("file.missing_columns", IDENTIFIER_COLUMNS_MISSING)


def _audit(result: EntryImportResult, unit: Unit, actor: audit.Actor, data: dict[str, Any]) -> None:
    audit.record(
        "xinyong.entry.batch_imported",
        actor,
        result.credit_list,
        {
            "list": result.credit_list.code,
            "unit": unit.code,
            "origin_ref": result.origin_ref,
            "accepted": result.accepted,
            "unchanged": result.unchanged,
            "rejected": result.rejected,
            # Row numbers and codes only: a message may quote a cell.
            "errors": [
                [error.row, key_of(error.field), error.code]
                for error in sorted(result.errors, key=lambda error: error.row)[:AUDITED_ERRORS]
            ],
            **data,
        },
    )


# --- entry points -----------------------------------------------------------------------
def import_file(
    path: Path,
    credit_list: CreditList | str,
    unit: Unit,
    actor: audit.Actor,
    *,
    name: str | None = None,
    today: date | None = None,
) -> EntryImportResult:
    """Import a CSV or XLSX file of decided entries of `credit_list`, decided by `unit`."""
    credit_list = entries.find_list(credit_list)
    check_unit_may_decide(unit, credit_list)  # before keeping a file that will be refused
    if not path.is_file():
        raise InvalidInput("file.missing", FILE_MISSING, params={"path": str(path)})
    stored = store_file(path, actor, name)
    with open_table(stored_path(stored)) as table:
        header_map = map_headers(table.headers, column_specs())
        _check_columns(header_map)
        importer = EntryImporter(
            credit_list,
            unit,
            actor,
            origin=ListEntry.Origin.IMPORT,
            origin_ref=f"file:{stored.sha256}",
            today=today,
        )
        with transaction.atomic():
            result = importer.run(_file_rows(table.rows, table.headers, header_map))
            _audit(result, unit, actor, {"file": stored.sha256, "name": stored.name})
    return result


def _file_rows(
    rows: Iterator[tuple[int, list[str]]], headers: list[str], header_map: HeaderMap
) -> Iterator[SourceRow]:
    for number, cells in rows:
        yield SourceRow(number, header_map.cells(cells), dict(zip(headers, cells, strict=False)))


def import_objects(
    objects: list[dict[str, Any]],
    credit_list: CreditList | str,
    unit: Unit,
    actor: audit.Actor,
    *,
    origin_ref: str,
    today: date | None = None,
) -> EntryImportResult:
    """Rows sent as JSON objects keyed by the English keys (or the Chinese column names),
    numbered from 1 in the order sent. An unknown key refuses the whole request."""
    credit_list = entries.find_list(credit_list)
    check_unit_may_decide(unit, credit_list)
    if len(objects) > MAX_API_ROWS:
        raise InvalidInput(
            "request.too_many_rows",
            _("一次最多提交 %(max)d 行，本次 %(count)d 行"),
            params={"max": MAX_API_ROWS, "count": len(objects)},
        )
    keys = sorted({key for obj in objects for key in obj})
    header_map = map_headers(keys, column_specs())
    if header_map.unknown:
        raise InvalidInput(
            "field.unknown",
            _("未知字段：%(fields)s"),
            params={"fields": ", ".join(name for _index, name in header_map.unknown)},
        )
    if objects:
        _check_columns(header_map)
    importer = EntryImporter(
        credit_list,
        unit,
        actor,
        origin=ListEntry.Origin.API,
        origin_ref=origin_ref,
        today=today,
    )
    digest = hashlib.sha256(repr(objects).encode()).hexdigest()
    with transaction.atomic():
        result = importer.run(_object_rows(objects, keys, header_map))
        _audit(result, unit, actor, {"rows": len(objects), "request_sha256": digest})
    return result


def _object_rows(
    objects: list[dict[str, Any]], keys: list[str], header_map: HeaderMap
) -> Iterator[SourceRow]:
    for number, obj in enumerate(objects, start=1):
        cells = ["" if obj.get(key) is None else str(obj.get(key)) for key in keys]
        yield SourceRow(
            number,
            header_map.cells(cells),
            {key: value for key, value in zip(keys, cells, strict=True) if value},
        )
