from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "zhuqi.enterprises"
    verbose_name = "企业"

    def ready(self) -> None:
        from zhuqi.enterprises import pickers

        pickers.register_kinds()
