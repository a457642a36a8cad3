"""Valid identifiers and penalty rows for ingestion tests."""

from __future__ import annotations

from xinyong.subjects.identifiers import (
    id_check_character,
    org_code_check_character,
    uscc_check_character,
)


def uscc(region: str = "530102", body: str = "12345678", first: str = "91") -> str:
    first17 = first + region + body + org_code_check_character(body)
    return first17 + uscc_check_character(first17)


def id_number(region: str = "530102", born: str = "19900307", sequence: str = "123") -> str:
    first17 = region + born + sequence
    return first17 + id_check_character(first17)


def penalty(document: str = "昆市监罚〔2024〕1号", **overrides: str) -> dict[str, str]:
    """A complete, valid penalty row for an organisation, keyed by field code."""
    cells = {
        "CF_XDR_MC": "昆明鑫瑞商贸有限公司",
        "CF_XDR_LB": "法人及非法人组织",
        "CF_XDR_SHXYM": uscc(),
        "CF_FRDB": "张三",
        "CF_WSH": document,
        "CF_WFXW": "销售不合格商品",
        "CF_SY": "经查，当事人销售不合格商品。",
        "CF_YJ": "《中华人民共和国产品质量法》第四十九条",
        "CF_CFLB": "罚款",
        "CF_NR": "罚款人民币贰仟元整",
        "CF_NR_FK": "0.2",
        "CF_JDRQ": "2024-05-22",
        "CF_YXQ": "2025-05-22",
        "CF_CFJG": "昆明市市场监督管理局",
        "CF_CFJGDM": uscc("530100", "01234567", "11"),
        "CF_SJLY": "昆明市市场监督管理局",
        "CF_SJLYDM": uscc("530100", "01234567", "11"),
    }
    cells.update(overrides)
    return cells


def person_penalty(document: str = "昆市监罚〔2024〕2号", **overrides: str) -> dict[str, str]:
    cells = penalty(
        document,
        CF_XDR_MC="李四",
        CF_XDR_LB="自然人",
        CF_XDR_SHXYM="",
        CF_FRDB="",
        CF_XDR_ZJLX="身份证",
        CF_XDR_ZJHM=id_number(),
    )
    cells.update(overrides)
    return cells
