"""Writes to the directory: reference data, departments, officials and their posts, accounts.

Each function runs in one transaction and appends to the audit trail."""

from __future__ import annotations

import csv
import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction

from zhuqi.core import audit
from zhuqi.core.errors import FieldError, PermissionDenied, ValidationFailed
from zhuqi.core.models import AuditEntry
from zhuqi.core.permissions import Permission, has_permission
from zhuqi.core.roles import Role
from zhuqi.core.scoping import code_within, is_active_user, jurisdiction_code
from zhuqi.core.services import tokens_revoke_all
from zhuqi.core.textlimits import check_lengths, length_errors
from zhuqi.directory.models import Department, Industry, Official, Post, Region, User

DATA_PACKAGE = "zhuqi.directory.data"


@dataclass(frozen=True)
class LoadReport:
    created: int
    updated: int
    unchanged: int


def _read_packaged_csv(name: str) -> list[dict[str, str]]:
    with resources.files(DATA_PACKAGE).joinpath(name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _load_tree(
    *,
    actor: Any,
    model: type[Region] | type[Industry],
    rows: list[dict[str, Any]],
    source: str,
) -> LoadReport:
    """Upsert a code-keyed tree. Parents come before children in the file, and rows are written
    in that order, so every parent link points at a row that already exists."""
    existing = {obj.pk: obj for obj in model.objects.all()}
    to_create: list[Any] = []
    to_update: list[Any] = []
    changed: list[tuple[models.Model, dict[str, list[Any]]]] = []
    created: list[tuple[models.Model, dict[str, list[Any]]]] = []
    fields = [name for name in rows[0] if name != "code"] if rows else []
    for row in rows:
        current = existing.get(row["code"])
        if current is None:
            instance = model(**row)
            to_create.append(instance)
            created.append((instance, audit.diff({}, audit.snapshot(instance))))
            continue
        before = audit.snapshot(current)
        for name in fields:
            setattr(current, name, row[name])
        changes = audit.diff(before, audit.snapshot(current))
        if changes:
            to_update.append(current)
            changed.append((current, changes))
    model.objects.bulk_create(to_create, batch_size=1000)
    if to_update:
        model.objects.bulk_update(to_update, fields, batch_size=1000)
    audit.record_each(actor=actor, action=AuditEntry.Action.CREATE, changes=created, source=source)
    audit.record_each(actor=actor, action=AuditEntry.Action.UPDATE, changes=changed, source=source)
    return LoadReport(
        created=len(to_create), updated=len(to_update), unchanged=len(rows) - len(to_create) - len(to_update)
    )


@transaction.atomic
def load_regions(*, actor: Any = None) -> LoadReport:
    """The GB/T 2260 list shipped in the package (see data/README.md for its edition)."""
    rows = [
        {"code": r["code"], "name": r["name"], "level": r["level"], "parent_id": r["parent_code"] or None}
        for r in _read_packaged_csv("regions.csv")
    ]
    return _load_tree(actor=actor, model=Region, rows=rows, source="reference")


@transaction.atomic
def load_industries(*, actor: Any = None) -> LoadReport:
    """GB/T 4754-2017, all four levels, shipped in the package."""
    rows = []
    sections: dict[str, str] = {}
    for r in _read_packaged_csv("industries.csv"):
        code, parent = r["code"], r["parent_code"] or None
        # The file lists parents first, so a row's section is known from its parent's.
        section = code if r["level"] == Industry.Level.SECTION else sections[parent or ""]
        sections[code] = section
        rows.append(
            {"code": code, "name": r["name"], "level": r["level"], "parent_id": parent, "section": section}
        )
    return _load_tree(actor=actor, model=Industry, rows=rows, source="reference")


def _check_may_manage(actor: Any, region: Region) -> None:
    """The directory of a region is kept by the admin, or by a coordinator for their own
    jurisdiction (营商办 keeps its officials and departments). `actor=None` is the system."""
    if actor is None:
        return
    if not has_permission(actor, Permission.KEEP_DIRECTORY):
        raise PermissionDenied()
    if not code_within(jurisdiction_code(actor), region.code):
        raise ValidationFailed([FieldError("region", f"{region.name}（{region.code}）不在您的管辖范围内")])


def _required(values: Mapping[str, Any], *names: str) -> None:
    errors = [FieldError(name, "必填") for name in names if not str(values.get(name) or "").strip()]
    if errors:
        raise ValidationFailed(errors)


@transaction.atomic
def department_create(
    *, actor: Any, region: Region, name: str, short_name: str = "", kind: str = ""
) -> Department:
    _check_may_manage(actor, region)
    _required({"name": name}, "name")
    check_lengths(Department, {"name": name, "short_name": short_name})
    if Department.objects.filter(region=region, name=name).exists():
        raise ValidationFailed([FieldError("name", f"{region.name}已有名为“{name}”的部门")])
    department = Department.objects.create(
        region=region, name=name, short_name=short_name, kind=kind or Department.Kind.GOVERNMENT
    )
    audit.record(actor=actor, instance=department, action=AuditEntry.Action.CREATE)
    return department


@transaction.atomic
def official_create(*, actor: Any, region: Region, name: str, phone: str = "") -> Official:
    _check_may_manage(actor, region)
    _required({"name": name}, "name")
    check_lengths(Official, {"name": name, "phone": phone})
    official = Official.objects.create(
        region=region, name=name, phone=phone, search_text=Official.search_text_for(name)
    )
    audit.record(actor=actor, instance=official, action=AuditEntry.Action.CREATE)
    return official


@transaction.atomic
def post_create(
    *,
    actor: Any,
    official: Official,
    department: Department,
    title: str,
    start_date: datetime.date | None = None,
    end_date: datetime.date | None = None,
    order: int = 0,
) -> Post:
    _check_may_manage(actor, official.region)
    _required({"title": title}, "title")
    check_lengths(Post, {"title": title})
    if start_date and end_date and end_date < start_date:
        raise ValidationFailed([FieldError("end_date", "免职日期不能早于任职日期")])
    post = Post.objects.create(
        official=official,
        department=department,
        title=title,
        start_date=start_date,
        end_date=end_date,
        order=order,
    )
    audit.record(actor=actor, instance=post, action=AuditEntry.Action.CREATE)
    return post


# What each role's scope hangs on: without it the account would see nothing (or, worse, a
# region-scoped role without a region would be mistaken for an unscoped one).
SCOPE_LABELS = {
    "region": "管辖区域",
    "department": "所属部门",
    "official": "对应干部",
    "enterprise": "所属企业",
}
SCOPE_FIELD_BY_ROLE = {
    Role.LEADER: "region",
    Role.COORDINATOR: "region",
    Role.HANDLER: "department",
    Role.LIAISON: "official",
    Role.ENTERPRISE: "enterprise",
}


@transaction.atomic
def user_create(
    *,
    actor: Any,
    username: str,
    password: str,
    role: str,
    display_name: str = "",
    region: Region | None = None,
    department: Department | None = None,
    official: Official | None = None,
    enterprise: Any = None,
    source: str = "",
) -> User:
    if actor is not None and not has_permission(actor, Permission.ADMINISTER_ACCOUNTS):
        raise PermissionDenied()
    errors: list[FieldError] = []
    if not username.strip():
        errors.append(FieldError("username", "必填"))
    elif User.objects.filter(username=username).exists():
        errors.append(FieldError("username", f"用户名“{username}”已被使用"))
    if role not in Role.values:
        errors.append(FieldError("role", f"未知角色“{role}”，可选：{'、'.join(Role.values)}"))
    if not password:
        errors.append(FieldError("password", "必填"))
    else:
        # The validators compare the password with the account's own names: give them those.
        errors += password_errors(password, User(username=username, display_name=display_name))
    errors += length_errors(User, {"username": username, "display_name": display_name})
    scope = {"region": region, "department": department, "official": official, "enterprise": enterprise}
    needed = SCOPE_FIELD_BY_ROLE.get(Role(role)) if role in Role.values else None
    if needed and scope[needed] is None:
        errors.append(FieldError(needed, f"角色“{Role(role).label}”必须指定{SCOPE_LABELS[needed]}"))
    if errors:
        raise ValidationFailed(errors)
    user = User(
        username=username,
        role=role,
        display_name=display_name,
        region=region,
        department=department,
        official=official,
        enterprise=enterprise,
        is_staff=role == Role.ADMIN,
        is_superuser=role == Role.ADMIN,
    )
    user.set_password(password)
    user.save()
    audit.record(actor=actor, instance=user, action=AuditEntry.Action.CREATE, source=source)
    return user


def password_errors(password: str, user: User, field: str = "password") -> list[FieldError]:
    """What AUTH_PASSWORD_VALIDATORS say against a password, in the reader's language (Django's
    own zh-hans messages: “密码长度太短。密码必须包含至少 8 个字符。”)."""
    try:
        validate_password(password, user)
    except DjangoValidationError as error:
        return [FieldError(field, message) for message in error.messages]
    return []


@transaction.atomic
def password_change(
    *, actor: Any, user: User, new_password: str, current_password: str | None = None, source: str = ""
) -> User:
    """Set a user's own new password (the current one is asked for unless the user is setting one
    after an admin's forced reset). Every API token of the account is revoked; the other browser
    sessions end by themselves, their stored password hash no longer matching."""
    if not (is_active_user(actor) and actor.pk == user.pk):
        raise PermissionDenied("只能修改自己的密码")
    errors: list[FieldError] = []
    if current_password is not None and not user.check_password(current_password):
        errors.append(FieldError("current_password", "当前密码不正确"))
    if not new_password:
        errors.append(FieldError("new_password", "必填"))
    elif current_password is not None and new_password == current_password:
        errors.append(FieldError("new_password", "新密码不能与当前密码相同"))
    else:
        errors += password_errors(new_password, user, field="new_password")
    if errors:
        raise ValidationFailed(errors)
    locked = User.objects.select_for_update().get(pk=user.pk)
    before = audit.snapshot(locked)
    locked.set_password(new_password)
    locked.must_change_password = False
    locked.save(update_fields=["password", "must_change_password"])
    audit.record(actor=actor, instance=locked, action=AuditEntry.Action.UPDATE, before=before, source=source)
    tokens_revoke_all(actor=actor, user=locked, source=source)
    user.password, user.must_change_password = locked.password, False
    return locked


@transaction.atomic
def password_reset_force(*, actor: Any, user: User, source: str = "") -> int:
    """An admin sends a user to choose a new password: at their next page they get the password
    form and nothing else, the API refuses them (403) until then, and their API tokens are
    revoked now. The number of tokens revoked."""
    if actor is not None and not has_permission(actor, Permission.ADMINISTER_ACCOUNTS):
        raise PermissionDenied("只有系统管理员可以要求用户重设密码")
    locked = User.objects.select_for_update().get(pk=user.pk)
    before = audit.snapshot(locked)
    locked.must_change_password = True
    locked.save(update_fields=["must_change_password"])
    audit.record(actor=actor, instance=locked, action=AuditEntry.Action.UPDATE, before=before, source=source)
    return tokens_revoke_all(actor=actor, user=locked, source=source)
