"""The portal's complaint pages (举报投诉): file one, look one up, follow it and rate the reply."""

from __future__ import annotations

from django.urls import path

from xinyong.complaints import portal_views

app_name = "complaints"
urlpatterns = [
    path("new", portal_views.new, name="new"),
    path("track", portal_views.track, name="track"),
    path("<str:reference>/", portal_views.detail, name="detail"),
]
