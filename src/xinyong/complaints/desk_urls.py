"""The console's complaint desk (举报投诉)."""

from __future__ import annotations

from django.urls import path

from xinyong.complaints import desk

app_name = "complaint_desk"
urlpatterns = [
    path("", desk.queue, name="queue"),
    path("<str:reference>/", desk.detail, name="detail"),
    path("<str:reference>/reveal/", desk.reveal, name="reveal"),
    path("<str:reference>/attachments/<int:pk>/", desk.attachment, name="attachment"),
    path("<str:reference>/<slug:name>/", desk.step, name="step"),
]
