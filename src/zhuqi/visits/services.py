"""Recording a visit, with the instructions given and the difficulties heard there as cases, in
one transaction: a bad visit or a bad case and nothing is written."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from zhuqi.cases import services as case_services
from zhuqi.cases.models import Case, Kind, Source
from zhuqi.core import audit, search
from zhuqi.core.concurrency import check_version, lock
from zhuqi.core.errors import (
    ErrorCode,
    FieldError,
    PermissionDenied,
    ServiceError,
    ValidationFailed,
)
from zhuqi.core.models import AuditEntry
from zhuqi.core.permissions import Permission, has_permission
from zhuqi.core.roles import Role
from zhuqi.core.scoping import code_within, jurisdiction_code
from zhuqi.core.textlimits import length_errors, limit, shortened
from zhuqi.core.uploads import check_uploads, stored_name
from zhuqi.directory.models import Official, Post, Region, User
from zhuqi.directory.selectors import assignable_officials
from zhuqi.enterprises.models import Assignment
from zhuqi.enterprises.selectors import enterprise_queryset
from zhuqi.policies.models import PolicyStatus
from zhuqi.policies.selectors import policy_queryset
from zhuqi.projects.selectors import project_queryset
from zhuqi.visits.models import (
    Visit,
    VisitAttachment,
    VisitEnterprise,
    VisitKind,
    VisitOfficial,
    VisitPolicy,
    VisitRegion,
    VisitSource,
)
from zhuqi.visits.selectors import likely_duplicates, visit_queryset

CASE_SOURCE = {
    VisitKind.INSPECTION: Source.VISIT,
    VisitKind.SYMPOSIUM: Source.SYMPOSIUM,
    VisitKind.LIAISON: Source.LIAISON,
    VisitKind.CALL: Source.LIAISON,
}


def may_record(actor: User, kind: str) -> bool:
    """Government staff record any visit; a liaison officer records their own visits and calls."""
    if has_permission(actor, Permission.RECORD_VISITS):
        return True
    return actor.role == Role.LIAISON and kind in (VisitKind.LIAISON, VisitKind.CALL)


class LikelyDuplicate(ServiceError):
    """The visit looks already recorded: the same lead official, overlapping dates, an enterprise
    in common. Not a refusal of the record but a question to the person: open the existing one,
    or confirm (confirm_duplicate) that this is another visit."""

    code = ErrorCode.LIKELY_DUPLICATE

    def __init__(self, visits: Sequence[Visit]) -> None:
        names = "；".join(f"#{v.pk} {v.start_date} {v.title}" for v in visits)
        super().__init__(f"这次调研走访可能已经登记过：{names}。请打开核对；确是另一次的，请确认后再保存")
        self.visits = list(visits)


@dataclass
class PolicyAnswer:
    """A catalogue policy the enterprise named in the policy check, and its answer
    (VisitPolicy.Answer: received, unknown, unobtainable)."""

    policy_id: int
    answer: str


@dataclass
class Attendance:
    enterprise_id: int
    opinions: str = ""
    policies_received: str = ""
    policies_unknown: str = ""
    policies_unobtainable: str = ""
    # The catalogue's policies named, beside the texts; the list replaces the one recorded.
    policies: list[PolicyAnswer] = field(default_factory=list)


@dataclass
class SaidThere:
    """An instruction given or a difficulty heard: it becomes a case sourced to the visit."""

    kind: str  # instruction | demand
    title: str
    description: str = ""
    category_id: int | None = None
    enterprise_id: int | None = None
    issued_by_id: int | None = None  # an instruction's leader; default: the visit's first lead
    lead_department_id: int | None = None
    co_department_ids: list[int] = field(default_factory=list)
    deadline: datetime.date | None = None


@dataclass
class VisitData:
    kind: str
    title: str
    start_date: datetime.date | None
    end_date: datetime.date | None = None
    lead_official_ids: list[int] = field(default_factory=list)
    accompanying_official_ids: list[int] = field(default_factory=list)
    place_codes: list[str] = field(default_factory=list)
    attendance: list[Attendance] = field(default_factory=list)
    project_ids: list[int] = field(default_factory=list)
    summary: str = ""
    no_problems: bool = False
    source_note: str = ""
    # How the visit reached the records: typed (manual) or confirmed from a published report.
    recorded_from: str = VisitSource.MANUAL


def _posts_on(officials: Sequence[Official], day: datetime.date) -> dict[int, str]:
    """Each official's posts held on `day`, joined as one would say them."""
    held: dict[int, list[str]] = {}
    for post in (
        Post.objects.filter(Post.current_q(day), official__in=officials)
        .select_related("department")
        .order_by("official_id", "order", "id")
    ):
        held.setdefault(post.official_id, []).append(post.label)
    # A derived snapshot, not typed text: an official with many posts is shortened visibly ("…")
    # to the column rather than failing the whole record.
    posts_length = limit(VisitOfficial, "posts")
    return {pk: shortened("、".join(labels), posts_length) for pk, labels in held.items()}


# What an enterprise said at a visit, as typed.
ATTENDANCE_TEXT = ("opinions", "policies_received", "policies_unknown", "policies_unobtainable")

NO_PROBLEMS_WITH_CASES = "勾选了“无问题”又填写了诉求或交办事项：请取消勾选，或删除填写的事项"


def _policy_answer_errors(
    actor: User, attendance: Sequence[Attendance], held: set[tuple[int, int]]
) -> list[FieldError]:
    """The policies named in each enterprise's policy check, each read through the actor's scope:
    a published one may be linked; a draft, a withdrawn one or one the actor cannot see may not,
    except where the enterprise's row already holds it (`held`: (enterprise, policy) pairs of the
    record being corrected), so a policy withdrawn since, or linked by someone who sees further,
    does not stop the record being corrected. Errors name the enterprise and the position as the
    other attendance errors do: enterprises.1.policies.2.policy."""
    errors: list[FieldError] = []
    wanted = {item.policy_id for a in attendance for item in a.policies}
    visible = {
        pk: (status, title)
        for pk, status, title in (
            policy_queryset(user=actor).filter(pk__in=wanted).values_list("pk", "status", "title")
            if wanted
            else []
        )
    }
    allowed = "、".join(f"{value}（{label}）" for value, label in VisitPolicy.Answer.choices)
    for index, item in enumerate(attendance, start=1):
        seen: set[int] = set()
        repeated = False
        for number, answered in enumerate(item.policies, start=1):
            path = f"enterprises.{index}.policies.{number}"
            if answered.answer not in VisitPolicy.Answer.values:
                errors.append(
                    FieldError(f"{path}.answer", f"“{answered.answer}”不是可选的值，可选：{allowed}")
                )
            pk = answered.policy_id
            repeated = repeated or pk in seen
            seen.add(pk)
            status, title = visible.get(pk, ("", ""))
            if (item.enterprise_id, pk) in held or status == PolicyStatus.PUBLISHED:
                continue
            if status:
                label = PolicyStatus(status).label
                errors.append(FieldError(f"{path}.policy", f"“{title}”状态为{label}，只能关联已发布的政策"))
            else:
                errors.append(FieldError(f"{path}.policy", f"政策 {pk} 不存在或不在您的权限范围内"))
        if repeated:
            # One answer a policy: the same one twice, or under two answers, is a mistake.
            errors.append(FieldError(f"enterprises.{index}.policies", "同一项政策填写了两次"))
    return errors


def _clean(
    actor: User, data: VisitData, said: Sequence[SaidThere] = (), visit: Visit | None = None
) -> dict[str, Any]:
    errors: list[FieldError] = []
    values: dict[str, Any] = {}
    if data.kind not in VisitKind.values:
        allowed = "、".join(f"{value}（{label}）" for value, label in VisitKind.choices)
        errors.append(FieldError("kind", f"“{data.kind}”不是可选的值，可选：{allowed}"))
    elif not may_record(actor, data.kind):
        raise PermissionDenied(f"您的角色不能登记{VisitKind(data.kind).label}")
    title = (data.title or "").strip()
    if not title:
        errors.append(FieldError("title", "必填"))
    values["title"] = title
    start = data.start_date
    end = data.end_date or start
    if start is None:
        errors.append(FieldError("start_date", "必填"))
    elif end is not None and end < start:
        errors.append(FieldError("end_date", f"结束日期 {end} 早于开始日期 {start}"))
    values["start_date"], values["end_date"] = start, end

    jurisdiction = jurisdiction_code(actor)
    officials_wanted = [*data.lead_official_ids, *data.accompanying_official_ids]
    officials = Official.objects.in_bulk(officials_wanted)
    participants: list[tuple[Official, str, str]] = []
    if data.kind in (VisitKind.INSPECTION, VisitKind.SYMPOSIUM) and not data.lead_official_ids:
        errors.append(FieldError("lead_officials", "请填写带队领导"))
    if len(set(officials_wanted)) != len(officials_wanted):
        errors.append(FieldError("officials", "同一位干部填写了两次"))
    posts = _posts_on(list(officials.values()), start) if start else {}
    for role, ids, name in (
        (VisitOfficial.Role.LEAD, data.lead_official_ids, "lead_officials"),
        (VisitOfficial.Role.ACCOMPANYING, data.accompanying_official_ids, "accompanying_officials"),
    ):
        for pk in ids:
            official = officials.get(pk)
            if official is None:
                errors.append(FieldError(name, f"干部 {pk} 不存在"))
            elif start and pk not in posts and not _own_liaison_record(actor, data.kind, pk):
                # Named only to someone who may see the official: the id alone must not reveal a name.
                named = assignable_officials(user=actor).filter(pk=pk).exists()
                label = official.name if named else f"干部 {pk}"
                errors.append(FieldError(name, f"{label}在 {start} 没有任职记录，请先核对其职务"))
            else:
                participants.append((official, role, posts.get(pk, "")))
    values["_participants"] = participants

    # In the order given: the first place named is where the record belongs (below).
    places = sorted(
        Region.objects.filter(pk__in=data.place_codes), key=lambda r: data.place_codes.index(r.code)
    )
    missing_places = set(data.place_codes) - {r.code for r in places}
    if missing_places:
        errors.append(FieldError("places", f"行政区划 {'、'.join(sorted(missing_places))} 不存在"))
    values["_places"] = places

    scoped = enterprise_queryset(user=actor)
    if actor.role == Role.LIAISON:
        # A liaison officer records visits to the enterprises assigned to them.
        assigned = Assignment.enterprises_of(actor.official_id)
        scoped = scoped.filter(pk__in=assigned)
    wanted = [a.enterprise_id for a in data.attendance]
    enterprises = scoped.in_bulk(wanted)
    for index, attendance in enumerate(data.attendance, start=1):
        if attendance.enterprise_id not in enterprises:
            errors.append(
                FieldError(
                    f"enterprises.{index}", f"企业 {attendance.enterprise_id} 不存在或不在您的权限范围内"
                )
            )
    if len(set(wanted)) != len(wanted):
        errors.append(FieldError("enterprises", "同一家企业填写了两次"))
    if data.kind in (VisitKind.LIAISON, VisitKind.CALL) and len(wanted) != 1:
        errors.append(FieldError("enterprises", "走访和电话联系记录一家企业"))
    values["_attendance"] = [
        (enterprises[a.enterprise_id], a) for a in data.attendance if a.enterprise_id in enterprises
    ]
    held = (
        set(
            VisitPolicy.objects.filter(attendance__visit=visit).values_list(
                "attendance__enterprise_id", "policy_id"
            )
        )
        if visit is not None
        else set()
    )
    errors += _policy_answer_errors(actor, data.attendance, held)

    projects = project_queryset(user=actor).in_bulk(data.project_ids)
    if set(data.project_ids) - set(projects):
        errors.append(FieldError("projects", "项目不存在或不在您的权限范围内"))
    values["_projects"] = list(projects.values())

    # The record belongs to the place visited: the first place, else the first enterprise's region,
    # else the recorder's jurisdiction.
    region = places[0] if places else None
    if region is None and enterprises:
        region = next(iter(enterprises.values())).region
    if region is None and jurisdiction:
        region = Region.objects.filter(pk=jurisdiction).first()
    if region is None:
        errors.append(FieldError("places", "请填写地点"))
    elif not code_within(jurisdiction, region.code) and actor.role != Role.LIAISON:
        errors.append(FieldError("places", f"{region.name}不在您的管辖范围内"))
    values["region"] = region
    values["summary"] = (data.summary or "").strip()
    values["no_problems"] = bool(data.no_problems)
    if data.no_problems and said:
        # "No problems" and a problem in the same record cannot both be true.
        errors.append(FieldError("no_problems", NO_PROBLEMS_WITH_CASES))
    values["source_note"] = (data.source_note or "").strip()
    errors += length_errors(Visit, {name: values[name] for name in ("title", "summary", "source_note")})
    for index, attendance in enumerate(data.attendance, start=1):
        errors += length_errors(
            VisitEnterprise,
            {name: getattr(attendance, name) or "" for name in ATTENDANCE_TEXT},
            prefix=f"enterprises.{index}.",
        )
    if errors:
        raise ValidationFailed(errors)
    return values


def _own_liaison_record(actor: User, kind: str, official_id: int) -> bool:
    """A liaison officer logging their own visit or call is not held up by a post record the
    registry lacks: who they are is known from their account."""
    return (
        actor.role == Role.LIAISON
        and actor.official_id == official_id
        and kind in (VisitKind.LIAISON, VisitKind.CALL)
    )


@dataclass
class VisitResult:
    visit: Visit
    cases: list[Case]


def may_edit(actor: User, visit: Visit) -> bool:
    """Whoever recorded the visit corrects it; so do coordinators and admins whose jurisdiction
    holds it. A leader's record is not rewritten by the people they visited."""
    if visit.recorded_by_id is not None and visit.recorded_by_id == actor.pk:
        return True
    return has_permission(actor, Permission.EDIT_VISITS) and code_within(
        jurisdiction_code(actor), visit.region_id
    )


def _members_snapshot(visit: Visit) -> dict[str, Any]:
    """What the audit keeps of a visit beyond its own fields: who went, where, whom they met."""
    return {
        **audit.snapshot(visit),
        "officials": [f"{p.official_id}:{p.role}" for p in visit.participants.order_by("position", "id")],
        "enterprises": sorted(visit.attendance.values_list("enterprise_id", flat=True)),
        # enterprise:policy:answer, as the policy check links them.
        "policies": sorted(
            f"{enterprise}:{policy}:{answer}"
            for enterprise, policy, answer in VisitPolicy.objects.filter(attendance__visit=visit).values_list(
                "attendance__enterprise_id", "policy_id", "answer"
            )
        ),
        "places": sorted(visit.places.values_list("pk", flat=True)),
        "projects": sorted(visit.projects.values_list("pk", flat=True)),
    }


def _write_members(visit: Visit, values: dict[str, Any]) -> None:
    """Officials, enterprises, places and projects as cleaned, replacing what was there. An
    enterprise kept on the visit keeps its row (and so its id)."""
    participants = values["_participants"]
    attendance = values["_attendance"]
    visit.participants.all().delete()
    VisitOfficial.objects.bulk_create(
        VisitOfficial(visit=visit, official=official, role=role, posts=posts, position=index)
        for index, (official, role, posts) in enumerate(participants)
    )
    kept = {row.enterprise_id: row for row in visit.attendance.all()}
    wanted = {enterprise.pk for enterprise, _ in attendance}
    visit.attendance.exclude(enterprise_id__in=wanted).delete()
    answers: dict[tuple[int, int], str] = {}
    for enterprise, item in attendance:
        row = kept.get(enterprise.pk) or VisitEnterprise(visit=visit, enterprise=enterprise)
        row.opinions = item.opinions.strip()
        row.policies_received = item.policies_received.strip()
        row.policies_unknown = item.policies_unknown.strip()
        row.policies_unobtainable = item.policies_unobtainable.strip()
        row.save()
        answers.update({(row.pk, answered.policy_id): answered.answer for answered in item.policies})
    _write_policy_answers(visit, answers)
    visit.places.set(values["_places"])
    visit.projects.set(values["_projects"])
    write_reach(
        visit, [visit.region_id, *(r.code for r in values["_places"]), *(e.region_id for e, _ in attendance)]
    )


def _write_policy_answers(visit: Visit, answers: dict[tuple[int, int], str]) -> None:
    """The policy checks' links as cleaned ((attendance row, policy) → answer), replacing what
    the visit's rows held: a link kept keeps its row, a changed answer is updated in place."""
    held = {
        (link.attendance_id, link.policy_id): link
        for link in VisitPolicy.objects.filter(attendance__visit=visit)
    }
    gone = [link.pk for key, link in held.items() if key not in answers]
    if gone:
        VisitPolicy.objects.filter(pk__in=gone).delete()
    changed = [link for key, link in held.items() if key in answers and link.answer != answers[key]]
    for link in changed:
        link.answer = answers[(link.attendance_id, link.policy_id)]
    if changed:
        VisitPolicy.objects.bulk_update(changed, ["answer"])
    VisitPolicy.objects.bulk_create(
        VisitPolicy(attendance_id=row_id, policy_id=policy_id, answer=answer)
        for (row_id, policy_id), answer in answers.items()
        if (row_id, policy_id) not in held
    )


def write_reach(visit: Visit, codes: Sequence[str]) -> None:
    """The regions the visit touched (its own, its places', its enterprises'), which scoping reads
    (VisitRegion). An enterprise that later moves does not move the visit: it was visited there."""
    wanted = set(codes)
    had = set(VisitRegion.objects.filter(visit=visit).values_list("region_id", flat=True))
    if had - wanted:
        VisitRegion.objects.filter(visit=visit, region_id__in=had - wanted).delete()
    VisitRegion.objects.bulk_create(VisitRegion(visit=visit, region_id=code) for code in sorted(wanted - had))


def _store_attachments(visit: Visit, actor: User, files: Sequence[UploadedFile]) -> None:
    for upload in files:
        VisitAttachment.objects.create(
            visit=visit,
            file=upload,
            name=stored_name(upload),
            size=upload.size or 0,
            content_type=(upload.content_type or "")[:100],
            uploaded_by=actor if actor.pk else None,
        )


def _file_cases(
    *, actor: User, visit: Visit, said: Sequence[SaidThere], source: str
) -> tuple[list[Case], list[FieldError]]:
    """What was said there, filed as cases sourced to the visit, each by the visit's authority
    (case_services.Origin.VISIT: instructions by its lead officials, demands of its enterprises,
    all read through the recorder's scope). Errors name the case by its position
    (cases.2.title); the caller rolls everything back if there are any."""
    cases: list[Case] = []
    errors: list[FieldError] = []
    for index, item in enumerate(said, start=1):
        if item.kind not in (Kind.INSTRUCTION, Kind.DEMAND):
            errors.append(FieldError(f"cases.{index}.kind", "应为 instruction（交办）或 demand（诉求）"))
            continue
        try:
            with transaction.atomic():
                cases.append(
                    case_services.case_create(
                        actor=actor,
                        data=case_services.NewCase(
                            kind=item.kind,
                            title=item.title,
                            description=item.description or item.title,
                            category_id=item.category_id,
                            enterprise_id=item.enterprise_id,
                            issued_by_id=item.issued_by_id,
                            source=CASE_SOURCE[VisitKind(visit.kind)],
                            source_note=visit.title,
                            lead_department_id=item.lead_department_id,
                            co_department_ids=item.co_department_ids,
                            deadline=item.deadline,
                            visit_id=visit.pk,
                        ),
                        source=source,
                        origin=case_services.Origin.VISIT,
                    )
                )
        except ValidationFailed as failure:
            errors += [FieldError(f"cases.{index}.{e.field}", e.message) for e in failure.errors]
        except PermissionDenied as refusal:
            errors.append(FieldError(f"cases.{index}", refusal.message))
    return cases, errors


def _refuse_likely_duplicate(actor: User, kind: str, values: dict[str, Any], *, exclude_id: int) -> None:
    found = likely_duplicates(
        user=actor,
        kind=kind,
        lead_official_ids=[
            official.pk for official, role, _ in values["_participants"] if role == VisitOfficial.Role.LEAD
        ],
        start=values["start_date"],
        end=values["end_date"],
        enterprise_ids=[enterprise.pk for enterprise, _ in values["_attendance"]],
        exclude_id=exclude_id,
    )
    if found:
        raise LikelyDuplicate(found)


@transaction.atomic
def visit_create(
    *,
    actor: User,
    data: VisitData,
    said: Sequence[SaidThere] = (),
    attachments: Sequence[UploadedFile] = (),
    source: str = "",
    confirm_duplicate: bool = False,
) -> VisitResult:
    """Record a visit and turn what was said there into cases, all or nothing. A case that
    cannot be filed is named by its position: cases.2.title. A visit that looks already recorded
    (see selectors.likely_duplicates) is refused with LikelyDuplicate unless `confirm_duplicate`:
    the web form, the liaison log and the API all ask the same question here."""
    values = _clean(actor, data, said)
    upload_errors = check_uploads(attachments)
    if upload_errors:
        raise ValidationFailed(upload_errors)
    fields = {key: value for key, value in values.items() if not key.startswith("_")}
    visit = Visit(kind=data.kind, recorded_by=actor if actor.pk else None, **fields)
    # Set once, when the visit is recorded: an edit later never changes how it came in.
    visit.source = data.recorded_from if data.recorded_from in VisitSource.values else VisitSource.MANUAL
    search.fill(visit)
    visit.save(force_insert=True)
    _write_members(visit, values)
    _store_attachments(visit, actor, attachments)
    audit.record(actor=actor, instance=visit, action=AuditEntry.Action.CREATE, source=source)
    cases, errors = _file_cases(actor=actor, visit=visit, said=said, source=source)
    if errors:
        raise ValidationFailed(errors)  # rolls back the visit with the cases
    if not confirm_duplicate:
        # Asked last, so a record with mistakes gets them first and the question once; raising
        # here rolls the visit and its cases back like any refusal.
        _refuse_likely_duplicate(actor, data.kind, values, exclude_id=visit.pk)
    return VisitResult(visit=visit, cases=cases)


@transaction.atomic
def visit_update(
    *,
    actor: User,
    visit_id: int,
    data: VisitData,
    expected_version: int | None,
    said: Sequence[SaidThere] = (),
    attachments: Sequence[UploadedFile] = (),
    source: str = "",
) -> VisitResult:
    """Correct a visit's record and add what was said there but not yet filed. Cases already
    filed keep their own life (they are answered, not rewritten), so an enterprise whose demand
    came from this visit stays on it, and the kind cannot change once cases carry its source."""
    visit = lock(visit_queryset(user=actor), visit_id)
    if not may_edit(actor, visit):
        raise PermissionDenied("只有登记人或本地区的营商办（管理员）可以修改这条记录")
    check_version(visit, expected_version)
    values = _clean(actor, data, said, visit)
    errors = check_uploads(attachments)
    filed = Case.objects.filter(visit=visit)
    if data.kind != visit.kind and filed.exists():
        errors.append(FieldError("kind", "本次记录已有事项，不能改变类型"))
    kept = {enterprise.pk for enterprise, _ in values["_attendance"]}
    for case in (
        filed.exclude(enterprise__isnull=True).exclude(enterprise_id__in=kept).select_related("enterprise")
    ):
        errors.append(
            FieldError("enterprises", f"{case.enterprise}在本次提出了诉求（#{case.pk}），不能从记录中移除")
        )
    if errors:
        raise ValidationFailed(errors)
    before = _members_snapshot(visit)
    for key, value in values.items():
        if not key.startswith("_"):
            setattr(visit, key, value)
    visit.version += 1
    search.fill(visit)
    visit.save()
    _write_members(visit, values)
    _store_attachments(visit, actor, attachments)
    after = _members_snapshot(visit)
    changes = audit.diff(before, after)
    changes.pop("version", None)
    if attachments:
        changes["attachments"] = [None, [stored_name(upload) for upload in attachments]]
    audit.record(actor=actor, instance=visit, action=AuditEntry.Action.UPDATE, source=source, changes=changes)
    cases, errors = _file_cases(actor=actor, visit=visit, said=said, source=source)
    if errors:
        raise ValidationFailed(errors)
    return VisitResult(visit=visit, cases=cases)
