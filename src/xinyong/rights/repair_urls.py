"""The portal's credit-repair pages (mounted at /repairs/)."""

from __future__ import annotations

from django.urls import path

from xinyong.rights import repair_views

app_name = "repairs"
urlpatterns = [
    path("new", repair_views.new, name="new"),
    path("track", repair_views.track, name="track"),
    path("<str:reference>/", repair_views.detail, name="detail"),
]
