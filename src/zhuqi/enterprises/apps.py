from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "zhuqi.enterprises"
    verbose_name = "企业"

    def ready(self) -> None:
        # In ready(), not at the top: the picker module imports models, loaded after this module.
        from zhuqi.enterprises import pickers
        from zhuqi.enterprises.importing import EnterpriseImporter
        from zhuqi.imports.jobs import register_importer

        pickers.register_kinds()
        register_importer("enterprises", EnterpriseImporter)
