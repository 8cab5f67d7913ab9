from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from zhuqi.core import audit, selectors
from zhuqi.core.auth import request_user
from zhuqi.core.roles import Role
from zhuqi.demo import dataset
from zhuqi.enterprises import selectors as enterprise_selectors


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        context = super().get_context_data(**kwargs)
        context["demo_usernames"] = dataset.DEMO_USERNAMES if dataset.is_loaded() else ()
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
    if user.role == Role.LIAISON or user.official_id:
        context["assignments"] = enterprise_selectors.my_assignments(user=user)
    if user.role == Role.ENTERPRISE and user.enterprise_id:
        context["own_enterprise"] = enterprises.first()
    if selectors.can_read_audit(user):
        context["recent_audit"] = selectors.audit_queryset(user=user)[:10]
    return render(request, "core/workbench.html", context)


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not selectors.can_read_audit(user):
        raise Http404
    queryset = selectors.audit_queryset(user=user)
    actor = request.GET.get("actor", "").strip()
    if actor:
        queryset = queryset.filter(actor_name=actor)
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    shown = audit.with_visible_changes(
        page.object_list, show_personal=enterprise_selectors.can_see_contacts(user)
    )
    return render(request, "core/audit_log.html", {"page": page, "actor": actor, "entries": shown})
