"""The console's publicity desk (诚信宣传): articles, their steps, the weekly target."""

from __future__ import annotations

from django.urls import path

from xinyong.publicity import desk_views

app_name = "publicity_desk"
urlpatterns = [
    path("", desk_views.article_list, name="list"),
    path("new/", desk_views.new, name="new"),
    path("weeks/", desk_views.weeks, name="weeks"),
    path("<int:pk>/", desk_views.detail, name="detail"),
    path("<int:pk>/edit/", desk_views.edit, name="edit"),
    path("<int:pk>/publish/", desk_views.publish, name="publish"),
    path("<int:pk>/withdraw/", desk_views.withdraw, name="withdraw"),
]
