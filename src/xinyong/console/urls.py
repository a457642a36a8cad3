from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from xinyong.console import views

app_name = "console"
urlpatterns = [
    path("", views.index, name="index"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="console/login.html",
            redirect_authenticated_user=True,
            next_page=reverse_lazy("console:index"),
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(next_page="console:login"), name="logout"),
    path("upload/", views.upload, name="upload"),
    path("batches/<int:pk>/", views.batch, name="batch"),
    path("batches/<int:pk>/progress.json", views.progress, name="progress"),
    path("batches/<int:pk>/errors.xlsx", views.error_report, name="error_report"),
    path("quarantine/<int:pk>/", views.correct, name="correct"),
    path("quarantine/<int:pk>/discard/", views.discard, name="discard"),
    path("timeliness/", views.timeliness_page, name="timeliness"),
]
