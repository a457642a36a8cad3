"""Row validation against the real 2019 双公示 catalogue of the Yunnan pack (no database).

Identifiers are made up with valid check characters; none is a real subject's.
"""

from __future__ import annotations

import random
from datetime import date

import pytest
import yaml
from django.utils import translation

from tests.conftest import PACK
from xinyong.policy.schema import CatalogueFile
from xinyong.records.errors import RowError
from xinyong.records.validation import RowValidator, ValidRow, parse_date, quick_uscc
from xinyong.subjects.identifiers import (
    USCC_ALPHABET,
    IdentifierError,
    check_uscc,
    id_check_character,
    uscc_check_character,
)

TODAY = date(2025, 6, 1)


def _catalogue() -> CatalogueFile:
    with (PACK / "catalogue.yaml").open(encoding="utf-8") as stream:
        return CatalogueFile.model_validate(yaml.safe_load(stream))


CATALOGUE = _catalogue()
# What the loader stores on RecordType.fields and RecordType.data_format.
DATA_FORMAT = CATALOGUE.model_dump(mode="json", exclude={"record_types"})
FIELDS = {
    spec.code: [field.model_dump(mode="json") for field in spec.fields]
    for spec in CATALOGUE.record_types
}


def uscc(first17: str) -> str:
    return first17 + uscc_check_character(first17)


def id_number(first17: str) -> str:
    return first17 + id_check_character(first17)


COMPANY = uscc("91530100MA6K7P2X3")  # 昆明, made up
OTHER_COMPANY = uscc("92530111MA6N0R4Y1")  # an individual business in 官渡区, made up
BUREAU = uscc("11530100015190376")  # the deciding market-regulation bureau, made up
PERSON_ID = id_number("53010219800101123")  # 五华区, born 1980-01-01, made up
REPRESENTATIVE_ID = id_number("53011119751203201")  # 官渡区, made up


def penalty_row(**changes: str) -> dict[str, str]:
    cells = {
        "CF_XDR_MC": "昆明滇池某某商贸有限公司",
        "CF_XDR_LB": "法人及非法人组织",
        "CF_XDR_SHXYM": COMPANY,
        "CF_XDR_GSZC": "",
        "CF_XDR_ZZJG": "",
        "CF_XDR_SWDJ": "",
        "CF_XDR_SYDW": "",
        "CF_XDR_SHZZ": "",
        "CF_FRDB": "李某某",
        "CF_FR_ZJLX": "身份证",
        "CF_FR_ZJHM": REPRESENTATIVE_ID,
        "CF_XDR_ZJLX": "",
        "CF_XDR_ZJHM": "",
        "CF_WSH": "昆市监处罚〔2024〕123号",
        "CF_WFXW": "销售不合格产品",
        "CF_SY": "经查，当事人于2024年3月销售不合格电线电缆，货值金额12,000元，违法所得3,000元。",
        "CF_YJ": "《中华人民共和国产品质量法》第四十九条",
        "CF_CFLB": "罚款、没收违法所得",
        "CF_NR": "罚款人民币2万元，没收违法所得3000元。",
        "CF_NR_FK": "2",
        "CF_NR_WFFF": "0.3",
        "CF_NR_ZKDX": "",
        "CF_JDRQ": "2024-05-22",
        "CF_YXQ": "2025-05-22",
        "CF_GSJZQ": "2025-05-22",
        "CF_CFJG": "昆明市市场监督管理局",
        "CF_CFJGDM": BUREAU,
        "CF_SJLY": "昆明市市场监督管理局",
        "CF_SJLYDM": BUREAU,
        "BZ": "",
    }
    cells.update(changes)
    return cells


def licence_row(**changes: str) -> dict[str, str]:
    cells = {
        "XK_XDR_MC": "王某某",
        "XK_XDR_LB": "自然人",
        "XK_XDR_SHXYM": "",
        "XK_FRDB": "",
        "XK_FR_ZJLX": "",
        "XK_FR_ZJHM": "",
        "XK_XDR_ZJLX": "身份证",
        "XK_XDR_ZJHM": PERSON_ID,
        "XK_XKWS": "食品经营许可决定书",
        "XK_WSH": "五华市监许〔2024〕88号",
        "XK_XKLB": "普通",
        "XK_XKZS": "食品经营许可证",
        "XK_XKBH": "JY15301020012345",
        "XK_NR": "预包装食品销售（不含冷藏冷冻食品）",
        "XK_JDRQ": "2024/3/5",
        "XK_YXQZ": "2024/3/5",
        "XK_YXQZI": "2029/3/4",
        "XK_XKJG": "昆明市五华区市场监督管理局",
        "XK_XKJGDM": BUREAU,
        "XK_ZT": "0",
        "XK_LYDW": "昆明市五华区市场监督管理局",
        "XK_LYDWDM": BUREAU,
        "BZ": "",
    }
    cells.update(changes)
    return cells


@pytest.fixture(scope="module")
def penalty() -> RowValidator:
    return RowValidator(FIELDS["penalty"], DATA_FORMAT, today=TODAY)


@pytest.fixture(scope="module")
def licence() -> RowValidator:
    return RowValidator(FIELDS["license"], DATA_FORMAT, today=TODAY)


def valid(validator: RowValidator, cells: dict[str, str]) -> ValidRow:
    outcome = validator.validate(7, cells)
    assert isinstance(outcome, ValidRow), [(e.field, e.code, e.params) for e in outcome]
    return outcome


def errors(validator: RowValidator, cells: dict[str, str]) -> list[RowError]:
    outcome = validator.validate(7, cells)
    assert isinstance(outcome, list), outcome
    assert all(error.row == 7 for error in outcome)
    return outcome


def codes(validator: RowValidator, cells: dict[str, str]) -> set[tuple[str, str]]:
    return {(error.field, error.code) for error in errors(validator, cells)}


def only_error(validator: RowValidator, cells: dict[str, str]) -> RowError:
    found = errors(validator, cells)
    assert len(found) == 1, [(e.field, e.code) for e in found]
    return found[0]


def rendered(error: RowError, language: str = "zh-hans") -> str:
    with translation.override(language):
        return error.as_error().message_in(language)


# Complete rows ---------------------------------------------------------------------------


def test_it_accepts_a_complete_penalty_of_an_organisation(penalty):
    row = valid(penalty, penalty_row())
    assert row.row == 7
    assert row.subject_kind == "organisation"
    assert row.subject_name == "昆明滇池某某商贸有限公司"
    assert row.uscc == COMPANY
    assert row.id_number is None
    assert row.legal_representative == "李某某"
    assert row.legal_representative_id == REPRESENTATIVE_ID
    assert row.document_number == "昆市监处罚〔2024〕123号"
    assert row.decision_date == date(2024, 5, 22)
    assert row.categories == ("罚款", "没收违法所得")
    assert row.status == "normal"
    assert row.values["CF_XDR_LB"] == "法人及非法人组织"
    assert row.values["CF_JDRQ"] == "2024-05-22"
    assert row.values["CF_NR_FK"] == "2"
    assert row.values["CF_CFLB"] == "罚款、没收违法所得"
    assert row.values["CF_CFJGDM"] == BUREAU


def test_it_accepts_a_complete_licence_of_a_person(licence):
    row = valid(licence, licence_row())
    assert row.subject_kind == "person"
    assert row.subject_name == "王某某"
    assert row.id_number == PERSON_ID
    assert row.uscc is None
    assert row.legal_representative == ""
    assert row.categories == ("普通",)
    assert row.status == "normal"
    assert row.decision_date == date(2024, 3, 5)
    assert row.values["XK_YXQZ"] == "2024-03-05"
    assert row.values["XK_YXQZI"] == "2029-03-04"
    assert row.values["XK_ZT"] == "normal"


def test_it_keeps_personal_id_numbers_out_of_values(penalty, licence):
    assert "CF_FR_ZJHM" not in valid(penalty, penalty_row()).values
    row = valid(licence, licence_row())
    assert "XK_XDR_ZJHM" not in row.values
    assert PERSON_ID not in row.values.values()


def test_it_leaves_empty_and_absent_fields_out_of_values(penalty):
    cells = penalty_row()
    del cells["BZ"]
    row = valid(penalty, cells)
    assert "BZ" not in row.values
    assert "CF_NR_ZKDX" not in row.values  # present but empty


def test_it_ignores_cells_of_codes_outside_the_catalogue(penalty):
    assert "EXTRA" not in valid(penalty, penalty_row(EXTRA="x")).values


def test_it_accepts_an_individual_business_identified_by_its_uscc(penalty):
    row = valid(
        penalty,
        penalty_row(
            CF_XDR_LB="个体工商户", CF_XDR_SHXYM=OTHER_COMPANY, CF_XDR_MC="官渡区某某小吃店"
        ),
    )
    assert row.subject_kind == "individual_business"
    assert row.uscc == OTHER_COMPANY


def test_it_converts_a_legacy_15_digit_id_number_to_18_characters(licence):
    legacy = PERSON_ID[:6] + PERSON_ID[8:17]
    assert valid(licence, licence_row(XK_XDR_ZJHM=legacy)).id_number == PERSON_ID


# Cell normalisation ----------------------------------------------------------------------


def test_it_strips_cells_and_removes_invisible_characters_from_names(penalty):
    row = valid(
        penalty,
        penalty_row(
            CF_XDR_MC="\u200b 昆明滇池某某商贸有限公司\t",
            CF_FRDB=" 李某某\u3000",
            CF_WSH="  昆市监处罚〔2024〕123号 ",
        ),
    )
    assert row.subject_name == "昆明滇池某某商贸有限公司"
    assert row.legal_representative == "李某某"
    assert row.document_number == "昆市监处罚〔2024〕123号"


def test_it_collapses_runs_of_spaces_in_names(penalty):
    assert (
        valid(penalty, penalty_row(CF_XDR_MC="Yunnan  Trading\nCo.")).subject_name
        == "Yunnan Trading Co."
    )


def test_it_keeps_line_breaks_in_long_text_but_drops_control_characters(penalty):
    row = valid(penalty, penalty_row(CF_SY="第一段。\r\n第二段。\x07"))
    assert row.values["CF_SY"] == "第一段。\n第二段。"


def test_it_does_not_fold_full_width_characters_in_free_text(penalty):
    assert valid(penalty, penalty_row(CF_NR="罚款（２万元）")).values["CF_NR"] == "罚款（２万元）"


def test_it_accepts_a_masked_star_in_a_subject_name(penalty):
    assert (
        valid(penalty, penalty_row(CF_XDR_MC="昆明**商贸有限公司")).subject_name
        == "昆明**商贸有限公司"
    )


def test_it_treats_a_whitespace_only_name_as_empty(penalty):
    error = only_error(penalty, penalty_row(CF_XDR_MC=" \u3000\t"))
    assert (error.field, error.code) == ("CF_XDR_MC", "field.required")


# Placeholders and required fields --------------------------------------------------------


def test_it_treats_1900_1_1_as_empty(penalty):
    row = valid(penalty, penalty_row(CF_GSJZQ="1900-1-1"))
    assert "CF_GSJZQ" not in row.values


@pytest.mark.parametrize("placeholder", ["1900-01-01", "1900/1/1 0:00:00", "19000101"])
def test_it_treats_every_spelling_of_the_empty_date_as_empty(penalty, placeholder):
    assert "CF_GSJZQ" not in valid(penalty, penalty_row(CF_GSJZQ=placeholder)).values


@pytest.mark.parametrize("placeholder", ["暂无", "无", "无处罚期限", "-", "／", " 空 "])
def test_it_treats_placeholders_as_empty(penalty, placeholder):
    row = valid(penalty, penalty_row(BZ=placeholder, CF_NR_ZKDX=placeholder))
    assert "BZ" not in row.values
    assert "CF_NR_ZKDX" not in row.values


@pytest.mark.parametrize("placeholder", ["1900-1-1", "暂无", "无", "无处罚期限"])
def test_it_rejects_a_placeholder_in_a_required_field_as_empty(penalty, placeholder):
    error = only_error(penalty, penalty_row(CF_YXQ=placeholder))
    assert (error.field, error.code) == ("CF_YXQ", "field.required")
    assert dict(error.params) == {"name": "处罚有效期", "value": placeholder}
    assert "占位值" in rendered(error)


def test_it_treats_a_placeholder_amount_as_empty(penalty):
    assert "CF_NR_FK" not in valid(penalty, penalty_row(CF_NR_FK="无")).values


def test_it_requires_the_required_fields(penalty):
    error = only_error(penalty, penalty_row(CF_WSH=""))
    assert (error.field, error.code) == ("CF_WSH", "field.required")
    assert rendered(error) == "“行政处罚决定书文号”是必填项，不能为空"


def test_it_treats_a_missing_cell_of_a_required_field_as_empty(penalty):
    cells = penalty_row()
    del cells["CF_CFJG"]
    assert codes(penalty, cells) == {("CF_CFJG", "field.required")}


def test_it_requires_a_legal_representative_for_an_organisation_licence(licence):
    cells = licence_row(
        XK_XDR_LB="法人及非法人组织",
        XK_XDR_MC="昆明某某餐饮有限公司",
        XK_XDR_SHXYM=COMPANY,
        XK_XDR_ZJLX="",
        XK_XDR_ZJHM="",
        XK_FRDB="",
    )
    error = only_error(licence, cells)
    assert (error.field, error.code) == ("XK_FRDB", "field.required")
    assert dict(error.params) == {"kind": "法人及非法人组织", "name": "法定代表人"}


def test_it_does_not_require_a_legal_representative_for_a_person_licence(licence):
    assert valid(licence, licence_row(XK_FRDB="")).legal_representative == ""


def test_it_requires_the_id_type_of_a_person_licence(licence):
    error = only_error(licence, licence_row(XK_XDR_ZJLX="暂无"))
    assert (error.field, error.code) == ("XK_XDR_ZJLX", "field.required")
    assert dict(error.params)["value"] == "暂无"


# Subject kind and identifiers --------------------------------------------------------------


@pytest.mark.parametrize("kind", ["法人", "企业", "organisation"])
def test_it_rejects_an_unknown_subject_kind(penalty, kind):
    error = only_error(penalty, penalty_row(CF_XDR_LB=kind))
    assert (error.field, error.code) == ("CF_XDR_LB", "field.choice")
    assert dict(error.params)["allowed"] == "法人及非法人组织、自然人、个体工商户"


def test_it_reads_a_subject_kind_with_stray_spaces(licence):
    assert valid(licence, licence_row(XK_XDR_LB=" 自然人\u3000")).subject_kind == "person"


def test_it_lowercase_uscc_is_accepted_upper_cased(penalty):
    row = valid(penalty, penalty_row(CF_XDR_SHXYM=COMPANY.lower()))
    assert row.uscc == COMPANY
    assert row.values["CF_XDR_SHXYM"] == COMPANY


def test_it_accepts_a_full_width_uscc_with_spaces(penalty):
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in COMPANY)
    assert (
        valid(penalty, penalty_row(CF_XDR_SHXYM=f" {full_width[:9]} {full_width[9:]}")).uscc
        == COMPANY
    )


def test_it_rejects_a_masked_uscc(penalty):
    error = only_error(penalty, penalty_row(CF_XDR_SHXYM="915301******7P2X3A"))
    assert (error.field, error.code) == ("CF_XDR_SHXYM", "uscc.masked")
    assert "脱敏" in rendered(error)


def test_it_names_an_organisation_code_put_in_the_uscc_field(penalty):
    error = only_error(penalty, penalty_row(CF_XDR_SHXYM="MA6K7P2X-3"))
    assert (error.field, error.code) == ("CF_XDR_SHXYM", "uscc.org_code")


def test_it_checks_the_uscc_of_the_deciding_and_the_source_unit(penalty):
    wrong = BUREAU[:17] + ("0" if BUREAU[17] != "0" else "1")
    assert codes(penalty, penalty_row(CF_CFJGDM=wrong, CF_SJLYDM="1153010001519037")) == {
        ("CF_CFJGDM", "uscc.checksum"),
        ("CF_SJLYDM", "uscc.length"),
    }


def test_it_accepts_a_failed_uscc_check_character_only_when_an_operator_overrode_it():
    wrong = COMPANY[:17] + ("0" if COMPANY[17] != "0" else "1")
    cells = penalty_row(CF_XDR_SHXYM=wrong)
    strict = RowValidator(FIELDS["penalty"], DATA_FORMAT, today=TODAY)
    assert only_error(strict, cells).code == "uscc.checksum"
    overridden = RowValidator(FIELDS["penalty"], DATA_FORMAT, today=TODAY, overridden_usccs={wrong})
    assert valid(overridden, cells).uscc == wrong


def test_it_reports_a_wrong_id_number_of_the_legal_representative(penalty):
    wrong = REPRESENTATIVE_ID[:17] + ("0" if REPRESENTATIVE_ID[17] != "0" else "1")
    error = only_error(penalty, penalty_row(CF_FR_ZJHM=wrong))
    assert (error.field, error.code) == ("CF_FR_ZJHM", "id.checksum")


def test_it_rejects_a_masked_id_number_of_a_person_once(licence):
    error = only_error(licence, licence_row(XK_XDR_ZJHM="530102********1234"))
    assert (error.field, error.code) == ("XK_XDR_ZJHM", "id.masked")


def test_it_rejects_an_organisation_without_a_uscc(penalty):
    error = only_error(penalty, penalty_row(CF_XDR_SHXYM=""))
    assert (error.field, error.code) == ("CF_XDR_SHXYM", "subject.kind_mismatch")
    assert "以统一社会信用代码识别" in rendered(error)


def test_it_rejects_an_individual_business_without_a_uscc(penalty):
    error = only_error(penalty, penalty_row(CF_XDR_LB="个体工商户", CF_XDR_SHXYM="暂无"))
    assert (error.field, error.code) == ("CF_XDR_SHXYM", "subject.kind_mismatch")
    assert dict(error.params)["kind"] == "个体工商户"


def test_it_suggests_the_kind_is_wrong_for_an_organisation_with_only_an_id_number(penalty):
    error = only_error(penalty, penalty_row(CF_XDR_SHXYM="", CF_XDR_ZJHM=PERSON_ID))
    assert (error.field, error.code) == ("CF_XDR_SHXYM", "subject.kind_mismatch")
    assert "请改正行政相对人类别" in rendered(error)


def test_it_rejects_a_person_with_a_uscc_but_no_id_number(penalty):
    error = only_error(penalty, penalty_row(CF_XDR_LB="自然人", CF_XDR_MC="王某某"))
    assert (error.field, error.code) == ("CF_XDR_ZJHM", "subject.kind_mismatch")
    assert "只填写了统一社会信用代码" in rendered(error)


def test_it_rejects_a_person_without_an_id_number_when_the_catalogue_does_not_require_it(penalty):
    cells = penalty_row(CF_XDR_LB="自然人", CF_XDR_MC="王某某", CF_XDR_SHXYM="")
    error = only_error(penalty, cells)
    assert (error.field, error.code) == ("CF_XDR_ZJHM", "subject.kind_mismatch")


def test_it_reports_a_person_without_an_id_number_once_when_the_catalogue_requires_it(licence):
    error = only_error(licence, licence_row(XK_XDR_ZJHM=""))
    assert (error.field, error.code) == ("XK_XDR_ZJHM", "field.required")


def test_it_prefers_the_kind_mismatch_to_required_for_a_person_with_a_uscc(licence):
    error = only_error(licence, licence_row(XK_XDR_ZJHM="", XK_XDR_SHXYM=COMPANY))
    assert (error.field, error.code) == ("XK_XDR_ZJHM", "subject.kind_mismatch")


def test_it_accepts_a_person_with_both_an_id_number_and_a_uscc(licence):
    row = valid(licence, licence_row(XK_XDR_SHXYM=OTHER_COMPANY))
    assert (row.id_number, row.uscc) == (PERSON_ID, OTHER_COMPANY)


def test_it_checks_no_kind_rules_when_the_kind_is_unknown(licence):
    error = only_error(licence, licence_row(XK_XDR_LB="未知", XK_XDR_ZJHM="", XK_XDR_ZJLX=""))
    assert (error.field, error.code) == ("XK_XDR_LB", "field.choice")


# Dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2018-7-27", date(2018, 7, 27)),
        ("2018-07-27", date(2018, 7, 27)),
        ("2019/05/22", date(2019, 5, 22)),
        ("2019/5/2", date(2019, 5, 2)),
        ("2019-5-22 0:00:00", date(2019, 5, 22)),
        ("2019-05-22 00:00:00", date(2019, 5, 22)),
        ("2019-05-22 14:30", date(2019, 5, 22)),
        ("2019-05-22T00:00:00", date(2019, 5, 22)),
        ("20190522", date(2019, 5, 22)),
        ("2019.05.22", date(2019, 5, 22)),
        ("2019年5月22日", date(2019, 5, 22)),
        ("2019年05月22日 0:00:00", date(2019, 5, 22)),
        ("２０１９－０５－２２", date(2019, 5, 22)),
        (" 2019-05-22 ", date(2019, 5, 22)),
    ],
)
def test_it_reads_decision_dates_in_every_accepted_form(penalty, cell, expected):
    row = valid(penalty, penalty_row(CF_JDRQ=cell))
    assert row.decision_date == expected
    assert row.values["CF_JDRQ"] == expected.isoformat()


@pytest.mark.parametrize(
    "cell",
    [
        "22/05/2019",
        "2019-05",
        "2019-05-22-01",
        "2019-05/22",
        "43607",
        "2019年5月",
        "昨天",
        "2019-05-22 25:00:00",
        "2019-05-22 上午",
        "19-5-22",
        "2019-005-22",
    ],
)
def test_it_rejects_dates_in_other_forms(penalty, cell):
    error = only_error(penalty, penalty_row(CF_JDRQ=cell))
    assert (error.field, error.code) == ("CF_JDRQ", "field.date")
    assert dict(error.params) == {"name": "处罚决定日期", "value": cell}


@pytest.mark.parametrize("cell", ["2019-02-30", "2019-13-01", "2019/4/31", "20190230"])
def test_it_rejects_a_date_that_does_not_exist(penalty, cell):
    error = only_error(penalty, penalty_row(CF_JDRQ=cell))
    assert (error.field, error.code) == ("CF_JDRQ", "field.date")
    assert "不存在" in rendered(error)


def test_it_rejects_a_date_before_1900(penalty):
    assert codes(penalty, penalty_row(CF_GSJZQ="1899-12-30")) == {("CF_GSJZQ", "field.date")}


def test_it_rejects_a_decision_date_after_today(penalty):
    error = only_error(penalty, penalty_row(CF_JDRQ="2025-06-02", CF_YXQ="2026-06-02"))
    assert (error.field, error.code) == ("CF_JDRQ", "field.date_future")
    assert dict(error.params)["today"] == "2025-06-01"


def test_it_accepts_a_decision_taken_today(penalty):
    row = valid(penalty, penalty_row(CF_JDRQ="2025-06-01", CF_YXQ="2026-06-01"))
    assert row.decision_date == TODAY


def test_it_accepts_a_validity_in_the_future(licence):
    assert valid(licence, licence_row(XK_YXQZ="2025-07-01")).values["XK_YXQZ"] == "2025-07-01"


def test_it_accepts_the_indefinite_validity_date(licence):
    assert valid(licence, licence_row(XK_YXQZI="2099-12-31")).values["XK_YXQZI"] == "2099-12-31"


def test_it_rejects_a_validity_ending_before_it_starts(licence):
    error = only_error(licence, licence_row(XK_YXQZ="2024-03-05", XK_YXQZI="2023-03-04"))
    assert (error.field, error.code) == ("XK_YXQZI", "field.validity_order")
    assert dict(error.params) == {
        "to_name": "有效期至",
        "to": "2023-03-04",
        "from_name": "有效期自",
        "from": "2024-03-05",
    }


def test_it_rejects_a_penalty_validity_ending_before_the_decision(penalty):
    error = only_error(penalty, penalty_row(CF_YXQ="2024-05-01"))
    assert (error.field, error.code) == ("CF_YXQ", "field.validity_before_decision")
    assert dict(error.params)["decision"] == "2024-05-22"


def test_it_rejects_a_licence_validity_ending_before_the_decision(licence):
    cells = licence_row(XK_JDRQ="2024-03-05", XK_YXQZ="2023-01-01", XK_YXQZI="2024-01-01")
    assert codes(licence, cells) == {("XK_YXQZI", "field.validity_before_decision")}


def test_it_accepts_a_validity_ending_on_the_decision_day(penalty):
    assert valid(penalty, penalty_row(CF_YXQ="2024-05-22")).values["CF_YXQ"] == "2024-05-22"


def test_it_parses_dates_without_the_validator():
    assert parse_date("2019年5月2日") == date(2019, 5, 2)
    with pytest.raises(ValueError, match="impossible"):
        parse_date("2019-02-29")
    with pytest.raises(ValueError, match="format"):
        parse_date("2019 05 22")


# Amounts -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("0.2", "0.2"),
        ("0.20", "0.2"),
        ("1,000", "1000"),
        ("1,234,567.50", "1234567.5"),
        ("2万元", "2"),
        ("2 万元", "2"),
        ("3万", "3"),
        ("0", "0"),
        ("0.00", "0"),
        ("007", "7"),
        (".5", "0.5"),
        ("5.", "5"),
        ("１，０００", "1000"),
    ],
)
def test_it_normalises_amounts_in_wan_yuan(penalty, cell, expected):
    assert valid(penalty, penalty_row(CF_NR_FK=cell)).values["CF_NR_FK"] == expected


@pytest.mark.parametrize("cell", ["2000元", "2,000元", "2000.00 元", "２０００元"])
def test_it_rejects_an_amount_in_yuan(penalty, cell):
    error = only_error(penalty, penalty_row(CF_NR_FK=cell))
    assert (error.field, error.code) == ("CF_NR_FK", "field.amount_unit")
    assert "万元" in rendered(error)


@pytest.mark.parametrize(
    "cell", ["-1", "-0.5", "abc", "1e3", "1,00", "1.000,5", "1.2.3", ".", "￥2", "两万", "万元"]
)
def test_it_rejects_an_amount_that_is_not_a_number_of_at_least_zero(penalty, cell):
    error = only_error(penalty, penalty_row(CF_NR_WFFF=cell))
    assert (error.field, error.code) == ("CF_NR_WFFF", "field.amount")


# Choices -----------------------------------------------------------------------------------


def test_it_reads_several_penalty_categories(penalty):
    row = valid(penalty, penalty_row(CF_CFLB="罚款、没收违法所得"))
    assert row.categories == ("罚款", "没收违法所得")


@pytest.mark.parametrize(
    "cell",
    [
        "罚款,没收违法所得",
        "罚款，没收违法所得",
        "罚款;没收违法所得",
        "罚款；没收违法所得",
        "罚款/没收违法所得",
        "罚款 没收违法所得",
        " 罚款、、没收违法所得、",
        "罚款、没收违法所得、罚款",
    ],
)
def test_it_splits_categories_on_every_usual_separator(penalty, cell):
    row = valid(penalty, penalty_row(CF_CFLB=cell))
    assert row.categories == ("罚款", "没收违法所得")
    assert row.values["CF_CFLB"] == "罚款、没收违法所得"


def test_it_rejects_an_unknown_category_and_names_it(penalty):
    error = only_error(penalty, penalty_row(CF_CFLB="罚款、罚金、拘役"))
    assert (error.field, error.code) == ("CF_CFLB", "field.choice")
    params = dict(error.params)
    assert params["value"] == "罚金、拘役"
    assert params["allowed"].startswith("警告、通报批评、罚款")


def test_it_treats_a_licence_category_as_a_single_choice(licence):
    assert valid(licence, licence_row(XK_XKLB=" 特许 ")).categories == ("特许",)
    error = only_error(licence, licence_row(XK_XKLB="普通、特许"))
    assert (error.field, error.code) == ("XK_XKLB", "field.choice")
    assert dict(error.params)["allowed"] == "普通、特许、认可、核准、登记、其他"


# Status ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("1", "revoked"),
        ("撤销", "revoked"),
        ("2", "disputed"),
        ("２", "disputed"),
        ("0", "normal"),
        ("3", "normal"),
        ("其他", "normal"),
        ("", "normal"),
        (" 1 ", "revoked"),
        ("无", "normal"),
    ],
)
def test_it_maps_the_legacy_status_codes(licence, cell, expected):
    row = valid(licence, licence_row(XK_ZT=cell))
    assert row.status == expected
    assert row.values["XK_ZT"] == expected


def test_it_treats_a_missing_status_column_as_normal(licence):
    cells = licence_row()
    del cells["XK_ZT"]
    assert valid(licence, cells).status == "normal"


@pytest.mark.parametrize("cell", ["4", "有效", "revoked"])
def test_it_rejects_an_unknown_status(licence, cell):
    error = only_error(licence, licence_row(XK_ZT=cell))
    assert (error.field, error.code) == ("XK_ZT", "field.status")
    assert "撤销" in dict(error.params)["allowed"]


def test_a_penalty_without_a_status_field_is_normal(penalty):
    assert valid(penalty, penalty_row()).status == "normal"


# Lengths -----------------------------------------------------------------------------------


def test_it_rejects_a_document_number_longer_than_200_characters(penalty):
    error = only_error(penalty, penalty_row(CF_WSH="号" * 201))
    assert (error.field, error.code) == ("CF_WSH", "field.too_long")
    assert dict(error.params) == {"name": "行政处罚决定书文号", "length": 201, "limit": 200}


def test_it_rejects_free_text_longer_than_2000_characters(penalty):
    assert valid(penalty, penalty_row(CF_SY="违" * 2000)).values["CF_SY"] == "违" * 2000
    assert codes(penalty, penalty_row(CF_SY="违" * 2001)) == {("CF_SY", "field.too_long")}


def test_it_rejects_a_subject_name_longer_than_200_characters(penalty):
    assert codes(penalty, penalty_row(CF_XDR_MC="某" * 201)) == {("CF_XDR_MC", "field.too_long")}


# Whole rows --------------------------------------------------------------------------------


def test_it_collects_every_error_of_a_row(penalty):
    cells = penalty_row(
        CF_XDR_MC="",
        CF_XDR_SHXYM="915301******7P2X3A",
        CF_FR_ZJHM="530111197512032019",
        CF_WSH="",
        CF_CFLB="罚款、罚金",
        CF_NR_FK="2000元",
        CF_NR_WFFF="-3",
        CF_JDRQ="2024-02-30",
        CF_YXQ="暂无",
        CF_GSJZQ="明年",
        CF_CFJGDM="",
    )
    assert codes(penalty, cells) == {
        ("CF_XDR_MC", "field.required"),
        ("CF_XDR_SHXYM", "uscc.masked"),
        ("CF_FR_ZJHM", "id.checksum"),
        ("CF_WSH", "field.required"),
        ("CF_CFLB", "field.choice"),
        ("CF_NR_FK", "field.amount_unit"),
        ("CF_NR_WFFF", "field.amount"),
        ("CF_JDRQ", "field.date"),
        ("CF_YXQ", "field.required"),
        ("CF_GSJZQ", "field.date"),
        ("CF_CFJGDM", "field.required"),
    }


def test_it_reports_at_most_one_error_per_field(penalty, licence):
    rows = [
        (penalty, penalty_row(CF_XDR_SHXYM="", CF_XDR_LB="个体工商户", CF_YXQ="2020-01-01")),
        (licence, licence_row(XK_XDR_ZJHM="", XK_XDR_SHXYM="", XK_YXQZI="2000-01-01")),
    ]
    for validator, cells in rows:
        fields = [error.field for error in errors(validator, cells)]
        assert len(fields) == len(set(fields))


def test_every_message_renders_with_its_params_in_both_languages(penalty, licence):
    bad = [
        (
            penalty,
            penalty_row(
                CF_XDR_SHXYM="",
                CF_CFLB="罚金",
                CF_NR_FK="2000元",
                CF_NR_WFFF="x",
                CF_JDRQ="2026-01-01",
                CF_WSH="号" * 201,
                CF_YXQ="无",
                CF_GSJZQ="2019-02-30",
                CF_CFJGDM="MA6K7P2X-3",
            ),
        ),
        (penalty, penalty_row(CF_XDR_LB="自然人", CF_YXQ="2020-01-01", CF_GSJZQ="x")),
        (penalty, penalty_row(CF_XDR_LB="自然人", CF_XDR_SHXYM="", CF_XDR_ZJHM="")),
        (penalty, penalty_row(CF_XDR_LB="个体", CF_GSJZQ="1800-01-01")),
        (penalty, penalty_row(CF_XDR_SHXYM="", CF_XDR_ZJHM=PERSON_ID)),
        (
            licence,
            licence_row(
                XK_ZT="9", XK_XKLB="一般", XK_YXQZI="2020-01-01", XK_XDR_ZJLX="无", XK_XDR_ZJHM=""
            ),
        ),
        (licence, licence_row(XK_XDR_LB="法人及非法人组织", XK_XDR_ZJHM="", XK_XDR_SHXYM=COMPANY)),
    ]
    seen = set()
    for validator, cells in bad:
        for error in errors(validator, cells):
            seen.add(error.code)
            for language in ("zh-hans", "en"):
                text = rendered(error, language)
                assert "%(" not in text, (error.code, text)
            assert error.as_dict()["code"] == error.code
    assert {
        "field.required",
        "field.choice",
        "field.date",
        "field.date_future",
        "field.amount",
        "field.amount_unit",
        "field.status",
        "field.validity_order",
        "field.validity_before_decision",
        "field.too_long",
        "subject.kind_mismatch",
        "uscc.org_code",
    } <= seen


def test_it_refuses_a_subject_kind_choice_it_cannot_map():
    fields = [dict(spec) for spec in FIELDS["penalty"]]
    fields[1] = {**fields[1], "choices": [*fields[1]["choices"], "其他组织"]}
    with pytest.raises(ValueError, match="其他组织"):
        RowValidator(fields, DATA_FORMAT, today=TODAY)


# The USCC fast path agrees with the identifier policy --------------------------------------


def _verdict(text: str) -> str | None:
    try:
        return check_uscc(text)
    except IdentifierError:
        return None


def test_the_uscc_fast_path_never_accepts_what_the_identifier_policy_rejects():
    rng = random.Random(20190522)
    candidates = [
        COMPANY,
        OTHER_COMPANY,
        BUREAU,
        COMPANY.lower(),
        "000000000000000000",
        "111111111111111111",
        uscc("11111111111111111"),
        "91110000600037341L",
        "914403001922038216",
        "91000000600037341L",
        "91530100MA6K7P2X3" + "I",
    ]
    for _ in range(4000):
        first17 = "".join(rng.choice(USCC_ALPHABET) for _ in range(17))
        if rng.random() < 0.5:  # a plausible region so that the check character is reached
            first17 = (
                first17[:2]
                + rng.choice(["530102", "110000", "100000", "990000", "5301A2", "000000"])
                + first17[8:]
            )
        code = uscc(first17)
        candidates += [
            code,
            code.lower(),
            code[:17] + rng.choice(USCC_ALPHABET),
            code[:5] + "O" + code[6:],
            code + "1",
            code[:17],
        ]
    accepted = 0
    for text in candidates:
        quick = quick_uscc(text)
        assert quick is None or quick == _verdict(text), text
        accepted += quick is not None
    assert accepted > 1000  # the fast path does take the common case
