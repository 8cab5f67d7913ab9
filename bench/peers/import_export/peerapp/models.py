from __future__ import annotations

from django.db import models


class Enterprise(models.Model):
    """The columns of zhuqi's enterprise list (bench/generate.py's headers), as plain columns:
    the reference reads codes as text, without zhuqi's checks or lookups."""

    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True)
    name = models.CharField("企业名称", max_length=200, db_index=True)
    industry = models.CharField("所属行业", max_length=4, blank=True)
    employees = models.PositiveIntegerField("从业人员", null=True, blank=True)
    revenue = models.DecimalField("营业收入(万元)", max_digits=16, decimal_places=2, null=True, blank=True)
    total_assets = models.DecimalField(
        "资产总额(万元)", max_digits=16, decimal_places=2, null=True, blank=True
    )
    region = models.CharField("所在地区", max_length=6, db_index=True)
    address = models.CharField("地址", max_length=300, blank=True)
    contact_name = models.CharField("联系人", max_length=100, blank=True)
    contact_phone = models.CharField("联系电话", max_length=40, blank=True)
    above_scale = models.BooleanField("规上企业", default=False)

    def __str__(self) -> str:
        return self.name
