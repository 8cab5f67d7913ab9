"""The routing catalogue, the deadline rules, the categories and the reply templates: everyone who
routes reads them on one page (派单目录), admins keep them. Each form on the page posts to its own
view; a refused change shows the page again with the reason."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhuqi.cases import deadlines, selectors, services
from zhuqi.cases.forms import (
    CategoryForm,
    DeadlinePolicyForm,
    ReplyTemplateForm,
    RoutingRuleForm,
    category_choices,
)
from zhuqi.cases.models import Kind, Urgency
from zhuqi.core import navigation
from zhuqi.core.auth import request_user
from zhuqi.core.errors import NotFound, PermissionDenied, ServiceError
from zhuqi.core.forms import Form
from zhuqi.core.roles import Role
from zhuqi.core.validators import parse_id
from zhuqi.directory.models import User


def _may_read_configuration(user: User) -> bool:
    return navigation.may_open(user, "routing-rules")


def _is_admin(user: User) -> bool:
    return user.role == Role.ADMIN or user.is_superuser


def _keeper(request: HttpRequest) -> User:
    """The admin changing the catalogue; anyone else is refused with the 403 page."""
    user = request_user(request)
    if not _may_read_configuration(user):
        raise PermissionDenied()
    if not _is_admin(user):
        raise PermissionDenied("只有系统管理员可以修改派单目录和时限规则")
    return user


def _refused(request: HttpRequest, form: Form, error: ServiceError) -> HttpResponse:
    messages.error(request, _("未保存：%(reason)s") % {"reason": form.error_text(error)})
    return _page(request, request_user(request))


@login_required
def routing_rules(request: HttpRequest) -> HttpResponse:
    """The page; its own form keeps the routing rules (save, or delete with the row's button)."""
    user = request_user(request)
    if not _may_read_configuration(user):
        raise PermissionDenied()
    if request.method != "POST":
        return _page(request, user)
    user = _keeper(request)
    form = RoutingRuleForm(request.POST)
    form.is_valid()  # every field is read as posted; the service judges them
    data = form.cleaned_data
    try:
        if data["delete"] and data["rule"]:
            services.routing_rule_delete(actor=user, rule_id=data["rule"], source="web")
            messages.success(request, _("已删除"))
        else:
            services.routing_rule_save(
                actor=user,
                rule_id=data["rule"],
                data=services.RoutingRuleData(
                    region_code=data["region"],
                    category_id=data["category"],
                    lead_department_id=data["lead_department"],
                    co_department_ids=data["co_departments"],
                    keywords=data["keywords"],
                    order=data["order"] or 0,
                ),
                source="web",
            )
            messages.success(request, _("派单目录已保存"))
    except (NotFound, PermissionDenied):
        raise  # the 404 or 403 page, as the API answers (docs/visibility.md)
    except ServiceError as error:
        return _refused(request, form, error)
    return redirect("routing-rules")


def _page(request: HttpRequest, user: User) -> HttpResponse:
    rules = selectors.routing_catalogue(user=user)
    edit = parse_id(request.GET.get("edit", ""))
    editing = rules.filter(pk=edit).first() if edit else None
    context: dict[str, Any] = {
        "rules": rules,
        "editing": editing,
        "editing_co": [d.pk for d in editing.co_departments.all()] if editing else [],
        "can_edit": _is_admin(user),
        "categories": category_choices(),
        "policies": selectors.deadline_policies(),
        "escalation_thresholds": {str(level): days for level, days in deadlines.ESCALATION_THRESHOLDS},
        "all_categories": selectors.category_tree(),
        "reply_templates": selectors.all_reply_templates(),
        "kinds": Kind.choices,
        "urgencies": Urgency.choices,
    }
    return render(request, "cases/routing_rules.html", context)


def _keep(
    request: HttpRequest, form_class: type[Form], change: Callable[[User, dict[str, Any]], object]
) -> HttpResponse:
    """An admin's change to the catalogue: the form's values as posted go to `change` (a service,
    which judges them); a refusal shows the page again with the reason."""
    user = _keeper(request)
    form = form_class(request.POST)
    form.is_valid()  # every field is read as posted; the service judges them
    try:
        change(user, form.cleaned_data)
    except (NotFound, PermissionDenied):
        raise  # the 404 or 403 page, as the API answers (docs/visibility.md)
    except ServiceError as error:
        return _refused(request, form, error)
    messages.success(request, _("已保存"))
    return redirect("routing-rules")


@login_required
@require_POST
def category_save(request: HttpRequest) -> HttpResponse:
    """Add a category, or rename, retire or restore one."""
    return _keep(
        request,
        CategoryForm,
        lambda user, data: services.category_save(
            actor=user,
            category_id=data["category"],
            name=data["name"],
            parent_id=data["parent"],
            order=data["order"] or 0,
            is_active=data["is_active"],
            source="web",
        ),
    )


@login_required
@require_POST
def reply_template_save(request: HttpRequest) -> HttpResponse:
    return _keep(
        request,
        ReplyTemplateForm,
        lambda user, data: services.reply_template_save(
            actor=user,
            template_id=data["template"],
            title=data["title"],
            text=data["text"],
            category_id=data["category"],
            source="web",
        ),
    )


@login_required
@require_POST
def reply_template_delete(request: HttpRequest) -> HttpResponse:
    def delete(user: User, data: dict[str, Any]) -> None:
        if data["template"] is None:
            raise NotFound
        services.reply_template_delete(actor=user, template_id=data["template"], source="web")

    return _keep(request, ReplyTemplateForm, delete)


@login_required
@require_POST
def deadline_policy_save(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form = DeadlinePolicyForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    try:
        services.deadline_policy_save(
            actor=user,
            kind=data["kind"],
            urgency=data["urgency"],
            category_id=data["category"],
            response_days=data["response_days"],
            simple_days=data["simple_days"],
            complex_days=data["complex_days"],
            source="web",
        )
    except (NotFound, PermissionDenied):
        raise  # the 404 or 403 page, as the API answers (docs/visibility.md)
    except ServiceError as error:
        messages.error(request, _("时限规则未保存：%(reason)s") % {"reason": form.error_text(error)})
    else:
        messages.success(request, _("时限规则已保存，对此后交办的事项生效"))
    return redirect(reverse("routing-rules") + "#deadlines")
