"""A campaign's period table as a spreadsheet (table_views.py), mounted at /task-forces/: the
download of one period's table, and the page that imports it filled in."""

from django.urls import path

from zhuqi.taskforces import table_views

urlpatterns = [
    path(
        "campaigns/<int:campaign_id>/table.xlsx", table_views.table_download, name="campaign-table-download"
    ),
    path("campaigns/<int:campaign_id>/import/", table_views.table_import, name="campaign-table-import"),
]
