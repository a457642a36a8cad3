"""Staff pages: upload a file, follow its batch, correct rejected rows, timeliness.

Views stay thin: check access (`access`), call a service of `xinyong.records`, render.
A domain error is shown on the page with its code, never as a 500.
"""

from __future__ import annotations

import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_GET, require_POST

from xinyong.console import access
from xinyong.console.access import console_view
from xinyong.console.charts import timeliness_chart
from xinyong.console.forms import CorrectionForm, DiscardForm, UploadForm
from xinyong.core import calendar
from xinyong.core.audit import Actor
from xinyong.core.errors import XinyongError
from xinyong.records import jobs, quarantine, timeliness
from xinyong.records.models import Batch, QuarantinedRow
from xinyong.subjects.models import Unit

BATCHES_PER_PAGE = 20
ROWS_PER_PAGE = 50


def _error(exc: XinyongError) -> dict[str, str]:
    """A domain error as a page shows it: the message in the page's language, the code."""
    return {"code": exc.code, "message": exc.message_in(get_language() or "zh-hans")}


def _batches(request: HttpRequest) -> Any:
    return Batch.objects.select_related("unit", "record_type", "file").filter(
        unit__in=access.visible_units(request.user)
    )


# --- batches --------------------------------------------------------------------------
@console_view
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    page = Paginator(_batches(request).order_by("-created_at", "-pk"), BATCHES_PER_PAGE)
    return render(
        request,
        "console/index.html",
        {
            "page": page.get_page(request.GET.get("page")),
            "may_upload": access.submittable_units(request.user).exists(),
            "nav": "batches",
        },
    )


@contextmanager
def _upload_path(upload: UploadedFile) -> Iterator[Path]:
    """The upload as a file on disk, with its own suffix (the stored name keeps it)."""
    temporary = getattr(upload, "temporary_file_path", None)
    if temporary is not None:
        yield Path(temporary())
        return
    suffix = Path(upload.name or "").suffix.lower()
    with tempfile.NamedTemporaryFile(suffix=suffix) as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
        handle.flush()
        yield Path(handle.name)


@console_view
def upload(request: HttpRequest) -> HttpResponse:
    if not access.submittable_units(request.user).exists():
        return access.forbidden(request)
    form = UploadForm(request.user, request.POST or None, request.FILES or None)
    error = None
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        try:
            with _upload_path(upload_file) as path:
                batch = jobs.start_import(
                    path,
                    form.cleaned_data["record_type"],
                    form.cleaned_data["unit"],
                    Actor.for_user(request.user),
                    name=(upload_file.name or path.name)[:255],
                )
        except XinyongError as exc:
            error = _error(exc)
        else:
            return redirect("console:batch", batch.pk)
    return render(
        request,
        "console/upload.html",
        {"form": form, "error": error, "nav": "upload"},
        status=400 if error else 200,
    )


def _visible_batch(request: HttpRequest, pk: int) -> Batch:
    return get_object_or_404(_batches(request), pk=pk)


def _progress_label(progress: dict[str, Any]) -> str:
    if progress["state"] == "done":
        return gettext("已完成，共 %(rows)s 行") % {"rows": progress["rows"]}
    if progress["state"] == "failed":
        return gettext("导入失败")
    rate = progress.get("rows_per_second")
    if rate:
        return gettext("已处理 %(rows)s 行，每秒 %(rate)s 行") % {
            "rows": progress["rows"],
            "rate": round(rate),
        }
    return gettext("已处理 %(rows)s 行") % {"rows": progress["rows"]}


KEY_ROLES = ("subject_name", "document_number")


def _row_view(row: QuarantinedRow, names: dict[str, str], keys: set[str]) -> dict[str, Any]:
    """A quarantined row for the list: its errors with field names, and the cells of the
    subject, the document and the faulty fields (ID numbers masked)."""
    shown = keys | {str(error.get("field") or "") for error in row.errors}
    return {
        "row": row,
        "errors": [
            {**error, "name": names.get(error.get("field") or "", "")} for error in row.errors
        ],
        "cells": [cell for cell in quarantine.row_cells(row) if cell.code in shown],
    }


@console_view
@require_GET
def batch(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _visible_batch(request, pk)
    progress = jobs.read_progress(batch)
    progress["label"] = _progress_label(progress)
    fields = batch.record_type.fields
    names = {str(spec["code"]): str(spec.get("name") or spec["code"]) for spec in fields}
    keys = {str(spec["code"]) for spec in fields if spec.get("role") in KEY_ROLES}
    # While the import runs, its rows are not committed: nothing to list (or to lock).
    running = progress["state"] == jobs.RUNNING
    rows = QuarantinedRow.objects.none() if running else batch.quarantine.all()
    page = Paginator(
        rows.select_related("batch__record_type").order_by("row_number", "pk"), ROWS_PER_PAGE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "console/batch.html",
        {
            "batch": batch,
            "progress": progress,
            "page": page,
            "rows": [_row_view(row, names, keys) for row in page],
            "may_submit": access.may_submit(request.user, batch.unit_id),
            "running": running,
            "nav": "batches",
        },
    )


@console_view
@require_GET
def progress(request: HttpRequest, pk: int) -> JsonResponse:
    data = jobs.read_progress(_visible_batch(request, pk))
    data["label"] = _progress_label(data)
    response = JsonResponse(data)
    response["Cache-Control"] = "no-store"
    return response


@console_view
@require_GET
def error_report(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _visible_batch(request, pk)
    if not access.may_submit(request.user, batch.unit_id):
        return access.forbidden(request)  # the report holds full ID numbers
    from xinyong.records.report import export_error_report

    response = HttpResponse(
        export_error_report(batch, Actor.for_user(request.user)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="batch-{batch.pk}-errors.xlsx"'
    return response


# --- quarantined rows -------------------------------------------------------------------
def _submittable_row(request: HttpRequest, pk: int) -> QuarantinedRow:
    row = get_object_or_404(
        QuarantinedRow.objects.select_related("batch__unit", "batch__record_type"),
        pk=pk,
        batch__unit__in=access.visible_units(request.user),
    )
    if not access.may_submit(request.user, row.batch.unit_id):
        raise Http404
    return row


def _fields_of(errors: list[dict[str, Any]]) -> set[str]:
    return {str(error.get("field")) for error in errors if error.get("field")}


@console_view
def correct(request: HttpRequest, pk: int) -> HttpResponse:
    row = _submittable_row(request, pk)
    cells = quarantine.row_cells(row, complete=True)
    form = CorrectionForm(cells, request.POST or None, faulty=_fields_of(row.errors))
    error, new_errors = None, None
    if request.method == "POST" and form.is_valid():
        try:
            done = quarantine.resubmit(row, form.corrected(), Actor.for_user(request.user))
        except quarantine.StillRejected as exc:
            error, new_errors = _error(exc), [item.as_dict() for item in exc.errors]
            form = form.masked_again(faulty=_fields_of(new_errors))
        except XinyongError as exc:
            error = _error(exc)
            form = form.masked_again(faulty=_fields_of(row.errors))
        else:
            messages.success(
                request,
                gettext("第 %(row)s 行已重新提交，见批次 #%(batch)s")
                % {"row": row.row_number, "batch": done.batch.pk},
            )
            return redirect("console:batch", row.batch_id)
    names = {
        str(spec["code"]): str(spec.get("name") or spec["code"])
        for spec in row.batch.record_type.fields
    }
    return render(
        request,
        "console/correct.html",
        {
            "row": row,
            "form": form,
            "discard_form": DiscardForm(),
            "error": error,
            "errors": [
                {**item, "name": names.get(item.get("field") or "", "")}
                for item in (new_errors if new_errors is not None else row.errors)
            ],
            "new_errors": new_errors is not None,
            "open": row.status == QuarantinedRow.Status.OPEN,
            "nav": "batches",
        },
        status=400 if error else 200,
    )


@console_view
@require_POST
def discard(request: HttpRequest, pk: int) -> HttpResponse:
    row = _submittable_row(request, pk)
    form = DiscardForm(request.POST)
    if not form.is_valid():
        return redirect("console:correct", row.pk)
    try:
        quarantine.discard(row, Actor.for_user(request.user), form.cleaned_data["reason"])
    except XinyongError as exc:
        messages.error(request, f"{_error(exc)['message']} ({exc.code})")
    else:
        messages.success(request, gettext("第 %(row)s 行已放弃") % {"row": row.row_number})
    return redirect("console:batch", row.batch_id)


# --- timeliness -------------------------------------------------------------------------
@console_view
@require_GET
def timeliness_page(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if access.is_operator(user):
        units = list(
            Unit.objects.filter(code__in=timeliness.units_with_figures()).order_by(
                "region_id", "code"
            )
        )
    else:
        units = list(Unit.objects.filter(pk=user.unit_id))
    chosen = next((unit for unit in units if unit.code == request.GET.get("unit")), None)
    chosen = chosen or next((unit for unit in units if unit.pk == user.unit_id), None)
    chosen = chosen or (units[0] if units else None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", calendar.UnscheduledYearWarning)
        work = calendar.WorkCalendar.load()
        rows = timeliness.monthly([chosen.code], calendar=work) if chosen else []
        unscheduled = work.unscheduled_years()
    return render(
        request,
        "console/timeliness.html",
        {
            "units": units,
            "chosen": chosen,
            "rows": rows,
            "chart": timeliness_chart(rows),
            "unscheduled": calendar.year_spans(unscheduled) if unscheduled else "",
            "nav": "timeliness",
        },
    )
