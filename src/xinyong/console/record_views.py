"""Entering one record by hand in the console (逐条填报), e.g. the penalty a complaint led to.

The typed record goes through the import pipeline as a one-row batch (source 管理台填报),
so it is validated, versioned and audited like any file row. A row the pipeline rejects
lands in quarantine, as every rejected row does, and the clerk is taken to its
correction page: nothing typed is lost, and an ID number is never echoed back.

From a complaint (`?complaint=TS…`), the form starts with the subject complained about,
and a stored record leads back to the complaint with the record chosen for its outcome.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext

from xinyong.complaints.desk import visible
from xinyong.complaints.models import Complaint
from xinyong.console import access
from xinyong.console.access import console_view
from xinyong.console.record_forms import RecordEntryForm
from xinyong.core.audit import Actor
from xinyong.core.errors import XinyongError
from xinyong.records.imports import import_objects
from xinyong.records.models import Batch, CreditRecord, QuarantinedRow, RecordType
from xinyong.records.pipeline import ImportResult


@console_view
def new_record(request: HttpRequest) -> HttpResponse:
    if not access.submittable_units(request.user).exists():
        return access.forbidden(request)
    types = RecordType.objects.filter(active=True).exclude(fields=[]).order_by("code")
    record_type = types.filter(code=request.GET.get("type", "")).first()
    complaint = _complaint(request)
    if record_type is None:
        return render(
            request,
            "console/record_types.html",
            {"types": types, "complaint": complaint, "nav": "upload"},
        )
    form = RecordEntryForm(
        record_type,
        request.user,
        request.POST or None,
        initial=_from_complaint(record_type, complaint),
    )
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            result = import_objects(
                [form.cells()],
                record_type,
                form.cleaned_data["unit"],
                Actor.for_user(request.user),
                source=Batch.Source.FORM,
            )
        except XinyongError as exc:
            error = {"code": exc.code, "message": exc.message_in(get_language() or "zh-hans")}
        else:
            return _after(request, result, _stored(result, record_type, form.cells()), complaint)
    return render(
        request,
        "console/record_new.html",
        {
            "form": form,
            "record_type": record_type,
            "complaint": complaint,
            "error": error,
            "nav": "upload",
        },
        status=400 if error else 200,
    )


def _complaint(request: HttpRequest) -> Complaint | None:
    reference = request.GET.get("complaint", "")
    if not reference:
        return None
    return visible(request.user).filter(reference=reference).select_related("subject").first()


def _from_complaint(record_type: RecordType, complaint: Complaint | None) -> dict[str, str]:
    """The subject complained about, in the type's subject fields."""
    if complaint is None:
        return {}
    roles = {spec.get("role"): spec["code"] for spec in record_type.fields}
    subject = complaint.subject
    initial = {roles["subject_name"]: subject.name if subject else complaint.subject_name}
    if subject is not None and subject.uscc and "uscc" in roles:
        initial[roles["uscc"]] = subject.uscc
    return initial


def _stored(
    result: ImportResult, record_type: RecordType, cells: dict[str, str]
) -> CreditRecord | None:
    """The record the row made or changed, or (unchanged) the one it matched: by the
    unit, type and document number of the natural key, newest first."""
    if result.rejected:
        return None
    number_code = next(s["code"] for s in record_type.fields if s.get("role") == "document_number")
    found = CreditRecord.objects.filter(
        unit=result.batch.unit,
        record_type=record_type,
        document_number=cells.get(number_code, "").strip(),
    )
    return found.order_by("-pk").first()


def _after(
    request: HttpRequest,
    result: ImportResult,
    record: CreditRecord | None,
    complaint: Complaint | None,
) -> HttpResponse:
    """A rejected row: its correction page. A stored one: the complaint it came from, with
    the record chosen, or else its batch."""
    if result.rejected:
        row = QuarantinedRow.objects.get(batch=result.batch)
        messages.error(
            request, gettext("记录未通过校验，已保留在待更正行中，请按提示更正后重新提交")
        )
        return redirect("console:correct", row.pk)
    messages.success(request, gettext("已登记记录（批次 #%(batch)s）") % {"batch": result.batch.pk})
    if complaint is not None and record is not None:
        url = reverse("complaint_desk:detail", args=[complaint.reference])
        return redirect(f"{url}?{urlencode({'record': record.pk})}#step-conclude")
    return redirect("console:batch", result.batch.pk)
