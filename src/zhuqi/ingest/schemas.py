"""The reports API's schemas: every choice typed with its TextChoices."""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from django.utils.translation import gettext as _
from ninja import Field, Schema

from zhuqi.cases.models import Kind
from zhuqi.core.queries import IsoDate, RecordId, RegionCode, RegionCodeOrBlank, Version, choices_schema
from zhuqi.core.textlimits import TEXT_LENGTH, schema_field
from zhuqi.ingest.cleaning import MAX_BYTES, RemovalKind
from zhuqi.ingest.models import Report, ReportKind, ReportLanguage, ReportStatus
from zhuqi.visits.models import VisitKind

# Characters of posted text: what cleaning accepts of a text (its UTF-8 within cleaning.MAX_BYTES
# at three bytes a character); a bigger report is sent as a file.
TEXT_MAX = MAX_BYTES // 3
TEXT_DESCRIPTION = f"the report: its text, or the page's HTML (at most {TEXT_MAX:,} characters)"


class PublishedReportIn(Schema):
    text: str = Field(max_length=TEXT_MAX, description=TEXT_DESCRIPTION)
    filename: str = schema_field(Report, "source", "", description="the file's name (.txt, .html …), if any")
    published_on: IsoDate | None = Field(None, description="when the page was published, if known")
    region: RegionCodeOrBlank = Field("", description="the region the report is about, if known")
    source_address: str = schema_field(Report, "source_address", "", description="where it was published")


class ReportRemovalOut(Schema):
    kind: Annotated[str, choices_schema([str(kind) for kind in RemovalKind])]
    text: str
    reason: str
    start: int = Field(description="offset into original_text")
    end: int


class PublishedReportOut(Schema):
    id: int
    filename: str = Field(description="the file it was read from; api when posted as text")
    source_address: str
    title: str
    language: ReportLanguage
    published_on: datetime.date | None
    kind: ReportKind
    kind_label: str
    status: ReportStatus
    status_label: str
    region: str
    region_name: str
    duplicate_of: int | None
    visit: int | None
    created_at: datetime.datetime
    version: int


class PublishedReportDetailOut(PublishedReportOut):
    cleaned_text: str
    original_text: str
    removals: list[ReportRemovalOut]
    extraction: dict[str, Any] = Field(
        description="kind, dates, lead and other officials with their posts, enterprises, projects, "
        "places, instructions, difficulties; every mention's span in cleaned_text"
    )
    links: dict[str, Any] = Field(
        description="each official, enterprise, project and place: matched (the record), ambiguous "
        "(candidates, best first) or new (a proposal)"
    )
    discard_reason: str
    timings: dict[str, float] = Field(description="milliseconds each stage took: clean, extract, link")
    duplicates: list[int] = Field(description="later reports of the same event merged into this draft")


class FiledCaseOut(Schema):
    id: int
    kind: Kind
    title: str


class ReportConfirmedOut(Schema):
    report: PublishedReportDetailOut
    visit: int
    cases: list[FiledCaseOut]


class RegistryChoice(Schema):
    mention: str = Field(max_length=200, description="the name as extracted")
    record: RecordId | None = Field(description="the registry's record; null: leave the mention out")


class ReportDifficultyIn(Schema):
    text: str = Field(max_length=TEXT_LENGTH)
    enterprise: RecordId | None = Field(None, description="the enterprise that raised it (else not filed)")


class NewOfficialIn(Schema):
    mention: str = Field(max_length=200, description="an official's name as extracted, its link status new")
    department: RecordId = Field(
        description="the department of the post they hold (the visit records each official's post "
        "on its day): one of the report's region or the regions above it, or of your jurisdiction"
    )
    title: str = Field(
        min_length=1, max_length=50, description="the post's title in that department (书记, 副市长)"
    )


class NewEnterpriseIn(Schema):
    mention: str = Field(max_length=200, description="an enterprise's name as extracted, its link status new")
    uscc: str = Field(
        max_length=64, description="its unified social credit code (18 characters); blank: leave it out"
    )


class ReportConfirmIn(Schema):
    version: Version
    kind: Annotated[str, choices_schema(VisitKind, blank=True)] = ""
    title: str | None = Field(None, max_length=200)
    start_date: IsoDate | None = None
    end_date: IsoDate | None = None
    officials: list[RegistryChoice] = Field(default_factory=list, max_length=200)
    enterprises: list[RegistryChoice] = Field(default_factory=list, max_length=500)
    new_officials: list[NewOfficialIn] = Field(
        default_factory=list,
        max_length=200,
        description="officials the registry lacks (link status new) to record in the report's region "
        "with one post each, then lead or accompany the visit as the report has them; a mention named "
        "here is not also given in officials. Refused naming officials.<mention> when you may not "
        "keep the directory; nothing is written then",
    )
    new_enterprises: list[NewEnterpriseIn] = Field(
        default_factory=list,
        max_length=500,
        description="enterprises the registry lacks (link status new) to record with the code given, "
        "in the report's region, then attending the visit; a mention named here is not also given in "
        "enterprises. A bad or registered code is refused naming enterprises.<mention>",
    )
    places: list[RegionCode] | None = Field(None, max_length=200)
    projects: list[RecordId] | None = Field(None, max_length=200)
    instructions: list[Annotated[str, Field(max_length=TEXT_LENGTH)]] | None = Field(
        None, max_length=200, description="the instructions kept, one case each; null: as extracted"
    )
    difficulties: list[ReportDifficultyIn] | None = Field(None, max_length=200)
    category: RecordId | None = Field(None, description="the cases' category; default 其他")
    summary: str | None = Field(None, max_length=TEXT_LENGTH)
    confirm_duplicate: bool = Field(False, description="the visit looks recorded already: it is another")


class ReportDiscardIn(Schema):
    version: Version
    reason: str = schema_field(Report, "discard_reason")


REPORT_ROW_COLUMNS = (
    "id",
    "source",
    "source_address",
    "title",
    "language",
    "published_on",
    "kind",
    "status",
    "region_id",
    "region__name",
    "duplicate_of_id",
    "visit_id",
    "created_at",
    "version",
)


def report_row_json(row: dict[str, Any]) -> dict[str, Any]:
    """An inbox row (`.values(*REPORT_ROW_COLUMNS)`) as PublishedReportOut sends it."""
    return {
        "id": row["id"],
        "filename": row["source"],
        "source_address": row["source_address"],
        "title": row["title"],
        "language": row["language"],
        "published_on": row["published_on"],
        "kind": row["kind"],
        "kind_label": _(ReportKind(row["kind"]).label),
        "status": row["status"],
        "status_label": _(ReportStatus(row["status"]).label),
        "region": row["region_id"],
        "region_name": row["region__name"],
        "duplicate_of": row["duplicate_of_id"],
        "visit": row["visit_id"],
        "created_at": row["created_at"],
        "version": row["version"],
    }


def report_detail_json(report: Report, duplicates: list[int]) -> dict[str, Any]:
    row = {column: getattr(report, column) for column in REPORT_ROW_COLUMNS if "__" not in column}
    row["region__name"] = report.region.name
    return {
        **report_row_json(row),
        "cleaned_text": report.cleaned_text,
        "original_text": report.original_text,
        "removals": report.removals,
        "extraction": report.extraction,
        "links": report.links,
        "discard_reason": report.discard_reason,
        "timings": report.timings,
        "duplicates": duplicates,
    }
