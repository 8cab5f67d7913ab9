from django.urls import path

from zhuqi.cases import views

urlpatterns = [
    path("figures/", views.case_figures, name="case-figures"),
]
