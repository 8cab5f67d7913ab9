"""Every change to chains, their segments, members, links, lists and goals. Each runs in a
transaction, is version-checked, refuses bad input naming the field, and writes the audit trail.

A chain is kept by the business-environment office of its region (or above), by its chief's own
account and by its lead department's staff. Tree changes lock the chain first, so two people
moving segments at once cannot make a cycle between them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import ProtectedError

from zhuqi.chains import selectors
from zhuqi.chains.models import (
    Chain,
    ChainGoal,
    ChainItem,
    ItemKind,
    ItemStatus,
    Link,
    Member,
    Role,
    Segment,
    SegmentKind,
)
from zhuqi.core import audit
from zhuqi.core.concurrency import check_version, lock
from zhuqi.core.errors import FieldError, ValidationFailed, require
from zhuqi.core.models import AuditEntry
from zhuqi.core.permissions import Permission, has_permission
from zhuqi.core.roles import Role as UserRole
from zhuqi.core.scoping import code_within, jurisdiction_code
from zhuqi.core.textlimits import length_errors
from zhuqi.core.validators import USCCError, validate_uscc
from zhuqi.core.values import collect, parse_amount, parse_choice
from zhuqi.directory.models import Department, Official, Region, User
from zhuqi.enterprises.selectors import enterprise_queryset

# Deep enough for any real chain (raw material to end use is rarely past eight steps); a bound
# keeps the panorama's columns on a screen and a runaway template out.
MAX_DEPTH = 12
MAX_SEGMENTS = 200


def may_keep(actor: User, chain: Chain | None = None) -> bool:
    """The office keeps every chain of its jurisdiction; a chain's chief and the staff of its lead
    department keep that chain."""
    if has_permission(actor, Permission.KEEP_CHAINS):
        return chain is None or code_within(jurisdiction_code(actor), chain.region_id)
    if chain is None:
        return False
    if actor.official_id and actor.official_id == chain.chief_id:
        return True
    return (
        actor.role == UserRole.HANDLER
        and bool(actor.department_id)
        and actor.department_id == chain.lead_department_id
    )


def _keep(actor: User, chain_id: int | str) -> Chain:
    """The chain, locked, once the actor may keep it (no key: members and segments point to it)."""
    chain = lock(selectors.chain_queryset(user=actor), chain_id, no_key=True)
    require(may_keep(actor, chain), "只有本级营商办（专班）、链长和牵头部门可以维护这条产业链")
    return chain


def _apply(actor: User, record: Any, values: dict[str, Any], source: str) -> Any:
    """Set `values` on the locked `record`; if anything changed, bump its version, save, audit."""
    before = audit.snapshot(record)
    for name, value in values.items():
        setattr(record, name, value)
    changes = audit.diff(before, audit.snapshot(record))
    if changes:
        record.version += 1
        record.save()
        audit.record(
            actor=actor, instance=record, action=AuditEntry.Action.UPDATE, changes=changes, source=source
        )
    return record


def _delete(actor: User, record: Any, source: str) -> None:
    audit.record(
        actor=actor,
        instance=record,
        action=AuditEntry.Action.DELETE,
        before=audit.snapshot(record),
        source=source,
    )
    record.delete()


def _position(value: Any, errors: list[FieldError]) -> int:
    """A place in a list: the columns are small integers, so a larger number is refused here, not
    by the database."""
    try:
        position = int(value or 0)
    except (TypeError, ValueError):
        errors.append(FieldError("position", f"“{value}”不是整数"))
        return 0
    if not 0 <= position <= 32767:
        errors.append(FieldError("position", "排序应在 0 到 32,767 之间"))
        return 0
    return position


def _kept_child(actor: User, model: Any, pk: int | str, rows: Any, related: tuple[str, ...] = ()) -> Any:
    """(its chain, the record) for a record of a chain (segment, member, link, list line): the chain
    locked once the actor may keep it, then the record locked among `rows(chain)`."""
    chain_id = model.objects.filter(pk=_id(pk)).values_list("chain_id", flat=True).first()
    chain = _keep(actor, chain_id if chain_id is not None else 0)
    return chain, lock(rows(chain), pk, related=related)


def _text(value: Any) -> str:
    return str(value or "").strip()


# ---------------------------------------------------------------------------------------------
# Chains


@dataclass
class ChainData:
    name: str
    region_code: str
    chief_id: int | None = None
    chief_title: str = ""
    deputy_ids: list[int] = field(default_factory=list)
    lead_department_id: int | None = None
    description: str = ""
    weak_output: Any = None
    position: int = 0


def _clean_chain(actor: User, data: ChainData) -> tuple[dict[str, Any], list[Official]]:
    errors: list[FieldError] = []
    values: dict[str, Any] = {
        "name": _text(data.name),
        "chief_title": _text(data.chief_title),
        "description": _text(data.description),
        "position": _position(data.position, errors),
    }
    if not values["name"]:
        errors.append(FieldError("name", "必填"))
    code = _text(data.region_code)
    region = Region.objects.filter(pk=code).first() if code else None
    if region is None:
        errors.append(FieldError("region", f"行政区划代码“{code}”不存在" if code else "必填"))
    elif not code_within(jurisdiction_code(actor), region.code):
        errors.append(FieldError("region", f"{region.name}不在您的管辖范围内"))
    values["region"] = region
    values["chief"] = None
    if data.chief_id:
        values["chief"] = Official.objects.filter(pk=data.chief_id).first()
        if values["chief"] is None:
            errors.append(FieldError("chief", "人员不存在"))
    deputies = list(Official.objects.filter(pk__in=data.deputy_ids or []))
    if len(deputies) != len(set(data.deputy_ids or [])):
        errors.append(FieldError("deputies", "有副链长不在人员名录中"))
    if values["chief"] is not None and values["chief"] in deputies:
        errors.append(FieldError("deputies", "链长不必再列为副链长"))
    values["lead_department"] = None
    if data.lead_department_id:
        values["lead_department"] = Department.objects.filter(pk=data.lead_department_id).first()
        if values["lead_department"] is None:
            errors.append(FieldError("lead_department", "部门不存在"))
    values["weak_output"] = collect(errors, parse_amount, data.weak_output, "weak_output", required=False)
    errors += length_errors(Chain, {k: values[k] for k in ("name", "chief_title", "description")})
    if region is not None and values["name"]:
        same = Chain.objects.filter(region=region, name=values["name"])
        if getattr(data, "_chain_id", None):
            same = same.exclude(pk=data._chain_id)  # type: ignore[attr-defined]
        if same.exists():
            errors.append(FieldError("name", f"{region.name}已有“{values['name']}”产业链"))
    if errors:
        raise ValidationFailed(errors)
    return values, deputies


@transaction.atomic
def chain_create(*, actor: User, data: ChainData, source: str = "") -> Chain:
    require(may_keep(actor), "只有营商办（专班）和系统管理员可以新建产业链")
    values, deputies = _clean_chain(actor, data)
    chain = Chain.objects.create(**values, created_by=actor if actor.pk else None)
    chain.deputies.set(deputies)
    audit.record(actor=actor, instance=chain, action=AuditEntry.Action.CREATE, source=source)
    return chain


@transaction.atomic
def chain_update(
    *, actor: User, chain_id: int, expected_version: int | None, data: ChainData, source: str = ""
) -> Chain:
    chain = _keep(actor, chain_id)
    check_version(chain, expected_version)
    data._chain_id = chain.pk  # type: ignore[attr-defined]
    if not has_permission(actor, Permission.KEEP_CHAINS):
        # A chief or the lead department edits the chain's content, not who holds it or where.
        data.region_code, data.chief_id, data.lead_department_id = (
            chain.region_id,
            chain.chief_id,
            chain.lead_department_id,
        )
        data.deputy_ids = list(chain.deputies.values_list("pk", flat=True))
    values, deputies = _clean_chain(actor, data)
    before = audit.snapshot(chain)
    old_deputies = sorted(chain.deputies.values_list("pk", flat=True))
    for name, value in values.items():
        setattr(chain, name, value)
    changes = audit.diff(before, audit.snapshot(chain))
    new_deputies = sorted(official.pk for official in deputies)
    if new_deputies != old_deputies:
        changes["deputies"] = [old_deputies, new_deputies]
        chain.deputies.set(deputies)
    if not changes:
        return chain
    chain.version += 1
    chain.save()
    audit.record(actor=actor, instance=chain, action=AuditEntry.Action.UPDATE, changes=changes, source=source)
    return chain


# ---------------------------------------------------------------------------------------------
# Segments


@dataclass
class SegmentData:
    name: str
    parent_id: int | None = None
    kind: str = SegmentKind.MAIN
    position: int = 0
    description: str = ""
    weak_output: Any = None


def _depth(parent: Segment | None, parents: Mapping[int, int | None]) -> int:
    depth, current = 0, parent.pk if parent else None
    while current is not None:
        depth += 1
        current = parents.get(current)
    return depth


def _height(segment: Segment | None, parents: Mapping[int, int | None]) -> int:
    """How many levels a segment brings with it when moved (itself and what lies downstream)."""
    if segment is None:
        return 0
    children: dict[int | None, list[int]] = {}
    for child, parent in parents.items():
        children.setdefault(parent, []).append(child)

    def height(node: int) -> int:
        return 1 + max((height(child) for child in children.get(node, ())), default=0)

    return height(segment.pk) - 1


def _clean_segment(chain: Chain, data: SegmentData, segment: Segment | None = None) -> dict[str, Any]:
    errors: list[FieldError] = []
    values: dict[str, Any] = {
        "name": _text(data.name),
        "description": _text(data.description),
        "position": _position(data.position, errors),
    }
    if not values["name"]:
        errors.append(FieldError("name", "必填"))
    values["kind"] = collect(errors, parse_choice, data.kind, SegmentKind, "kind", default=SegmentKind.MAIN)
    values["weak_output"] = collect(errors, parse_amount, data.weak_output, "weak_output", required=False)
    parents = dict(Segment.objects.filter(chain=chain).values_list("pk", "parent_id"))
    parent = None
    if data.parent_id:
        parent = Segment.objects.filter(pk=data.parent_id).first()
        if parent is None:
            errors.append(FieldError("parent", "上游环节不存在"))
        elif parent.chain_id != chain.pk:
            errors.append(FieldError("parent", f"“{parent.name}”是另一条产业链的环节"))
            parent = None
        elif segment is not None:
            # The new parent may not be the segment itself or anything downstream of it.
            current: int | None = parent.pk
            while current is not None:
                if current == segment.pk:
                    errors.append(
                        FieldError(
                            "parent",
                            f"“{parent.name}”在“{segment.name}”的下游，不能作为它的上游（会形成循环）",
                        )
                    )
                    parent = None
                    break
                current = parents.get(current)
    if values["kind"] == SegmentKind.SUPPORTING and data.parent_id is None:
        errors.append(FieldError("parent", "配套环节须指明它所配套的环节"))
    if parent is not None and _depth(parent, parents) + _height(segment, parents) >= MAX_DEPTH:
        errors.append(FieldError("parent", f"产业链最多 {MAX_DEPTH} 级"))
    if segment is None and len(parents) >= MAX_SEGMENTS:
        errors.append(FieldError("name", f"一条产业链最多 {MAX_SEGMENTS} 个环节"))
    values["parent"] = parent
    errors += length_errors(Segment, {k: values[k] for k in ("name", "description")})
    if values["name"]:
        same = Segment.objects.filter(chain=chain, name=values["name"])
        if segment is not None:
            same = same.exclude(pk=segment.pk)
        if same.exists():
            errors.append(FieldError("name", f"本链已有“{values['name']}”环节"))
    if errors:
        raise ValidationFailed(errors)
    return values


@transaction.atomic
def segment_create(*, actor: User, chain_id: int, data: SegmentData, source: str = "") -> Segment:
    chain = _keep(actor, chain_id)
    values = _clean_segment(chain, data)
    segment = Segment.objects.create(chain=chain, **values)
    audit.record(actor=actor, instance=segment, action=AuditEntry.Action.CREATE, source=source)
    return segment


def _segment(actor: User, segment_id: int | str) -> tuple[Chain, Segment]:
    return _kept_child(actor, Segment, segment_id, lambda chain: Segment.objects.filter(chain=chain))


def _id(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


@transaction.atomic
def segment_update(
    *, actor: User, segment_id: int, expected_version: int | None, data: SegmentData, source: str = ""
) -> Segment:
    chain, segment = _segment(actor, segment_id)
    check_version(segment, expected_version)
    values = _clean_segment(chain, data, segment)
    return _apply(actor, segment, values, source)


@transaction.atomic
def segment_delete(*, actor: User, segment_id: int, expected_version: int | None, source: str = "") -> None:
    _chain, segment = _segment(actor, segment_id)
    check_version(segment, expected_version)
    errors = []
    if (n := segment.members.count()) > 0:
        errors.append(FieldError("segment", f"“{segment.name}”还有 {n:,} 家企业，请先移出或调整到其他环节"))
    if (n := segment.children.count()) > 0:
        errors.append(
            FieldError("segment", f"“{segment.name}”还有 {n:,} 个下游或配套环节，请先调整它们的上游")
        )
    if errors:
        raise ValidationFailed(errors)
    try:
        _delete(actor, segment, source)
    except ProtectedError as error:
        # Records of the apps above name the segment (an investment target aimed at it): chains
        # cannot know them, but the database does, and the transaction rolls the audit back.
        kinds = "、".join(sorted({str(record._meta.verbose_name) for record in error.protected_objects}))
        raise ValidationFailed(
            [FieldError("segment", f"“{segment.name}”还有{kinds}指向它，请先调整")]
        ) from None


# ---------------------------------------------------------------------------------------------
# Members


@dataclass
class MemberData:
    segment_id: int | None
    enterprise_id: int | None
    role: str = Role.OTHER
    output_value: Any = None
    output_year: int | None = None
    products: str = ""
    note: str = ""


def _clean_member(
    actor: User, chain: Chain, data: MemberData, member: Member | None = None
) -> dict[str, Any]:
    errors: list[FieldError] = []
    values: dict[str, Any] = {"products": _text(data.products), "note": _text(data.note)}
    segment = (
        Segment.objects.filter(pk=data.segment_id).select_related("chain").first()
        if data.segment_id
        else None
    )
    if segment is None:
        errors.append(FieldError("segment", "必填" if not data.segment_id else "环节不存在"))
    elif segment.chain_id != chain.pk:
        errors.append(
            FieldError("segment", f"“{segment.name}”是“{segment.chain.name}”的环节，不属于“{chain.name}”")
        )
        segment = None
    values["segment"] = segment
    if member is None:
        enterprise = (
            enterprise_queryset(user=actor).filter(pk=data.enterprise_id).first()
            if data.enterprise_id
            else None
        )
        if enterprise is None:
            errors.append(
                FieldError("enterprise", "必填" if not data.enterprise_id else "企业不存在或不在您的范围内")
            )
        values["enterprise"] = enterprise
    else:
        enterprise = member.enterprise
    values["role"] = collect(errors, parse_choice, data.role, Role, "role", default=Role.OTHER)
    values["output_value"] = collect(errors, parse_amount, data.output_value, "output_value", required=False)
    year = data.output_year
    if year is not None and not (1949 <= int(year) <= 2100):
        errors.append(FieldError("output_year", "年度不正确"))
    values["output_year"] = year
    errors += length_errors(Member, {"products": values["products"], "note": values["note"]})
    if segment is not None and enterprise is not None:
        same = Member.objects.filter(segment=segment, enterprise=enterprise)
        if member is not None:
            same = same.exclude(pk=member.pk)
        if same.exists():
            errors.append(FieldError("enterprise", f"{enterprise.name}已在“{segment.name}”环节"))
    if errors:
        raise ValidationFailed(errors)
    return values


@transaction.atomic
def member_add(*, actor: User, chain_id: int, data: MemberData, source: str = "") -> Member:
    chain = _keep(actor, chain_id)
    values = _clean_member(actor, chain, data)
    member = Member.objects.create(chain=chain, **values)
    audit.record(actor=actor, instance=member, action=AuditEntry.Action.CREATE, source=source)
    return member


def _member(actor: User, member_id: int | str) -> tuple[Chain, Member]:
    return _kept_child(
        actor,
        Member,
        member_id,
        lambda chain: selectors.member_queryset(user=actor, chain=chain),
        related=("enterprise",),
    )


@transaction.atomic
def member_update(
    *, actor: User, member_id: int, expected_version: int | None, data: MemberData, source: str = ""
) -> Member:
    chain, member = _member(actor, member_id)
    check_version(member, expected_version)
    values = _clean_member(actor, chain, data, member)
    return _apply(actor, member, values, source)


@transaction.atomic
def member_remove(*, actor: User, member_id: int, expected_version: int | None, source: str = "") -> None:
    _chain, member = _member(actor, member_id)
    check_version(member, expected_version)
    _delete(actor, member, source)


# ---------------------------------------------------------------------------------------------
# Customer and supplier links


@dataclass
class LinkData:
    product: str
    supplier_id: int | None = None
    supplier_name: str = ""
    supplier_uscc: str = ""
    customer_id: int | None = None
    customer_name: str = ""
    customer_uscc: str = ""
    annual_volume: Any = None
    volume_unit: str = ""
    note: str = ""


def _end(
    actor: User, side: str, enterprise_id: int | None, name: str, uscc: str, errors: list[FieldError]
) -> dict[str, Any]:
    """One end of a link: one of ours by id (its name and code from the registry), or an outside
    enterprise by name and, when known, credit code (which, if it is ours, makes it ours)."""
    name, uscc = _text(name), _text(uscc)
    if enterprise_id:
        enterprise = enterprise_queryset(user=actor).filter(pk=enterprise_id).first()
        if enterprise is None:
            errors.append(FieldError(side, "企业不存在或不在您的范围内"))
            return {side: None, f"{side}_name": name, f"{side}_uscc": uscc}
        return {side: enterprise, f"{side}_name": enterprise.name, f"{side}_uscc": enterprise.uscc}
    if uscc:
        try:
            uscc = validate_uscc(uscc)
        except USCCError as error:
            errors.append(FieldError(f"{side}_uscc", error.message))
            return {side: None, f"{side}_name": name, f"{side}_uscc": ""}
        # Ours only if the keeper may see it: a code typed for an enterprise of elsewhere stays an
        # outside end as written, never a record the keeper could then neither see nor remove.
        ours = enterprise_queryset(user=actor).filter(uscc=uscc).first()
        if ours is not None:
            return {side: ours, f"{side}_name": ours.name, f"{side}_uscc": ours.uscc}
    if not name:
        errors.append(FieldError(f"{side}_name", "请选择本地企业或填写外地企业名称"))
    return {side: None, f"{side}_name": name, f"{side}_uscc": uscc}


def _clean_link(actor: User, data: LinkData) -> dict[str, Any]:
    errors: list[FieldError] = []
    values: dict[str, Any] = {
        "product": _text(data.product),
        "volume_unit": _text(data.volume_unit),
        "note": _text(data.note),
    }
    if not values["product"]:
        errors.append(FieldError("product", "必填"))
    values.update(_end(actor, "supplier", data.supplier_id, data.supplier_name, data.supplier_uscc, errors))
    values.update(_end(actor, "customer", data.customer_id, data.customer_name, data.customer_uscc, errors))
    volume = data.annual_volume
    if volume in (None, ""):
        values["annual_volume"] = None
    else:
        try:
            values["annual_volume"] = Decimal(str(volume).replace(",", "").strip()).quantize(Decimal("0.01"))
            if not values["annual_volume"].is_finite() or values["annual_volume"] < 0:
                raise ArithmeticError
            if values["annual_volume"] >= Decimal("1e14"):
                errors.append(FieldError("annual_volume", "数值过大"))
        except ArithmeticError:
            errors.append(FieldError("annual_volume", f"“{volume}”不是非负数"))
    if not errors:
        supplier, customer = values["supplier"], values["customer"]
        if supplier is not None and customer is not None and supplier.pk == customer.pk:
            errors.append(FieldError("customer", "供应方和客户是同一家企业"))
        elif supplier is None and customer is None:
            errors.append(FieldError("supplier", "供应方和客户至少有一方是本地企业"))
        elif (
            (supplier is None and customer is None)
            or (values["supplier_uscc"] and values["supplier_uscc"] == values["customer_uscc"])
            or (not values["supplier_uscc"] and values["supplier_name"] == values["customer_name"])
        ):
            errors.append(FieldError("customer", "供应方和客户是同一家企业"))
    errors += length_errors(
        Link,
        {k: values.get(k, "") for k in ("product", "volume_unit", "note", "supplier_name", "customer_name")},
    )
    if errors:
        raise ValidationFailed(errors)
    return values


@transaction.atomic
def link_add(*, actor: User, chain_id: int, data: LinkData, source: str = "") -> Link:
    chain = _keep(actor, chain_id)
    values = _clean_link(actor, data)
    link = Link.objects.create(chain=chain, **values)
    audit.record(actor=actor, instance=link, action=AuditEntry.Action.CREATE, source=source)
    return link


def _link(actor: User, link_id: int | str) -> tuple[Chain, Link]:
    return _kept_child(actor, Link, link_id, lambda chain: selectors.link_queryset(user=actor, chain=chain))


@transaction.atomic
def link_update(
    *, actor: User, link_id: int, expected_version: int | None, data: LinkData, source: str = ""
) -> Link:
    _chain, link = _link(actor, link_id)
    check_version(link, expected_version)
    values = _clean_link(actor, data)
    return _apply(actor, link, values, source)


@transaction.atomic
def link_remove(*, actor: User, link_id: int, expected_version: int | None, source: str = "") -> None:
    _chain, link = _link(actor, link_id)
    check_version(link, expected_version)
    _delete(actor, link, source)


# ---------------------------------------------------------------------------------------------
# The chief's lists and the yearly goals


@dataclass
class ItemData:
    kind: str
    title: str
    segment_id: int | None = None
    description: str = ""
    department_id: int | None = None
    status: str = ItemStatus.PLANNED
    progress: str = ""
    position: int = 0


def _clean_item(chain: Chain, data: ItemData) -> dict[str, Any]:
    errors: list[FieldError] = []
    values: dict[str, Any] = {
        "title": _text(data.title),
        "description": _text(data.description),
        "progress": _text(data.progress),
        "position": _position(data.position, errors),
    }
    if not values["title"]:
        errors.append(FieldError("title", "必填"))
    values["kind"] = collect(errors, parse_choice, data.kind, ItemKind, "kind")
    values["status"] = collect(
        errors, parse_choice, data.status, ItemStatus, "status", default=ItemStatus.PLANNED
    )
    values["segment"] = None
    if data.segment_id:
        values["segment"] = Segment.objects.filter(pk=data.segment_id, chain=chain).first()
        if values["segment"] is None:
            errors.append(FieldError("segment", "不是本链的环节"))
    values["department"] = None
    if data.department_id:
        values["department"] = Department.objects.filter(pk=data.department_id).first()
        if values["department"] is None:
            errors.append(FieldError("department", "部门不存在"))
    errors += length_errors(ChainItem, {k: values[k] for k in ("title", "description", "progress")})
    if errors:
        raise ValidationFailed(errors)
    return values


@transaction.atomic
def item_create(*, actor: User, chain_id: int, data: ItemData, source: str = "") -> ChainItem:
    chain = _keep(actor, chain_id)
    item = ChainItem.objects.create(chain=chain, **_clean_item(chain, data))
    audit.record(actor=actor, instance=item, action=AuditEntry.Action.CREATE, source=source)
    return item


def _item(actor: User, item_id: int | str) -> tuple[Chain, ChainItem]:
    return _kept_child(actor, ChainItem, item_id, lambda chain: ChainItem.objects.filter(chain=chain))


@transaction.atomic
def item_update(
    *, actor: User, item_id: int, expected_version: int | None, data: ItemData, source: str = ""
) -> ChainItem:
    chain, item = _item(actor, item_id)
    check_version(item, expected_version)
    values = _clean_item(chain, data)
    return _apply(actor, item, values, source)


@transaction.atomic
def item_delete(*, actor: User, item_id: int, expected_version: int | None, source: str = "") -> None:
    _chain, item = _item(actor, item_id)
    check_version(item, expected_version)
    _delete(actor, item, source)


GOAL_AMOUNTS = ("investment_signed", "funds_in_place")
GOAL_COUNTS = ("projects_landed", "new_above_scale")


@transaction.atomic
def goal_set(
    *,
    actor: User,
    chain_id: int,
    year: int,
    values: dict[str, Any],
    expected_version: int | None = None,
    source: str = "",
) -> ChainGoal:
    """Set a chain's targets for `year` (a blank clears one); the first setting creates the year."""
    chain = _keep(actor, chain_id)
    errors: list[FieldError] = []
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        errors.append(FieldError("year", "年度不正确"))
    cleaned: dict[str, Any] = {}
    for name in GOAL_AMOUNTS:
        cleaned[name] = collect(errors, parse_amount, values.get(name), name, required=False)
    for name in GOAL_COUNTS:
        raw = values.get(name)
        if raw in (None, ""):
            cleaned[name] = None
            continue
        try:
            number = int(str(raw).replace(",", "").strip())
            if not 0 <= number <= 1_000_000:
                raise ValueError
            cleaned[name] = number
        except ValueError:
            errors.append(FieldError(name, f"“{raw}”不是非负整数"))
    if errors:
        raise ValidationFailed(errors)
    goal = ChainGoal.objects.select_for_update().filter(chain=chain, year=year).first()
    if goal is None:
        goal = ChainGoal.objects.create(chain=chain, year=year, **cleaned)
        audit.record(actor=actor, instance=goal, action=AuditEntry.Action.CREATE, source=source)
        return goal
    check_version(goal, expected_version)
    before = audit.snapshot(goal)
    for name, value in cleaned.items():
        setattr(goal, name, value)
    changes = audit.diff(before, audit.snapshot(goal))
    if changes:
        goal.version += 1
        goal.save()
        audit.record(
            actor=actor, instance=goal, action=AuditEntry.Action.UPDATE, changes=changes, source=source
        )
    return goal


# ---------------------------------------------------------------------------------------------
# Loading a chain from a template


@dataclass
class SegmentTemplate:
    name: str
    kind: str = SegmentKind.MAIN
    description: str = ""
    children: list[SegmentTemplate] = field(default_factory=list)


@dataclass
class ChainTemplate:
    name: str
    description: str = ""
    segments: list[SegmentTemplate] = field(default_factory=list)


@transaction.atomic
def chain_load(
    *,
    actor: User,
    template: ChainTemplate,
    region_code: str,
    chief_id: int | None = None,
    chief_title: str = "",
    lead_department_id: int | None = None,
    source: str = "",
) -> Chain:
    """A chain and its segment tree from a template (chains/templates.py reads YAML and .xlsx):
    all or nothing; a bad segment is named by its path (segments[2].children[0].name)."""
    chain = chain_create(
        actor=actor,
        data=ChainData(
            name=template.name,
            region_code=region_code,
            chief_id=chief_id,
            chief_title=chief_title,
            lead_department_id=lead_department_id,
            description=template.description,
        ),
        source=source,
    )

    def add(nodes: list[SegmentTemplate], parent: Segment | None, path: str) -> None:
        for index, node in enumerate(nodes):
            here = f"{path}[{index}]"
            try:
                segment = segment_create(
                    actor=actor,
                    chain_id=chain.pk,
                    data=SegmentData(
                        name=node.name,
                        parent_id=parent.pk if parent else None,
                        kind=node.kind,
                        position=index,
                        description=node.description,
                    ),
                    source=source,
                )
            except ValidationFailed as failure:
                raise ValidationFailed(
                    [FieldError(f"{here}.{error.field}", error.message) for error in failure.errors]
                ) from None
            add(node.children, segment, f"{here}.children")

    add(template.segments, None, "segments")
    return chain
