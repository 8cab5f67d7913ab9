from django.urls import path

from zhuqi.investment import views

urlpatterns = [
    path("", views.agreement_list, name="agreement-list"),
    path("new", views.agreement_create, name="agreement-create"),
    path("export.xlsx", views.agreement_export, name="agreement-export"),
    path("<int:agreement_id>/", views.agreement_detail, name="agreement-detail"),
    path("<int:agreement_id>/projects", views.agreement_projects, name="agreement-projects"),
    path("<int:agreement_id>/funds", views.agreement_funds, name="agreement-funds"),
]
