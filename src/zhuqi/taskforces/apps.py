from django.apps import AppConfig


class TaskForcesConfig(AppConfig):
    name = "zhuqi.taskforces"
    verbose_name = "工作专班"

    def ready(self) -> None:
        # In ready(), not at the top: these modules import models, loaded after this module.
        from zhuqi.taskforces import origins

        origins.register()
