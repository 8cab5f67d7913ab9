"""One import of an .xlsx by django-import-export, in this directory's project and virtual
environment: `python run_import.py FILE`. Prints one JSON line (rows, seconds, rows/s); the
caller reads the process's peak memory from its own wait."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peer_settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from import_export import fields, resources, widgets  # noqa: E402
from peerapp.models import Enterprise  # noqa: E402
from tablib import Dataset  # noqa: E402


class YesNo(widgets.BooleanWidget):
    TRUE_VALUES = ["是", "1", 1, True, "true", "TRUE", "True"]
    FALSE_VALUES = ["否", "0", 0, False, "false", "FALSE", "False"]


class EnterpriseResource(resources.ModelResource):
    uscc = fields.Field("uscc", column_name="统一社会信用代码")
    name = fields.Field("name", column_name="企业名称")
    industry = fields.Field("industry", column_name="所属行业")
    employees = fields.Field("employees", column_name="从业人员", widget=widgets.IntegerWidget())
    revenue = fields.Field("revenue", column_name="营业收入(万元)", widget=widgets.DecimalWidget())
    total_assets = fields.Field("total_assets", column_name="资产总额(万元)", widget=widgets.DecimalWidget())
    region = fields.Field("region", column_name="所在地区")
    address = fields.Field("address", column_name="地址")
    contact_name = fields.Field("contact_name", column_name="联系人")
    contact_phone = fields.Field("contact_phone", column_name="联系电话")
    above_scale = fields.Field("above_scale", column_name="规上企业", widget=YesNo())

    class Meta:
        model = Enterprise
        # Bulk mode as its documentation sets it for large imports; rows matched by USCC, so a
        # list imported again updates (what zhuqi does).
        use_bulk = True
        batch_size = 1000
        skip_diff = True
        import_id_fields = ("uscc",)
        fields = (
            "uscc",
            "name",
            "industry",
            "employees",
            "revenue",
            "total_assets",
            "region",
            "address",
            "contact_name",
            "contact_phone",
            "above_scale",
        )


def main() -> None:
    path = Path(sys.argv[1])
    call_command("migrate", run_syncdb=True, verbosity=0)
    started, cpu_started = time.perf_counter(), time.process_time()
    with path.open("rb") as handle:
        dataset = Dataset().load(handle, format="xlsx")
    result = EnterpriseResource().import_data(dataset, dry_run=False, raise_errors=True)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    rows = len(dataset)
    assert not result.has_errors() and not result.has_validation_errors()
    assert Enterprise.objects.count() == rows, Enterprise.objects.count()
    print(
        json.dumps({"rows": rows, "seconds": seconds, "rows_per_second": rows / seconds, "cpu_seconds": cpu})
    )


if __name__ == "__main__":
    main()
