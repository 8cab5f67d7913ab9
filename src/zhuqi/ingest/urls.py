from django.urls import path

from zhuqi.ingest import views

app_name = "ingest"
urlpatterns = [
    path("", views.report_list, name="report-list"),
    path("export.xlsx", views.report_export, name="report-export"),
    path("upload/", views.report_upload, name="report-upload"),
    path("<int:report_id>/", views.report_detail, name="report-detail"),
    path("<int:report_id>/confirm/", views.report_confirm, name="report-confirm"),
    path("<int:report_id>/discard/", views.report_discard, name="report-discard"),
]
