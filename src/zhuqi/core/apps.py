from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "zhuqi.core"
    verbose_name = "基础"

    def ready(self) -> None:
        from zhuqi.core import lookups  # noqa: F401 - registers the any_of and within_region lookups
