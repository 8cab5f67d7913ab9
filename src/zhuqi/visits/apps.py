from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "zhuqi.visits"
    verbose_name = "调研走访"

    def ready(self) -> None:
        from zhuqi.visits import origins

        origins.register()
