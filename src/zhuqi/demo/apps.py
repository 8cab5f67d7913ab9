from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "zhuqi.demo"
    verbose_name = "演示数据"
