from django.urls import path

from zhuqi.investment import target_views as views

app_name = "targets"
urlpatterns = [
    path("", views.target_index, name="index"),
    path("new/", views.target_create, name="create"),
    path("map/", views.target_map, name="map"),
    path("map/export.xlsx", views.target_map_export, name="map-export"),
    path("<int:target_id>/", views.target_detail, name="detail"),
    path("<int:target_id>/edit/", views.target_edit, name="edit"),
    path("<int:target_id>/advance", views.target_advance, name="advance"),
]
