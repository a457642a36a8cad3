from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from xinyong.console import check_views, entry_views, record_views, views

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
    path("records/new/", record_views.new_record, name="record_new"),
    path("batches/<int:pk>/", views.batch, name="batch"),
    path("batches/<int:pk>/progress.json", views.progress, name="progress"),
    path("batches/<int:pk>/errors.xlsx", views.error_report, name="error_report"),
    path("quarantine/<int:pk>/", views.correct, name="correct"),
    path("quarantine/<int:pk>/discard/", views.discard, name="discard"),
    path("timeliness/", views.timeliness_page, name="timeliness"),
    # List entries through due process (entry_views).
    path("entries/", entry_views.queue, name="entries"),
    path("entries/new/", entry_views.propose, name="entry_propose"),
    path("entries/<str:reference>/", entry_views.detail, name="entry"),
    path("entries/<str:reference>/<slug:name>/", entry_views.step, name="entry_step"),
    # joint reward and punishment checks, receipts and the feedback rate (check_views)
    path("checks/", check_views.check_page, name="check"),
    path("checks/receipt/", check_views.find_receipt, name="check_receipt_find"),
    path("checks/<str:reference>/", check_views.receipt_page, name="check_receipt"),
    path("checks/<str:reference>/result.xlsx", check_views.receipt_xlsx, name="check_receipt_xlsx"),
    path("feedback/", check_views.feedback_stats_page, name="feedback_stats"),
]
