from django.urls import path

from zhuqi.overview import views

urlpatterns = [
    path("", views.workbench, name="workbench"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("account/", views.account, name="account"),
    path("audit/", views.audit_log, name="audit-log"),
    path("regions/", views.region_tree, name="region-tree"),
    path("regions/<str:code>/children", views.region_children, name="region-children"),
    path("projects/figures/", views.project_figures_page, name="project-figures"),
]
