"""The reporting pages of campaigns (report_views), mounted at /task-forces/."""

from django.urls import path

from zhuqi.taskforces import report_views

urlpatterns = [
    path("reporting/", report_views.reporting_list, name="reporting-list"),
    path("reporting/<int:campaign_id>/<int:enterprise_id>/", report_views.report_form, name="reporting-form"),
    path(
        "reporting/<int:campaign_id>/<int:enterprise_id>/received/",
        report_views.report_received,
        name="reporting-received",
    ),
    path(
        "reporting/<int:campaign_id>/<int:enterprise_id>/history/",
        report_views.report_history,
        name="reporting-history",
    ),
]
