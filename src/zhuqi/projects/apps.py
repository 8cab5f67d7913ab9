from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "zhuqi.projects"
    verbose_name = "重点项目"

    def ready(self) -> None:
        # In ready(), not at the top: the picker module imports models, loaded after this module.
        from zhuqi.chains.figures import register_column
        from zhuqi.core import panels
        from zhuqi.imports.jobs import register_importer
        from zhuqi.projects import chain_figures, origins, pickers
        from zhuqi.projects.importing import ProjectImporter

        pickers.register_kinds()
        origins.register()
        register_importer("projects", ProjectImporter)
        # The chains' pages: the projects' columns of the comparison, a chain's key projects.
        register_column(*chain_figures.COLUMNS)
        panels.register("chain-detail", panels.Panel(chain_figures.chain_panel, "projects/chain_panel.html"))
