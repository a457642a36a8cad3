"""The portal's integrity column (诚信宣传): the column and each published article."""

from __future__ import annotations

from django.urls import path

from xinyong.publicity import portal_views

app_name = "publicity"
urlpatterns = [
    path("", portal_views.column, name="column"),
    path("<int:pk>/", portal_views.article, name="article"),
]
