"""Domain errors as the portal shows them: in Chinese and in English at once.

A visitor who typed a bad filter may not read the page's language, so the message is
given in both, whatever the language switch says.
"""

from __future__ import annotations

from dataclasses import dataclass

from xinyong.core.errors import XinyongError


@dataclass(frozen=True)
class ShownError:
    code: str
    field: str | None
    zh: str
    en: str


def shown(error: XinyongError) -> ShownError:
    return ShownError(error.code, error.field, error.message_in("zh-hans"), error.message_in("en"))
