from django.urls import path

from zhuqi.visits import liaison_views, views

urlpatterns = [
    path("", views.visit_list, name="visit-list"),
    path("new/", views.visit_new, name="visit-new"),
    path("export.xlsx", views.visit_export, name="visit-export"),
    path("calendar/", views.leader_calendar, name="visit-calendar"),
    path("liaison/", liaison_views.liaison_workbench, name="liaison-workbench"),
    path("liaison/log/", liaison_views.liaison_log, name="liaison-log"),
    path("liaison/report/<str:month>.docx", liaison_views.liaison_report_document, name="liaison-report"),
    path("coverage/", liaison_views.coverage_page, name="liaison-coverage"),
    path("enterprise-options", views.enterprise_options, name="visit-enterprise-options"),
    path("attachments/<int:attachment_id>/", views.attachment_download, name="visit-attachment"),
    path("<int:visit_id>/", views.visit_detail, name="visit-detail"),
    path("<int:visit_id>/edit/", views.visit_edit, name="visit-edit"),
    path("<int:visit_id>/record.docx", views.visit_document, name="visit-document"),
]
