from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "zhuqi.directory"
    verbose_name = "名录"

    def ready(self) -> None:
        from zhuqi.directory import pickers

        pickers.register_kinds()
