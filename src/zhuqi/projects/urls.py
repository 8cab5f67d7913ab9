from django.urls import path

from zhuqi.projects import views

urlpatterns = [
    path("", views.project_list, name="project-list"),
    path("new", views.project_edit, name="project-create"),
    path("link-chain", views.project_link_chain, name="project-link-chain"),
    path("<int:project_id>/", views.project_detail, name="project-detail"),
    path("<int:project_id>/edit", views.project_edit, name="project-edit"),
    path("<int:project_id>/stage", views.project_stage, name="project-stage"),
    path("<int:project_id>/milestones", views.project_milestones, name="project-milestones"),
    path("<int:project_id>/report", views.project_report, name="project-report"),
]
