"""The console's credit-repair desk and the outbox page (mounted at /console/repairs/)."""

from __future__ import annotations

from django.urls import path

from xinyong.rights import repair_desk

app_name = "repair_desk"
urlpatterns = [
    path("", repair_desk.queue, name="queue"),
    path("outbox/", repair_desk.outbox, name="outbox"),
    path("<str:reference>/", repair_desk.detail, name="detail"),
    path("<str:reference>/decide", repair_desk.decide, name="decide"),
    path("<str:reference>/withdraw", repair_desk.withdraw, name="withdraw"),
    path("<str:reference>/contact", repair_desk.contact, name="contact"),
    path("<str:reference>/files/<int:file_id>", repair_desk.attachment, name="file"),
]
