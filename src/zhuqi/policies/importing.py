"""The delivering department's list (兑现台账) as an import: one row a policy delivered to one
enterprise, in the state it has reached (告知, 申报, 兑现 or 未通过) with its dates and amount. A
row for a delivery not yet recorded creates it; a row further along than the recorded one moves it
forward through the same services as the page, so every step is checked, versioned and audited.
Checked whole first, then written all or nothing (zhuqi.imports)."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable
from typing import IO, Any

from django.utils import timezone

from zhuqi.core.errors import FieldError, PermissionDenied, ValidationFailed
from zhuqi.core.tabular import FirstRows, ImportFileError, ImportReport, RowError, read_table
from zhuqi.core.textlimits import length_errors
from zhuqi.core.validators import normalise_document_number
from zhuqi.core.values import parse_amount, parse_choice
from zhuqi.directory.models import User
from zhuqi.enterprises.selectors import enterprise_queryset
from zhuqi.enterprises.validation import parse_day
from zhuqi.imports import jobs
from zhuqi.policies import selectors, services
from zhuqi.policies.models import (
    Channel,
    Delivery,
    DeliveryStatus,
    GrantMode,
    MatchStatus,
    Policy,
    PolicyMatch,
    PolicyStatus,
)

# Header → field; the department's own words for them.
HEADERS = {
    "政策": "policy",
    "政策名称": "policy",
    "政策文号": "policy",
    "文号": "policy",
    "policy": "policy",
    "统一社会信用代码": "uscc",
    "信用代码": "uscc",
    "uscc": "uscc",
    "企业名称": "enterprise_name",
    "企业": "enterprise_name",
    "兑现状态": "status",
    "状态": "status",
    "status": "status",
    "告知渠道": "channel",
    "channel": "channel",
    "告知日期": "notified_on",
    "申报日期": "applied_on",
    "兑现日期": "granted_on",
    "兑现金额(万元)": "granted_amount",
    "兑现金额（万元）": "granted_amount",
    "兑现金额": "granted_amount",
    "未通过日期": "refused_on",
    "未通过原因": "refusal_reason",
    "不在匹配名单内的原因": "off_match_reason",
    "名单外原因": "off_match_reason",
    "备注": "note",
}
LABELS = {
    "policy": "政策",
    "uscc": "统一社会信用代码",
    "enterprise_name": "企业名称",
    "status": "兑现状态",
    "channel": "告知渠道",
    "notified_on": "告知日期",
    "applied_on": "申报日期",
    "granted_on": "兑现日期",
    "granted_amount": "兑现金额(万元)",
    "refused_on": "未通过日期",
    "refusal_reason": "未通过原因",
    "off_match_reason": "不在匹配名单内的原因",
    "note": "备注",
}
DATE_FIELDS = ("notified_on", "applied_on", "granted_on", "refused_on")
# How far each state is along the way; a row may only move a delivery forward.
ORDER = {
    DeliveryStatus.NOTIFIED: 0,
    DeliveryStatus.APPLIED: 1,
    DeliveryStatus.GRANTED: 2,
    DeliveryStatus.REFUSED: 2,
}
BATCH = 500


def import_deliveries(
    *,
    actor: User,
    stream: IO[bytes],
    filename: str,
    skip_invalid: bool = False,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Check every row, then write all (or, with skip_invalid, the good ones), as an import job."""
    return jobs.import_now(
        kind="deliveries",
        actor=actor,
        stream=stream,
        filename=filename,
        skip_invalid=skip_invalid,
        dry_run=dry_run,
        progress=progress,
    )


@dataclasses.dataclass
class Row:
    policy_id: int
    enterprise_id: int
    status: str
    channel: str = Channel.OTHER
    notified_on: datetime.date | None = None
    applied_on: datetime.date | None = None
    granted_on: datetime.date | None = None
    granted_amount: str | None = None
    refused_on: datetime.date | None = None
    refusal_reason: str = ""
    off_match_reason: str = ""
    note: str = ""


class _Lookups:
    """Policies and enterprises by what the list names them with, read once per value."""

    def __init__(self, actor: User) -> None:
        self.actor = actor
        self.policies: dict[str, Policy | None] = {}
        self.enterprises: dict[tuple[str, str], int | None] = {}

    def policy(self, text: str) -> Policy | None:
        if text not in self.policies:
            visible = selectors.policy_queryset(user=self.actor)
            try:
                number = normalise_document_number(text)
            except ValueError:
                number = ""
            found = visible.filter(document_number=number).first() if number else None
            self.policies[text] = found or visible.filter(title=text).first()
        return self.policies[text]

    def enterprise(self, uscc: str, name: str) -> int | None:
        key = (uscc, name)
        if key not in self.enterprises:
            visible = enterprise_queryset(user=self.actor)
            found = visible.filter(uscc=uscc) if uscc else visible.filter(name=name)
            self.enterprises[key] = found.values_list("pk", flat=True).first()
        return self.enterprises[key]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _read_row(
    cells: list[Any], mapping: dict[int, str], lookups: _Lookups
) -> tuple[Row | None, Policy | None, list[FieldError]]:
    values = {field: cells[index] if index < len(cells) else None for index, field in mapping.items()}
    errors: list[FieldError] = []
    policy_text = _text(values.get("policy"))
    policy = lookups.policy(policy_text) if policy_text else None
    if not policy_text:
        errors.append(FieldError("policy", "必填：政策文号或政策名称"))
    elif policy is None:
        errors.append(FieldError("policy", f"找不到政策“{policy_text}”（按文号或名称），或不在您的范围内"))
    elif not services.may_deliver(lookups.actor, policy):
        errors.append(FieldError("policy", "只有营商办（专班）、系统管理员和兑现部门可以登记本政策的兑现"))
    uscc, name = _text(values.get("uscc")).upper(), _text(values.get("enterprise_name"))
    enterprise_id = lookups.enterprise(uscc, name) if uscc or name else None
    if not uscc and not name:
        errors.append(FieldError("uscc", "必填：统一社会信用代码或企业名称"))
    elif enterprise_id is None:
        errors.append(
            FieldError("uscc" if uscc else "enterprise_name", f"找不到企业“{uscc or name}”，或不在您的范围内")
        )
    days: dict[str, datetime.date | None] = {}
    for field in DATE_FIELDS:
        raw = values.get(field)
        days[field] = None
        if _text(raw):
            try:
                days[field] = parse_day(raw)
            except ValueError:
                errors.append(FieldError(field, f"“{_text(raw)}”不是日期，如 2022-05-01"))
    amount_text = _text(values.get("granted_amount"))
    status_text = _text(values.get("status")) or (
        DeliveryStatus.GRANTED if amount_text else DeliveryStatus.NOTIFIED
    )
    status = channel = ""
    try:
        status = parse_choice(status_text, DeliveryStatus, "status")
    except ValidationFailed as failure:
        errors += failure.errors
    try:
        channel = parse_choice(_text(values.get("channel")), Channel, "channel", default=Channel.OTHER)
    except ValidationFailed as failure:
        errors += failure.errors
    if amount_text:
        try:
            amount = parse_amount(amount_text, "granted_amount")
            if (
                policy is not None
                and amount is not None
                and policy.amount_cap is not None
                and amount > policy.amount_cap
            ):
                errors.append(
                    FieldError(
                        "granted_amount", f"{amount:,} 万元超过本政策单户上限 {policy.amount_cap:,} 万元"
                    )
                )
        except ValidationFailed as failure:
            errors += failure.errors
    texts = {name: _text(values.get(name)) for name in ("refusal_reason", "off_match_reason", "note")}
    errors += length_errors(Delivery, texts)
    if status == DeliveryStatus.REFUSED and not texts["refusal_reason"]:
        errors.append(FieldError("refusal_reason", "未通过的请说明原因"))
    if errors or policy is None or enterprise_id is None:
        return None, policy, errors
    # Told before anything else happened: when the list gives no notice date, the first it gives.
    given = [
        day
        for day in (days["notified_on"], days["applied_on"], days["granted_on"], days["refused_on"])
        if day
    ]
    days["notified_on"] = days["notified_on"] or (min(given) if given else None)
    return (
        Row(
            policy_id=policy.pk,
            enterprise_id=enterprise_id,
            status=status,
            channel=channel,
            granted_amount=amount_text or None,
            notified_on=days["notified_on"],
            applied_on=days["applied_on"],
            granted_on=days["granted_on"],
            refused_on=days["refused_on"],
            refusal_reason=texts["refusal_reason"],
            off_match_reason=texts["off_match_reason"],
            note=texts["note"],
        ),
        policy,
        [],
    )


def _check_against_record(row: Row, policy: Policy) -> tuple[list[FieldError], Delivery | None]:
    """What the services would refuse, said at the check: a step backwards, an application for a
    免申即享 policy, a name off the match list with no reason, a day before the one it follows."""
    errors: list[FieldError] = []
    if policy.status != PolicyStatus.PUBLISHED:
        errors.append(FieldError("policy", "政策尚未发布或已废止，不能登记兑现"))
    existing = Delivery.objects.filter(policy_id=row.policy_id, enterprise_id=row.enterprise_id).first()
    if existing is not None and ORDER[DeliveryStatus(row.status)] < ORDER[DeliveryStatus(existing.status)]:
        errors.append(
            FieldError(
                "status",
                f"已登记为“{existing.get_status_display()}”，不能退回“{DeliveryStatus(row.status).label}”",
            )
        )
    if (
        existing is not None
        and existing.status in (DeliveryStatus.GRANTED, DeliveryStatus.REFUSED)
        and row.status != existing.status
    ):
        errors.append(
            FieldError(
                "status",
                f"已登记为“{existing.get_status_display()}”，不能改为“{DeliveryStatus(row.status).label}”",
            )
        )
    if row.applied_on and policy.grant_mode == GrantMode.AUTOMATIC:
        errors.append(FieldError("applied_on", "免申即享政策无需申报，请留空申报日期"))
    if existing is None and not row.off_match_reason:
        status = (
            PolicyMatch.objects.filter(policy_id=row.policy_id, enterprise_id=row.enterprise_id)
            .values_list("status", flat=True)
            .first()
        )
        if status != MatchStatus.ELIGIBLE:
            errors.append(
                FieldError(
                    "off_match_reason", "该企业不在本政策的符合条件名单内：请在“不在匹配名单内的原因”中说明"
                )
            )
    today = timezone.localdate()
    earlier = policy.published_on
    for field in DATE_FIELDS:
        day = getattr(row, field)
        if day is None:
            continue
        if day > today:
            errors.append(FieldError(field, "不能晚于今天"))
        elif day < earlier:
            errors.append(FieldError(field, f"不能早于 {earlier:%Y-%m-%d}（政策发布或上一步的日期）"))
        else:
            earlier = day
    return errors, existing


class DeliveryImporter:
    """The delivery list's check and write, for an import job."""

    batch_size = BATCH

    def check(
        self,
        *,
        actor: User,
        stream: IO[bytes],
        filename: str,
        stage: Callable[[list[tuple[int, dict[str, Any]]], tuple[int, int, int]], None],
        progress: Callable[[ImportReport], None],
    ) -> ImportReport:
        if not (services.may_keep(actor) or actor.department_id):
            raise PermissionDenied("只有营商办（专班）、系统管理员和兑现部门可以导入政策兑现台账")
        headers, rows = read_table(stream, filename)
        mapping = {
            index: HEADERS[header.strip()]
            for index, header in enumerate(headers)
            if header.strip() in HEADERS
        }
        found = set(mapping.values())
        if "policy" not in found or not ({"uscc", "enterprise_name"} & found):
            raise ImportFileError("缺少必需的列：政策（文号或名称），以及统一社会信用代码或企业名称")
        header_of = {field: headers[index] for index, field in mapping.items()}
        lookups = _Lookups(actor)
        report = ImportReport(headers=headers)
        seen = FirstRows()
        pending: list[tuple[int, dict[str, Any]]] = []
        plan = [0, 0, 0]

        def flush() -> None:
            if pending:
                stage(list(pending), (plan[0], plan[1], plan[2]))
            pending.clear()
            plan[:] = [0, 0, 0]

        try:
            for number, cells in rows:
                report.rows += 1
                row, policy, problems = _read_row(cells, mapping, lookups)
                existing: Delivery | None = None
                if row is not None and policy is not None:
                    problems, existing = _check_against_record(row, policy)
                    first = seen.check([(f"{row.policy_id}:{row.enterprise_id}", number)]).get(number)
                    if first is not None:
                        problems.append(FieldError("uscc", f"与第{first}行是同一政策、同一企业"))
                if problems or row is None:
                    report.errors.extend(
                        RowError(number, header_of.get(p.field, LABELS.get(p.field, p.field)), p.message)
                        for p in problems
                    )
                    report.bad_rows[number] = cells
                    continue
                pending.append((number, _encode(row)))
                existing = Delivery.objects.filter(
                    policy_id=row.policy_id, enterprise_id=row.enterprise_id
                ).first()
                if existing is None:
                    plan[0] += 1
                elif existing.status != row.status:
                    plan[1] += 1
                else:
                    plan[2] += 1
                if len(pending) >= BATCH:
                    flush()
                if report.rows % BATCH == 0:
                    progress(report)
        finally:
            seen.close()
        flush()
        progress(report)
        return report

    def prepare(self, *, actor: User, rows: list[tuple[int, dict[str, Any]]]) -> None:
        # Each row goes through the services under the lock; nothing to make ahead.
        return None

    def apply(
        self, *, actor: User, rows: list[tuple[int, dict[str, Any]]], prepared: None
    ) -> tuple[int, int, int]:
        created = updated = unchanged = 0
        for _number, values in rows:
            row = _decode(values)
            delivery = Delivery.objects.filter(
                policy_id=row.policy_id, enterprise_id=row.enterprise_id
            ).first()
            if delivery is None:
                (delivery,) = services.deliveries_notify(
                    actor=actor,
                    policy_id=row.policy_id,
                    enterprise_ids=[row.enterprise_id],
                    channel=row.channel,
                    notified_on=row.notified_on,
                    off_match_reason=row.off_match_reason,
                    source="import",
                )
                created += 1
            elif delivery.status == row.status:
                unchanged += 1
                continue
            else:
                updated += 1
            _advance(actor, delivery, row)
        return created, updated, unchanged


def _advance(actor: User, delivery: Delivery, row: Row) -> None:
    """From the delivery's state to the row's, one step at a time through the services."""
    common: dict[str, Any] = {"actor": actor, "delivery_id": delivery.pk, "source": "import"}
    status, version = delivery.status, delivery.version
    policy = delivery.policy
    if row.status == status:
        return
    if row.status == DeliveryStatus.APPLIED or (
        row.status == DeliveryStatus.GRANTED
        and status == DeliveryStatus.NOTIFIED
        and policy.grant_mode != GrantMode.AUTOMATIC
    ):
        delivery = services.delivery_apply(
            **common, expected_version=version, applied_on=row.applied_on or row.granted_on
        )
        version = delivery.version
    if row.status == DeliveryStatus.GRANTED:
        services.delivery_grant(
            **common,
            expected_version=version,
            amount=row.granted_amount,
            granted_on=row.granted_on,
            note=row.note,
        )
    elif row.status == DeliveryStatus.REFUSED:
        services.delivery_refuse(
            **common, expected_version=version, refusal_reason=row.refusal_reason, refused_on=row.refused_on
        )


def _encode(row: Row) -> dict[str, Any]:
    values = dataclasses.asdict(row)
    for field in DATE_FIELDS:
        values[field] = values[field].isoformat() if values[field] else None
    return values


def _decode(values: dict[str, Any]) -> Row:
    days = {
        field: datetime.date.fromisoformat(values[field]) if values[field] else None for field in DATE_FIELDS
    }
    return Row(**{**values, **days})
