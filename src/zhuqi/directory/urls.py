from django.urls import path

from zhuqi.directory import views

urlpatterns = [
    path("", views.region_tree, name="region-tree"),
    path("<str:code>/children", views.region_children, name="region-children"),
]
