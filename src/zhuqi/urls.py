from django.contrib import admin
from django.urls import include, path

from zhuqi.api import api

# /healthz, /readyz and /metrics (issue 24) are not routed here: core.health's middleware answers
# them before the host check, the sessions and the login (settings.py, README "Health and figures
# for operators").
urlpatterns = [
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # First: the pages that show several apps at once (the workbench, the region tree, the
    # project and agreement figures …), each at its own fixed address.
    path("", include("zhuqi.overview.urls")),
    path("", include("zhuqi.core.urls")),
    path("enterprises/", include("zhuqi.enterprises.urls")),
    path("cases/", include("zhuqi.cases.urls")),
    path("projects/", include("zhuqi.projects.urls")),
    path("agreements/", include("zhuqi.investment.urls")),
    path("visits/", include("zhuqi.visits.urls")),
    path("policies/", include("zhuqi.policies.urls")),
    path("chains/", include("zhuqi.chains.urls")),
    path("chains/", include("zhuqi.chains.edit_urls")),
    path("targets/", include("zhuqi.investment.target_urls")),
    path("reports/", include("zhuqi.ingest.urls")),
    path("task-forces/", include("zhuqi.taskforces.urls")),
    path("task-forces/", include("zhuqi.taskforces.report_urls")),
    path("task-forces/", include("zhuqi.taskforces.table_urls")),
    path("task-forces/", include("zhuqi.taskforces.indicator_urls")),
    path("dispatch/", include("zhuqi.dispatch.urls")),
    path("notices/", include("zhuqi.notifications.urls")),
]

handler400 = "zhuqi.core.error_views.bad_request"
handler403 = "zhuqi.core.error_views.permission_denied"
handler404 = "zhuqi.core.error_views.page_not_found"
handler500 = "zhuqi.core.error_views.server_error"
