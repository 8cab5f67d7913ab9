from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "zhuqi.cases"
    verbose_name = "事项办理"

    def ready(self) -> None:
        from zhuqi.cases import receivers, tallies  # noqa: F401 - connects the signal receivers
