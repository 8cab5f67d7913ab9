from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "zhuqi.projects"
    verbose_name = "重点项目"

    def ready(self) -> None:
<<<<<<< HEAD
        # In ready(), not at the top: the picker module imports models, loaded after this module.
        from zhuqi.projects import pickers
=======
        from zhuqi.projects import origins, pickers
>>>>>>> 357150e (cases: the state machine as data (workflow.py: Step, one table of transitions, guards), a step's prologue and epilogue written once (taking.py), services split into steps, filing, catalogue; route() a selector; cases no longer imports projects or visits (origin registry filled by their AppConfig.ready))

        pickers.register_kinds()
        origins.register()
