"""Importing enterprise lists as governments keep them: .xlsx or .csv with Chinese headers.

Every row is validated before anything is written. Any bad row and nothing is written, unless
the caller asks to skip bad rows, in which case the good rows are written and the bad ones are
reported (and written to an error file by the caller). Re-importing updates by USCC. The writing
goes through an import job (zhuqi.imports): checked rows staged, then applied in short batches.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.utils import timezone

from zhuqi.core import audit, search
from zhuqi.core.bulk import insert_rows
from zhuqi.core.errors import PermissionDenied
from zhuqi.core.models import AuditEntry
from zhuqi.core.scoping import code_within, jurisdiction_code
from zhuqi.core.tabular import (
    FirstRows,
    ImportFileError,
    ImportReport,
    RowError,
    normalise_header,
    read_table,
    write_error_file,
)
from zhuqi.directory.models import Industry, Region, User
from zhuqi.directory.reference import ReferenceResolver
from zhuqi.enterprises import selectors
from zhuqi.enterprises.models import Enterprise
from zhuqi.enterprises.services import apply_size_class, build_search_text, search_text_of, size_class_of
from zhuqi.enterprises.validation import LABELS, clean_enterprise_data
from zhuqi.imports import jobs

# Header (normalised: half-width, no spaces) → field. Lists from different offices name the
# same column differently; these are the variants seen in practice.
HEADERS: dict[str, str] = {
    "统一社会信用代码": "uscc",
    "社会信用代码": "uscc",
    "信用代码": "uscc",
    "uscc": "uscc",
    "企业名称": "name",
    "单位名称": "name",
    "名称": "name",
    "name": "name",
    "简称": "short_name",
    "企业简称": "short_name",
    "short_name": "short_name",
    "所属行业": "industry",
    "行业": "industry",
    "行业代码": "industry",
    "国民经济行业": "industry",
    "industry": "industry",
    "从业人员": "employees",
    "从业人员数": "employees",
    "从业人数": "employees",
    "职工人数": "employees",
    "employees": "employees",
    "营业收入(万元)": "revenue",
    "营业收入": "revenue",
    "主营业务收入(万元)": "revenue",
    "revenue": "revenue",
    "资产总额(万元)": "total_assets",
    "资产总额": "total_assets",
    "资产总计(万元)": "total_assets",
    "total_assets": "total_assets",
    "所在地区": "region",
    "所属地区": "region",
    "行政区划": "region",
    "行政区划代码": "region",
    "region": "region",
    "地址": "address",
    "注册地址": "address",
    "经营地址": "address",
    "address": "address",
    "联系人": "contact_name",
    "联系电话": "contact_phone",
    "联系方式": "contact_phone",
    "规上企业": "above_scale",
    "是否规上": "above_scale",
    "是否规上企业": "above_scale",
    "above_scale": "above_scale",
    "成立日期": "founded_on",
    "成立时间": "founded_on",
    "注册日期": "founded_on",
    "注册时间": "founded_on",
    "founded_on": "founded_on",
}
COLUMN_LABELS = {**LABELS, "contact_name": "联系人", "contact_phone": "联系电话"}
REQUIRED_COLUMNS = ("uscc", "name", "region")
# Rows a check batch reads, and the most a write batch takes (the job sizes its write batches by
# the time they hold the database: imports.jobs.BatchSize). A batch of 1,000 enterprises with
# their audit entries is some 5 MB, and the next one is prepared while it is written: at 2,000 an
# import's peak memory was 10–13 MiB higher (past 200 MiB then), for ~10 % less wall time on
# SQLite (preparing 2,000 rows fills the others' turn after each batch: bench/README.md).
BATCH = 1000


def map_columns(headers: list[str]) -> dict[int, str]:
    mapping: dict[int, str] = {}
    seen: dict[str, str] = {}
    for index, header in enumerate(headers):
        field_name = HEADERS.get(normalise_header(header)) or HEADERS.get(normalise_header(header).lower())
        if field_name is None:
            continue
        if field_name in seen:
            raise ImportFileError(f"列“{header}”与列“{seen[field_name]}”重复")
        seen[field_name] = header
        mapping[index] = field_name
    missing = [COLUMN_LABELS[f] for f in REQUIRED_COLUMNS if f not in seen]
    if missing:
        raise ImportFileError(
            "缺少必需的列：" + "、".join(missing) + f"（第1行表头为：{'、'.join(h for h in headers if h)}）"
        )
    return mapping


def _row_data(cells: list[Any], mapping: dict[int, str]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    data: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    contact: dict[str, Any] = {}
    for index, field_name in mapping.items():
        value = cells[index] if index < len(cells) else None
        if field_name == "uscc" and isinstance(value, int | float):
            value = str(int(value))
        if field_name == "region" and isinstance(value, int | float):
            value = str(int(value))
        if field_name == "industry" and isinstance(value, int | float):
            # As Excel shows it: guessing a lost leading zero would turn group 131 into class
            # 0131, a different industry. A code typed as a number that lost its zero fails
            # validation instead, and the message says which code was read.
            value = str(int(value))
        if field_name in ("contact_name", "contact_phone"):
            contact[field_name] = value
            continue
        # A blank cell leaves the stored value as it is: a list without phone numbers must not
        # wipe the numbers an earlier list brought. (A blank required cell is kept, to be reported.)
        if (value is None or value == "") and field_name not in REQUIRED_COLUMNS:
            continue
        data[field_name] = value
    name = str(contact.get("contact_name") or "").strip()
    phone = contact.get("contact_phone")
    if name or phone not in (None, ""):
        # Validated with every other contact (validation._clean_contacts), so one bad number
        # gets one message.
        data["contacts"] = [{"name": name, "phone": phone, "title": ""}]
    return data, problems


def import_enterprises(
    *,
    actor: User,
    stream: IO[bytes],
    filename: str,
    skip_invalid: bool = False,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Check every row, then write all (or, with skip_invalid, the good ones) in short batches
    through an import job (zhuqi.imports.jobs): all or nothing, without holding the database."""
    return jobs.import_now(
        kind="enterprises",
        actor=actor,
        stream=stream,
        filename=filename,
        skip_invalid=skip_invalid,
        dry_run=dry_run,
        progress=progress,
    )


class EnterpriseImporter:
    """The enterprise list's check and write, for an import job."""

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
        if not selectors.can_edit_enterprise(actor):
            raise PermissionDenied("您的角色无权导入企业名录")
        headers, rows = read_table(stream, filename)
        mapping = map_columns(headers)
        header_of = {field_name: headers[index] for index, field_name in mapping.items()}
        jurisdiction = jurisdiction_code(actor)
        resolver = ReferenceResolver()
        report = ImportReport(headers=headers)
        # The file is read in batches: each batch's rows checked on their own, then together
        # (codes repeated in the file, codes other jurisdictions registered), then staged. What
        # is held is one batch, the bad rows (for the error file) and, on disk, the codes seen.
        seen = FirstRows()
        batch: list[_CheckedRow] = []

        def finish() -> None:
            duplicates = seen.check([(row.uscc, row.number) for row in batch if row.uscc])
            pending = []
            for row in batch:
                if row.number in duplicates:
                    row.errors.append(
                        RowError(
                            row.number,
                            header_of["uscc"],
                            f"与第{duplicates[row.number]}行的统一社会信用代码重复",
                        )
                    )
                if row.errors:
                    report.errors.extend(row.errors)
                    report.bad_rows[row.number] = row.cells
                else:
                    pending.append((row.number, row.values, row.cells))
            batch.clear()
            good = _check_existing_in_scope(actor, pending, report, header_of["uscc"])
            if good:
                existing = {
                    e.uscc: e
                    for e in Enterprise.objects.filter(uscc__in=[values["uscc"] for _, values in good])
                }
                stage([(number, _encode(values)) for number, values in good], _count(good, existing))

        try:
            for number, cells in rows:
                report.rows += 1
                batch.append(_check_row(number, cells, mapping, header_of, resolver, jurisdiction))
                if len(batch) >= BATCH:
                    finish()
                if report.rows % PROGRESS_EVERY == 0:
                    progress(report)
            finish()
            progress(report)
        finally:
            seen.close()
        return report

    def prepare(self, *, actor: User, rows: list[tuple[int, dict[str, Any]]]) -> list[_NewRow]:
        return [_new_row(values) for _, values in rows]

    def apply(
        self, *, actor: User, rows: list[tuple[int, dict[str, Any]]], prepared: list[_NewRow]
    ) -> tuple[int, int, int]:
        return _write_batch(actor=actor, batch=rows, prepared=prepared)


# How often the check reports how far it has read (a small write to the job each time).
PROGRESS_EVERY = 1000


@dataclass
class _CheckedRow:
    number: int
    cells: list[Any]
    values: dict[str, Any]
    errors: list[RowError]
    uscc: str


def _check_row(
    number: int,
    cells: list[Any],
    mapping: dict[int, str],
    header_of: dict[str, str],
    resolver: ReferenceResolver,
    jurisdiction: str | None,
) -> _CheckedRow:
    """One row's own checks (everything but the checks across rows): its values cleaned, and
    its errors named by row and column."""
    data, problems = _row_data(cells, mapping)
    cleaned = clean_enterprise_data(data, resolver=resolver, jurisdiction=jurisdiction)
    errors = [RowError(number, header_of.get(f, COLUMN_LABELS.get(f, f)), m) for f, m in problems]
    for error in cleaned.errors:
        base = error.field.split(".")[0]
        if base == "contacts":
            # contacts.0.name is the 联系人 column; the phone (and anything else) 联系电话.
            base = "contact_name" if error.field.endswith(".name") else "contact_phone"
        column = header_of.get(base, COLUMN_LABELS.get(base, base))
        errors.append(RowError(number, column, error.message))
    region = cleaned.values.get("region")
    if region is not None and not code_within(jurisdiction, region.code):
        errors.append(
            RowError(number, header_of["region"], f"{region.name}（{region.code}）不在您的管辖范围内")
        )
    return _CheckedRow(number, cells, cleaned.values, errors, cleaned.values.get("uscc") or "")


def _count(batch: list[tuple[int, dict[str, Any]]], existing: dict[str, Enterprise]) -> tuple[int, int, int]:
    """What a checked batch would do (created, updated, unchanged), counted as the write counts:
    a new code creates; a known one is worked out as the write works it out."""
    known = [(number, values) for number, values in batch if values["uscc"] in existing]
    plan = _plan(known, existing)
    return len(batch) - len(known), len(plan.to_update), plan.unchanged


def _encode(values: dict[str, Any]) -> dict[str, Any]:
    """Cleaned values as JSON for the staging table: regions and industries by code, amounts
    as text (exact, unlike a float), dates as ISO text (as the database and the audit hold them)."""
    encoded: dict[str, Any] = {}
    for name, value in values.items():
        if isinstance(value, Region | Industry):
            value = value.pk
        elif isinstance(value, Decimal | datetime.date):
            value = str(value)
        encoded[name] = value
    return encoded


def _decode(rows: list[tuple[int, dict[str, Any]]]) -> list[tuple[int, dict[str, Any]]]:
    regions = Region.objects.in_bulk({values["region"] for _, values in rows if values.get("region")})
    industries = Industry.objects.in_bulk(
        {values["industry"] for _, values in rows if values.get("industry")}
    )
    decoded = []
    for number, values in rows:
        row = dict(values)
        if row.get("region") is not None:
            row["region"] = regions[row["region"]]
        if row.get("industry") is not None:
            row["industry"] = industries[row["industry"]]
        for name in AMOUNT_FIELDS:
            if row.get(name) is not None:
                row[name] = Decimal(row[name])
        for name in DATE_FIELDS:
            if row.get(name) is not None:
                row[name] = datetime.date.fromisoformat(row[name])
        decoded.append((number, row))
    return decoded


AMOUNT_FIELDS = ("revenue", "total_assets")
DATE_FIELDS = ("founded_on",)


def _check_existing_in_scope(
    actor: User, batch: list[tuple[int, dict[str, Any], list[Any]]], report: ImportReport, column: str
) -> list[tuple[int, dict[str, Any]]]:
    """The rows of `batch` that may be written. A code already registered by another
    jurisdiction is an error, not a silent takeover."""
    codes = [values["uscc"] for _, values, _ in batch]
    existing = set(Enterprise.objects.filter(uscc__in=codes).values_list("uscc", flat=True))
    in_scope = (
        set(
            selectors.enterprise_queryset(user=actor)
            .filter(uscc__in=list(existing))
            .values_list("uscc", flat=True)
        )
        if existing
        else set()
    )
    writable = []
    for number, values, cells in batch:
        if values["uscc"] in existing and values["uscc"] not in in_scope:
            report.errors.append(RowError(number, column, "该企业已由其他地区登记，不在您的管辖范围内"))
            report.bad_rows[number] = cells
        else:
            writable.append((number, values))
    return writable


@dataclass
class _Plan:
    to_create: list[Enterprise] = field(default_factory=list)
    to_update: list[Enterprise] = field(default_factory=list)
    befores: dict[str, dict[str, Any]] = field(default_factory=dict)
    unchanged: int = 0


def _plan(batch: list[tuple[int, dict[str, Any]]], existing: dict[str, Enterprise]) -> _Plan:
    """Which rows of a batch create an enterprise, change one (with its state before) or change
    nothing: the write and the dry run count alike."""
    plan = _Plan()
    for _number, values in batch:
        enterprise = existing.get(values["uscc"])
        if enterprise is None:
            enterprise = Enterprise()
            _apply(enterprise, values)
            plan.to_create.append(enterprise)
            continue
        before = audit.snapshot(enterprise)
        _apply(enterprise, values)
        if audit.diff(before, audit.snapshot(enterprise)):
            enterprise.version += 1
            plan.befores[enterprise.uscc] = before
            plan.to_update.append(enterprise)
        else:
            plan.unchanged += 1
    return plan


@dataclass
class _NewRow:
    """A staged row as a new enterprise: every column's value (by attname) and its audit entry's
    changes, worked out before the batch's transaction (EnterpriseImporter.prepare)."""

    uscc: str
    columns: dict[str, Any]
    changes: dict[str, list[Any]]


# Enterprise's columns as a new row has them (the timestamps are set by the insert).
_NEW_COLUMNS = tuple(
    f.attname
    for f in Enterprise._meta.concrete_fields
    if not f.primary_key and f.name not in ("created_at", "updated_at")
)
# Staged values' names that are not their column's.
_ATTNAMES = {"region": "region_id", "industry": "industry_id"}


def _new_row(values: dict[str, Any]) -> _NewRow:
    """A staged row (encoded: region and industry by code, amounts as text) as the columns of a
    new enterprise, with what Enterprise() and the services would fill: defaults, the size class
    and its basis, the search columns (the pinyin keys and the words, as fill_search_columns
    computes them), and the audit entry's changes (as audit.diff({}, audit.snapshot(…)))."""
    columns = {**_NEW_DEFAULTS, **{name: default() for name, default in _NEW_DEFAULTS_PER_ROW}}
    for name, value in values.items():
        columns[_ATTNAMES.get(name, name)] = value
    columns["size_class"], columns["size_basis"] = size_class_of(
        columns["industry_id"], columns["employees"], columns["revenue"], columns["total_assets"]
    )
    columns["search_text"] = search_text_of(columns["name"], columns["short_name"], columns["uscc"])
    columns["search_words"] = search.words_of_values(Enterprise, columns)
    return _NewRow(columns["uscc"], columns, audit.creation_changes(Enterprise, columns))


# A new enterprise's defaults: the same value for every row (text, numbers, None), and those made
# anew for each (a list of contacts, a dict), in the columns' order.
_NEW_DEFAULTS: dict[str, Any] = {
    f.attname: None if f.has_default() and callable(f.default) else f.get_default()
    for f in Enterprise._meta.concrete_fields
    if f.attname in _NEW_COLUMNS
}
_NEW_DEFAULTS_PER_ROW: list[tuple[str, Callable[[], Any]]] = [
    (f.attname, f.get_default)
    for f in Enterprise._meta.concrete_fields
    if f.attname in _NEW_COLUMNS and f.has_default() and callable(f.default)
]


def _write_batch(
    *, actor: User, batch: list[tuple[int, dict[str, Any]]], prepared: list[_NewRow]
) -> tuple[int, int, int]:
    """Bulk-write one batch of staged rows and their audit entries (the import job holds the
    transaction): a few queries per thousand rows. A row whose code is new is inserted as
    `prepare` made it; one whose code is in the database by now is worked out here, against the
    row as it is. Returns (created, updated, unchanged)."""
    now = timezone.now()
    codes = [values["uscc"] for _, values in batch]
    existing = {e.uscc: e for e in Enterprise.objects.select_for_update().filter(uscc__in=codes)}
    to_insert = [row for row in prepared if row.uscc not in existing]
    new_rows = [tuple(row.columns[name] for name in _NEW_COLUMNS) for row in to_insert]
    insert_rows(Enterprise, _NEW_COLUMNS, new_rows)
    known = [(number, values) for number, values in batch if values["uscc"] in existing]
    plan = _plan(_decode(known), existing)
    to_update, befores = plan.to_update, plan.befores
    if to_update:
        fill_search_columns(to_update)
        fields = [
            f.name for f in Enterprise._meta.concrete_fields if not f.primary_key and f.name != "created_at"
        ]
        for enterprise in to_update:
            enterprise.updated_at = now  # bulk_update does not apply auto_now
        Enterprise.objects.bulk_update(to_update, fields)
        for enterprise in to_update:
            if befores[enterprise.uscc]["name"] != enterprise.name:
                search.refresh_dependents(enterprise)  # its cases are found by its name
    if to_insert:
        keys = dict(
            Enterprise.objects.filter(uscc__in=[row.uscc for row in to_insert]).values_list("uscc", "pk")
        )
        audit.record_each(
            actor=actor,
            action=AuditEntry.Action.CREATE,
            changes=(
                (audit.Ref(Enterprise, keys[row.uscc], row.columns["name"]), row.changes) for row in to_insert
            ),
            source="import",
        )
    audit.record_each(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        changes=((e, audit.diff(befores[e.uscc], audit.snapshot(e))) for e in to_update),
        source="import",
    )
    return len(to_insert), len(to_update), plan.unchanged


def _merge_primary_contact(
    existing: list[dict[str, str]], imported: list[dict[str, str]]
) -> list[dict[str, str]]:
    """A list carries one contact (联系人, 联系电话): it replaces the first stored contact and
    keeps that person's title if it is the same person, and the other contacts stay."""
    if not imported:
        return existing
    primary = dict(imported[0])
    if existing and (
        existing[0].get("name") == primary.get("name") or existing[0].get("phone") == primary.get("phone")
    ):
        primary = {**existing[0], **{k: v for k, v in primary.items() if v}}
    return [primary, *existing[1:]]


def _apply(enterprise: Enterprise, values: dict[str, Any]) -> None:
    for name, value in values.items():
        if name == "contacts" and enterprise.pk:
            value = _merge_primary_contact(enterprise.contacts or [], value)
        setattr(enterprise, name, value)
    apply_size_class(enterprise)


def fill_search_columns(enterprises: list[Enterprise]) -> None:
    """The search columns of a batch about to be written (created or changed: a row that
    changes nothing is not written), computed here and only here for the import, the way the
    services compute them for one enterprise. A search column added to Enterprise is filled in
    this function too. (Not in _apply: the check counts rows with _plan and needs no search
    text, and the audit ignores it.)"""
    for enterprise in enterprises:
        enterprise.search_text = build_search_text(enterprise)
    search.words_for_rows(Enterprise, enterprises)


__all__ = [
    "ImportFileError",
    "ImportReport",
    "RowError",
    "import_enterprises",
    "read_table",
    "write_error_file",
]
