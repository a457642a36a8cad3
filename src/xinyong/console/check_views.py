"""Console pages of joint reward and punishment: the batch check, receipts, feedback rate.

- 联合奖惩核查: choose the scene, state the purpose, upload a sheet of subjects; the
  answer is the result XLSX (the receipt number on its second sheet and in its name).
  Operators, clerks and reviewers of a unit check, on behalf of their own unit.
- A receipt page shows a past check as it was answered ("checked on date X"), to the
  unit that made it and to operators; its result XLSX can be downloaded again.
- 执行反馈统计: the feedback rate by measure, list or checking unit, table and chart.

A refused file or check is shown on the page with its code, in Chinese and English,
never as a 500.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from xinyong.accounts.roles import Role
from xinyong.console import access
from xinyong.console.access import console_view
from xinyong.console.check_charts import rate_chart
from xinyong.console.check_files import (
    read_upload,
    result_filename,
    result_workbook,
    rows_from_results,
)
from xinyong.console.check_forms import CheckForm, ReceiptLookupForm, StatsForm
from xinyong.console.views import _upload_path
from xinyong.core.audit import Actor
from xinyong.core.errors import NotFound, XinyongError
from xinyong.lists.checks import load_receipt, run_check
from xinyong.lists.feedback import feedback_stats
from xinyong.lists.models import CheckReceipt

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RESULTS_PER_PAGE = 50
RECENT = 10
CHECKING_ROLES = (Role.OPERATOR, Role.CLERK, Role.REVIEWER)


def may_check(user: Any) -> bool:
    """Operators, clerks and reviewers of a unit check for that unit; auditors only look."""
    return user.unit_id is not None and any(user.has_role(role) for role in CHECKING_ROLES)


def _bilingual(exc: XinyongError) -> dict[str, str]:
    return {
        "code": exc.code,
        "message": exc.message_in("zh-hans"),
        "message_en": exc.message_in("en"),
    }


def _recent(request: HttpRequest) -> Any:
    user: Any = request.user
    receipts = CheckReceipt.objects.select_related("scene", "unit").defer("results")
    if not access.is_operator(user):
        receipts = receipts.filter(unit_id=user.unit_id)
    return receipts.order_by("-created_at")[:RECENT]


def _xlsx(content: bytes, filename: str, receipt: CheckReceipt) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Check-Receipt"] = receipt.reference
    response["Cache-Control"] = "no-store"
    return response


@console_view
def check_page(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    checking = may_check(user)
    if request.method == "POST" and not checking:
        return access.forbidden(request)
    form = CheckForm(request.POST or None, request.FILES or None) if checking else None
    error = None
    if form is not None and request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        try:
            with _upload_path(upload_file) as path:
                upload = read_upload(path)
            outcome = run_check(
                upload.queries,
                scene_code=form.cleaned_data["scene"].code,
                purpose=form.cleaned_data["purpose"],
                actor=Actor.for_user(user),
                unit=user.unit,
            )
        except XinyongError as exc:
            error = _bilingual(exc)
        else:
            receipt = outcome.receipt
            content = result_workbook(receipt, upload.headers, upload.rows, outcome.results)
            return _xlsx(content, result_filename(receipt), receipt)
    return render(
        request,
        "console/checks/check.html",
        {
            "form": form,
            "lookup": ReceiptLookupForm(),
            "error": error,
            "recent": _recent(request),
            "nav": "checks",
        },
        status=400 if error or (form is not None and form.errors) else 200,
    )


def _visible_receipt(request: HttpRequest, reference: str) -> tuple[CheckReceipt, list[Any]]:
    """The receipt and its results, for its unit's users and operators; else 404."""
    try:
        receipt, results = load_receipt(reference)
    except NotFound:
        raise Http404 from None
    if not access.may_see(request.user, receipt.unit_id):
        raise Http404  # another unit's check: not even its existence is shown
    return receipt, results


@console_view
@require_GET
def find_receipt(request: HttpRequest) -> HttpResponse:
    lookup = ReceiptLookupForm(request.GET or None)
    if lookup.is_valid():
        reference = lookup.cleaned_data["reference"]
        receipt = CheckReceipt.objects.filter(reference=reference).only("pk", "unit_id").first()
        if receipt is not None and access.may_see(request.user, receipt.unit_id):
            return redirect("console:check_receipt", reference)
        lookup.add_error("reference", _not_found_message())
    user: Any = request.user
    return render(
        request,
        "console/checks/check.html",
        {
            "form": CheckForm() if may_check(user) else None,
            "lookup": lookup,
            "error": None,
            "recent": _recent(request),
            "nav": "checks",
        },
        status=404 if lookup.is_bound else 200,
    )


def _not_found_message() -> str:
    return gettext("没有找到该核查回执，或它不是本单位作出的核查")


@console_view
@require_GET
def receipt_page(request: HttpRequest, reference: str) -> HttpResponse:
    receipt, results = _visible_receipt(request, reference)
    page = Paginator(results, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    for result in page.object_list:
        # Grounds name their list by code; the page shows its name, as the entries do.
        names = {entry["list"]: entry["list_name"] for entry in result.get("entries") or ()}
        for measure in result.get("measures") or ():
            for ground in measure.get("grounds") or ():
                ground["list_name"] = names.get(ground.get("list"), ground.get("list"))
    return render(
        request,
        "console/checks/receipt.html",
        {
            "receipt": receipt,
            "page": page,
            "nav": "checks",
        },
    )


@console_view
@require_GET
def receipt_xlsx(request: HttpRequest, reference: str) -> HttpResponse:
    receipt, results = _visible_receipt(request, reference)
    headers, rows = rows_from_results(results)
    content = result_workbook(receipt, headers, rows, results)
    return _xlsx(content, result_filename(receipt), receipt)


@console_view
@require_GET
def feedback_stats_page(request: HttpRequest) -> HttpResponse:
    form = StatsForm(request.GET or None)
    valid = form.is_valid() if form.is_bound else True
    data = form.cleaned_data if form.is_bound and valid else {}
    by = data.get("by") or "measure"
    stats = feedback_stats(data.get("since"), data.get("until"))
    rows = {"measure": stats.by_measure, "list": stats.by_list, "unit": stats.by_unit}[by]
    return render(
        request,
        "console/checks/stats.html",
        {
            "form": form,
            "by": by,
            "by_label": dict(StatsForm.BY)[by],
            "stats": stats,
            "total_percent": "—" if stats.total.rate is None else f"{stats.total.rate * 100:.1f}%",
            "chart": rate_chart(rows),
            "nav": "feedback",
        },
        status=200 if valid else 400,
    )
