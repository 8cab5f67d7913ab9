"""The operating indicators' pages (indicator_views.py), mounted at /task-forces/: the month's
table with its falls, one enterprise's thirteen months, the entry form and the import."""

from django.urls import path

from zhuqi.taskforces import indicator_views

urlpatterns = [
    path("indicators/", indicator_views.indicator_month, name="indicator-month"),
    path(
        "indicators/enterprise/<int:enterprise_id>/",
        indicator_views.indicator_enterprise,
        name="indicator-enterprise",
    ),
    path("indicators/new/", indicator_views.indicator_entry, name="indicator-entry"),
    path("indicators/import/", indicator_views.indicator_import, name="indicator-import"),
    path("indicators/template.xlsx", indicator_views.indicator_template, name="indicator-template"),
]
