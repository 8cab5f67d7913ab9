from django.apps import AppConfig


class ChainsConfig(AppConfig):
    name = "zhuqi.chains"
    verbose_name = "产业链"

    def ready(self) -> None:
        # Here rather than at the top: an AppConfig module is imported before the models load.
        from zhuqi.chains import panels as chain_panels
        from zhuqi.core import panels

        # The enterprise page: the chains it belongs to, its segment and role in each.
        panels.register(
            "enterprise-detail", panels.Panel(chain_panels.enterprise_chains, "chains/enterprise_chains.html")
        )
