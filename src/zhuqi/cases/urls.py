from django.urls import path

from zhuqi.cases import views

urlpatterns = [
    path("common-problems/", views.common_problem_list, name="common-problem-list"),
]
