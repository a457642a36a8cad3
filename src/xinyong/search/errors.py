"""Why a query was refused, with stable codes the portal and the API can branch on."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from xinyong.core.errors import InvalidInput

MAX_QUERY_LENGTH = 50


class QueryError(InvalidInput):
    """A search query that cannot be run as typed."""


def empty_query() -> QueryError:
    return QueryError(
        "search.empty_query", _("请输入要查询的主体名称或统一社会信用代码"), field="q"
    )


def query_too_long() -> QueryError:
    return QueryError(
        "search.query_too_long",
        _("查询内容过长：最多%(limit)s个字符"),
        params={"limit": MAX_QUERY_LENGTH},
        field="q",
    )
