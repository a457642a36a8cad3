"""One exception hierarchy for domain errors (after yente).

Every error has a stable `code` (never translated, safe for clients to branch on), a
message in Simplified Chinese marked for translation, and the HTTP status an API
response should carry. `as_dict()` gives the message in Chinese and English, which is
what the API, the CLI and the import error reports show.
"""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.functional import Promise

Message = str | Promise


class XinyongError(Exception):
    status = 400

    def __init__(
        self,
        code: str,
        message: Message,
        *,
        params: dict[str, Any] | None = None,
        field: str | None = None,
    ) -> None:
        self.code = code
        self.message = message
        self.params = params or {}
        self.field = field
        super().__init__(code)

    def message_in(self, language: str) -> str:
        with translation.override(language):
            text = str(self.message)
        return text % self.params if self.params else text

    def as_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "code": self.code,
            "message": self.message_in("zh-hans"),
            "message_en": self.message_in("en"),
        }
        if self.field:
            result["field"] = self.field
        return result

    def bilingual(self) -> str:
        """'中文 / English', for a command-line line."""
        return f"{self.message_in('zh-hans')} / {self.message_in('en')}"

    def __str__(self) -> str:
        return f"{self.code}: {self.message_in('en')}"


class InvalidInput(XinyongError):
    status = 400


class PermissionDenied(XinyongError):
    status = 403


class NotFound(XinyongError):
    status = 404


class Conflict(XinyongError):
    status = 409


class PolicyError(XinyongError):
    """The policy pack is not valid; nothing was loaded."""

    status = 422
