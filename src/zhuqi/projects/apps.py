from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "zhuqi.projects"
    verbose_name = "重点项目"

    def ready(self) -> None:
        # In ready(), not at the top: the picker module imports models, loaded after this module.
        from zhuqi.imports.jobs import register_importer
        from zhuqi.projects import origins, pickers
        from zhuqi.projects.importing import ProjectImporter

        pickers.register_kinds()
        origins.register()
        register_importer("projects", ProjectImporter)
