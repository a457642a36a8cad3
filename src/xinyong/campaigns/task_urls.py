"""The console's campaign work pages (专项治理工作任务): mounted at /console/campaigns/."""

from __future__ import annotations

from django.urls import path

from xinyong.campaigns import task_views

app_name = "campaign_work"
urlpatterns = [
    path("", task_views.index, name="index"),
    path("mine/", task_views.mine, name="mine"),
    path("tasks/<int:pk>/", task_views.task_detail, name="task"),
    path("tasks/<int:pk>/<slug:name>/", task_views.step, name="step"),
    # Last: a campaign's code is pack data, matched after the fixed words above.
    path("<slug:code>/", task_views.campaign, name="campaign"),
]
