from django.urls import path

from zhuqi.notifications import views

urlpatterns = [
    path("", views.notice_list, name="notice-list"),
    path("webhooks/", views.webhooks, name="webhooks"),
    path("webhooks/<int:webhook_id>/", views.webhook_edit, name="webhook-edit"),
    path("webhooks/<int:webhook_id>/test", views.webhook_test, name="webhook-test"),
    path("webhooks/<int:webhook_id>/active", views.webhook_active, name="webhook-active"),
    path("webhooks/<int:webhook_id>/delete", views.webhook_delete, name="webhook-delete"),
    path("read", views.notice_mark_read, name="notice-mark-read"),
    path("<int:notice_id>/open", views.notice_open, name="notice-open"),
]
