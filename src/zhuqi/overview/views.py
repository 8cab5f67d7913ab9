"""The pages that show several apps at once: the workbench, the sign-in page with the demo
accounts, the account page, the audit log of every app's records, the region tree with its
enterprise counts and the project and agreement figures. They live here, above every app, so that
no app has to import one above it (docs/architecture.md)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from zhuqi.cases import selectors as case_selectors
from zhuqi.chains import figures as chain_figures
from zhuqi.chains import selectors as chain_selectors
from zhuqi.core import audit, selectors, services
from zhuqi.core.auth import request_user
from zhuqi.core.errors import FieldError, NotFound, PermissionDenied, ServiceError, ValidationFailed
from zhuqi.core.filtersets import AuditFilterSet, field_choices, object_type_choices
from zhuqi.core.forms import error_text
from zhuqi.core.models import AuditEntry
from zhuqi.core.navigation import page_for
from zhuqi.core.roles import Role
from zhuqi.core.scoping import jurisdiction_code
from zhuqi.core.validators import parse_id
from zhuqi.demo import dataset
from zhuqi.directory import selectors as directory_selectors
from zhuqi.directory import services as directory_services
from zhuqi.directory.models import Region, User
from zhuqi.enterprises import selectors as enterprise_selectors
from zhuqi.enterprises.selectors import enterprise_counts_by_region
from zhuqi.investment import figures as agreement_figures
from zhuqi.projects import figures
from zhuqi.taskforces.report_views import reporting_panel
from zhuqi.visits import selectors as visit_selectors


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        context = super().get_context_data(**kwargs)
        context["demo_usernames"] = dataset.DEMO_USERNAMES if dataset.is_loaded() else ()
        context["demo_password"] = dataset.DEMO_PASSWORD
        return context


@login_required
def workbench(request: HttpRequest) -> HttpResponse:
    """One page per role: what this user works on, from the records (sparse until the cases,
    visits and projects land)."""
    user = request_user(request)
    enterprises = enterprise_selectors.enterprise_queryset(user=user)
    context: dict[str, object] = {
        "enterprise_count": enterprises.count(),
        "above_scale_count": enterprises.filter(above_scale=True).count(),
    }
    context["case_counts"] = case_counts = case_selectors.open_counts(user=user)
    context["waiting"] = case_selectors.waiting_on(user=user)[:8]
    if case_counts["waiting_joint"]:
        # One entry per joint handling, whatever its number of members (its page answers all).
        context["joint_waiting"] = case_selectors.joint_waiting_first(user=user, size=8)
    if user.role == Role.LIAISON or user.official_id:
        context["assignments"] = enterprise_selectors.my_assignments(user=user)
    if user.role in (Role.LEADER, Role.COORDINATOR, Role.HANDLER):
        context["my_visits"] = visit_selectors.my_visits_summary(user=user, today=timezone.localdate())
    if user.role == Role.ENTERPRISE and user.enterprise_id:
        context["own_enterprise"] = enterprises.first()
    if user.role in (Role.ENTERPRISE, Role.LIAISON):
        # 待整改隐患: what the enterprise must rectify, by when (its liaison officer helps).
        context["hazards"] = case_selectors.hazards_to_rectify(user=user)[:20]
        # 专项行动报送: this period of each campaign the user reports for, and whether reported.
        context["reporting"] = reporting_panel(user)
    if selectors.can_read_audit(user):
        context["recent_audit"] = selectors.audit_queryset(user=user)[:10]
    context["led_chains"] = _led_chains(user)
    return render(request, "overview/workbench.html", context)


def _led_chains(user: User) -> list[dict[str, object]]:
    """The chain chief's card: each chain they lead or deputise, its figures today and what
    changed in the last seven days."""
    chains = list(chain_selectors.led_chains(user=user)[:5]) if user.official_id else []
    if not chains:
        return []
    ids = [chain.pk for chain in chains]
    members = chain_selectors.member_figures(ids)
    columns = chain_figures.registered_columns()
    values = chain_figures.column_values(user, ids)
    changes = chain_selectors.chain_changes(
        user=user, chains=chains, since=timezone.now() - datetime.timedelta(days=7)
    )
    return [
        {
            "chain": chain,
            "is_chief": chain.chief_id == user.official_id,
            "figures": members[chain.pk],
            "columns": [(column, values[column.key].get(chain.pk)) for column in columns],
            "changes": changes[chain.pk],
        }
        for chain in chains
    ]


AUDIT_FILTER_LABELS = {
    "actor": "操作人账号",
    "date_from": "起始日期",
    "date_to": "截止日期",
    "object_type": "对象类型",
    "object_id": "对象编号",
    "action": "操作",
    "field": "字段",
}


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not selectors.can_read_audit(user):
        raise PermissionDenied()
    filterset = AuditFilterSet(request.GET, queryset=selectors.audit_queryset(user=user))
    if filterset.is_valid():
        queryset = filterset.qs
    else:
        # A filter that cannot be read filters nothing in: say which, show no rows.
        for name, errors in filterset.errors.items():
            messages.error(
                request,
                _("筛选条件有误：%(field)s %(errors)s")
                % {"field": _(AUDIT_FILTER_LABELS.get(name, name)), "errors": " ".join(errors)},
            )
        queryset = filterset.queryset.none()
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    shown = audit.with_visible_changes(
        page.object_list, show_personal=enterprise_selectors.can_see_contacts(user)
    )
    params = request.GET.copy()
    params.pop("page", None)
    filters = {name: request.GET.get(name, "") for name in AUDIT_FILTER_LABELS}
    return render(
        request,
        "core/audit_log.html",
        {
            "page": page,
            "entries": shown,
            "filters": filters,
            "object_types": object_type_choices(),
            "fields": field_choices(filters["object_type"]) if filters["object_type"] else [],
            "actions": AuditEntry.Action.choices,
            "querystring_base": params.urlencode() + "&" if params else "",
        },
    )


@login_required
@page_for("account")
def account(request: HttpRequest) -> HttpResponse:
    """My account: a new password (the only thing open while an admin's forced reset is pending),
    and my API tokens, each revocable."""
    user = request_user(request)
    forced = user.must_change_password
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            if request.POST.get("revoke") and not forced:
                token_id = parse_id(request.POST.get("revoke", ""))
                if token_id is None:
                    raise Http404
                services.token_revoke(actor=user, token_id=token_id, source="web")
                messages.success(request, _("令牌已吊销，使用它的程序将无法再访问接口"))
                return redirect("account")
            new_password = request.POST.get("new_password", "")
            if new_password != request.POST.get("new_password_again", ""):
                raise ValidationFailed([FieldError("new_password_again", _("两次输入的新密码不一致"))])
            directory_services.password_change(
                actor=user,
                user=user,
                new_password=new_password,
                # After a forced reset the admin's word replaces the old password.
                current_password=None if forced else request.POST.get("current_password", ""),
                source="web",
            )
        except ValidationFailed as error:
            for problem in error.errors:
                errors.setdefault(problem.field, []).append(problem.message)
        except (NotFound, PermissionDenied):
            raise  # the 404 or 403 page, as the API answers (docs/visibility.md)
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            # This browser stays signed in; every other session ended with the old password.
            update_session_auth_hash(request, user)
            messages.success(request, _("密码已修改。其他设备上的登录已退出，原有的API令牌已全部吊销"))
            return redirect("workbench" if forced else "account")
    return render(
        request,
        "core/account.html",
        {
            "forced": forced,
            "errors": errors,
            "tokens": [] if forced else selectors.live_tokens(user=user),
            "token_ttl_days": settings.ZHUQI_TOKEN_TTL_DAYS,
        },
        status=422 if errors else 200,
    )


@login_required
@page_for("region-tree")
def region_tree(request: HttpRequest) -> HttpResponse:
    """The GB/T 2260 tree, opened at the user's jurisdiction; children load on demand (htmx)."""
    root = jurisdiction_code(request_user(request))
    ancestors = directory_selectors.region_ancestors(root) if root else []
    parent = root or None
    nodes = directory_selectors.region_nodes(
        parent=parent, counts=enterprise_counts_by_region(user=request_user(request), parent=parent)
    )
    return render(
        request, "directory/region_tree.html", {"ancestors": ancestors, "nodes": nodes, "root": root}
    )


@login_required
@page_for("region-tree")
def region_children(request: HttpRequest, code: str) -> HttpResponse:
    if not Region.objects.filter(code=code).exists():
        raise Http404
    counts = enterprise_counts_by_region(user=request_user(request), parent=code)
    nodes = directory_selectors.region_nodes(parent=code, counts=counts)
    return render(request, "directory/region_nodes.html", {"nodes": nodes})


@login_required
@page_for("project-figures")
def project_figures_page(request: HttpRequest) -> HttpResponse:
    """项目与协议统计: the project figures and the agreement funnel, per region, department or
    level, with their definitions, ranked and charted."""
    user = request_user(request)
    today = timezone.localdate()
    params = request.GET
    year_text = params.get("year") or str(today.year)
    by_text = params.get("by") or ""
    group_by = params.get("group_by") or "region"
    project_result = agreement_result = None
    try:
        year = int(year_text)
        by_date = datetime.date.fromisoformat(by_text) if by_text else None
        project_result = figures.project_figures(
            user=user, year=year, by_date=by_date, group_by=group_by, sort=params.get("sort", "")
        )
        agreement_result = agreement_figures.agreement_figures(
            user=user, year=year, group_by="department" if group_by == "department" else "region"
        )
    except ValueError:
        messages.error(request, _("年度或截止日期有误：年度如 2026，日期如 2026-06-30"))
    except (NotFound, PermissionDenied):
        raise  # the 404 or 403 page, as the API answers (docs/visibility.md)
    except ServiceError as error:
        # The filters are no form: the service's names for them are what the page's query says.
        messages.error(request, error_text(error, str))
    chart = None
    if project_result and project_result.rows:
        names = [row.name for row in project_result.rows]
        chart = {
            "tooltip": {"trigger": "axis"},
            "legend": {"data": [_("开工率"), _("投资完成率")]},
            "grid": {"left": 50, "right": 20, "bottom": 80},
            "xAxis": {"type": "category", "data": names, "axisLabel": {"rotate": 30}},
            "yAxis": {"type": "value", "max": 100, "axisLabel": {"formatter": "{value}%"}},
            "series": [
                {
                    "name": _("开工率"),
                    "type": "bar",
                    "data": [round((row.start_rate or 0) * 100, 1) for row in project_result.rows],
                },
                {
                    "name": _("投资完成率"),
                    "type": "bar",
                    "data": [round((row.investment_rate or 0) * 100, 1) for row in project_result.rows],
                },
            ],
        }
    return render(
        request,
        "projects/figures.html",
        {
            "projects": project_result,
            "agreements": agreement_result,
            "definitions": figures.DEFINITIONS,
            "agreement_definitions": agreement_figures.DEFINITIONS,
            "group_by_choices": figures.GROUP_BY.items(),
            "sorts": figures.SORTS.items(),
            "filters": params,
            "year": year_text,
            "chart": chart,
        },
    )
