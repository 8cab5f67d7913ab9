from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "zhuqi.projects"
    verbose_name = "重点项目"

    def ready(self) -> None:
        from zhuqi.projects import pickers

        pickers.register_kinds()
