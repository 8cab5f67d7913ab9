from django.urls import path

from zhuqi.visits import views

urlpatterns = [
    path("", views.visit_list, name="visit-list"),
    path("<int:visit_id>/", views.visit_detail, name="visit-detail"),
    path("<int:visit_id>/record.docx", views.visit_document, name="visit-document"),
]
