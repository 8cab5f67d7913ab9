from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "zhuqi.directory"
    verbose_name = "名录"
