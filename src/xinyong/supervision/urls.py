"""The steering office's pages (督查考核)."""

from __future__ import annotations

from django.urls import path

from xinyong.supervision import views

app_name = "supervision"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("assessment/", views.assessment_page, name="assessment"),
    path("rectifications/", views.rectification_list, name="rectifications"),
    path(
        "rectifications/<int:pk>/<slug:name>/", views.rectification_step, name="rectification_step"
    ),
]
