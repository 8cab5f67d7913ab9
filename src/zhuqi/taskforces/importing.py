"""A campaign's period table imported: the department's .xlsx (or .csv) in the layout the export
gives (exporting.py), one row an enterprise's report for one period.

- The enterprise is found by its 统一社会信用代码, else by its exact 企业名称, among the campaign's
  enterprises the importer sees; the period is the one the import names, or the row's 报送期.
- A row whose fields are all empty is an enterprise that has not reported: left as it is (the
  exported table lists every enterprise, so the same file is filled in and imported back).
- Each row is checked as a report is (reportforms.clean_values: the form's kinds, choices,
  bounds, required fields; services.campaign_period: no future period, none outside the
  campaign's dates; services.reporting_channel: only who may report for the enterprise). A row
  for an enterprise not in the campaign, or for the same enterprise and period as an earlier row
  of the file, is a bad row too.
- By default one bad row writes nothing, and each bad cell is named by its row and column; with
  skip_bad the good rows are written and the bad ones reported.
- A row for a period already reported is a correction: it replaces the report (version and
  correction count moved on, the audit entry holds before and after); a row equal to the stored
  report changes nothing. A difficulty becomes the enterprise's demand case as a report's does
  (services.file_difficulty), and the board's tallies are counted again for the periods written.

Not an imports job (zhuqi.imports): a job takes no parameters (this table needs its campaign and
period), and its batches commit one by one. Here the file is read once, streamed and checked in
batches of BATCH rows with nothing written (the good rows kept on disk, the bad ones as their
errors); then, when there is anything to write, every row is written in one transaction, a batch
at a time: the reports with one INSERT a batch (core.bulk), the corrections with one UPDATE a
batch, the audit entries with audit.record_each. A day's table of 20,000 new rows took 4.1 s on
SQLite and 7.5 s on PostgreSQL (1 % of them with a difficulty, 201 cases filed: 6.7 s and 9.7 s),
of which the write transaction 2.2 s and 5.5 s; Python's allocations peaked at 6.7 MiB."""

from __future__ import annotations

import dataclasses
import datetime
import functools
import tempfile
from collections.abc import Iterator
from typing import IO, Any, cast

import orjson
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from zhuqi.cases.models import CaseCategory
from zhuqi.core import audit
from zhuqi.core.bulk import bulk_insert, long_lived_objects_frozen, rows_a_statement
from zhuqi.core.errors import FieldError, ValidationFailed, require
from zhuqi.core.models import AuditEntry
from zhuqi.core.periods import Period
from zhuqi.core.roles import Role
from zhuqi.core.tabular import FirstRows, ImportFileError, RowError, normalise_header, read_table
from zhuqi.directory.models import User
from zhuqi.enterprises.models import Enterprise
from zhuqi.enterprises.validation import parse_day
from zhuqi.taskforces import reportforms, selectors, services
from zhuqi.taskforces.exporting import field_header
from zhuqi.taskforces.models import (
    Campaign,
    CampaignEnterprise,
    CampaignReport,
    CampaignStatus,
    Channel,
)
from zhuqi.taskforces.reportforms import FormField

# Header (normalised: half-width, no spaces) → what the column holds, besides the form's fields.
HEADERS = {
    "统一社会信用代码": "uscc",
    "社会信用代码": "uscc",
    "信用代码": "uscc",
    "uscc": "uscc",
    "企业名称": "name",
    "单位名称": "name",
    "报送期": "period",
    "统计期": "period",
    "period": "period",
}
LABELS = {"uscc": "统一社会信用代码", "name": "企业名称", "period": "报送期"}
# Rows checked at a time, and written at a time: what is held is one batch.
BATCH = 1000
# Past this many (region, department) pairs a period's tallies are counted whole: one grouped
# query over the period either way, and a WHERE of a thousand ORs is deeper than SQLite parses.
RETALLY_KEYS = 100
# The roles that import a table: the office (for its jurisdiction), a department (the
# enterprises it serves in the campaign), a liaison officer (those assigned to them). Each row is
# then held to who may report for that enterprise (services.reporting_channel).
IMPORTING_ROLES = frozenset({Role.HANDLER, Role.LIAISON})


def may_import(actor: User) -> bool:
    return services.may_keep(actor) or actor.role in IMPORTING_ROLES


@dataclasses.dataclass
class TableImport:
    """What an import did: written (new reports), corrected (reports replaced), unchanged (rows
    equal to the stored report), blank (rows with no field filled: not reported), and the bad
    rows' errors. `done` is False when a bad row stopped the whole file (nothing written)."""

    rows: int = 0
    written: int = 0
    corrected: int = 0
    unchanged: int = 0
    blank: int = 0
    cases: int = 0
    errors: list[RowError] = dataclasses.field(default_factory=list)
    done: bool = False

    @property
    def bad_rows(self) -> list[int]:
        return sorted({error.row for error in self.errors})


@dataclasses.dataclass(frozen=True)
class Layout:
    """Which column of the file holds what: `columns` by name (uscc, name, period, and each
    form field's key) → index; `headers` the same names → the header as the file writes it."""

    columns: dict[str, int]
    headers: dict[str, str]

    def cell(self, cells: list[Any], name: str) -> Any:
        index = self.columns.get(name)
        return cells[index] if index is not None and index < len(cells) else None

    def header(self, name: str) -> str:
        return self.headers.get(name) or LABELS.get(name, name)


def read_layout(headers: list[str], fields: list[FormField], *, period_given: bool) -> Layout:
    """The layout of a file from its header row; ImportFileError naming what is missing."""
    wanted = dict(HEADERS)
    for form_field in fields:
        for text in (field_header(form_field), form_field.label, form_field.key):
            wanted.setdefault(normalise_header(text), form_field.key)
    columns: dict[str, int] = {}
    named: dict[str, str] = {}
    for index, header in enumerate(headers):
        name = wanted.get(normalise_header(header)) or wanted.get(normalise_header(header).lower())
        if name is None:
            continue  # 所在地区, 包保部门, 报送时间 …: for reading only
        if name in columns:
            raise ImportFileError(f"列“{header}”与列“{named[name]}”重复")
        columns[name], named[name] = index, header
    shown = "、".join(h for h in headers if h)
    if "uscc" not in columns and "name" not in columns:
        raise ImportFileError(f"缺少必需的列：统一社会信用代码或企业名称（第1行表头为：{shown}）")
    if not any(f.key in columns for f in fields):
        raise ImportFileError(
            "表中没有本行动填报表单的任何一项：" + "、".join(field_header(f) for f in fields)
        )
    missing = [field_header(f) for f in fields if f.required and not f.registry and f.key not in columns]
    if missing:
        raise ImportFileError("缺少必填项的列：" + "、".join(missing))
    if not period_given and "period" not in columns:
        raise ImportFileError("请选择报送期，或在表中加一列“报送期”")
    return Layout(columns, named)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@long_lived_objects_frozen
def import_table(
    *,
    actor: User,
    campaign_id: int,
    stream: IO[bytes],
    filename: str,
    period: str = "",
    skip_bad: bool = False,
    source: str = "import",
) -> TableImport:
    """Import a campaign's period table (see the module's note). Refuses the file as a whole
    with ImportFileError (unreadable, columns missing) or ValidationFailed (the period named);
    bad rows are in the result's errors, with nothing written unless skip_bad."""
    campaign = selectors.campaign_get(user=actor, campaign_id=campaign_id)
    require(may_import(actor), "只有营商办（专班）、包保部门和联络员可以导入报送表")
    require(campaign.status == CampaignStatus.ACTIVE, "专项行动已结束，不再接受报送")
    fields = reportforms.form_of(campaign.report_form)
    given = services.campaign_period(campaign, period) if (period or "").strip() else None
    headers, rows = read_table(stream, filename)
    layout = read_layout(headers, fields, period_given=given is not None)
    result = TableImport()
    with tempfile.TemporaryFile() as staged:
        checker = _Checker(actor, campaign, fields, layout, given, result, staged)
        try:
            checker.check(rows)
        finally:
            checker.close()
            close = getattr(rows, "close", None)
            if close is not None:
                close()  # a file refused halfway: its workbook closed now, not when collected
        if result.errors and not skip_bad:
            return result
        staged.seek(0)
        writer = _Writer(actor, campaign, fields, layout, result, skip_bad, source)
        try:
            with transaction.atomic():
                writer.write(_staged_batches(staged))
                if result.errors and not skip_bad:
                    raise _Refused
        except _Refused:
            result.written = result.corrected = result.unchanged = result.cases = 0
            return result
        except IntegrityError:
            raise ValidationFailed(
                [FieldError("file", "导入时有企业刚刚报送了同一期，未导入任何一行：请重新导入")]
            ) from None
    result.done = True
    return result


class _Refused(Exception):
    """A row found bad while writing (its enterprise left the campaign meanwhile): the
    transaction is rolled back and the file refused whole."""


# ---------------------------------------------------------------------------------------------
# The check: nothing written


@dataclasses.dataclass
class _Read:
    number: int
    uscc: str
    name: str
    period: Any
    raw: dict[str, Any]


class _Checker:
    """Reads the file a batch at a time: each row's own checks, then the batch's enterprises
    in one query and the repeats against the rows before (on disk, core.tabular.FirstRows). The
    good rows go to `staged` (one JSON line each); the bad ones stay only as their errors."""

    def __init__(
        self,
        actor: User,
        campaign: Campaign,
        fields: list[FormField],
        layout: Layout,
        given: Period | None,
        result: TableImport,
        staged: IO[bytes],
    ) -> None:
        self.actor, self.campaign, self.fields, self.layout = actor, campaign, fields, layout
        self.given, self.result, self.staged = given, result, staged
        self.seen = FirstRows()
        self.periods: dict[Any, Period | FieldError] = {}
        self.keys = [f.key for f in fields if f.key in layout.columns]
        self.labels = {f.key: f.label for f in fields}
        self.enterprises = selectors.enrolment_queryset(user=actor, campaign=campaign)

    def close(self) -> None:
        self.seen.close()

    def check(self, rows: Iterator[tuple[int, list[Any]]]) -> None:
        batch: list[_Read] = []
        for number, cells in rows:
            self.result.rows += 1
            raw = {key: self.layout.cell(cells, key) for key in self.keys}
            if all(_blank(value) for value in raw.values()):
                self.result.blank += 1
                continue
            uscc = _text(self.layout.cell(cells, "uscc")).upper()
            name = _text(self.layout.cell(cells, "name"))
            batch.append(_Read(number, uscc, name, self.layout.cell(cells, "period"), raw))
            if len(batch) >= BATCH:
                self._check_batch(batch)
                batch = []
        self._check_batch(batch)

    def _bad(self, number: int, name: str, message: str) -> None:
        self.result.errors.append(RowError(number, self.layout.header(name), message))

    def _enrolments(self, batch: list[_Read]) -> tuple[dict[str, Any], dict[str, list[Any]]]:
        """The batch's enterprises in the campaign (those the importer sees), by credit code
        and by name: the registry's keys first (its indexes), then their enrolments."""
        usccs = {row.uscc for row in batch if row.uscc}
        names = {row.name for row in batch if not row.uscc and row.name}
        ids: set[int] = set()
        if usccs:
            ids.update(Enterprise.objects.filter(uscc__in=usccs).values_list("pk", flat=True))
        if names:
            ids.update(Enterprise.objects.filter(name__in=names).values_list("pk", flat=True))
        registry = tuple(reportforms.REGISTRY_FIELDS)
        found = self.enterprises.filter(enterprise_id__in=ids).values_list(
            "enterprise_id",
            "region_id",
            "department_id",
            "enterprise__uscc",
            "enterprise__name",
            *(f"enterprise__{name}" for name in registry),
        )
        by_uscc: dict[str, Any] = {}
        by_name: dict[str, list[Any]] = {}
        for enterprise_id, region_id, department_id, uscc, name, *known in found:
            enrolment = CampaignEnterprise(
                campaign=self.campaign,
                enterprise_id=enterprise_id,
                region_id=region_id,
                department_id=department_id,
            )
            # What the checks read of the enterprise: its keys and the registry's values.
            enrolment.enterprise = Enterprise(
                pk=enterprise_id, uscc=uscc, name=name, **dict(zip(registry, known, strict=True))
            )
            by_uscc[uscc] = enrolment
            by_name.setdefault(name, []).append(enrolment)
        return by_uscc, by_name

    def _period(self, raw: Any) -> Period | FieldError:
        """The period a row names (its 报送期 cell, else the import's), each value read once."""
        if _blank(raw):
            if self.given is not None:
                return self.given
            return FieldError("period", "必填：报送期")
        key = raw if isinstance(raw, str | int | float | datetime.date) else str(raw)
        if key not in self.periods:
            self.periods[key] = _parse_period(self.campaign, raw)
        return self.periods[key]

    def _check_batch(self, batch: list[_Read]) -> None:
        if not batch:
            return
        by_uscc, by_name = self._enrolments(batch)
        good: list[tuple[_Read, int, Period, dict[str, Any]]] = []
        for row in batch:
            before = len(self.result.errors)
            enrolment = None
            if row.uscc:
                enrolment = by_uscc.get(row.uscc)
                if enrolment is None:
                    self._bad(row.number, "uscc", f"统一社会信用代码为 {row.uscc} 的企业不在本专项行动中")
            elif not row.name:
                self._bad(row.number, "name", "必填：统一社会信用代码或企业名称")
            else:
                named = by_name.get(row.name, [])
                if len(named) > 1:
                    self._bad(
                        row.number, "name", f"有 {len(named)} 家企业名为“{row.name}”，请填写统一社会信用代码"
                    )
                elif not named:
                    self._bad(row.number, "name", f"“{row.name}”不在本专项行动中（企业名称须与名录完全一致）")
                else:
                    enrolment = named[0]
            if enrolment is not None and services.reporting_channel(self.actor, enrolment) is None:
                self._bad(
                    row.number,
                    "uscc" if row.uscc else "name",
                    f"您不能为{enrolment.enterprise.name}报送：只有企业本身、其联络员、包保部门和专班可以",
                )
            period = self._period(row.period)
            if isinstance(period, FieldError):
                self._bad(row.number, "period", period.message)
            values: dict[str, Any] = {}
            if enrolment is not None:
                try:
                    values = reportforms.clean_values(
                        self.fields, row.raw, enrolment.enterprise, prefix="values"
                    )
                except ValidationFailed as failure:
                    for error in failure.errors:
                        # "复工状态：必填" in the 复工状态 column says "必填": the column names it.
                        key = error.field.removeprefix("values.")
                        label = self.labels.get(key)
                        message = error.message.removeprefix(f"{label}：") if label else error.message
                        self._bad(row.number, key, message)
            if len(self.result.errors) == before and enrolment is not None and isinstance(period, Period):
                good.append((row, enrolment.enterprise_id, period, values))
        repeats = self.seen.check(
            [(f"{enterprise_id}:{period.start}", row.number) for row, enterprise_id, period, _ in good]
        )
        for row, enterprise_id, period, values in good:
            first = repeats.get(row.number)
            if first is not None:
                self._bad(row.number, "uscc" if row.uscc else "name", f"与第{first}行是同一企业、同一报送期")
                continue
            self.staged.write(orjson.dumps([row.number, enterprise_id, period.key, values]) + b"\n")


def _parse_period(campaign: Campaign, raw: Any) -> Period | FieldError:
    """The campaign's period a 报送期 cell names: its key (2026-12-07, 2026-W49, 2026-12) or a
    day within it (a date cell, 2026/12/7, 2026年12月7日); a future period, or one outside the
    campaign's dates, is refused as a report for it would be."""
    try:
        if isinstance(raw, datetime.date):
            day = raw.date() if isinstance(raw, datetime.datetime) else raw
            return services.campaign_period(campaign, Period.containing(campaign.period_kind, day).key)
        try:
            return services.campaign_period(campaign, _text(raw))
        except ValidationFailed as failure:
            try:
                day = parse_day(raw)
            except (ValueError, OverflowError):
                raise failure from None
            return services.campaign_period(campaign, Period.containing(campaign.period_kind, day).key)
    except ValidationFailed as failure:
        return FieldError("period", failure.errors[0].message)


def _staged_batches(staged: IO[bytes]) -> Iterator[list[tuple[int, int, str, dict[str, Any]]]]:
    batch: list[tuple[int, int, str, dict[str, Any]]] = []
    for line in staged:
        number, enterprise_id, key, values = orjson.loads(line)
        batch.append((number, enterprise_id, key, values))
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


# ---------------------------------------------------------------------------------------------
# The write: one transaction, a batch at a time


class _Writer:
    def __init__(
        self,
        actor: User,
        campaign: Campaign,
        fields: list[FormField],
        layout: Layout,
        result: TableImport,
        skip_bad: bool,
        source: str,
    ) -> None:
        self.actor, self.campaign, self.fields, self.layout = actor, campaign, fields, layout
        self.result, self.skip_bad, self.source = result, skip_bad, source
        self.now = timezone.now()
        self.periods: dict[str, Period] = {}
        # period start → the (region, department) tallies its rows touched
        self.touched: dict[datetime.date, set[tuple[str, int | None]]] = {}
        # The active case categories, read at the first difficulty (not once a difficulty).
        self._categories: list[CaseCategory] | None = None

    def write(self, batches: Iterator[list[tuple[int, int, str, dict[str, Any]]]]) -> None:
        for batch in batches:
            self._write_batch(batch)
            if self.result.errors and not self.skip_bad:
                raise _Refused
        for start, keys in sorted(self.touched.items()):
            services.retally(self.campaign.pk, start, keys if len(keys) <= RETALLY_KEYS else None)

    def _period(self, key: str) -> Period:
        if key not in self.periods:
            self.periods[key] = Period.parse(key, kind=self.campaign.period_kind)
        return self.periods[key]

    def _write_batch(self, batch: list[tuple[int, int, str, dict[str, Any]]]) -> None:
        campaign = self.campaign
        ids = {enterprise_id for _, enterprise_id, _, _ in batch}
        starts = {self._period(key).start for _, _, key, _ in batch}
        # Read again under the write: an enterprise taken out, a report made since the check.
        places = {
            enterprise_id: (region_id, department_id)
            for enterprise_id, region_id, department_id in CampaignEnterprise.objects.filter(
                campaign=campaign, enterprise_id__in=ids
            ).values_list("enterprise_id", "region_id", "department_id")
        }
        existing = {
            (report.enterprise_id, report.period_start): report
            for report in CampaignReport.objects.select_for_update().filter(
                campaign=campaign, enterprise_id__in=ids, period_start__in=starts
            )
        }
        new: list[CampaignReport] = []
        corrected: list[tuple[CampaignReport, dict[str, Any]]] = []
        for number, enterprise_id, key, values in batch:
            period = self._period(key)
            place = places.get(enterprise_id)
            if place is None:
                self.result.errors.append(
                    RowError(number, self.layout.header("uscc"), "该企业已退出本专项行动")
                )
                continue
            report = existing.get((enterprise_id, period.start))
            if report is not None and report.values == values:
                self.result.unchanged += 1
                continue
            touched = self.touched.setdefault(period.start, set())
            touched.add(place)
            if report is None:
                report = CampaignReport(
                    campaign=campaign,
                    enterprise_id=enterprise_id,
                    period_start=period.start,
                    period_key=period.key,
                    late=self.now > services.period_deadline(campaign, period),
                )
                self._fill(report, values, place)
                self._file_case(report)
                new.append(report)
            else:
                touched.add((report.region_id, report.department_id))
                before = audit.snapshot(report)
                had_case = report.case_id is not None
                self._fill(report, values, place)
                report.corrections += 1
                report.version += 1
                if not had_case or report.difficulty != before["difficulty"]:
                    self._file_case(report)
                corrected.append((report, before))
        self._insert(new)
        if corrected:
            _update(corrected)
            audit.record_each(
                actor=self.actor,
                action=AuditEntry.Action.UPDATE,
                changes=(
                    (report, audit.diff(before, audit.snapshot(report))) for report, before in corrected
                ),
                source=self.source,
            )
        self.result.written += len(new)
        self.result.corrected += len(corrected)

    def _fill(self, report: CampaignReport, values: dict[str, Any], place: tuple[str, int | None]) -> None:
        """The report's columns from its values, as services.report_submit sets them."""
        report.region_id, report.department_id = place
        services.fill_measures(report, self.fields, values)
        report.channel = Channel.IMPORT.value
        report.submitted_at = self.now
        report.submitted_by = self.actor if self.actor.pk else None

    def _file_case(self, report: CampaignReport) -> None:
        """A difficulty given becomes the enterprise's demand case (same-day when the campaign
        says so), as services.report_submit files it."""
        if not report.difficulty:
            return
        errors: list[FieldError] = []
        if self._categories is None:
            self._categories = services.active_categories()
        category = services.difficulty_category(report.difficulty, None, errors, self._categories)
        if category is None:
            return
        report.case = services.file_difficulty(self.actor, self.campaign, report, category, self.source)
        self.result.cases += 1

    def _insert(self, new: list[CampaignReport]) -> None:
        """The new reports in one INSERT (core.bulk), their keys read back by the unique
        (campaign, enterprise, period), and a creation entry each in the audit trail."""
        if not new:
            return
        bulk_insert(CampaignReport, new)
        keys = {
            (enterprise_id, start): pk
            for enterprise_id, start, pk in CampaignReport.objects.filter(
                campaign=self.campaign,
                enterprise_id__in={r.enterprise_id for r in new},
                period_start__in={r.period_start for r in new},
            ).values_list("enterprise_id", "period_start", "pk")
        }
        for report in new:
            report.pk = keys[(report.enterprise_id, report.period_start)]
        audit.record_each(
            actor=self.actor,
            action=AuditEntry.Action.CREATE,
            changes=((report, audit.diff({}, audit.snapshot(report))) for report in new),
            source=self.source,
        )


def _update(corrected: list[tuple[CampaignReport, dict[str, Any]]]) -> None:
    """The corrected reports written back, many rows a statement (Django's bulk_update writes a
    CASE of every row for every column: a batch of 1,000 corrections took 5 s on SQLite). The
    columns a correction always sets go in one statement; the region, department and case
    (indexed: SQLite rewrites their index entries whenever they are set, even to the same value)
    in a second one, only for the rows where they changed."""
    _update_columns([report for report, _ in corrected], _UPDATED)
    moved = [r for r, before in corrected if any(before[name] != getattr(r, f"{name}_id") for name in _KEYS)]
    _update_columns(moved, _KEYS)


def _update_columns(reports: list[CampaignReport], names: tuple[str, ...]) -> None:
    """UPDATE the `names` columns of `reports` from their instances. On SQLite many rows a
    statement, UPDATE … FROM (VALUES …) (core.bulk.rows_a_statement): a statement a row, as
    executemany runs it, grew slower with every row the transaction had already changed (a
    foreign key among the columns: the 20th batch of 1,000 took 1.5 s, the first 0.02 s); on
    PostgreSQL one statement the driver runs for every row (executemany pipelines them)."""
    if not reports:
        return
    fields = [cast(models.Field[Any, Any], CampaignReport._meta.get_field(name)) for name in names]
    quote = connection.ops.quote_name
    table = quote(CampaignReport._meta.db_table)
    # Text, numbers and keys go to the driver as they are; JSON, decimals and times through
    # their field's conversion.
    converters: list[Any] = [
        None
        if f.get_internal_type() in _AS_IS or f.is_relation
        else functools.partial(f.get_db_prep_save, connection=connection)
        for f in fields
    ]
    rows = []
    for report in reports:
        row = [report.pk, *(getattr(report, f.attname) for f in fields)]
        for index, convert in enumerate(converters, start=1):
            if convert is not None:
                row[index] = convert(row[index])
        rows.append(row)
    # Names from the model's own metadata, quoted; the values go as parameters.
    with connection.cursor() as cursor:
        if connection.vendor != "sqlite":
            columns = ", ".join(f"{quote(f.column)} = %s" for f in fields)
            statement = f"UPDATE {table} SET {columns} WHERE {quote('id')} = %s"  # noqa: S608
            cursor.executemany(statement, [(*row[1:], row[0]) for row in rows])
            return
        columns = ", ".join(f"{quote(f.column)} = v.column{index}" for index, f in enumerate(fields, start=2))
        placeholders = f"({', '.join(['%s'] * (len(fields) + 1))})"
        per_statement = rows_a_statement(len(fields) + 1)
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            cursor.execute(
                f"UPDATE {table} SET {columns} "  # noqa: S608
                f"FROM (VALUES {', '.join([placeholders] * len(chunk))}) AS v "
                f"WHERE {table}.{quote('id')} = v.column1",
                [value for row in chunk for value in row],
            )


_AS_IS = frozenset(
    {"CharField", "TextField", "PositiveIntegerField", "PositiveSmallIntegerField", "BooleanField"}
)
# The columns a correction sets (services.report_submit's), and those that change only when the
# enterprise moved region or department, or its difficulty became a new case.
_UPDATED = (
    "values",
    "status_value",
    "staff_present",
    "staff_expected",
    "capacity",
    "output",
    "difficulty",
    "channel",
    "submitted_at",
    "submitted_by",
    "corrections",
    "version",
)
_KEYS = ("region", "department", "case")
