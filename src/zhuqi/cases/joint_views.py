"""Joint handling pages (联合办理): opened from a common problem's group, one page where the lead
department answers once for every member, the list, and the policy questions. Thin: reads through
the selectors, writes through cases/joint.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhuqi.cases import joint, selectors
from zhuqi.cases.common_problems import can_see_common_problems
from zhuqi.cases.filtersets import JointHandlingFilterSet
from zhuqi.cases.forms import JointForm, JointMemberForm, JointPolicyForm, StepForm
from zhuqi.cases.models import STEP_LABELS, Case, Outcome, Status, UnresolvableReason
from zhuqi.cases.taking import StepInput
from zhuqi.cases.views import REQUIRED_CHOICES, STEP_DONE
from zhuqi.cases.workflow import SIDE_STEPS, is_coordinator
from zhuqi.core.auth import request_user
from zhuqi.core.errors import (
    FieldError,
    NotFound,
    PermissionDenied,
    ServiceError,
    StaleWrite,
    ValidationFailed,
)
from zhuqi.core.filtersets import page_filterset
from zhuqi.core.permissions import Permission, has_permission
from zhuqi.core.roles import Role
from zhuqi.core.validators import parse_id
from zhuqi.directory.models import User

PAGE_SIZE = 50
POLICY_QUESTIONS_REFUSED = "政策性问题清单仅向负责政策的营商办（专班）和管理员开放"
LIST_REFUSED = "联合办理仅向政府工作人员开放；企业请在本企业的诉求页面查看答复"


def _may_list(user: User) -> bool:
    return user.role not in (Role.ENTERPRISE, Role.LIAISON) or user.is_superuser


@login_required
def joint_list(request: HttpRequest) -> HttpResponse:
    """The joint handlings in scope (待办 first for whoever they wait on), newest first."""
    user = request_user(request)
    if not _may_list(user):
        raise PermissionDenied(LIST_REFUSED)
    params = request.GET.copy()
    params.pop("page", None)
    filterset = page_filterset(
        request, JointHandlingFilterSet(params, queryset=selectors.joint_list(user=user))
    )
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/joint_list.html",
        {
            "page": page,
            "waiting": selectors.joint_waiting_first(user=user, size=PAGE_SIZE),
            "statuses": [(s.value, s.label) for s in Status if s in _JOINT_STATUSES],
            "filters": request.GET,
            "querystring_base": params.urlencode() + "&" if params else "",
            "policy_view": False,
            "can_keep_policies": has_permission(user, Permission.KEEP_POLICIES),
            "can_see_common_problems": can_see_common_problems(user),
        },
    )


_JOINT_STATUSES = frozenset({Status.ASSIGNED, Status.RETURNED, Status.IN_PROGRESS, Status.ANSWERED})


@login_required
def policy_question_list(request: HttpRequest) -> HttpResponse:
    """The joint handlings marked as policy questions, for whoever keeps the policies."""
    user = request_user(request)
    if not has_permission(user, Permission.KEEP_POLICIES):
        raise PermissionDenied(POLICY_QUESTIONS_REFUSED)
    page = Paginator(selectors.policy_questions(user=user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/joint_list.html",
        {
            "page": page,
            "policy_view": True,
            "querystring_base": "",
            "filters": request.GET,
            "can_keep_policies": True,
            "can_see_common_problems": can_see_common_problems(user),
        },
    )


def _candidates(user: User, ids: list[int]) -> list[Case]:
    return list(selectors.case_queryset(user=user).filter(pk__in=ids).order_by("pk"))


@login_required
def joint_create(request: HttpRequest) -> HttpResponse:
    """发起联合办理: the group's demands, ticked (a coordinator may leave one out), a title (the
    group's label), the lead and co-departments, and the deadline if not by the rules."""
    user = request_user(request)
    if not is_coordinator(user):
        raise PermissionDenied(joint.CREATE_REFUSED)
    source = request.POST if request.method == "POST" else request.GET
    form = JointForm(source if request.method == "POST" else None, initial={"title": source.get("title", "")})
    # The group's demands, as the common-problems page linked them (and the form posts them back).
    offered = [pk for pk in map(parse_id, source.getlist("offered") or source.getlist("cases")) if pk]
    candidates = _candidates(user, offered)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = joint.joint_create(
                actor=user,
                data=joint.NewJoint(
                    case_ids=data["cases"],
                    lead_department_id=data["lead_department"],
                    co_department_ids=data["co_departments"],
                    title=data["title"],
                    deadline=data["deadline"],
                    comment=data["comment"],
                ),
                source="web",
            )
        except ValidationFailed as error:
            form.add_service_errors(error.errors)
        except (NotFound, PermissionDenied):
            raise  # the 404 or 403 page, as the API answers (docs/visibility.md)
        except ServiceError as error:
            form.add_error(None, form.error_text(error))
        else:
            messages.success(request, _("已发起联合办理：%(title)s") % {"title": created.title})
            return redirect("joint-detail", created.pk)
    ticked = set(form.cleaned_data.get("cases") or []) if form.is_bound else {c.pk for c in candidates}
    rows = [
        {"case": case, "ticked": case.pk in ticked, "problem": _problem(user, case)} for case in candidates
    ]
    departments = selectors.departments_for(user=user, case=candidates[0]) if candidates else []
    return render(
        request,
        "cases/joint_form.html",
        {
            "form": form,
            "rows": rows,
            "departments": departments,
            "joinable": sum(1 for row in rows if not row["problem"]),
        },
        status=400 if form.is_bound else 200,
    )


def _problem(user: User, case: Case) -> str:
    errors = joint.check_joinable(user, case)
    return errors[0].message if errors else ""


@login_required
def joint_detail(
    request: HttpRequest, joint_id: int, form: Any = None, *, posted_step: str = "", status: int | None = None
) -> HttpResponse:
    user = request_user(request)
    if not _may_list(user):
        raise NotFound()
    record = selectors.joint_get(user=user, joint_id=joint_id)
    steps = joint.steps_for(user, record)
    forward = [step for step in steps if step not in SIDE_STEPS]
    context: dict[str, Any] = {
        "joint": record,
        "co_departments": record.co_departments.all(),
        "members": selectors.joint_members(record),
        "timeline": selectors.joint_timeline(record),
        "steps": [(step, _(STEP_LABELS[step])) for step in steps],
        "primary_step": (forward or steps or [""])[0],
        "posted_step": posted_step,
        "posted": request.POST if posted_step else {},
        "form": form,
        "may_coordinate": joint.may_coordinate(user, record),
        "may_mark_policy": joint.may_coordinate(user, record) or joint.is_lead_handler(user, record),
        "outcomes": Outcome.choices,
        "unresolvable_reasons": UnresolvableReason.choices,
    }
    if "assign" in steps:
        first = selectors.joint_members(record).first()
        context["departments"] = selectors.departments_for(user=user, case=first) if first else []
    return render(request, "cases/joint_detail.html", context, status=status or (400 if form else 200))


@login_required
@require_POST
def joint_step(request: HttpRequest, joint_id: int, step: str) -> HttpResponse:
    """A step on the joint handling: the case step taken on each member."""
    user = request_user(request)
    if step not in joint.JOINT_STEPS:
        raise Http404
    form = StepForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(
            request,
            _("%(step)s未执行：%(problems)s")
            % {"step": STEP_LABELS[step], "problems": form.errors.as_text()},
        )
        return joint_detail(request, joint_id, form=form, posted_step=step)
    data = form.cleaned_data
    try:
        if step in REQUIRED_CHOICES:
            name, message = REQUIRED_CHOICES[step]
            if data[name] is None or data[name] == "":
                raise ValidationFailed([FieldError(name, message)])
        joint.joint_take(
            step,
            actor=user,
            joint_id=joint_id,
            expected_version=data["version"],
            fields=data,
            input=StepInput(comment=data["comment"], attachments=data["attachments"]),
            source="web",
        )
    except StaleWrite:
        messages.error(
            request, _("该联合办理刚被他人处理过，页面已显示最新状态；您填写的内容保留在下面，请确认后再提交")
        )
        return joint_detail(request, joint_id, posted_step=step, status=409)
    except ValidationFailed as error:
        form.add_service_errors(error.errors)
        messages.error(
            request,
            _("%(step)s未执行：%(problems)s")
            % {"step": STEP_LABELS[step], "problems": form.error_text(error)},
        )
        return joint_detail(request, joint_id, form=form, posted_step=step)
    except (NotFound, PermissionDenied):
        raise
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("joint-detail", joint_id)
    messages.success(request, STEP_DONE[step])
    return redirect("joint-detail", joint_id)


def _member_change(request: HttpRequest, joint_id: int, *, add: bool) -> HttpResponse:
    user = request_user(request)
    form = JointMemberForm(request.POST)
    form.is_valid()
    data = form.cleaned_data

    def change() -> None:
        if data.get("case") is None:
            raise ValidationFailed([FieldError("case", "请填写诉求编号")])
        if add:
            joint.joint_add_member(
                actor=user,
                joint_id=joint_id,
                expected_version=data.get("version"),
                case_id=data["case"],
                source="web",
            )
        else:
            joint.joint_remove_member(
                actor=user,
                joint_id=joint_id,
                expected_version=data.get("version"),
                case_id=data["case"],
                reason=data.get("reason", ""),
                source="web",
            )

    return _change_and_return(
        request, joint_id, form, change, _("已加入联合办理") if add else _("已移出联合办理")
    )


@login_required
@require_POST
def joint_member_add(request: HttpRequest, joint_id: int) -> HttpResponse:
    return _member_change(request, joint_id, add=True)


@login_required
@require_POST
def joint_member_remove(request: HttpRequest, joint_id: int) -> HttpResponse:
    return _member_change(request, joint_id, add=False)


@login_required
@require_POST
def joint_policy(request: HttpRequest, joint_id: int) -> HttpResponse:
    user = request_user(request)
    form = JointPolicyForm(request.POST)
    form.is_valid()
    data = form.cleaned_data

    def mark() -> None:
        joint.joint_mark_policy(
            actor=user,
            joint_id=joint_id,
            expected_version=data.get("version"),
            policy_question=bool(data.get("policy_question")),
            note=data.get("note", ""),
            source="web",
        )

    return _change_and_return(request, joint_id, form, mark, _("政策性问题标记已保存"))


def _change_and_return(
    request: HttpRequest, joint_id: int, form: Any, change: Callable[[], None], done: str
) -> HttpResponse:
    """Make a change of the joint handling's page (members, the policy mark) and go back to
    the page, saying what happened or why not."""
    try:
        change()
    except (NotFound, PermissionDenied):
        raise
    except StaleWrite:
        messages.error(request, _("该联合办理刚被他人处理过，请查看最新状态后再操作"))
    except ServiceError as error:
        messages.error(request, form.error_text(error))
    else:
        messages.success(request, done)
    return redirect("joint-detail", joint_id)
