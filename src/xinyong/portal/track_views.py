"""One place to follow an objection or a repair application by its reference (办理进度查询).

The prefix says which procedure a reference belongs to (`YY…` 异议, `XF…` 信用修复);
each procedure's own page shows the progress. References are unguessable, so the form
enumerates nothing; it is rate-limited like the other look-ups.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from xinyong.portal.ratelimit import rate_limited

# Reference prefix → the URL name of that procedure's tracking page.
PAGES = {"YY": "objections:detail", "XF": "repairs:detail", "TS": "complaints:detail"}


@rate_limited("subject")
def track(request: HttpRequest) -> HttpResponse:
    reference = request.GET.get("ref", "").strip().upper()
    error = ""
    if reference:
        page = PAGES.get(reference[:2])
        if page is not None and reference[2:].isalnum():
            return redirect(reverse(page, args=[reference]))
        error = _("编号应以 YY（异议）、XF（信用修复）或 TS（举报投诉）开头，请核对后重新输入")
    context = {"nav": "track", "reference": reference, "error": error}
    return render(request, "portal/track.html", context, status=400 if error else 200)
