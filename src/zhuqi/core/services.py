"""Changes to what core owns: the working-day calendar and the API tokens."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from zhuqi.core import audit
from zhuqi.core.errors import FieldError, NotFound, PermissionDenied, ValidationFailed
from zhuqi.core.models import ApiToken, AuditEntry, CalendarDay, CalendarYear
from zhuqi.core.permissions import Permission, has_permission
from zhuqi.core.signals import calendar_year_entered
from zhuqi.core.textlimits import excerpt, length_error, length_errors, limit, too_long_message


@dataclass(frozen=True)
class CalendarEntry:
    date: datetime.date
    is_workday: bool
    name: str = ""


HOLIDAY_WORDS = {"休", "假", "放假", "休息", "节假日", "holiday", "off", "0", "false", "否"}
WORKDAY_WORDS = {"班", "上班", "调休上班", "工作日", "workday", "work", "1", "true", "是"}
LINE_SPLIT = re.compile(r"[,，\t;；]|\s+")
CALENDAR_REFUSED = "只有系统管理员可以录入工作日历"


def parse_calendar_text(text: str, *, year: int) -> tuple[list[CalendarEntry], list[FieldError]]:
    """A year's list, one day per line: "2027-10-01,休,国庆节" or "2027-10-09 班 国庆节调休上班".

    Blank lines and lines starting with # are ignored; a header line (日期,…) is skipped. Errors
    name the line: "第3行: …".
    """
    entries: list[CalendarEntry] = []
    errors: list[FieldError] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip().lstrip("\ufeff")
        if not line or line.startswith("#") or line.startswith("日期") or line.lower().startswith("date"):
            continue
        parts = [part for part in LINE_SPLIT.split(line) if part]
        where = f"第{number}行"
        if len(parts) < 2:
            errors.append(FieldError(where, f"应为“日期,休或班,名称”，实际为“{excerpt(line, 100)}”"))
            continue
        try:
            day = datetime.date.fromisoformat(parts[0].replace("/", "-").replace(".", "-"))
        except ValueError:
            errors.append(FieldError(where, f"日期“{parts[0]}”应为 YYYY-MM-DD"))
            continue
        kind = parts[1].lower()
        if kind in HOLIDAY_WORDS:
            is_workday = False
        elif kind in WORKDAY_WORDS:
            is_workday = True
        else:
            errors.append(FieldError(where, f"“{parts[1]}”应为“休”或“班”"))
            continue
        name = " ".join(parts[2:])
        if len(name) > limit(CalendarDay, "name"):
            errors.append(FieldError(where, "名称" + too_long_message(limit(CalendarDay, "name"), len(name))))
            continue
        entries.append(CalendarEntry(day, is_workday, name))
    if not entries and not errors:
        errors.append(FieldError("days", "没有任何日期"))
    return entries, errors


def _validate_entries(year: int, entries: Iterable[CalendarEntry]) -> list[FieldError]:
    errors: list[FieldError] = []
    seen: set[datetime.date] = set()
    for index, entry in enumerate(entries):
        where = f"days.{index}"
        if entry.date.year != year:
            errors.append(FieldError(where, f"{entry.date} 不在 {year} 年"))
        if entry.date in seen:
            errors.append(FieldError(where, f"{entry.date} 重复"))
        errors += length_errors(CalendarDay, {"name": entry.name}, prefix=f"{where}.")
        seen.add(entry.date)
    return errors


@transaction.atomic
def calendar_year_enter(
    *, actor: object, year: int, entries: list[CalendarEntry], source_document: str = "", source: str = ""
) -> CalendarYear:
    """Enter (or replace) a year's holidays and adjusted working days, all or nothing.

    Entries that say what the weekend rule says already are kept too, so the year reads as the
    notice does. Deadlines that were provisional for this year are recomputed by the receivers
    of calendar_year_entered, in this transaction.
    """
    if not has_permission(actor, Permission.CONFIGURE):
        raise PermissionDenied(CALENDAR_REFUSED)
    if not 2000 <= year <= 2100:
        raise ValidationFailed([FieldError("year", "年份应在 2000 到 2100 之间")])
    errors = _validate_entries(year, entries)
    too_long = length_error("source_document", source_document, limit(CalendarYear, "source"))
    errors += [too_long] if too_long else []
    if errors:
        raise ValidationFailed(errors)
    existing = CalendarYear.objects.select_for_update().filter(year=year).first()
    before = audit.snapshot(existing) if existing else None
    calendar_year, _ = CalendarYear.objects.update_or_create(year=year, defaults={"source": source_document})
    previous = {
        day.date: (day.is_workday, day.name) for day in CalendarDay.objects.filter(year=calendar_year)
    }
    CalendarDay.objects.filter(year=calendar_year).delete()
    CalendarDay.objects.bulk_create(
        CalendarDay(date=e.date, year=calendar_year, is_workday=e.is_workday, name=e.name) for e in entries
    )
    current = {e.date: (e.is_workday, e.name) for e in entries}
    # One entry for the year, its changed days listed, rather than one per day.
    changes: dict[str, list[Any]] = {
        str(day): [
            _describe(previous.get(day)),
            _describe(current.get(day)),
        ]
        for day in sorted(set(previous) | set(current))
        if previous.get(day) != current.get(day)
    }
    if before is not None and before.get("source") != source_document:
        changes["source"] = [before.get("source"), source_document]
    if before is None:
        changes = {"days": [None, len(entries)], **changes}
    audit.record_saved(
        actor=actor,
        instance=calendar_year,
        before=before,
        changes=changes,
        source=source,
    )
    calendar_year_entered.send(sender=CalendarYear, year=year, actor=actor)
    return calendar_year


def _describe(value: tuple[bool, str] | None) -> str | None:
    if value is None:
        return None
    is_workday, name = value
    return f"{'班' if is_workday else '休'} {name}".strip()


# --- API tokens ----------------------------------------------------------------------------


def _is_admin(actor: Any) -> bool:
    return has_permission(actor, Permission.ADMINISTER_ACCOUNTS)


@transaction.atomic
def token_issue(
    *, user: Any, label: str = "", named: bool = True, created_from: str = "", source: str = "api"
) -> tuple[str, ApiToken]:
    """A new token for an authenticated user, and its raw key, shown this once.

    Tokens are not reused (only their hash is kept, so an old one cannot be handed out again);
    instead a client that names itself (`named`: the label is its own choice, not a User-Agent
    two scripts may share) replaces its own earlier token, expired tokens are removed, and past
    ZHUQI_TOKEN_MAX_PER_USER the least recently used token goes."""
    label = label.strip()[: limit(ApiToken, "label")]
    owned = ApiToken.objects.select_for_update().filter(user=user)
    expired_before = timezone.now() - datetime.timedelta(days=settings.ZHUQI_TOKEN_TTL_DAYS)
    replaced = list(owned.filter(created_at__lt=expired_before))
    if label and named:
        replaced += list(owned.filter(label=label, created_at__gte=expired_before))
    keep = settings.ZHUQI_TOKEN_MAX_PER_USER - 1
    live = owned.exclude(pk__in=[token.pk for token in replaced]).order_by(
        F("last_used_at").desc(nulls_last=True), "-created_at"
    )
    replaced += list(live[keep:]) if keep >= 0 else list(live)
    for old in replaced:
        audit.record(actor=user, instance=old, action=AuditEntry.Action.DELETE, source=source)
        old.delete()
    raw = ApiToken.new_raw_key()
    token = ApiToken.objects.create(
        user=user, key_hash=ApiToken.hash(raw), label=label, created_from=created_from[:45]
    )
    # Who obtained API access, and when, belongs in the trail (the hash itself does not).
    audit.record(actor=user, instance=token, action=AuditEntry.Action.CREATE, source=source)
    return raw, token


@transaction.atomic
def token_revoke(*, actor: Any, token_id: int, source: str = "") -> None:
    """Revoke one token: the owner's own, or any user's by an admin. Another's token is "not
    found" to anyone else, as for every record outside one's scope."""
    # An id no database column can hold is simply not found.
    token = ApiToken.objects.select_for_update().filter(pk=token_id).first() if 0 < token_id < 2**63 else None
    if token is None or not (token.user_id == getattr(actor, "pk", None) or _is_admin(actor)):
        raise NotFound("该令牌不存在或已被吊销")
    audit.record(actor=actor, instance=token, action=AuditEntry.Action.DELETE, source=source)
    token.delete()


@transaction.atomic
def tokens_revoke_all(*, actor: Any, user: Any, source: str = "") -> int:
    """Revoke every token of a user (their password changed, or an admin cut them off)."""
    if actor is not None and getattr(actor, "pk", None) != user.pk and not _is_admin(actor):
        raise PermissionDenied("只有系统管理员可以吊销他人的API令牌")
    tokens = list(ApiToken.objects.select_for_update().filter(user=user))
    for token in tokens:
        audit.record(actor=actor, instance=token, action=AuditEntry.Action.DELETE, source=source)
    ApiToken.objects.filter(pk__in=[token.pk for token in tokens]).delete()
    return len(tokens)
