from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "zhuqi.imports"
    verbose_name = "导入"
