"""Every change to enterprises and assignments: atomic, scope-checked, audited."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from zhuqi.core import audit, search
from zhuqi.core.chinese import pinyin_keys, to_simplified
from zhuqi.core.concurrency import check_version, lock
from zhuqi.core.errors import FieldError, PermissionDenied, ValidationFailed
from zhuqi.core.models import AuditEntry
from zhuqi.core.scoping import code_within, jurisdiction_code
from zhuqi.core.textlimits import length_errors
from zhuqi.core.values import parse_choice
from zhuqi.directory.models import User
from zhuqi.directory.reference import ReferenceResolver
from zhuqi.directory.selectors import assignable_officials
from zhuqi.enterprises import selectors
from zhuqi.enterprises.models import Assignment, Enterprise, Qualification, QualificationKind
from zhuqi.enterprises.size_class import classify
from zhuqi.enterprises.validation import LABELS, clean_enterprise_data


def build_search_text(enterprise: Enterprise) -> str:
    return search_text_of(enterprise.name, enterprise.short_name, enterprise.uscc)


def search_text_of(name: str, short_name: str, uscc: str) -> str:
    """The pinyin search column of an enterprise of these names (a bulk writer's rows have no
    instance)."""
    # Simplified, like the queries (normalise_query): a name registered in traditional
    # characters is still found by what a user types.
    name, short_name = to_simplified(name), to_simplified(short_name)
    parts = [name, short_name, uscc, *pinyin_keys(name), *pinyin_keys(short_name)]
    return " ".join(part.lower() for part in parts if part)


def _figure_text(value: int | Decimal) -> str:
    # As the database returns it (two decimals for 万元), so a reload does not look like a change.
    return str(value.quantize(Decimal("0.01"))) if isinstance(value, Decimal) else str(value)


def apply_size_class(enterprise: Enterprise) -> None:
    """Recompute the size class from the figures and keep the basis it came from."""
    enterprise.size_class, enterprise.size_basis = size_class_of(
        enterprise.industry_id, enterprise.employees, enterprise.revenue, enterprise.total_assets
    )


def size_class_of(
    industry_code: str | None, employees: int | None, revenue: Any, total_assets: Any
) -> tuple[str, dict[str, Any]]:
    """The size class of these figures and the basis it came from (amounts as Decimal or as
    their text)."""
    result = classify(
        industry_code=industry_code,
        employees=employees,
        revenue=Decimal(revenue) if revenue is not None else None,
        total_assets=Decimal(total_assets) if total_assets is not None else None,
    )
    return result.size_class.value if result.size_class else "", {
        "sector": result.sector,
        "sector_name": result.sector_name,
        "figures": {key: _figure_text(value) for key, value in result.basis.items()},
        "missing": list(result.missing),
        "rule": result.rule,
    }


def _check_in_jurisdiction(actor: User, values: Mapping[str, Any]) -> None:
    region = values.get("region")
    code = jurisdiction_code(actor)
    if region is not None and not code_within(code, region.code):
        raise ValidationFailed([FieldError("region", f"{region.name}（{region.code}）不在您的管辖范围内")])


def _assign(enterprise: Enterprise, values: Mapping[str, Any]) -> None:
    for field, value in values.items():
        setattr(enterprise, field, value)
    enterprise.search_text = build_search_text(enterprise)
    search.fill(enterprise)
    apply_size_class(enterprise)


# The refusal of an enterprise's edit to a role that may change none of its fields.
EDIT_REFUSED = "您无权修改该企业的信息"


@transaction.atomic
def enterprise_create(*, actor: User, data: Mapping[str, Any], source: str = "") -> Enterprise:
    if not selectors.can_edit_enterprise(actor):
        raise PermissionDenied()
    code = jurisdiction_code(actor)
    cleaned = clean_enterprise_data(data, resolver=ReferenceResolver(), jurisdiction=code)
    if cleaned.errors:
        raise ValidationFailed(cleaned.errors)
    _check_in_jurisdiction(actor, cleaned.values)
    if Enterprise.objects.filter(uscc=cleaned.values["uscc"]).exists():
        raise ValidationFailed([FieldError("uscc", f"统一社会信用代码 {cleaned.values['uscc']} 已登记")])
    enterprise = Enterprise()
    _assign(enterprise, cleaned.values)
    enterprise.save()
    audit.record(actor=actor, instance=enterprise, action=AuditEntry.Action.CREATE, source=source)
    return enterprise


@transaction.atomic
def enterprise_update(
    *,
    actor: User,
    enterprise_id: int,
    data: Mapping[str, Any],
    expected_version: int | None,
    source: str = "",
) -> Enterprise:
    """Change the fields in `data`. `expected_version` is the version the caller read, required;
    if the record changed since, the write is refused rather than overwriting someone else's edit."""
    enterprise = lock(selectors.enterprise_queryset(user=actor), enterprise_id)
    allowed = selectors.editable_fields(actor, enterprise)
    if allowed is not None:
        forbidden = sorted(set(data) - allowed)
        if not allowed or forbidden:
            raise PermissionDenied(
                EDIT_REFUSED
                if not allowed
                else "您无权修改该企业的" + "、".join(LABELS.get(name, name) for name in forbidden)
            )
    check_version(enterprise, expected_version)
    cleaned = clean_enterprise_data(
        data, resolver=ReferenceResolver(), partial=True, jurisdiction=jurisdiction_code(actor)
    )
    if cleaned.errors:
        raise ValidationFailed(cleaned.errors)
    _check_in_jurisdiction(actor, cleaned.values)
    new_uscc = cleaned.values.get("uscc")
    if new_uscc and new_uscc != enterprise.uscc and Enterprise.objects.filter(uscc=new_uscc).exists():
        raise ValidationFailed([FieldError("uscc", f"统一社会信用代码 {new_uscc} 已登记")])
    before = audit.snapshot(enterprise)
    _assign(enterprise, cleaned.values)
    if audit.diff(before, audit.snapshot(enterprise)):
        enterprise.version += 1
        enterprise.save()
        if before["name"] != enterprise.name:
            # A case is found by its enterprise's name too (cases' search words carry it).
            search.refresh_dependents(enterprise)
        audit.record(
            actor=actor, instance=enterprise, action=AuditEntry.Action.UPDATE, before=before, source=source
        )
    return enterprise


@transaction.atomic
def enterprise_delete(
    *, actor: User, enterprise_id: int, expected_version: int | None, source: str = ""
) -> None:
    if not selectors.can_edit_enterprise(actor):
        raise PermissionDenied()
    enterprise = lock(selectors.enterprise_queryset(user=actor), enterprise_id)
    check_version(enterprise, expected_version)
    if enterprise.users.exists():
        raise ValidationFailed([FieldError("id", "该企业仍有登录账号，请先停用账号再删除")])
    # The assignments go with the enterprise (on_delete CASCADE); each leaves its own entry.
    for assignment in enterprise.assignments.all():
        audit.record(
            actor=actor,
            instance=assignment,
            action=AuditEntry.Action.DELETE,
            before=audit.snapshot(assignment),
            source=source,
        )
    before = audit.snapshot(enterprise)
    audit.record(
        actor=actor, instance=enterprise, action=AuditEntry.Action.DELETE, before=before, source=source
    )
    enterprise.delete()


# --- qualifications (资质认定) ---------------------------------------------------------------------


@dataclass(frozen=True)
class QualificationData:
    """One qualification as the caller gives it: its kind (a QualificationKind value or its
    Chinese label) and the days it was recognised and runs until (either may be unknown)."""

    kind: str
    recognised_on: datetime.date | None = None
    valid_until: datetime.date | None = None


def _qualification_entries(rows: Iterable[Qualification | QualificationData]) -> list[dict[str, Any]]:
    """Qualifications as the enterprise's audit entry lists them: in QualificationKind's order,
    dates as ISO text."""
    return [
        {
            "kind": row.kind,
            "recognised_on": row.recognised_on.isoformat() if row.recognised_on else None,
            "valid_until": row.valid_until.isoformat() if row.valid_until else None,
        }
        for row in sorted(rows, key=lambda row: selectors.qualification_order(row.kind))
    ]


def _clean_qualifications(items: Sequence[QualificationData]) -> list[QualificationData]:
    """The list checked whole: every problem named by the item's index (qualifications[2].kind),
    ValidationFailed if there is any."""
    errors: list[FieldError] = []
    cleaned: list[QualificationData] = []
    seen: set[str] = set()
    today = timezone.localdate()
    for index, item in enumerate(items):
        where = f"qualifications[{index}]"
        try:
            kind = parse_choice(str(item.kind or ""), QualificationKind, f"{where}.kind")
        except ValidationFailed as failure:
            errors += failure.errors
            kind = ""
        if kind in seen:
            label = QualificationKind(kind).label
            errors.append(FieldError(f"{where}.kind", f"{label}重复：每种资质只登记一次"))
        elif kind:
            seen.add(kind)
        recognised_on, valid_until = item.recognised_on, item.valid_until
        for name, day in (("recognised_on", recognised_on), ("valid_until", valid_until)):
            if day is not None and not isinstance(day, datetime.date):
                errors.append(FieldError(f"{where}.{name}", "应为日期（YYYY-MM-DD）"))
        if isinstance(recognised_on, datetime.date) and recognised_on > today:
            errors.append(FieldError(f"{where}.recognised_on", f"认定日期 {recognised_on:%Y-%m-%d} 晚于今天"))
        if (
            isinstance(recognised_on, datetime.date)
            and isinstance(valid_until, datetime.date)
            and valid_until < recognised_on
        ):
            errors.append(FieldError(f"{where}.valid_until", "有效期至不能早于认定日期"))
        cleaned.append(QualificationData(kind, recognised_on, valid_until))
    if errors:
        raise ValidationFailed(errors)
    return cleaned


@transaction.atomic
def qualifications_set(
    *,
    actor: User,
    enterprise_id: int,
    expected_version: int | None,
    items: Sequence[QualificationData],
    source: str = "",
) -> Enterprise:
    """Replace the enterprise's qualifications with `items` (what is not listed is removed), as
    read at the enterprise's `expected_version`: the list is part of the enterprise's record, so
    its version rises and its entry in the audit trail shows the list before and after. Who may
    edit the enterprise's registered facts may set them; its own account may not."""
    enterprise = lock(selectors.enterprise_queryset(user=actor), enterprise_id)
    if not selectors.can_edit_enterprise(actor, enterprise):
        raise PermissionDenied(EDIT_REFUSED)
    check_version(enterprise, expected_version)
    wanted = {item.kind: item for item in _clean_qualifications(items)}
    existing = {q.kind: q for q in Qualification.objects.select_for_update().filter(enterprise=enterprise)}
    before, after = _qualification_entries(existing.values()), _qualification_entries(wanted.values())
    if before == after:
        return enterprise
    # Row by row (a few at most), so each row's post_save and post_delete are sent: the policies
    # re-match the enterprise on them.
    for kind, qualification in existing.items():
        item = wanted.get(kind)
        if item is None:
            qualification.delete()
            continue
        dates = (item.recognised_on, item.valid_until)
        if (qualification.recognised_on, qualification.valid_until) != dates:
            qualification.recognised_on, qualification.valid_until = dates
            qualification.save(update_fields=["recognised_on", "valid_until"])
    for kind, item in wanted.items():
        if kind not in existing:
            Qualification.objects.create(
                enterprise=enterprise,
                kind=kind,
                recognised_on=item.recognised_on,
                valid_until=item.valid_until,
            )
    # The enterprise changed too: a new version, and a new updated_at, by which the policies find
    # the enterprises changed since their last match.
    enterprise.version += 1
    enterprise.save(update_fields=["version", "updated_at"])
    audit.record(
        actor=actor,
        instance=enterprise,
        action=AuditEntry.Action.UPDATE,
        changes={"qualifications": [before, after]},
        source=source,
    )
    return enterprise


@transaction.atomic
def assignment_create(
    *,
    actor: User,
    enterprise_id: int,
    official_id: int,
    kind: str = Assignment.Kind.LIAISON,
    start_date: datetime.date | None = None,
    end_date: datetime.date | None = None,
    note: str = "",
) -> Assignment:
    if not selectors.can_edit_enterprise(actor):
        raise PermissionDenied()
    enterprise = selectors.enterprise_get(user=actor, enterprise_id=enterprise_id)
    errors: list[FieldError] = []
    # Only officials the actor could pick (their jurisdiction, below and above it); any other id
    # gets the same answer as a missing one, so ids of other regions' officials do not leak.
    official = assignable_officials(user=actor).filter(pk=official_id).first()
    if official is None:
        errors.append(FieldError("official", "干部不存在或不在您的权限范围内"))
    if kind not in Assignment.Kind.values:
        errors.append(FieldError("kind", f"应为 {'、'.join(Assignment.Kind.values)} 之一"))
    start = start_date or timezone.localdate()
    if end_date is not None and end_date < start:
        errors.append(FieldError("end_date", "结束日期不能早于开始日期"))
    note = (note or "").strip()
    errors += length_errors(Assignment, {"note": note})
    if errors:
        raise ValidationFailed(errors)
    assert official is not None
    overlapping = Assignment.objects.filter(enterprise=enterprise, official=official, kind=kind).filter(
        Assignment.current_q(start)
    )
    if overlapping.exists():
        raise ValidationFailed([FieldError("official", f"{official.name} 已在包联该企业")])
    assignment = Assignment.objects.create(
        enterprise=enterprise, official=official, kind=kind, start_date=start, end_date=end_date, note=note
    )
    audit.record(actor=actor, instance=assignment, action=AuditEntry.Action.CREATE)
    return assignment


@transaction.atomic
def assignment_end(*, actor: User, assignment_id: int, end_date: datetime.date | None = None) -> Assignment:
    if not selectors.can_edit_enterprise(actor):
        raise PermissionDenied()
    assignment = lock(selectors.assignment_queryset(user=actor), assignment_id)
    end = end_date or timezone.localdate()
    if end < assignment.start_date:
        raise ValidationFailed([FieldError("end_date", "结束日期不能早于开始日期")])
    if assignment.end_date is not None and end >= assignment.end_date:
        # Ending may bring a planned end forward, never extend or reopen a finished period.
        raise ValidationFailed([FieldError("end_date", f"该包联已定于 {assignment.end_date} 结束")])
    before = audit.snapshot(assignment)
    assignment.end_date = end
    assignment.save(update_fields=["end_date"])
    audit.record(actor=actor, instance=assignment, action=AuditEntry.Action.UPDATE, before=before)
    return assignment


DUTY_MAX = 31  # at most one a day: a duty above that is a typing error, not a target


@transaction.atomic
def assignment_duty_set(
    *, actor: User, assignment_id: int, visits_per_month: Any, calls_per_month: Any, source: str = ""
) -> Assignment:
    """Set an assignment's duty: at least `visits_per_month` visits and `calls_per_month` calls a
    month (0 is no duty of that kind). Admins and coordinators, for assignments in their
    jurisdiction; a bad value is named by its field and nothing is written."""
    if not selectors.can_edit_enterprise(actor):
        raise PermissionDenied()
    assignment = lock(selectors.assignment_queryset(user=actor), assignment_id)
    errors: list[FieldError] = []
    values: dict[str, int] = {}
    for name, value in (("visits_per_month", visits_per_month), ("calls_per_month", calls_per_month)):
        if isinstance(value, bool) or not isinstance(value, int | str):
            errors.append(FieldError(name, f"应为 0 到 {DUTY_MAX} 的整数"))
            continue
        try:
            number = int(str(value).strip())
        except ValueError:
            errors.append(FieldError(name, f"应为 0 到 {DUTY_MAX} 的整数"))
            continue
        if not 0 <= number <= DUTY_MAX:
            errors.append(FieldError(name, f"应为 0 到 {DUTY_MAX} 的整数，收到 {number}"))
            continue
        values[name] = number
    if errors:
        raise ValidationFailed(errors)
    before = audit.snapshot(assignment)
    assignment.visits_per_month = values["visits_per_month"]
    assignment.calls_per_month = values["calls_per_month"]
    if audit.diff(before, audit.snapshot(assignment)):
        assignment.save(update_fields=["visits_per_month", "calls_per_month"])
        audit.record(
            actor=actor, instance=assignment, action=AuditEntry.Action.UPDATE, before=before, source=source
        )
    return assignment
