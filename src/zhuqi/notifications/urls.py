from django.urls import path

from zhuqi.notifications import views

urlpatterns = [
    path("", views.notice_list, name="notice-list"),
    path("webhooks/", views.webhooks, name="webhooks"),
    path("read", views.notice_mark_read, name="notice-mark-read"),
    path("<int:notice_id>/open", views.notice_open, name="notice-open"),
]
