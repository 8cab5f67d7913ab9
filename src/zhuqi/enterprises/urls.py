from django.urls import path

from zhuqi.enterprises import views

urlpatterns = [
    path("", views.enterprise_list, name="enterprise-list"),
    path("export.xlsx", views.enterprise_export, name="enterprise-export"),
    path("new", views.enterprise_create, name="enterprise-create"),
    path("import/", views.enterprise_import, name="enterprise-import"),
    path("import/<str:token>/", views.enterprise_import_job, name="enterprise-import-job"),
    path("import/<str:token>/confirm", views.enterprise_import_confirm, name="enterprise-import-confirm"),
    path("import/<str:token>/errors", views.enterprise_import_errors, name="enterprise-import-errors"),
    path("<int:enterprise_id>/", views.enterprise_detail, name="enterprise-detail"),
    path("<int:enterprise_id>/edit", views.enterprise_edit, name="enterprise-edit"),
    path("<int:enterprise_id>/history", views.enterprise_history, name="enterprise-history"),
    path("<int:enterprise_id>/assignments", views.enterprise_assign, name="enterprise-assign"),
    path(
        "<int:enterprise_id>/qualifications",
        views.enterprise_qualifications,
        name="enterprise-qualifications",
    ),
    path("assignments/<int:assignment_id>/end", views.assignment_end, name="assignment-end"),
]
