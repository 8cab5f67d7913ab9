from django.apps import AppConfig


class IngestConfig(AppConfig):
    name = "zhuqi.ingest"
    verbose_name = "报道导入"
