"""Mapping spreadsheet headers (codes or Chinese names, with variants) to field codes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from xinyong.core.errors import InvalidInput
from xinyong.records.headers import map_headers

CATALOGUE = Path(__file__).resolve().parents[2] / "policies" / "yunnan-2019" / "catalogue.yaml"


TYPES = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))["record_types"]
PENALTY = TYPES[0]["fields"]
LICENSE = next(t["fields"] for t in TYPES if t["code"] == "license")


def all_names(fields: list[dict[str, Any]]) -> list[str]:
    return [f["name"] for f in fields]


def code_of(header: str, fields: list[dict[str, Any]]) -> str | None:
    return map_headers([header], fields).columns.get(0)


def test_the_pack_lists_the_penalty_type_first():
    assert TYPES[0]["code"] == "penalty"


@pytest.mark.parametrize(
    "header",
    [
        "CF_XDR_MC",
        "cf_xdr_mc",
        "CF_XDR_MC ",
        "CF_XDR_MC (行政相对人名称)",
        "CF_XDR_MC（行政相对人名称）",
        "CF-XDR-MC（行政相对人名称）",
        "CF＿XDR＿MC",
        "ＣＦ＿ＸＤＲ＿ＭＣ",
        "CF_XDR_MC_1 (行政相对人名称)",
        "CF_XDR_MC_1（行政相对人名称）",
        "CF-XDR-MC-1（行政相对人名称）",
        "行政相对人名称",
        "行政相对人名称 ",
        "　行政相对人名称",
        "行政相对人\n名称",
        "\ufeff行政相对人名称",
        "*行政相对人名称",
        "行政相对人名称*",
        "行政相对人名称（必填）",
        "行政相对人名称（CF_XDR_MC）",
        "(行政相对人名称)",
    ],
)
def test_header_variants_of_the_subject_name_map_to_its_code(header):
    assert code_of(header, PENALTY) == "CF_XDR_MC"


@pytest.mark.parametrize(
    ("header", "code"),
    [
        ("CF_WSH_1 (行政处罚决定书文号)", "CF_WSH"),
        ("CF_WSH_1", "CF_WSH"),
        ("CF-WSH（行政处罚决定书文号）", "CF_WSH"),
        ("罚款金额(万元)", "CF_NR_FK"),
        ("罚款金额（万元）", "CF_NR_FK"),
        ("罚款金额 （万元）", "CF_NR_FK"),
        ("CF_NR_FK（罚款金额（万元））", "CF_NR_FK"),
        ("罚款金额（万元）（必填）", "CF_NR_FK"),
        ("没收违法所得、没收非法财物的金额（万元）", "CF_NR_WFFF"),
        ("统一社会信用代码", "CF_XDR_SHXYM"),
        ("处罚机关统一社会信用代码", "CF_CFJGDM"),
        ("证件类型", "CF_XDR_ZJLX"),
        ("法定代表人证件类型", "CF_FR_ZJLX"),
        ("BZ（备注）", "BZ"),
    ],
)
def test_penalty_headers_map_to_their_codes(header, code):
    assert code_of(header, PENALTY) == code


@pytest.mark.parametrize(
    ("header", "code"),
    [
        ("XK_XDR_MC（行政相对人名称）", "XK_XDR_MC"),
        ("有效期自", "XK_YXQZ"),
        ("有效期至", "XK_YXQZI"),
        ("XK-YXQZI-1（有效期至）", "XK_YXQZI"),
        ("XK＿WSH（行政许可决定文书号）", "XK_WSH"),
        ("xk_lydwdm", "XK_LYDWDM"),
        ("当前状态", "XK_ZT"),
    ],
)
def test_license_headers_map_to_their_codes(header, code):
    assert code_of(header, LICENSE) == code


@pytest.mark.parametrize(
    "header",
    [
        "罚款金额（元）",  # yuan is not 万元: a silent match would multiply fines by 10,000
        "罚款金额",
        "违法事实说明",
        "XK_XDR_MC",  # a licence code in a penalty file
        "CF_XDR",
        "CF_XDR_MC_X",
        "序号",
        "",
    ],
)
def test_headers_that_name_no_field_are_unknown(header):
    header_map = map_headers(["CF_WSH", header], PENALTY)
    assert header_map.unknown == [(1, header)]
    assert 1 not in header_map.columns


def test_a_full_penalty_header_row_in_chinese_maps_every_column():
    header_map = map_headers(all_names(PENALTY), PENALTY)
    assert list(header_map.columns.values()) == [f["code"] for f in PENALTY]
    assert header_map.unknown == []
    assert header_map.missing_required == []
    assert header_map.problems() == []
    header_map.raise_for_problems()


def test_a_full_license_header_row_of_codes_with_names_maps_every_column():
    headers = [f"{f['code']}_1 ({f['name']})" for f in LICENSE]
    header_map = map_headers(headers, LICENSE)
    assert list(header_map.columns.values()) == [f["code"] for f in LICENSE]
    header_map.raise_for_problems()


def test_unknown_columns_are_listed_as_written_and_left_out_of_the_cells():
    headers = ["序号", *all_names(PENALTY), "录入人 "]
    header_map = map_headers(headers, PENALTY)
    assert header_map.unknown == [(0, "序号"), (len(headers) - 1, "录入人 ")]
    header_map.raise_for_problems()  # unknown columns alone do not stop an import
    cells = header_map.cells(["1", "昆明某某商贸有限公司", *[""] * (len(PENALTY) - 1), "李四"])
    assert cells["CF_XDR_MC"] == "昆明某某商贸有限公司"
    assert set(cells) == {f["code"] for f in PENALTY}
    assert "李四" not in cells.values()


def test_cells_of_a_short_row_are_empty_strings():
    header_map = map_headers(["CF_XDR_MC", "CF_WSH", "BZ"], PENALTY)
    assert header_map.cells(["甲"]) == {"CF_XDR_MC": "甲", "CF_WSH": "", "BZ": ""}


def test_two_columns_for_one_field_are_a_duplicate_column_error_naming_both():
    headers = [*all_names(PENALTY), "CF_XDR_MC（行政相对人名称）"]
    header_map = map_headers(headers, PENALTY)
    assert header_map.duplicates == [("CF_XDR_MC", 0, len(headers) - 1)]
    assert header_map.columns[0] == "CF_XDR_MC"
    assert len(headers) - 1 not in header_map.columns
    with pytest.raises(InvalidInput) as caught:
        header_map.raise_for_problems()
    assert caught.value.code == "file.duplicate_column"
    message = caught.value.message_in("zh-hans")
    assert "“行政相对人名称”" in message
    assert "“CF_XDR_MC（行政相对人名称）”" in message


def test_missing_required_columns_are_one_file_error_listing_their_chinese_names():
    present = [f["name"] for f in PENALTY if f["code"] not in {"CF_WSH", "CF_JDRQ"}]
    header_map = map_headers(present, PENALTY)
    assert header_map.missing_required == ["CF_WSH", "CF_JDRQ"]
    with pytest.raises(InvalidInput) as caught:
        header_map.raise_for_problems()
    assert caught.value.code == "file.missing_columns"
    message = caught.value.message_in("zh-hans")
    assert "行政处罚决定书文号" in message
    assert "处罚决定日期" in message


def test_fields_required_only_for_some_subjects_are_not_missing_columns():
    required = [f["name"] for f in LICENSE if f.get("required")]
    header_map = map_headers(required, LICENSE)
    assert header_map.missing_required == []
    assert "XK_FRDB" not in header_map.columns.values()


def test_a_header_whose_code_and_name_disagree_is_a_conflict_not_a_guess():
    headers = [*all_names(PENALTY), "CF_XDR_MC（统一社会信用代码）"]
    header_map = map_headers(headers, PENALTY)
    assert header_map.conflicts == [(len(headers) - 1, "CF_XDR_MC", "CF_XDR_SHXYM")]
    assert len(headers) - 1 not in header_map.columns
    assert [error.code for error in header_map.problems()] == ["file.conflicting_column"]


def test_problems_are_raised_duplicates_first():
    header_map = map_headers(["CF_WSH", "行政处罚决定书文号"], PENALTY)
    codes = [error.code for error in header_map.problems()]
    assert codes == ["file.duplicate_column", "file.missing_columns"]
    with pytest.raises(InvalidInput) as caught:
        header_map.raise_for_problems()
    assert caught.value.code == "file.duplicate_column"


def test_a_name_two_fields_share_matches_neither():
    fields = [{"code": "A_X", "name": "名称"}, {"code": "B_X", "name": "名称"}]
    header_map = map_headers(["名称", "b_x"], fields)
    assert header_map.unknown == [(0, "名称")]
    assert header_map.columns == {1: "B_X"}


def test_a_numbered_code_that_is_itself_a_field_is_not_unnumbered():
    fields = [{"code": "X_1", "name": "一"}, {"code": "X", "name": "二"}]
    assert map_headers(["X_1", "X_2"], fields).columns == {0: "X_1", 1: "X"}
