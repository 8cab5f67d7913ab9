from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "zhuqi.enterprises"
    verbose_name = "企业"
