from django.apps import AppConfig


class InvestmentConfig(AppConfig):
    name = "zhuqi.investment"
    verbose_name = "招商引资"
