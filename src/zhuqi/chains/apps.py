from django.apps import AppConfig


class ChainsConfig(AppConfig):
    name = "zhuqi.chains"
    verbose_name = "产业链"
