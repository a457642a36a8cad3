from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from xinyong.api.api import api

# No language prefix in URLs: the language comes from the session or the browser, so a
# page's address is the same in Chinese and English and can be shared.
urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("console/", include("xinyong.console.urls")),
    # Objections and repairs at the staff desk (console) and on the portal.
    path("console/objections/", include("xinyong.rights.objection_desk_urls")),
    path("console/repairs/", include("xinyong.rights.repair_desk_urls")),
    path("objections/", include("xinyong.rights.objection_urls")),
    path("repairs/", include("xinyong.rights.repair_urls")),
    # Complaints: the portal's one point of complaint and the units' desk.
    path("complaints/", include("xinyong.complaints.portal_urls")),
    path("console/complaints/", include("xinyong.complaints.desk_urls")),
    path("console/supervision/", include("xinyong.supervision.urls")),
    path("console/campaigns/", include("xinyong.campaigns.task_urls")),
    path("console/publicity/", include("xinyong.publicity.desk_urls")),
    path("publicity/", include("xinyong.publicity.portal_urls")),
    path("console/evaluation/", include("xinyong.evaluation.urls")),
    path("", include("xinyong.portal.urls")),
]
