from django.apps import AppConfig


class DispatchConfig(AppConfig):
    name = "zhuqi.dispatch"
    verbose_name = "调度会与驾驶舱"

    def ready(self) -> None:
        # In ready(), not at the top: these modules import models, loaded after this module.
        from zhuqi.dispatch import origins

        origins.register()
