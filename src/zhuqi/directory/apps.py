from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "zhuqi.directory"
    verbose_name = "名录"

    def ready(self) -> None:
        # In ready(), not at the top: the picker module imports models, loaded after this module.
        from zhuqi.directory import pickers

        pickers.register_kinds()
