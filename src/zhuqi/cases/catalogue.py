"""The tables admins keep: the routing catalogue (派单目录), the deadline rules, the categories
and the reply templates. Cases already assigned keep what they were given."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from zhuqi.cases.models import CaseCategory, DeadlinePolicy, Kind, ReplyTemplate, RoutingRule, Urgency
from zhuqi.cases.taking import parse_choice
from zhuqi.core import audit
from zhuqi.core.concurrency import lock_or_new
from zhuqi.core.errors import FieldError, ValidationFailed, require
from zhuqi.core.models import AuditEntry
from zhuqi.core.permissions import Permission, has_permission
from zhuqi.core.scoping import code_within
from zhuqi.core.textlimits import length_errors
from zhuqi.directory.models import Department, Region, User


def _require_admin(actor: User) -> None:
    require(has_permission(actor, Permission.CONFIGURE), "只有系统管理员可以修改派单目录和时限规则")


@dataclass
class RoutingRuleData:
    region_code: str
    category_id: int | None
    lead_department_id: int | None
    co_department_ids: list[int] = field(default_factory=list)
    keywords: str = ""
    order: int = 0


def _rule_state(rule: RoutingRule) -> dict[str, Any]:
    return {
        **audit.snapshot(rule),
        "co_departments": sorted(d.pk for d in rule.co_departments.all()) if rule.pk else [],
    }


@transaction.atomic
def routing_rule_save(
    *, actor: User, data: RoutingRuleData, rule_id: int | None = None, source: str = ""
) -> RoutingRule:
    """Add or change a routing-catalogue entry. Cases already assigned keep their departments."""
    _require_admin(actor)
    rule = lock_or_new(RoutingRule, rule_id)
    before = _rule_state(rule) if rule.pk else None
    errors: list[FieldError] = []
    region = Region.objects.filter(pk=(data.region_code or "").strip()).first()
    if region is None:
        errors.append(FieldError("region", "地区代码不存在"))
    category = (
        CaseCategory.objects.filter(pk=data.category_id, is_active=True).first() if data.category_id else None
    )
    if category is None:
        errors.append(FieldError("category", "请选择类别"))
    wanted = [data.lead_department_id, *data.co_department_ids]
    departments = Department.objects.in_bulk([d for d in wanted if d is not None])
    lead = departments.get(data.lead_department_id) if data.lead_department_id else None
    if lead is None:
        errors.append(FieldError("lead_department", "请选择牵头部门"))
    elif (
        region is not None
        and not code_within(lead.region_id, region.code)
        and not code_within(region.code, lead.region_id)
    ):
        errors.append(FieldError("lead_department", f"{lead.name}与{region.name}不在同一辖区"))
    co = []
    for index, department_id in enumerate(dict.fromkeys(data.co_department_ids)):
        department = departments.get(department_id)
        if department is None:
            errors.append(FieldError(f"co_departments.{index}", "部门不存在"))
        elif department_id != data.lead_department_id:
            co.append(department)
    keywords = " ".join((data.keywords or "").replace("，", " ").replace(",", " ").split())
    errors += length_errors(RoutingRule, {"keywords": keywords})
    if not 0 <= data.order <= 999:
        errors.append(FieldError("order", "优先顺序应在 0 到 999 之间"))
    if errors:
        raise ValidationFailed(errors)
    assert region is not None and category is not None and lead is not None
    rule.region, rule.category, rule.lead_department = region, category, lead
    rule.keywords, rule.order = keywords, data.order
    rule.save()
    rule.co_departments.set(co)
    after = _rule_state(rule)
    audit.record_saved(
        actor=actor,
        instance=rule,
        before=before,
        changes=audit.diff(before or {}, after),
        source=source,
    )
    return rule


@transaction.atomic
def routing_rule_delete(*, actor: User, rule_id: int, source: str = "") -> None:
    _require_admin(actor)
    rule = lock_or_new(RoutingRule, rule_id)
    before = _rule_state(rule)
    audit.record(
        actor=actor,
        instance=rule,
        action=AuditEntry.Action.DELETE,
        changes=audit.diff(before, {}),
        source=source,
    )
    rule.delete()


MAX_POLICY_DAYS = 90


@transaction.atomic
def deadline_policy_save(
    *,
    actor: User,
    kind: str,
    urgency: str,
    category_id: int | None,
    response_days: int,
    simple_days: int,
    complex_days: int,
    source: str = "",
) -> DeadlinePolicy:
    """Set the working days for a kind, urgency and (optionally) category. Applies to cases
    assigned from now on; the deadlines already given are kept, as they were promised."""
    _require_admin(actor)
    errors: list[FieldError] = []
    try:
        kind = parse_choice(kind, Kind, "kind")
        urgency = parse_choice(urgency, Urgency, "urgency")
    except ValidationFailed as failure:
        errors += failure.errors
    category = CaseCategory.objects.filter(pk=category_id).first() if category_id else None
    if category_id and category is None:
        errors.append(FieldError("category", "类别不存在"))
    for name, value in (
        ("response_days", response_days),
        ("simple_days", simple_days),
        ("complex_days", complex_days),
    ):
        if value is None or not 0 <= value <= MAX_POLICY_DAYS:
            errors.append(FieldError(name, f"应为 0 到 {MAX_POLICY_DAYS} 个工作日"))
    if not errors and not response_days <= simple_days <= complex_days:
        errors.append(FieldError("simple_days", "应满足：受理时限 ≤ 简单事项时限 ≤ 复杂事项时限"))
    if errors:
        raise ValidationFailed(errors)
    policy = (
        DeadlinePolicy.objects.select_for_update()
        .filter(kind=kind, urgency=urgency, category=category)
        .first()
    )
    before = audit.snapshot(policy) if policy else None
    policy = policy or DeadlinePolicy(kind=kind, urgency=urgency, category=category)
    policy.response_days, policy.simple_days, policy.complex_days = response_days, simple_days, complex_days
    policy.save()
    audit.record_saved(
        actor=actor,
        instance=policy,
        before=before,
        source=source,
    )
    return policy


@transaction.atomic
def category_save(
    *,
    actor: User,
    name: str,
    parent_id: int | None = None,
    order: int = 0,
    is_active: bool = True,
    category_id: int | None = None,
    source: str = "",
) -> CaseCategory:
    """Add a category (a top-level one or a sub-category) or rename, reorder or retire one.
    A retired category stays on the cases filed under it; new cases cannot use it."""
    _require_admin(actor)
    category = lock_or_new(CaseCategory, category_id)
    before = audit.snapshot(category) if category.pk else None
    errors: list[FieldError] = []
    name = (name or "").strip()
    if not name:
        errors.append(FieldError("name", "必填"))
    errors += length_errors(CaseCategory, {"name": name})
    parent = CaseCategory.objects.filter(pk=parent_id).first() if parent_id else None
    if parent_id and parent is None:
        errors.append(FieldError("parent", "上级类别不存在"))
    elif parent is not None and (parent.parent_id is not None or parent.pk == category.pk):
        errors.append(FieldError("parent", "类别最多两级"))
    elif parent is not None and category.pk and category.children.exists():
        errors.append(FieldError("parent", "该类别有下级类别，不能再放到其他类别之下"))
    if name and CaseCategory.objects.filter(parent=parent, name=name).exclude(pk=category.pk).exists():
        errors.append(FieldError("name", f"“{name}”已存在"))
    if errors:
        raise ValidationFailed(errors)
    category.name, category.parent, category.order, category.is_active = name, parent, order, is_active
    category.save()
    audit.record_saved(
        actor=actor,
        instance=category,
        before=before,
        source=source,
    )
    return category


@transaction.atomic
def reply_template_save(
    *,
    actor: User,
    title: str,
    text: str,
    category_id: int | None = None,
    template_id: int | None = None,
    source: str = "",
) -> ReplyTemplate:
    _require_admin(actor)
    template = lock_or_new(ReplyTemplate, template_id)
    before = audit.snapshot(template) if template.pk else None
    errors: list[FieldError] = []
    title, text = (title or "").strip(), (text or "").strip()
    if not title:
        errors.append(FieldError("title", "必填"))
    if not text:
        errors.append(FieldError("text", "必填"))
    errors += length_errors(ReplyTemplate, {"title": title, "text": text})
    category = CaseCategory.objects.filter(pk=category_id).first() if category_id else None
    if category_id and category is None:
        errors.append(FieldError("category", "类别不存在"))
    if errors:
        raise ValidationFailed(errors)
    template.title, template.text, template.category = title, text, category
    template.save()
    audit.record_saved(
        actor=actor,
        instance=template,
        before=before,
        source=source,
    )
    return template


@transaction.atomic
def reply_template_delete(*, actor: User, template_id: int, source: str = "") -> None:
    _require_admin(actor)
    template = lock_or_new(ReplyTemplate, template_id)
    audit.record(
        actor=actor,
        instance=template,
        action=AuditEntry.Action.DELETE,
        before=audit.snapshot(template),
        source=source,
    )
    template.delete()
