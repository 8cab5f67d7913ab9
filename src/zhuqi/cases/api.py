from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Form, Query, Router, Schema, Status
from ninja.pagination import paginate

from zhuqi.cases import figures, joint, schemas, selectors, services, splits
from zhuqi.cases.common_problems import GROUPED_KINDS, common_problems
from zhuqi.cases.filtersets import CaseFilterSet, JointHandlingFilterSet
from zhuqi.cases.models import Case, Kind, Step
from zhuqi.cases.services import NewCase, StepInput
from zhuqi.core import search
from zhuqi.core.auth import request_user
from zhuqi.core.errors import PermissionDenied
from zhuqi.core.filtersets import FilterQuery
from zhuqi.core.pagination import (
    IdsThenRows,
    JsonRows,
    LazyPage,
    PageNumberPagination,
    TrustedPage,
    paginated,
)
from zhuqi.core.permissions import Permission, has_permission
from zhuqi.core.queries import IsoDate, RecordId, RegionCode, RegionCodeOrBlank, choices_schema

router = Router(tags=["cases"])


class CaseFilters(FilterQuery):
    filterset = CaseFilterSet


def _result(request: HttpRequest, case_id: int) -> dict[str, Any]:
    case = selectors.case_get(user=request_user(request), case_id=case_id)
    return schemas.case_json(case, with_co_departments=True)


@router.get("", response=list[schemas.CaseOut], summary="List cases in your scope")
@paginated
def list_cases(request: HttpRequest, filters: Query[CaseFilters]) -> Any:
    """Newest first, without co-departments (one case's answer lists them)."""
    counted, paged = filters.apply_each(*selectors.case_list_querysets(user=request_user(request)))
    return TrustedPage(counted, schemas.case_row_json, paged=case_rows_sent(paged))


def case_rows_sent(paged: QuerySet[Case]) -> IdsThenRows | JsonRows:
    """The page the list sends, read from `paged` (bench/word_search_bench.py reads it so too)."""
    columns = schemas.CASE_ROW_COLUMNS
    if search.word_searched(paged):
        # The page's ids from the case table alone, then the columns and joins for those 50: a
        # word common in a prefecture (11k of 2M cases) was otherwise joined row by row before
        # the sort that kept 50 of them (68 ms on PostgreSQL, against 7 for the ids).
        return IdsThenRows(paged, JsonRows(Case.objects.values(*columns)))
    # Walking the date index, the page is the first 50 rows the walk keeps: one query.
    return JsonRows(paged.values(*columns))


@router.post(
    "", response={201: schemas.CaseOut}, summary="File a demand, issue an instruction, record a hazard"
)
def create_case(request: HttpRequest, payload: schemas.CaseIn) -> Status:
    case = services.case_create(
        actor=request_user(request),
        data=NewCase(
            kind=payload.kind,
            title=payload.title,
            description=payload.description,
            enterprise_id=payload.enterprise,
            category_id=payload.category,
            urgency=payload.urgency,
            complexity=payload.complexity,
            source=payload.source,
            source_note=payload.source_note,
            issued_by_id=payload.issued_by,
            region_code=payload.region,
            rule_breached=payload.rule_breached,
            evidence=payload.evidence,
            lead_department_id=payload.lead_department,
            co_department_ids=payload.co_departments,
            deadline=payload.deadline,
        ),
        source="api",
    )
    return Status(201, _result(request, case.pk))


class CommonProblemFilters(Schema):
    min_enterprises: int | None = Field(
        None, ge=2, le=1000, description="default: ZHUQI_COMMON_PROBLEM_MIN_ENTERPRISES"
    )
    category: RecordId | None = Field(None, description="a category; its subcategories are included")
    region: RegionCode | None = None
    kind: Annotated[str, choices_schema(GROUPED_KINDS)] = "demand"


# Before the /{case_id} routes, so the path is never read as an id.
@router.get(
    "/common-problems",
    response=schemas.CommonProblemsOut,
    summary="Common problems (共性问题): similar open demands across enterprises",
)
def list_common_problems(request: HttpRequest, filters: Query[CommonProblemFilters]) -> dict[str, Any]:
    """Groups of open cases in your scope that describe one problem, spanning at least
    `min_enterprises` enterprises, most enterprises first. Coordinators, leaders and admins."""
    result = common_problems(user=request_user(request), **filters.dict())
    return schemas.common_problems_json(result)


@router.get(
    "/common-problems/splits",
    response=list[schemas.GroupingSplitOut],
    summary="Cases split out of their common-problem groups (共性问题拆分), newest first",
)
@paginate(PageNumberPagination)
def list_grouping_splits(request: HttpRequest) -> Any:
    return LazyPage(splits.split_list(user=request_user(request)), schemas.grouping_split_json)


@router.post(
    "/common-problems/splits",
    response={201: schemas.GroupingSplitOut},
    summary="Split a case out of its common-problem group: it never groups with those cases again",
)
def create_grouping_split(request: HttpRequest, payload: schemas.GroupingSplitIn) -> Status:
    """Coordinators and admins; the case and the others must be in your scope (404 otherwise)."""
    split = services.grouping_split(
        actor=request_user(request),
        case_id=payload.case,
        other_ids=payload.others,
        label=payload.label,
        source="api",
    )
    return Status(201, schemas.grouping_split_json(split))


@router.delete(
    "/common-problems/splits/{int:split_id}",
    response={204: None},
    summary="Undo a split: the case may group with those cases again",
)
def delete_grouping_split(request: HttpRequest, split_id: int) -> Status:
    services.grouping_split_undo(actor=request_user(request), split_id=split_id, source="api")
    return Status(204, None)


class FigureQuery(Schema):
    group_by: str = Field("department", description="department / region")
    kind: Annotated[str, choices_schema(Kind)] = "demand"
    period: str = Field(
        "", description="month / quarter / year / last_month / last_quarter / last_year (default: month)"
    )
    start: IsoDate | None = Field(None, alias="from", description="first day; with `to`, wins over period")
    end: IsoDate | None = Field(None, alias="to", description="last day, inclusive")
    region: RegionCodeOrBlank = Field(
        "", description="only this region and what lies under it; region rows are its subdivisions"
    )
    level: str = Field("", description="region rows at this level: province / prefecture / county")
    sort: str = Field(
        "", description="rank by response_rate / answer_rate / resolution_rate / satisfaction_rate"
    )


class FigureRowOut(Schema):
    key: str | int | None
    name: str
    cases: int
    response_due: int
    responded_on_time: int
    response_rate: float | None
    answer_due: int
    answered_on_time: int
    answer_rate: float | None
    demands_due: int
    resolved: int
    partly_resolved: int
    not_resolvable: int
    disputed: int
    unanswered: int
    resolution_rate: float | None
    ratings_given: int
    satisfied_ratings: int
    not_rated: int
    satisfaction_rate: float | None
    closed: int
    average_days_to_close: float | None
    open: int
    late: int
    escalated: int
    supervised: int
    flagged: int


class FiguresOut(Schema):
    period: dict[str, Any]
    group_by: str
    level: str
    region: dict[str, str] | None
    kind: Kind
    sort: str
    definitions_url: str
    definitions: dict[str, str]
    rows: list[FigureRowOut]
    total: FigureRowOut


@router.get(
    "/figures",
    response=FiguresOut,
    summary="Response, on-time answer, resolution and satisfaction rates per department or region",
)
def case_figures(request: HttpRequest, query: Query[FigureQuery]) -> dict[str, Any]:
    """Rates are fractions (0.9512), null when nothing was due; definitions at definitions_url."""
    result = figures.figures_for(
        user=request_user(request),
        period=figures.resolve_period(preset=query.period, start=query.start, end=query.end),
        group_by=query.group_by,
        kind=query.kind,
        region=query.region,
        level=query.level,
        sort=query.sort,
    )
    return figures.figures_json(
        result, definitions_url=request.build_absolute_uri(reverse("case-figures") + "#definitions")
    )


# ---------------------------------------------------------------------------------------------
# Joint handling (联合办理) of a common problem: steps taken once for every member demand


class JointFilters(FilterQuery):
    filterset = JointHandlingFilterSet


def _joint_result(request: HttpRequest, joint_id: int) -> dict[str, Any]:
    record = selectors.joint_get(user=request_user(request), joint_id=joint_id)
    return schemas.joint_json(record, members=selectors.joint_members(record))


@router.post("/joint", response={201: schemas.JointOut}, summary="Open a joint handling of a common problem")
def create_joint(request: HttpRequest, payload: schemas.JointIn) -> Status:
    """The member demands are accepted (if not yet) and assigned, each on its own case, to one
    lead department with one deadline. Coordinators (营商办/专班) of the demands' jurisdiction."""
    created = joint.joint_create(
        actor=request_user(request),
        data=joint.NewJoint(
            case_ids=payload.cases,
            lead_department_id=payload.lead_department,
            co_department_ids=payload.co_departments,
            title=payload.title,
            deadline=payload.deadline,
            comment=payload.comment,
        ),
        source="api",
    )
    return Status(201, _joint_result(request, created.pk))


@router.get("/joint", response=list[schemas.JointOut], summary="Joint handlings in your scope, newest first")
@paginated
def list_joints(request: HttpRequest, filters: Query[JointFilters]) -> Any:
    return TrustedPage(filters.apply(selectors.joint_list(user=request_user(request))), schemas.joint_json)


@router.get(
    "/joint/policy-questions",
    response=list[schemas.JointOut],
    summary="Policy questions: joint handlings no department can solve case by case",
)
@paginate(PageNumberPagination)
def list_policy_questions(request: HttpRequest) -> Any:
    user = request_user(request)
    if not has_permission(user, Permission.KEEP_POLICIES):
        raise PermissionDenied("政策性问题清单仅向负责政策的营商办（专班）和管理员开放")
    return LazyPage(selectors.policy_questions(user=user), schemas.joint_json)


@router.get(
    "/joint/{int:joint_id}", response=schemas.JointOut, summary="One joint handling, with its members"
)
def get_joint(request: HttpRequest, joint_id: int) -> dict[str, Any]:
    return _joint_result(request, joint_id)


@router.post(
    "/joint/{int:joint_id}/members", response=schemas.JointOut, summary="Add a demand to a joint handling"
)
def add_joint_member(request: HttpRequest, joint_id: int, payload: schemas.JointMemberIn) -> dict[str, Any]:
    """The demand is brought up to the joint handling's stage (accepted, assigned, answered)."""
    joint.joint_add_member(
        actor=request_user(request),
        joint_id=joint_id,
        expected_version=payload.version,
        case_id=payload.case,
        source="api",
    )
    return _joint_result(request, joint_id)


@router.post(
    "/joint/{int:joint_id}/members/remove",
    response=schemas.JointOut,
    summary="Take a demand out of a joint handling",
)
def remove_joint_member(
    request: HttpRequest, joint_id: int, payload: schemas.JointRemoveIn
) -> dict[str, Any]:
    joint.joint_remove_member(
        actor=request_user(request),
        joint_id=joint_id,
        expected_version=payload.version,
        case_id=payload.case,
        reason=payload.reason,
        source="api",
    )
    return _joint_result(request, joint_id)


@router.post(
    "/joint/{int:joint_id}/policy", response=schemas.JointOut, summary="Mark or unmark a policy question"
)
def mark_joint_policy(request: HttpRequest, joint_id: int, payload: schemas.JointPolicyIn) -> dict[str, Any]:
    joint.joint_mark_policy(
        actor=request_user(request),
        joint_id=joint_id,
        expected_version=payload.version,
        policy_question=payload.policy_question,
        note=payload.note,
        source="api",
    )
    return _joint_result(request, joint_id)


def _joint_step_endpoint(step: Step, payload_type: type[schemas.StepIn], name: str, summary: str) -> None:
    def endpoint(request: HttpRequest, joint_id: int, payload: schemas.StepIn) -> dict[str, Any]:
        joint.joint_take(
            step,
            actor=request_user(request),
            joint_id=joint_id,
            expected_version=payload.version,
            fields=payload.dict(),
            input=_step(payload),
            source="api",
        )
        return _joint_result(request, joint_id)

    endpoint.__name__ = endpoint.__qualname__ = f"joint_{name}"
    endpoint.__annotations__ = {**endpoint.__annotations__, "payload": payload_type}
    router.post(
        f"/joint/{{int:joint_id}}/{step.value}",
        response=schemas.JointOut,
        summary=f"Joint handling: {summary[0].lower()}{summary[1:]}, for every member",
    )(endpoint)


@router.get("/{int:case_id}", response=schemas.CaseOut, summary="One case")
def get_case(request: HttpRequest, case_id: int) -> dict[str, Any]:
    return _result(request, case_id)


@router.patch(
    "/{int:case_id}",
    response=schemas.CaseOut,
    summary="Correct a case's title, description, category or enterprise while it is open",
)
def correct_case(request: HttpRequest, case_id: int, payload: schemas.CaseCorrectionIn) -> dict[str, Any]:
    services.case_edit(
        actor=request_user(request),
        case_id=case_id,
        expected_version=payload.version,
        correction=services.CaseCorrection(
            title=payload.title,
            description=payload.description,
            category_id=payload.category,
            enterprise_id=payload.enterprise,
            reason=payload.reason,
        ),
        source="api",
    )
    return _result(request, case_id)


@router.get("/{int:case_id}/timeline", response=list[schemas.StepOut], summary="Every step of a case")
def case_timeline(request: HttpRequest, case_id: int) -> list[dict[str, Any]]:
    user = request_user(request)
    case = selectors.case_get(user=user, case_id=case_id)
    return [schemas.step_json(step) for step in selectors.timeline(user=user, case=case)]


def _step(payload: schemas.StepIn) -> StepInput:
    return StepInput(comment=payload.comment)


# One endpoint per step of the workflow's table, each calling the step's service with the
# payload's fields (named as in the table): the payload it reads, and its name and summary in
# the OpenAPI.
STEP_ENDPOINTS: list[tuple[Step, type[schemas.StepIn], str, str]] = [
    (Step.ACCEPT, schemas.StepIn, "accept", "Accept a demand (受理)"),
    (Step.REJECT, schemas.RejectIn, "reject", "Reject a demand, or merge a duplicate"),
    (Step.ASSIGN, schemas.AssignIn, "assign", "Assign to a lead department"),
    (Step.START, schemas.StepIn, "start", "Sign for a case (签收)"),
    (Step.RETURN, schemas.StepIn, "return_case", "Return a wrongly given case"),
    (Step.REQUEST_EXTENSION, schemas.ExtensionRequestIn, "request_extension", "Ask once for more time"),
    (
        Step.DECIDE_EXTENSION,
        schemas.ExtensionDecisionIn,
        "decide_extension",
        "Approve or refuse an extension",
    ),
    (Step.ANSWER, schemas.AnswerIn, "answer", "Answer a demand, with its outcome"),
    (Step.CONFIRM, schemas.ConfirmIn, "confirm", "The enterprise confirms and rates"),
    (
        Step.REPORT_COMPLETION,
        schemas.CompletionIn,
        "report_completion",
        "Report an instruction done or a hazard rectified",
    ),
    (Step.VERIFY, schemas.VerifyIn, "verify", "Accept a completion or re-inspect a hazard"),
    (Step.REOPEN, schemas.ReopenIn, "reopen", "Reopen a closed case"),
]


def _step_endpoint(step: Step, payload_type: type[schemas.StepIn], name: str, summary: str) -> None:
    def endpoint(request: HttpRequest, case_id: int, payload: schemas.StepIn) -> dict[str, Any]:
        services.take(
            step,
            fields=payload.dict(),
            actor=request_user(request),
            case_id=case_id,
            expected_version=payload.version,
            step=_step(payload),
            source="api",
        )
        return _result(request, case_id)

    endpoint.__name__ = endpoint.__qualname__ = name
    endpoint.__annotations__ = {**endpoint.__annotations__, "payload": payload_type}
    router.post(f"/{{int:case_id}}/{step.value}", response=schemas.CaseOut, summary=summary)(endpoint)


for _step_spec in STEP_ENDPOINTS:
    _step_endpoint(*_step_spec)
    if _step_spec[0] in joint.JOINT_STEPS:
        _joint_step_endpoint(*_step_spec)


@router.post("/{int:case_id}/notes", response={201: schemas.CaseOut}, summary="Add a comment and attachments")
def add_note(
    request: HttpRequest,
    case_id: int,
    comment: Form[str] = "",
) -> Status:
    """multipart/form-data: `comment`, and any number of `files`."""
    services.case_note(
        actor=request_user(request),
        case_id=case_id,
        step=StepInput(comment=comment, attachments=request.FILES.getlist("files")),
        source="api",
    )
    return Status(201, _result(request, case_id))
