from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "zhuqi.notifications"
    verbose_name = "消息通知"
