from django.urls import path

from zhuqi.chains import views

app_name = "chains"
urlpatterns = [
    path("", views.chain_list, name="chain-list"),
    path("export.xlsx", views.chain_list_export, name="chain-list-export"),
    path("<int:chain_id>/", views.chain_detail, name="chain-detail"),
    path("<int:chain_id>/panorama.json", views.chain_panorama, name="chain-panorama"),
    path("<int:chain_id>/members/<str:group>/", views.chain_members, name="chain-members"),
    path("<int:chain_id>/export/<str:table>.xlsx", views.chain_export, name="chain-export"),
]
