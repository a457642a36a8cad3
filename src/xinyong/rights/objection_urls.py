"""The portal's objection pages (异议): file one, look one up, follow it."""

from __future__ import annotations

from django.urls import path

from xinyong.rights import objection_views

app_name = "objections"
urlpatterns = [
    path("new", objection_views.new, name="new"),
    path("track", objection_views.track, name="track"),
    path("<str:reference>/", objection_views.detail, name="detail"),
]
