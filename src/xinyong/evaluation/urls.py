"""The console's evaluation pages (信用评价)."""

from __future__ import annotations

from django.urls import path

from xinyong.evaluation import views

app_name = "evaluation_desk"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("subjects/<str:code>/", views.subject_page, name="subject"),
]
