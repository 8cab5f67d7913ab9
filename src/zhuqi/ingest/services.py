"""Every write of reports: ingest (the pipeline run and the draft stored, a near-duplicate merged
into the first report's draft), confirm (the visit and its cases recorded through the visits'
own service — nothing reaches the records without it; officials and enterprises the registry
lacks recorded first through the directory's and the enterprises' own services, when the person
asks) and discard. Each runs in a transaction,
is version-checked where it changes a stored report, and writes the audit trail."""

from __future__ import annotations

import datetime
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, cast

import numpy as np
from datasketch import MinHash, MinHashLSH
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from zhuqi.cases.models import Case, CaseCategory, Kind
from zhuqi.core import audit, encodings
from zhuqi.core.concurrency import check_version, lock
from zhuqi.core.errors import FieldError, PermissionDenied, ValidationFailed, require
from zhuqi.core.models import AuditEntry
from zhuqi.core.permissions import Permission, has_permission
from zhuqi.core.scoping import code_within, jurisdiction_code
from zhuqi.core.textlimits import length_error, limit, shortened
from zhuqi.directory import services as directory_services
from zhuqi.directory.models import Department, Region, User
from zhuqi.directory.selectors import department_queryset
from zhuqi.enterprises import services as enterprise_services
from zhuqi.enterprises.validation import LABELS as ENTERPRISE_LABELS
from zhuqi.ingest import duplicates, linking, pipeline
from zhuqi.ingest.cleaning import CleaningRefused
from zhuqi.ingest.extraction import (
    EnterpriseMention,
    Extraction,
    Mention,
    PartialDate,
    PersonMention,
)
from zhuqi.ingest.models import Report, ReportKind, ReportStatus
from zhuqi.ingest.selectors import report_queryset
from zhuqi.projects.selectors import project_queryset
from zhuqi.visits import services as visit_services
from zhuqi.visits.models import Visit, VisitKind, VisitSource

# Reports this recent are compared for near-duplicates (a site reposts within days or weeks).
RECENT_DAYS = 90

# The visit kind an event kind is recorded as; "other" asks the person.
VISIT_KINDS = {
    ReportKind.INSPECTION: VisitKind.INSPECTION,
    ReportKind.SYMPOSIUM: VisitKind.SYMPOSIUM,
    # A dispatch meeting (调度会) is a meeting with the departments and enterprises: a symposium.
    ReportKind.DISPATCH: VisitKind.SYMPOSIUM,
}

# The case category an instruction is filed in when the person names none.
DEFAULT_CATEGORY = "其他"

# The fields a report's audit entries show (its texts and JSON are the report itself, not history).
AUDITED = ("source", "source_address", "title", "language", "published_on", "kind", "status")


def may_ingest(actor: User) -> bool:
    return has_permission(actor, Permission.INGEST_REPORTS)


def _audit_values(report: Report) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(report, name) for name in AUDITED}
    values["region"] = report.region_id
    values["duplicate_of"] = report.duplicate_of_id
    values["visit"] = report.visit_id
    values["discard_reason"] = report.discard_reason
    return {
        key: value.isoformat() if isinstance(value, datetime.date) else value for key, value in values.items()
    }


def _audit(actor: User, report: Report, action: str, before: dict[str, Any], source: str) -> None:
    changes = audit.diff(before, _audit_values(report))
    audit.record(actor=actor, instance=report, action=action, source=source, changes=changes)


# ---------------------------------------------------------------------------------------------
# Near-duplicates against the stored reports


def _minhash_hex(m: MinHash) -> str:
    return np.asarray(m.hashvalues, dtype=np.uint64).tobytes().hex()


def _minhash_of(hexed: str) -> MinHash:
    values = np.frombuffer(bytes.fromhex(hexed), dtype=np.uint64)
    return MinHash(num_perm=duplicates.NUM_PERM, hashvalues=values)


def _day(value: Any) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _partial(value: Any) -> PartialDate | None:
    return PartialDate(value["year"], value["month"], value["day"]) if value else None


def _facts_of_json(found: dict[str, Any]) -> duplicates.Facts:
    shaped = SimpleNamespace(
        start=_day(found.get("start")),
        start_day=_partial(found.get("start_day")),
        lead_officials=[SimpleNamespace(name=p["name"]) for p in found.get("lead_officials", [])],
    )
    return duplicates.Facts.of(cast(Extraction, shaped))


class _Recent:
    """The recent first reports of their events (drafts and confirmed ones), indexed by MinHash
    LSH for the process, kept in step with the database at each ingest: a report added, discarded
    or gone since (another process, a rolled-back transaction) is added or dropped by its id and
    fingerprint."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.lsh = MinHashLSH(threshold=duplicates.LSH_THRESHOLD, num_perm=duplicates.NUM_PERM)
        self.entries: dict[int, tuple[str, MinHash, duplicates.Facts]] = {}

    def _drop(self, pk: int) -> None:
        self.lsh.remove(pk)
        del self.entries[pk]

    def _add(self, pk: int, fingerprint: str, m: MinHash, facts: duplicates.Facts) -> None:
        if pk in self.entries:
            self._drop(pk)
        self.entries[pk] = (fingerprint, m, facts)
        self.lsh.insert(pk, m)

    def sync(self) -> None:
        since = timezone.now() - datetime.timedelta(days=RECENT_DAYS)
        current = dict(
            Report.objects.filter(
                status__in=(ReportStatus.DRAFT, ReportStatus.CONFIRMED),
                duplicate_of__isnull=True,
                created_at__gte=since,
            )
            .exclude(minhash="")
            .values_list("pk", "fingerprint")
        )
        for pk in [pk for pk, entry in self.entries.items() if current.get(pk) != entry[0]]:
            self._drop(pk)
        missing = [pk for pk in current if pk not in self.entries]
        for pk, fingerprint, hexed, found in Report.objects.filter(pk__in=missing).values_list(
            "pk", "fingerprint", "minhash", "extraction"
        ):
            self._add(pk, fingerprint, _minhash_of(hexed), _facts_of_json(found))

    def first_of_event(self, m: MinHash, facts: duplicates.Facts, visible: set[int] | None) -> int | None:
        best: tuple[float, int] | None = None
        for pk in self.lsh.query(m):
            if visible is not None and pk not in visible:
                continue
            _, other, other_facts = self.entries[pk]
            similarity = float(m.jaccard(other))
            same = duplicates.judge(
                similarity, facts.date_agrees(other_facts), facts.leads_agree(other_facts)
            )
            if same and (best is None or (similarity, -pk) > (best[0], -best[1])):
                best = (similarity, pk)
        return best[1] if best else None


_RECENT = _Recent()


def _first_of_event(actor: User, m: MinHash, facts: duplicates.Facts) -> Report | None:
    with _RECENT.lock:
        _RECENT.sync()
        candidates = list(_RECENT.lsh.query(m))
        if not candidates:
            return None
        visible = set(report_queryset(user=actor).filter(pk__in=candidates).values_list("pk", flat=True))
        found = _RECENT.first_of_event(m, facts, visible)
    if found is None:
        return None
    return lock(report_queryset(user=actor), found)


def _remember(report: Report, m: MinHash, facts: duplicates.Facts) -> None:
    with _RECENT.lock:
        _RECENT._add(report.pk, report.fingerprint, m, facts)


# ---------------------------------------------------------------------------------------------
# Extraction back from its stored JSON (for merging a duplicate into the first draft)


def _spans(value: Any) -> list[tuple[int, int]]:
    return [(int(a), int(b)) for a, b in value or []]


def extraction_from_json(found: dict[str, Any]) -> Extraction:
    def people(key: str) -> list[PersonMention]:
        return [
            PersonMention(p["name"], list(p["posts"]), p["start"], p["end"], _spans(p.get("spans")))
            for p in found.get(key, [])
        ]

    def mentions(key: str) -> list[Mention]:
        return [Mention(m["text"], m["start"], m["end"]) for m in found.get(key, [])]

    return Extraction(
        kind=found.get("kind", ReportKind.OTHER),
        start=_day(found.get("start")),
        end=_day(found.get("end")),
        start_day=_partial(found.get("start_day")),
        end_day=_partial(found.get("end_day")),
        year_source=found.get("year_source", ""),
        date_spans=_spans(found.get("date_spans")),
        lead_officials=people("lead_officials"),
        other_officials=people("other_officials"),
        enterprises=[
            EnterpriseMention(e["name"], e["short"], e["start"], e["end"], _spans(e.get("spans")))
            for e in found.get("enterprises", [])
        ],
        projects=list(found.get("projects", [])),
        places=list(found.get("places", [])),
        instructions=list(found.get("instructions", [])),
        difficulties=list(found.get("difficulties", [])),
        project_mentions=mentions("project_mentions"),
        place_mentions=mentions("place_mentions"),
        instruction_mentions=mentions("instruction_mentions"),
        difficulty_mentions=mentions("difficulty_mentions"),
    )


def _merge_into(actor: User, first: Report, report: Report, found: Extraction, source: str) -> None:
    """A later report of the same event adds to the first report's draft what it names that the
    draft lacks (enterprises, instructions, the dates); the draft keeps its own text."""
    if first.status != ReportStatus.DRAFT:
        return  # already confirmed into a visit: the duplicate is only recorded as one
    merged = duplicates.merge(
        [(first.cleaned_text, extraction_from_json(first.extraction)), (report.cleaned_text, found)]
    )
    before = {"extraction": first.extraction}
    stored = pipeline.extraction_json(merged.extraction)
    stored["merged_from"] = sorted({*first.extraction.get("merged_from", []), report.pk})
    # Which report each enterprise and instruction came from (their spans are in that one's text).
    ids = [first.pk, report.pk]
    stored["enterprise_sources"] = [ids[i] for i in merged.enterprise_sources]
    stored["instruction_sources"] = [ids[i] for i in merged.instruction_sources]
    first.extraction = stored
    first.links = pipeline.links_json(
        linking.link(merged.extraction, region_hint=first.region_id or None, registry=None)
    )
    first.version += 1
    first.save(update_fields=["extraction", "links", "version", "updated_at"])
    audit.record(
        actor=actor,
        instance=first,
        action=AuditEntry.Action.UPDATE,
        source=source,
        changes={"duplicates": [before["extraction"].get("merged_from", []), stored["merged_from"]]},
    )


# ---------------------------------------------------------------------------------------------
# Ingest


def _raw_text(raw: str | bytes) -> str:
    if isinstance(raw, str):
        return raw
    try:
        return raw.decode(encodings.detect(raw))
    except (encodings.UnknownEncoding, UnicodeDecodeError, LookupError):
        return raw.decode("utf-8", "replace")


def _report_region(actor: User, links: linking.Links, hint: str) -> Region | None:
    """The first place matched that lies in the actor's jurisdiction, else the hint, else the
    actor's jurisdiction."""
    jurisdiction = jurisdiction_code(actor)
    for place in links.places:
        if place.status == linking.MATCHED and code_within(jurisdiction, str(place.id)):
            return Region.objects.filter(pk=str(place.id)).first()
    for code in (hint, jurisdiction or ""):
        if code:
            region = Region.objects.filter(pk=code).first()
            if region is not None:
                return region
    return None


@transaction.atomic
def report_ingest(
    *,
    actor: User,
    raw: str | bytes,
    filename: str = "",
    published_on: datetime.date | None = None,
    region_code: str = "",
    source_address: str = "",
    input_field: str = "text",
    source: str = "",
) -> Report:
    """Read a published report into a draft: cleaned, extracted, linked. A report of an event
    already drafted (a near-duplicate: alike texts, the same date and lead official) is stored as
    a duplicate of the first report and merged into its draft, never a second draft. Input that is
    not a report is refused naming the reason (ValidationFailed on `input_field`)."""
    require(may_ingest(actor), "只有营商办（专班）和系统管理员可以导入报道")
    region_code = (region_code or "").strip()
    jurisdiction = jurisdiction_code(actor)
    if region_code:
        if not Region.objects.filter(pk=region_code).exists():
            raise ValidationFailed([FieldError("region", f"行政区划代码“{region_code}”不存在")])
        if not code_within(jurisdiction, region_code):
            raise ValidationFailed([FieldError("region", "该地区不在您的管辖范围内")])
    try:
        result = pipeline.read(
            raw,
            filename=filename,
            published_on=published_on,
            region_hint=region_code or jurisdiction or None,
        )
    except CleaningRefused as refused:
        raise ValidationFailed([FieldError(input_field, refused.reason)]) from None
    region = _report_region(actor, result.links, region_code)
    if region is None:
        raise ValidationFailed([FieldError("region", "报道里没有找到所属地区，请指定地区")])
    cleaned, found = result.cleaned, result.extraction
    m = duplicates.minhash(cleaned.text)
    facts = duplicates.Facts.of(found)
    raw_text = _raw_text(raw)
    report = Report(
        source=shortened(filename or ("web" if source == "web" else "api"), limit(Report, "source")),
        source_address=shortened(source_address.strip(), limit(Report, "source_address")),
        raw=raw_text,  # cleaning refused anything above MAX_BYTES
        original_text=cleaned.original,
        cleaned_text=cleaned.text,
        removals=pipeline.removals_json(cleaned),
        title=shortened(cleaned.title, limit(Report, "title")),
        language=cleaned.language,
        published_on=cleaned.published_on,
        kind=found.kind if found.kind in ReportKind.values else ReportKind.OTHER,
        extraction=pipeline.extraction_json(found),
        links=pipeline.links_json(result.links),
        fingerprint=result.fingerprint,
        minhash=_minhash_hex(m),
        region=region,
        timings=result.timings,
        created_by=actor if actor.pk else None,
    )
    first = _first_of_event(actor, m, facts)
    if first is not None:
        report.status = ReportStatus.DUPLICATE
        report.duplicate_of = first
    report.save(force_insert=True)
    _audit(actor, report, AuditEntry.Action.CREATE, {}, source)
    if first is not None:
        _merge_into(actor, first, report, found, source)
    else:
        # Known to this process at once (the next file of a folder); rolled back, the sync drops it.
        _remember(report, m, facts)
    return report


# ---------------------------------------------------------------------------------------------
# Confirm and discard


@dataclass
class DifficultyChoice:
    """A difficulty kept as a demand case, of the enterprise that raised it."""

    text: str
    enterprise_id: int | None = None


@dataclass
class NewPost:
    """The post a new official holds, as the person gives it: a visit records each official's
    posts on its day, so an official without one cannot lead or accompany it."""

    department_id: int | None
    title: str


@dataclass
class ConfirmEdits:
    """What the person decided on the review page. Every field left None keeps the draft's."""

    kind: str | None = None
    title: str | None = None
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    # A mention (as extracted) → the registry's record, or None to leave the mention out.
    officials: dict[str, int | None] = field(default_factory=dict)
    enterprises: dict[str, int | None] = field(default_factory=dict)
    # Mentions the registry lacks (link status "new"), recorded on confirm: officials of the
    # report's region by the name as written, each with the one post the person gives in
    # `new_official_posts` (a department and a title: the visits' service asks every official a
    # post on the visit's day; the other posts written beside the name are added in the directory
    # afterwards), then a lead or accompanying official as the report has them; enterprises by the
    # name as extracted and the code the person typed (mention → unified social credit code; an
    # empty code leaves the mention out), then attending.
    new_officials: list[str] = field(default_factory=list)
    new_official_posts: dict[str, NewPost] = field(default_factory=dict)
    new_enterprises: dict[str, str] = field(default_factory=dict)
    place_codes: list[str] | None = None
    project_ids: list[int] | None = None
    instructions: list[str] | None = None  # the instructions kept (as edited), one case each
    difficulties: list[DifficultyChoice] | None = None
    category_id: int | None = None  # the cases' category (default: 其他)
    summary: str | None = None
    confirm_duplicate: bool = False  # a visit that looks already recorded: the person says it is another


@dataclass
class Confirmed:
    report: Report
    visit: Visit
    cases: list[Case]


def _unique(values: Sequence[Any]) -> list[Any]:
    return list(dict.fromkeys(value for value in values if value is not None))


def _chosen(
    kind: str,
    links: list[dict[str, Any]],
    choices: dict[str, int | None],
    errors: list[FieldError],
    *,
    ask: Any,
) -> list[int]:
    """The record ids of the links: the person's choice where given, else the match; `ask(link)`
    says whether an unresolved one must be decided (it is named in the refusal) or is left out."""
    ids: list[int] = []
    for link in links:
        mention = link["mention"]
        if mention in choices:
            chosen = choices[mention]
            if chosen is not None:
                ids.append(int(chosen))
        elif link["status"] == linking.MATCHED:
            ids.append(int(link["candidates"][0]["id"]))
        elif ask(link) and not any(e.field == f"{kind}.{mention}" for e in errors):
            # (a mention already refused, as a new record the person asked for, is named once)
            errors.append(FieldError(f"{kind}.{mention}", _undecided(kind, mention, link["status"])))
    return _unique(ids)


def _undecided(kind: str, mention: str, status: str) -> str:
    if status == linking.AMBIGUOUS:
        return f"“{mention}”有多位同名的记录，请选择对应的记录或不计入"
    made = "登记为新干部" if kind == "officials" else "填写统一社会信用代码登记为新企业"
    return f"“{mention}”在登记库中没有找到，请选择对应的记录、{made}或不计入"


def _proposed(
    kind: str,
    links: list[dict[str, Any]],
    mention: str,
    choices: dict[str, int | None],
    errors: list[FieldError],
) -> bool:
    """Whether `mention` may be recorded as a new record: the report names it, the registry has
    nothing for it (link status "new") and the person did not also choose for it."""
    field_name = f"{kind}.{mention}"
    link = next((link for link in links if link["mention"] == mention), None)
    if link is None:
        errors.append(FieldError(field_name, f"报道中没有提取到“{mention}”"))
        return False
    if link["status"] != linking.NEW:
        errors.append(
            FieldError(field_name, f"“{mention}”在登记库中有相符的记录，请选择对应的记录，不必新登记")
        )
        return False
    if mention in choices:
        errors.append(FieldError(field_name, f"“{mention}”既选择了记录（或不计入），又要新登记，请只选一项"))
        return False
    return True


def post_departments(actor: User, report: Report) -> Any:
    """The departments a new official of the report may be posted to: those of the report's
    region and the regions above it (a county's report names the city's leaders), and any in the
    actor's jurisdiction."""
    code = report.region_id or ""
    above = {code[:2] + "0000", code[:4] + "00", code} if len(code) == 6 else set()
    return Department.objects.filter(
        Q(region_id__in=above) | Q(pk__in=department_queryset(user=actor).values("pk"))
    )


def _new_officials(
    actor: User, report: Report, edits: ConfirmEdits, errors: list[FieldError]
) -> dict[str, int]:
    """The officials the person asked to record, through the directory's own service (which
    decides who may keep the directory): mention → the new official. A refusal is named by the
    mention; the confirm's transaction then writes nothing."""
    links = report.links.get("officials", [])
    made: dict[str, int] = {}
    for mention in _unique(edits.new_officials):
        mention = str(mention)
        if not _proposed("officials", links, mention, edits.officials, errors):
            continue
        field_name = f"officials.{mention}"
        post = edits.new_official_posts.get(mention)
        title = (post.title if post else "").strip()
        department = (
            post_departments(actor, report).filter(pk=post.department_id).first()
            if post and post.department_id is not None
            else None
        )
        if department is None or not title:
            errors.append(
                FieldError(
                    field_name,
                    f"登记“{mention}”为新干部，请选择其任职部门并填写职务（调研走访记录干部当日的职务）",
                )
            )
            continue
        try:
            official = directory_services.official_create(actor=actor, region=report.region, name=mention)
            directory_services.post_create(actor=actor, official=official, department=department, title=title)
        except PermissionDenied:
            errors.append(
                FieldError(
                    field_name,
                    f"您无权维护干部名录，不能把“{mention}”登记为新干部；"
                    "请选择对应的记录或不计入，或请营商办登记后再确认",
                )
            )
            continue
        except ValidationFailed as refused:
            errors.extend(
                FieldError(field_name, f"“{mention}”不能登记为新干部：{e.message}") for e in refused.errors
            )
            continue
        made[mention] = official.pk
    return made


def _new_enterprises(
    actor: User, report: Report, edits: ConfirmEdits, errors: list[FieldError], source: str
) -> dict[str, int]:
    """The enterprises the person gave a unified social credit code for, recorded through the
    enterprises' own service (which judges the code) in the report's region: mention → the new
    enterprise. A refusal is named by the mention."""
    links = report.links.get("enterprises", [])
    extracted = {e["name"]: e for e in report.extraction.get("enterprises", [])}
    made: dict[str, int] = {}
    for mention, code in edits.new_enterprises.items():
        code = (code or "").strip()
        if not code:
            continue  # no code: the mention is left out, as a "new" one is by default
        if not _proposed("enterprises", links, mention, edits.enterprises, errors):
            continue
        field_name = f"enterprises.{mention}"
        link = next(link for link in links if link["mention"] == mention)
        name = extracted.get(mention, {}).get("name") or (link.get("proposal") or {}).get("name") or mention
        data = {"name": name, "uscc": code, "region": report.region_id}
        try:
            enterprise = enterprise_services.enterprise_create(actor=actor, data=data, source=source)
        except PermissionDenied:
            errors.append(
                FieldError(
                    field_name,
                    f"您无权在企业库中登记企业，不能登记“{mention}”；请选择对应的记录或不计入",
                )
            )
            continue
        except ValidationFailed as refused:
            errors.extend(
                FieldError(
                    field_name,
                    f"“{mention}”的{ENTERPRISE_LABELS.get(e.field.split('.')[0], e.field)}：{e.message}",
                )
                for e in refused.errors
            )
            continue
        made[mention] = enterprise.pk
    return made


def _difficulty_enterprises(report: Report, enterprise_ids: dict[str, int]) -> list[DifficultyChoice]:
    """Each difficulty with the enterprise that raised it, when the sentence it stands in names
    exactly one enterprise of the visit."""
    text = report.cleaned_text
    found = report.extraction
    spans = [
        (start, end, enterprise_ids[e["name"]])
        for e in found.get("enterprises", [])
        if e["name"] in enterprise_ids
        for start, end in (e.get("spans") or [[e["start"], e["end"]]])
    ]
    choices = []
    for mention in found.get("difficulty_mentions", []):
        begin = max(text.rfind(mark, 0, mention["start"]) for mark in ("。", "！", "？", "\n")) + 1
        named = {pk for start, end, pk in spans if begin <= start and end <= mention["end"]}
        choices.append(DifficultyChoice(mention["text"], named.pop() if len(named) == 1 else None))
    return choices


def _said(
    report: Report, edits: ConfirmEdits, lead_ids: list[int], enterprise_ids: dict[str, int]
) -> list[visit_services.SaidThere]:
    category_id = edits.category_id
    if category_id is None:
        category_id = (
            CaseCategory.objects.filter(name=DEFAULT_CATEGORY, parent=None, is_active=True)
            .values_list("pk", flat=True)
            .first()
        )
    title_length = limit(Case, "title")
    instructions = (
        edits.instructions if edits.instructions is not None else report.extraction.get("instructions", [])
    )
    said = [
        visit_services.SaidThere(
            kind=Kind.INSTRUCTION,
            title=shortened(text.strip(), title_length),
            description=text.strip(),
            category_id=category_id,
            issued_by_id=lead_ids[0] if lead_ids else None,
        )
        for text in instructions
        if text.strip()
    ]
    difficulties = (
        edits.difficulties
        if edits.difficulties is not None
        else _difficulty_enterprises(report, enterprise_ids)
    )
    # A difficulty becomes a demand of the enterprise that raised it; one whose enterprise is not
    # known stays in the report (the person names the enterprise to file it).
    said += [
        visit_services.SaidThere(
            kind=Kind.DEMAND,
            title=shortened(item.text.strip(), title_length),
            description=item.text.strip(),
            category_id=category_id,
            enterprise_id=item.enterprise_id,
        )
        for item in difficulties
        if item.enterprise_id is not None and item.text.strip()
    ]
    return said


def _draft(actor: User, report_id: int, expected_version: int | None) -> Report:
    report = lock(report_queryset(user=actor), report_id)
    require(may_ingest(actor), "只有营商办（专班）和系统管理员可以确认或舍弃报道")
    check_version(report, expected_version)
    if report.status != ReportStatus.DRAFT:
        label = ReportStatus(report.status).label
        raise ValidationFailed([FieldError("status", f"这篇报道{label}，只能处理待确认的报道")])
    return report


@transaction.atomic
def report_confirm(
    *,
    actor: User,
    report_id: int,
    expected_version: int | None,
    edits: ConfirmEdits | None = None,
    source: str = "",
) -> Confirmed:
    """Record the draft as a visit, through the visits' own service: the kind, dates, lead
    officials (each matched to an official, chosen in `edits`, or recorded as a new official with
    the post the person gives when the registry has none: an unresolved lead official is refused
    by name), the enterprises as attendance (new ones recorded with the code the person gives),
    the instructions as instruction cases filed at the visit and the difficulties as demand cases
    of the enterprises that raised them. The report is then confirmed and keeps the visit; a
    refusal anywhere writes nothing (one transaction)."""
    edits = edits or ConfirmEdits()
    report = _draft(actor, report_id, expected_version)
    before = _audit_values(report)
    found, links = report.extraction, report.links
    errors: list[FieldError] = []

    kind: str = edits.kind or VISIT_KINDS.get(ReportKind(report.kind)) or ""
    if not kind:
        allowed = "、".join(f"{value}（{label}）" for value, label in VisitKind.choices)
        errors.append(FieldError("kind", f"报道的活动类型无法对应调研走访的类型，请选择：{allowed}"))
    start = edits.start_date or _day(found.get("start"))
    end = edits.end_date or _day(found.get("end")) or start
    if start is None:
        day = _partial(found.get("start_day"))
        written = f"（报道只写了{day.month}月{day.day}日，没有年份）" if day else ""
        errors.append(FieldError("start_date", f"请填写开始日期{written}"))
    # New records first (each through its own service, refused by the mention), then used as if
    # the person had chosen them; any refusal below rolls them back with the rest.
    official_choices: dict[str, int | None] = {
        **edits.officials,
        **_new_officials(actor, report, edits, errors),
    }
    enterprise_choices: dict[str, int | None] = {
        **edits.enterprises,
        **_new_enterprises(actor, report, edits, errors, source),
    }
    officials = links.get("officials", [])
    lead_ids = _chosen(
        "officials", [o for o in officials if o.get("lead")], official_choices, errors, ask=bool
    )
    other_ids = [
        pk
        for pk in _chosen(
            "officials",
            [o for o in officials if not o.get("lead")],
            official_choices,
            errors,
            ask=lambda _: False,
        )
        if pk not in lead_ids
    ]
    enterprise_links = links.get("enterprises", [])
    enterprise_list = _chosen(
        "enterprises",
        enterprise_links,
        enterprise_choices,
        errors,
        ask=lambda link: link["status"] == linking.AMBIGUOUS,
    )
    by_mention: dict[str, int] = {}
    for link in enterprise_links:
        mention = link["mention"]
        chosen = enterprise_choices.get(mention) if mention in enterprise_choices else None
        if chosen is None and mention not in enterprise_choices and link["status"] == linking.MATCHED:
            chosen = int(link["candidates"][0]["id"])
        if chosen is not None:
            by_mention[mention] = int(chosen)
    if edits.place_codes is not None:
        places = list(edits.place_codes)
    else:
        matched = [
            str(p["candidates"][0]["id"]) for p in links.get("places", []) if p["status"] == linking.MATCHED
        ]
        places = _unique([report.region_id, *matched])
    if edits.project_ids is not None:
        project_ids = list(edits.project_ids)
    else:
        matched_projects = [
            int(p["candidates"][0]["id"]) for p in links.get("projects", []) if p["status"] == linking.MATCHED
        ]
        project_ids = list(
            project_queryset(user=actor).filter(pk__in=matched_projects).values_list("pk", flat=True)
        )
    if errors:
        raise ValidationFailed(errors)

    title = (edits.title if edits.title is not None else report.title).strip() or report.cleaned_text[:60]
    summary = edits.summary if edits.summary is not None else report.cleaned_text
    data = visit_services.VisitData(
        kind=kind,
        title=shortened(title, limit(Visit, "title")),
        start_date=start,
        end_date=end,
        lead_official_ids=lead_ids,
        accompanying_official_ids=other_ids,
        place_codes=places,
        attendance=[visit_services.Attendance(enterprise_id=pk) for pk in enterprise_list],
        project_ids=project_ids,
        summary=shortened(summary, limit(Visit, "summary")),
        source_note=shortened(f"报道：{report.title or report.source_label}", limit(Visit, "source_note")),
        recorded_from=VisitSource.REPORT,
    )
    result = visit_services.visit_create(
        actor=actor,
        data=data,
        said=_said(report, edits, lead_ids, by_mention),
        source=source,
        confirm_duplicate=edits.confirm_duplicate,
    )
    report.status = ReportStatus.CONFIRMED
    report.visit = result.visit
    report.version += 1
    report.save(update_fields=["status", "visit", "version", "updated_at"])
    _audit(actor, report, AuditEntry.Action.UPDATE, before, source)
    return Confirmed(report=report, visit=result.visit, cases=result.cases)


@transaction.atomic
def report_discard(
    *, actor: User, report_id: int, expected_version: int | None, reason: str, source: str = ""
) -> Report:
    """Set a draft aside (not a visit: an unrelated article, a report of another place …) with the
    reason; it stays in the inbox under 已舍弃 and no longer takes later reposts of its event."""
    report = _draft(actor, report_id, expected_version)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed([FieldError("reason", "必填")])
    too_long = length_error("reason", reason, limit(Report, "discard_reason"))
    if too_long is not None:
        raise ValidationFailed([too_long])
    before = _audit_values(report)
    report.status = ReportStatus.DISCARDED
    report.discard_reason = reason
    report.version += 1
    report.save(update_fields=["status", "discard_reason", "version", "updated_at"])
    _audit(actor, report, AuditEntry.Action.UPDATE, before, source)
    return report
