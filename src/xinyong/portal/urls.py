from __future__ import annotations

from django.urls import path

from xinyong.portal import (
    about_views,
    column_views,
    list_views,
    search_views,
    subject_views,
    track_views,
    views,
)

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("search", search_views.search, name="search"),
    path("subjects/<str:code>/", subject_views.subject_page, name="subject"),
    path("licences/", column_views.licences, name="licences"),
    path("penalties/", column_views.penalties, name="penalties"),
    path("lists/", list_views.lists_index, name="lists"),
    path("lists/<slug:code>/", list_views.list_page, name="list"),
    path("about/", about_views.about, name="about"),
    path("track/", track_views.track, name="track"),
]
