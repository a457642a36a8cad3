"""Uploading a file in the console: access, the batch page, file-level refusals, the job.

Imports run inline here (the `inline_imports` fixture sets XINYONG_IMPORT_IN_BACKGROUND
to False), except in the test of the thread itself, which needs a transactional database.
"""

from __future__ import annotations

import json
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.console.conftest import penalty_csv, valid_rows, write_csv
from tests.records.factories import person_penalty
from tests.staff import make_user
from xinyong.accounts.roles import Role
from xinyong.core import audit
from xinyong.core.errors import Conflict, InvalidInput
from xinyong.core.models import AuditEvent
from xinyong.records import jobs
from xinyong.records.models import Batch, CreditRecord, RecordType
from xinyong.records.pipeline import start_batch
from xinyong.subjects.models import Unit

pytestmark = pytest.mark.django_db
UPLOAD = reverse("console:upload")


def _post(client, rows, unit="YN-GAT", name="penalties.csv", content=None):
    data = content if content is not None else penalty_csv(rows)
    return client.post(
        UPLOAD,
        {
            "record_type": RecordType.objects.get(code="penalty").pk,
            "unit": Unit.objects.get(code=unit).pk,
            "file": SimpleUploadedFile(name, data, content_type="text/csv"),
        },
    )


def test_a_clerk_uploads_a_penalty_file_and_sees_the_batch_counts(clerk_client, inline_imports):
    rows = [*valid_rows(2), person_penalty(CF_XDR_ZJHM="5301**********1238")]
    response = _post(clerk_client, rows)
    batch = Batch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("console:batch", args=[batch.pk])
    assert (batch.status, batch.source, batch.unit.code) == ("done", "console", "YN-GAT")
    assert (batch.total, batch.accepted, batch.rejected) == (3, 2, 1)
    assert CreditRecord.objects.count() == 2
    page = clerk_client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert '<strong id="count-accepted">2</strong>' in html
    assert '<strong id="count-rejected">1</strong>' in html
    assert "id.masked" in html and "第 4 行" in html
    assert 'value="100"' in html  # the progress bar is full
    progress = clerk_client.get(reverse("console:progress", args=[batch.pk])).json()
    assert progress["state"] == "done" and progress["rows"] == 3 and progress["percent"] == 100


def test_the_upload_form_offers_a_clerk_only_their_own_unit(clerk_client):
    html = clerk_client.get(UPLOAD).content.decode()
    assert "云南省公安厅（YN-GAT）" in html
    assert "YN-FGW" not in html
    assert 'lang="zh-hans"' in html and "上传信用信息文件" in html


def test_a_clerk_cannot_upload_for_another_unit(clerk_client, inline_imports):
    response = _post(clerk_client, valid_rows(1), unit="YN-GXT")
    assert response.status_code == 200
    assert response.context["form"].errors["unit"]
    assert not Batch.objects.exists()


def test_an_operator_may_upload_for_any_unit(client, operator, inline_imports):
    client.force_login(operator)
    response = _post(client, valid_rows(1), unit="YN-GXT")
    assert response.status_code == 302
    assert Batch.objects.get().unit.code == "YN-GXT"


def test_an_anonymous_user_is_redirected_to_the_login_page(client, loaded_pack):
    response = client.get(UPLOAD)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('console:login')}?next={UPLOAD}"
    login = client.get(response["Location"])
    assert login.status_code == 200 and "登录管理台" in login.content.decode()


def test_a_clerk_logs_in_with_the_console_login_page(client, clerk):
    response = client.post(
        reverse("console:login"),
        {"username": "clerk-gat", "password": "correct-horse-battery-staple-7"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("console:index")
    assert client.get(reverse("console:index")).status_code == 200


@pytest.mark.parametrize(
    ("unit", "roles", "staff"),
    [
        (None, (Role.CLERK,), True),  # no unit and not an operator
        ("YN-GAT", (Role.CLERK,), False),  # not staff
    ],
)
def test_users_outside_the_console_are_refused(client, loaded_pack, unit, roles, staff):
    client.force_login(make_user("someone", unit, *roles, staff=staff))
    assert client.get(reverse("console:index")).status_code == 403


def test_a_reviewer_sees_the_batches_but_may_not_upload(client, loaded_pack):
    client.force_login(make_user("reviewer", "YN-GAT", Role.REVIEWER))
    assert client.get(reverse("console:index")).status_code == 200
    assert client.get(UPLOAD).status_code == 403


def test_a_file_without_a_required_column_is_refused_on_the_form(clerk_client, inline_imports):
    rows = [{key: value for key, value in row.items() if key != "CF_WSH"} for row in valid_rows(1)]
    response = _post(clerk_client, rows)
    html = response.content.decode()
    assert response.status_code == 400
    assert "file.missing_columns" in html and "缺少必填列" in html
    assert not Batch.objects.exists()


def test_a_file_in_an_unknown_encoding_is_refused_on_the_form(clerk_client, inline_imports):
    response = _post(clerk_client, [], content="列名\n".encode("utf-16"))
    assert response.status_code == 400
    assert "file.encoding" in response.content.decode()


def test_a_unit_that_may_not_report_penalties_is_refused_on_the_form(
    client, operator, inline_imports
):
    client.force_login(operator)
    response = _post(client, valid_rows(1), unit="YN-WMB")  # a party office
    assert response.status_code == 400
    assert "batch.unit_not_allowed" in response.content.decode()
    assert not Batch.objects.exists()


def test_a_clerk_does_not_see_the_batches_of_another_unit(client, loaded_pack, tmp_path):
    batch = jobs.start_import(
        write_csv(tmp_path, valid_rows(1)),
        RecordType.objects.get(code="penalty"),
        Unit.objects.get(code="YN-GXT"),
        audit.Actor("cli:test"),
        background=False,
    )
    client.force_login(make_user("clerk-gat", "YN-GAT", Role.CLERK))
    assert client.get(reverse("console:batch", args=[batch.pk])).status_code == 404
    assert client.get(reverse("console:progress", args=[batch.pk])).status_code == 404
    assert f"#{batch.pk}" not in client.get(reverse("console:index")).content.decode()


def test_the_error_report_downloads_as_xlsx(clerk_client, inline_imports):
    _post(clerk_client, [person_penalty(CF_XDR_ZJHM="5301**********1238")])
    batch = Batch.objects.get()
    response = clerk_client.get(reverse("console:error_report", args=[batch.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response.content[:2] == b"PK"
    # The report may hold full ID numbers: who exported it, and why, is in the audit log.
    event = AuditEvent.objects.get(action="xinyong.batch.error_report_exported")
    assert event.actor.endswith(":clerk-gat") and event.object_id == str(batch.pk)
    assert event.data["purpose"] and event.data["rows"] == 1


def test_start_import_refuses_a_bad_file_before_starting_a_batch(loaded_pack, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(InvalidInput) as error:
        jobs.start_import(
            path,
            RecordType.objects.get(code="penalty"),
            Unit.objects.get(code="YN-GAT"),
            audit.Actor("cli:test"),
        )
    assert error.value.code == "file.empty"
    assert not Batch.objects.exists()


def _wait_for_the_file(batch_id: int) -> dict:
    deadline = time.monotonic() + 30
    data: dict = {}
    while time.monotonic() < deadline:
        try:
            data = json.loads(jobs.progress_path(batch_id).read_text(encoding="utf-8"))
        except FileNotFoundError:
            data = {}
        if data.get("state") not in (None, "running"):
            break
        time.sleep(0.05)
    return data


@pytest.mark.django_db(transaction=True)
def test_the_job_runs_in_a_thread_and_writes_its_progress_atomically(loaded_pack, tmp_path):
    path = write_csv(tmp_path, valid_rows(5))
    batch = jobs.start_import(
        path,
        RecordType.objects.get(code="penalty"),
        Unit.objects.get(code="YN-GAT"),
        audit.Actor("cli:test"),
        background=True,
    )
    # The file says "done" just after the batch's transaction commits.
    data = _wait_for_the_file(batch.pk)
    batch.refresh_from_db()
    assert batch.status == "done" and batch.accepted == 5
    assert data["state"] == "done" and data["rows"] == 5 and data["percent"] == 100, data
    assert data["estimate"] == 5 and data["rows_per_second"] > 0
    assert not list(jobs.progress_path(batch.pk).parent.glob(f".{batch.pk}-*"))  # no temp left
    assert AuditEvent.objects.filter(action="xinyong.batch.imported").count() == 1


def test_a_file_that_turns_out_unreadable_part_way_fails_its_batch(loaded_pack, tmp_path):
    # The encoding is decided on the first MiB; a bad line after it fails the running job.
    padded = [penalty_row | {"BZ": "x" * 100_000} for penalty_row in valid_rows(12)]
    path = tmp_path / "broken.csv"
    path.write_bytes(penalty_csv(padded) + b"\xff\xfe,broken\r\n")
    batch = jobs.start_import(
        path,
        RecordType.objects.get(code="penalty"),
        Unit.objects.get(code="YN-GAT"),
        audit.Actor("cli:test"),
        background=False,
    )
    batch.refresh_from_db()
    progress = jobs.read_progress(batch)
    assert batch.status == "failed" and CreditRecord.objects.count() == 0
    assert progress["state"] == "failed" and progress["error"]["code"] == "file.encoding"
    assert AuditEvent.objects.get(action="xinyong.batch.failed").data["code"] == "file.encoding"


def test_a_crash_in_the_job_is_recorded_not_raised(loaded_pack, tmp_path, monkeypatch):
    def crash(self, rows):
        raise RuntimeError("disk full")

    monkeypatch.setattr("xinyong.records.pipeline.Importer._store", crash)
    batch = jobs.start_import(
        write_csv(tmp_path, valid_rows(1)),
        RecordType.objects.get(code="penalty"),
        Unit.objects.get(code="YN-GAT"),
        audit.Actor("cli:test"),
        background=False,
    )
    batch.refresh_from_db()
    progress = jobs.read_progress(batch)
    assert batch.status == "failed" and "disk full" in batch.failure
    assert progress["error"]["code"] == "import.crashed"
    assert "意外错误" in progress["error"]["message"]


def test_a_job_silent_for_long_is_shown_as_interrupted(clerk_client):
    batch = start_batch(
        Unit.objects.get(code="YN-GAT"),
        RecordType.objects.get(code="penalty"),
        Batch.Source.CONSOLE,
        audit.Actor("cli:test"),
    )
    jobs.write_progress(
        batch.pk, {"state": "running", "rows": 2000, "updated_at": "2026-01-01T00:00:00+00:00"}
    )
    html = clerk_client.get(reverse("console:batch", args=[batch.pk])).content.decode()
    assert "可能已中断" in html and "progress.js" not in html
    assert jobs.read_progress(batch)["stale"] is True


def test_a_file_being_imported_is_not_started_twice(loaded_pack, tmp_path):
    path = write_csv(tmp_path, valid_rows(1))
    penalty_type, gat = RecordType.objects.get(code="penalty"), Unit.objects.get(code="YN-GAT")
    first = jobs.start_import(path, penalty_type, gat, audit.Actor("cli:test"), background=False)
    Batch.objects.filter(pk=first.pk).update(status="running")  # as if still running
    jobs.write_progress(first.pk, {"state": "running", "updated_at": timezone.now().isoformat()})
    with pytest.raises(Conflict) as error:
        jobs.start_import(path, penalty_type, gat, audit.Actor("cli:test"), background=False)
    assert error.value.code == "batch.file_running"
    # Once the job has been silent for long, it is taken as dead and the file may run again.
    jobs.write_progress(first.pk, {"state": "running", "updated_at": "2026-01-01T00:00:00+00:00"})
    again = jobs.start_import(path, penalty_type, gat, audit.Actor("cli:test"), background=False)
    assert again.pk != first.pk
    assert Batch.objects.get(pk=first.pk).failure == "interrupted"
