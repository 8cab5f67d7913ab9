from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "zhuqi.core"
    verbose_name = "基础"
