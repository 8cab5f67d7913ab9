"""List the chain names written on projects that name no chain (产业链未匹配), for a person to
link them on the project library (筛选“产业链未匹配”) once the chain exists."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from zhuqi.directory.models import Region
from zhuqi.projects.selectors import unmatched_chain_names


class Command(BaseCommand):
    help = (
        "List the industrial-chain names written on key projects that name no chain of the project's "
        "region or a region above it (or several), with how many projects and where."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        found = unmatched_chain_names(user=None)
        if not found:
            self.stdout.write("所有项目的产业链都已对应到产业链。")
            return
        names = dict(
            Region.objects.filter(code__in={code for u in found for code in u.regions}).values_list(
                "code", "name"
            )
        )
        self.stdout.write(f"{len(found)} 个产业链名称没有对应的产业链：")
        for unmatched in found:
            where = "、".join(names.get(code, code) for code in unmatched.regions)
            self.stdout.write(f"{unmatched.name}\t{unmatched.projects} 个项目\t{where}")
