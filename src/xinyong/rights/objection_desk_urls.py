"""The console's objection desk (异议): the queue, an objection's page and its steps."""

from __future__ import annotations

from django.urls import path

from xinyong.rights import objection_desk

app_name = "objection_desk"
urlpatterns = [
    path("", objection_desk.queue, name="queue"),
    path("<str:reference>/", objection_desk.detail, name="detail"),
    path("<str:reference>/contact/", objection_desk.reveal, name="reveal"),
    path("<str:reference>/files/<int:pk>/", objection_desk.attachment, name="attachment"),
    path("<str:reference>/<slug:name>/", objection_desk.step, name="step"),
]
