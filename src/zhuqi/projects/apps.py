from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "zhuqi.projects"
    verbose_name = "重点项目"
