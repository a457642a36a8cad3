"""The search page: one box for a name fragment or a code (`/search?q=…&page=N`).

Finding and ranking is the search module's work (`xinyong.search.query`); this view
only reads the parameters, shows the page of results and the module's errors. A
resident ID number typed into the box is refused before searching and never repeated
on the page: persons are not found that way, and the page may be shared or printed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from xinyong.core.errors import InvalidInput, XinyongError
from xinyong.portal import lookups
from xinyong.portal.errors import shown
from xinyong.portal.paging import page_number
from xinyong.portal.ratelimit import rate_limited
from xinyong.search.query import search_subjects
from xinyong.subjects.identifiers import IdentifierError, check_id_number
from xinyong.subjects.models import Subject

TEMPLATE = "portal/search.html"


@dataclass(frozen=True)
class Hit:
    subject: Subject
    region: str


def _is_id_number(query: str) -> bool:
    try:
        check_id_number(query)
    except IdentifierError:
        return False
    return True


def _refused(request: HttpRequest, context: dict[str, Any], error: XinyongError) -> HttpResponse:
    context["error"] = shown(error)
    return render(request, TEMPLATE, context, status=error.status)


@rate_limited("search")
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q")
    context: dict[str, Any] = {"query": query or "", "nav": "search"}
    if query is None:  # the bare page: just the box
        return render(request, TEMPLATE, context)
    if _is_id_number(query):
        # Not in the box, and not in the language switch's return address either.
        context.update(query="", switch_next=request.path)
        message = _("不能用身份证件号码查询：自然人的信息只在其可公示的记录中出现")
        error = InvalidInput("portal.id_number_query", message, field="q")
        return _refused(request, context, error)
    try:
        result = search_subjects(query, page=page_number(request.GET.get("page")))
    except XinyongError as error:
        return _refused(request, context, error)
    labels = lookups.region_labels()
    context["page"] = result
    context["hits"] = [Hit(s, labels.get(s.region_id or "", "")) for s in result.items]
    return render(request, TEMPLATE, context)
