"""A campaign's enterprises from a sheet (.xlsx or .csv) the department already keeps: one row an
enterprise, found by its credit code (统一社会信用代码) or, without one, by its exact name in the
registry; an optional 包保部门 column names the serving department. All or nothing: one row that
names no enterprise the actor sees, outside the task force's region, or a department that does
not exist, and nothing is written; the answer names the row and the column."""

from __future__ import annotations

from collections import defaultdict
from typing import IO, Any

from django.db import transaction
from django.db.models import Q

from zhuqi.core.chinese import to_halfwidth
from zhuqi.core.errors import FieldError, ValidationFailed
from zhuqi.core.scoping import code_within, region_subtree_q
from zhuqi.core.tabular import ImportFileError, normalise_header, read_table
from zhuqi.directory.models import Department, User
from zhuqi.enterprises.models import Enterprise
from zhuqi.enterprises.selectors import enterprise_queryset
from zhuqi.taskforces import selectors, services
from zhuqi.taskforces.models import CampaignEnterprise, EnrolledVia

USCC_HEADERS = {"统一社会信用代码", "信用代码", "社会信用代码"}
NAME_HEADERS = {"企业名称", "企业", "名称"}
DEPARTMENT_HEADERS = {"包保部门", "责任部门"}
MAX_ROWS = 50_000


def _column(headers: list[str], names: set[str]) -> int | None:
    for index, header in enumerate(headers):
        if normalise_header(header) in names:
            return index
    return None


@transaction.atomic
def enrol_from_table(
    *, actor: User, campaign_id: int, stream: IO[bytes], filename: str, source: str = ""
) -> list[CampaignEnterprise]:
    """Put the sheet's enterprises in the campaign (those already in stay as they are)."""
    campaign = selectors.campaign_get(user=actor, campaign_id=campaign_id)
    try:
        headers, rows = read_table(stream, filename)
    except ImportFileError as error:
        raise ValidationFailed([FieldError("file", str(error))]) from None
    uscc_at, name_at = _column(headers, USCC_HEADERS), _column(headers, NAME_HEADERS)
    department_at = _column(headers, DEPARTMENT_HEADERS)
    if uscc_at is None and name_at is None:
        raise ValidationFailed([FieldError("file", "表头应有“统一社会信用代码”或“企业名称”一列")])
    wanted: list[tuple[int, str, str, str]] = []  # (row, code, name, department)
    for number, cells in rows:

        def cell(at: int | None, cells: list[Any] = cells) -> str:
            return str(
                cells[at] if at is not None and at < len(cells) and cells[at] is not None else ""
            ).strip()

        code, name = to_halfwidth(cell(uscc_at)).replace(" ", "").upper(), cell(name_at)
        if code or name:
            wanted.append((number, code, name, cell(department_at)))
        if len(wanted) > MAX_ROWS:
            raise ValidationFailed([FieldError("file", f"一次至多导入 {MAX_ROWS:,} 家企业")])
    if not wanted:
        raise ValidationFailed([FieldError("file", "表中没有企业")])
    seen = enterprise_queryset(user=actor).select_related(None).only("pk", "name", "uscc", "region_id")
    by_code = {e.uscc: e for e in seen.filter(uscc__in={code for _, code, _, _ in wanted if code})}
    by_name: dict[str, list[Enterprise]] = defaultdict(list)
    for named in seen.filter(name__in={name for _, code, name, _ in wanted if not code and name}):
        by_name[named.name].append(named)
    # Departments by name or short name within the task force's region (a name is unique only
    # within its region); a name two of them answer to is refused.
    department_names = {dep for *_, dep in wanted if dep}
    departments: dict[str, list[Department]] = defaultdict(list)
    for found_department in Department.objects.filter(
        region_subtree_q("region_id", campaign.task_force.region_id),
        Q(name__in=department_names) | Q(short_name__in=department_names),
    ):
        for key in {found_department.name, found_department.short_name} & department_names:
            departments[key].append(found_department)
    errors: list[FieldError] = []
    groups: dict[int | None, list[int]] = defaultdict(list)
    for number, code, name, department_name in wanted:
        enterprise: Enterprise | None
        if code:
            enterprise = by_code.get(code)
            column = "统一社会信用代码"
            missing = f"统一社会信用代码 {code} 不在企业名录中，或不在您的权限范围内"
        else:
            found = by_name.get(name, [])
            enterprise = found[0] if len(found) == 1 else None
            column = "企业名称"
            missing = (
                f"企业名录中有 {len(found)} 家“{name}”，请填写统一社会信用代码"
                if found
                else f"企业名录中没有“{name}”"
            )
        if enterprise is None:
            errors.append(FieldError("file", f"第{number}行 {column}：{missing}"))
            continue
        if not code_within(campaign.task_force.region_id, enterprise.region_id):
            region = campaign.task_force.region.name
            errors.append(FieldError("file", f"第{number}行 {column}：{enterprise.name}不在{region}"))
            continue
        matching = departments.get(department_name, []) if department_name else []
        if department_name and len(matching) != 1:
            problem = "有多个同名部门，请写全称" if matching else "没有这个部门"
            errors.append(
                FieldError(
                    "file",
                    f"第{number}行 包保部门：{campaign.task_force.region.name}{problem}（{department_name}）",
                )
            )
            continue
        department = matching[0] if matching else None
        groups[department.pk if department else None].append(enterprise.pk)
    if errors:
        raise ValidationFailed(errors[:200])
    added: list[CampaignEnterprise] = []
    for department_id, enterprise_ids in groups.items():
        added += services.campaign_enrol(
            actor=actor,
            campaign_id=campaign.pk,
            enterprise_ids=enterprise_ids,
            department_id=department_id,
            via=EnrolledVia.IMPORTED,
            source=source,
        )
    return added
