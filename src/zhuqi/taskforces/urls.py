"""The office's pages of task forces and campaigns (views.py), under /task-forces/."""

from django.urls import path

from zhuqi.taskforces import views

app_name = "taskforces"
urlpatterns = [
    path("", views.task_force_list, name="task-force-list"),
    path("new/", views.task_force_edit, name="task-force-create"),
    path("member-row/", views.member_row, name="member-row"),
    path("<int:task_force_id>/", views.task_force_detail, name="task-force-detail"),
    path("<int:task_force_id>/edit/", views.task_force_edit, name="task-force-edit"),
    path("<int:task_force_id>/campaigns/new/", views.campaign_create, name="campaign-create"),
    path("campaigns/form-rows/", views.campaign_form_rows, name="campaign-form-rows"),
    path("campaigns/form-row/", views.campaign_form_row, name="campaign-form-row"),
    path("campaigns/<int:campaign_id>/", views.campaign_board, name="campaign-board"),
    path("campaigns/<int:campaign_id>/edit/", views.campaign_edit, name="campaign-edit"),
    path("campaigns/<int:campaign_id>/enterprises/", views.campaign_enterprises, name="campaign-enterprises"),
    path("campaigns/<int:campaign_id>/enterprises/add/", views.campaign_enrol, name="campaign-enrol"),
    path(
        "campaigns/<int:campaign_id>/enterprises/import/",
        views.campaign_enrol_import,
        name="campaign-enrol-import",
    ),
    path(
        "campaigns/<int:campaign_id>/enterprises/<int:enterprise_id>/",
        views.enterprise_history,
        name="enterprise-history",
    ),
    path(
        "campaigns/<int:campaign_id>/enterprises/<int:enterprise_id>/remove/",
        views.campaign_withdraw,
        name="campaign-withdraw",
    ),
]
