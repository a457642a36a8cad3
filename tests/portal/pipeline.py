"""Records for portal tests, made through the real import pipeline."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from tests.records.factories import id_number, penalty, person_penalty, uscc
from xinyong.core import audit
from xinyong.records.models import Batch, CreditRecord, RecordType
from xinyong.records.pipeline import Importer, ImportResult, SourceRow, start_batch
from xinyong.subjects.models import Subject, Unit

ACTOR = audit.Actor("cli:portal-tests")
REGULATOR = uscc("530100", "01234567", "11")
# A person whose ID number must never appear in full on any page.
PERSON_ID = id_number("530102", "19851120", "271")
# The legal representative's ID number of an organisation's penalty.
REPRESENTATIVE_ID = id_number("530103", "19790214", "318")
COMPANY = uscc("530102", "12345678")
PHARMACY = uscc("532300", "23456789")


def today() -> date:
    return timezone.localdate()


def days_ago(days: int) -> str:
    return (today() - timedelta(days=days)).isoformat()


def licence(document: str = "昆市监许〔2026〕1号", **overrides: str) -> dict[str, str]:
    """A complete, valid licence row for an organisation, keyed by field code."""
    cells = {
        "XK_XDR_MC": "楚雄白药堂医药有限公司",
        "XK_XDR_LB": "法人及非法人组织",
        "XK_XDR_SHXYM": PHARMACY,
        "XK_FRDB": "王五",
        "XK_XKWS": "食品经营许可决定书",
        "XK_WSH": document,
        "XK_XKLB": "普通",
        "XK_XKZS": "食品经营许可证",
        "XK_XKBH": "JY15323010012345",
        "XK_NR": "预包装食品销售（含冷藏冷冻食品）",
        "XK_JDRQ": days_ago(20),
        "XK_YXQZ": days_ago(20),
        "XK_YXQZI": "2031-10-08",
        "XK_XKJG": "楚雄州市场监督管理局",
        "XK_XKJGDM": REGULATOR,
        "XK_LYDW": "楚雄州市场监督管理局",
        "XK_LYDWDM": REGULATOR,
    }
    cells.update(overrides)
    return cells


def company_penalty(document: str = "昆市监罚〔2026〕1号", **overrides: str) -> dict[str, str]:
    cells = penalty(
        document,
        CF_XDR_SHXYM=COMPANY,
        CF_FR_ZJLX="身份证",
        CF_FR_ZJHM=REPRESENTATIVE_ID,
        CF_JDRQ=days_ago(30),
        CF_YXQ=days_ago(-335),
    )
    cells.update(overrides)
    return cells


def persons_penalty(document: str = "昆市监罚〔2026〕2号", **overrides: str) -> dict[str, str]:
    cells = person_penalty(
        document, CF_XDR_ZJHM=PERSON_ID, CF_JDRQ=days_ago(40), CF_YXQ=days_ago(-325)
    )
    cells.update(overrides)
    return cells


# The rows imported in this test, by decision document number, to send them again.
_imported: dict[str, tuple[str, dict[str, str], str]] = {}
STATUS_FIELDS = {"penalty": "CF_ZT", "license": "XK_ZT"}
STATUS_WORDS = {CreditRecord.Status.REVOKED: "撤销", CreditRecord.Status.DISPUTED: "异议"}


def run(record_type: str, rows: list[dict[str, str]], unit: str = "YN-GSJ") -> ImportResult:
    batch = start_batch(
        Unit.objects.get(code=unit),
        RecordType.objects.get(code=record_type),
        Batch.Source.CLI,
        ACTOR,
    )
    sources = [SourceRow(n, cells, cells) for n, cells in enumerate(rows, start=2)]
    result = Importer(batch, ACTOR).run(sources)
    assert result.rejected == 0, result.errors
    document_field = "CF_WSH" if record_type == "penalty" else "XK_WSH"
    for cells in rows:
        _imported[cells[document_field]] = (record_type, cells, unit)
    return result


def record(document: str) -> CreditRecord:
    return CreditRecord.objects.select_related("subject").get(document_number=document)


def set_status(document: str, status: str) -> None:
    """Revoke or dispute a record as its unit does: the same row again, with 当前状态."""
    record_type, cells, unit = _imported[document]
    changed = {**cells, STATUS_FIELDS[record_type]: STATUS_WORDS[status]}
    assert run(record_type, [changed], unit).updated == 1
    assert record(document).status == status


def person() -> Subject:
    return Subject.objects.get(kind=Subject.Kind.PERSON)
