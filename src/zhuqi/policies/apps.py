from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "zhuqi.policies"
    verbose_name = "惠企政策"

    def ready(self) -> None:
        # In ready(), not at the top: these modules import models, loaded after this module.
        from zhuqi.policies import pickers, signals  # noqa: F401  (signals connects the re-match receivers)

        pickers.register_kinds()
        from zhuqi.imports.jobs import register_importer
        from zhuqi.policies.importing import DeliveryImporter

        register_importer("deliveries", DeliveryImporter)
