"""Row-level errors of an import: where (row, field), what (stable code), why (zh/en)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from xinyong.core.errors import Message, XinyongError


@dataclass(frozen=True)
class RowError:
    """One problem with one cell (or the whole row when `field` is "")."""

    row: int
    field: str
    code: str
    message: Message
    params: tuple[tuple[str, Any], ...] = ()

    def as_error(self) -> XinyongError:
        return XinyongError(self.code, self.message, params=dict(self.params), field=self.field)

    def as_dict(self) -> dict[str, Any]:
        error = self.as_error()
        return {
            "row": self.row,
            "field": self.field,
            "code": self.code,
            "message": error.message_in("zh-hans"),
            "message_en": error.message_in("en"),
        }
