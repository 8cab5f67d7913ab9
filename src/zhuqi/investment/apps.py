from django.apps import AppConfig


class InvestmentConfig(AppConfig):
    name = "zhuqi.investment"
    verbose_name = "招商引资"

    def ready(self) -> None:
        # Here rather than at the top: an AppConfig module is imported before the models load.
        from zhuqi.chains import figures
        from zhuqi.core import panels
        from zhuqi.investment import target_panels, target_pickers

        target_pickers.register_kinds()
        # The chain pages: the targets and agreements of each chain, computed here.
        figures.register_column(*target_panels.COLUMNS)
        panels.register(
            "chain-detail", panels.Panel(target_panels.chain_panel, "investment/targets/chain_panel.html")
        )
