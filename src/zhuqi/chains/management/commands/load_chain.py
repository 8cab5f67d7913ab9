"""`zhuqi load_chain PATH --region CODE`: a chain and its segment tree from a template (a YAML or
.xlsx file, or the name of a template zhuqi ships: 光伏装备, 氢能, 铝 …), all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from zhuqi.chains import loading, services
from zhuqi.chains.models import SegmentKind
from zhuqi.core.errors import ValidationFailed
from zhuqi.core.management.base import ZhuqiCommand
from zhuqi.directory.management.importing import acting_user


def _shipped_names() -> str:
    names = []
    for path in loading.shipped_templates():
        template = loading.read_template(path.name, path.read_bytes())
        names.append(template.name.removesuffix("产业链"))
    return "、".join(names)


class Command(ZhuqiCommand):
    help = (
        "Load a chain and its segment tree from a template: a .yaml/.xlsx file, or the name of a "
        "shipped template (光伏装备, 氢能, 生物医药, 生态草, 铝, 风电装备, 稀土, 乳业, 现代煤化工). "
        "Every segment is checked first; one bad segment and nothing is written."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="template file (.yaml, .yml, .xlsx) or a shipped template's name")
        parser.add_argument("--region", required=True, help="the chain's region code (e.g. 150581)")
        parser.add_argument("--chief-id", type=int, help="the chain chief: an official's id")
        parser.add_argument("--chief-title", default="", help="the post the chief holds the chain by")
        parser.add_argument("--department-id", type=int, help="the lead department's id")
        parser.add_argument(
            "--as", dest="username", help="load as this account (its scope applies); default: system"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="read and check the template, write nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        given: str = options["path"]
        path = Path(given)
        if not path.is_file():
            shipped = loading.shipped_template(given)
            if shipped is None:
                where = "这是一个文件夹，不是文件" if path.is_dir() else "文件不存在，也不是内置模板的名称"
                raise CommandError(f"{where}：{given}（内置模板：{_shipped_names()}）")
            path = shipped
        with path.open("rb") as handle:
            content = handle.read(loading.MAX_TEMPLATE_BYTES + 1)
        actor = acting_user(options["username"])
        try:
            template = loading.read_template(path.name, content)
            if options["dry_run"]:
                self.stdout.write(f"“{template.name}”：{_summary(template)}（仅检查，未写入）")
                return
            chain = services.chain_load(
                actor=actor,
                template=template,
                region_code=options["region"],
                chief_id=options["chief_id"],
                chief_title=options["chief_title"],
                lead_department_id=options["department_id"],
                source="command",
            )
        except ValidationFailed as failure:
            for error in failure.errors:
                self.stderr.write(f"[{error.field}] {error.message}")
            raise CommandError(f"{path.name} 有 {len(failure.errors)} 处错误，未写入任何数据") from None
        self.stdout.write(
            f"已载入“{chain.name}”（{chain.region.name}，编号 {chain.pk}）：{_summary(template)}"
        )


def _summary(template: services.ChainTemplate) -> str:
    counts = {SegmentKind.MAIN: 0, SegmentKind.SUPPORTING: 0}

    def count(nodes: list[services.SegmentTemplate]) -> None:
        for node in nodes:
            counts[SegmentKind(node.kind)] += 1
            count(node.children)

    count(template.segments)
    main, supporting = counts[SegmentKind.MAIN], counts[SegmentKind.SUPPORTING]
    return f"{main + supporting} 个环节（主链环节 {main} 个，配套环节 {supporting} 个）"
