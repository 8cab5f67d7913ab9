from django.apps import AppConfig


class OverviewConfig(AppConfig):
    name = "zhuqi.overview"
    verbose_name = "总览"

    def ready(self) -> None:
        # Here rather than at the top: an AppConfig module is imported before the apps' models
        # are loaded, and these modules import models.
        from zhuqi.cases.tasks import sweep_deadlines
        from zhuqi.core import background, metrics, panels
        from zhuqi.dispatch.tasks import sweep_dispatch
        from zhuqi.imports.tasks import sweep_imports
        from zhuqi.notifications.tasks import send_outbox
        from zhuqi.overview import operator_figures
        from zhuqi.overview import panels as overview_panels
        from zhuqi.policies.tasks import rematch_changed_enterprises

        # The scheduler's periodic tasks, in the order they are queued.
        background.register_periodic(
            sweep_deadlines, send_outbox, sweep_imports, rematch_changed_enterprises, sweep_dispatch
        )
        # The operators' figures (/metrics) read from the apps above core.
        metrics.register_figures(operator_figures.outbox_figures)
        # The enterprise page's parts from the apps above enterprises, in page order.
        panels.register(
            "enterprise-detail",
            panels.Panel(overview_panels.enterprise_case_filing),
            panels.Panel(overview_panels.enterprise_projects, "overview/enterprise_projects.html"),
            panels.Panel(overview_panels.enterprise_visits, "overview/enterprise_visits.html"),
            panels.Panel(overview_panels.enterprise_policies_panel, "overview/enterprise_policies.html"),
        )
