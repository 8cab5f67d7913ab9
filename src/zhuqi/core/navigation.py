"""The site's menu as data: each entry names its page and the roles that see it. The same table
decides whether the page opens: a role the menu leaves an entry out for gets 404 from the page
(the test walks every entry for every role), so the menu never offers what the page refuses and a
page never serves a role the menu hides it from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from zhuqi.core.errors import PermissionDenied
from zhuqi.core.permissions import Permission, effective_role, roles_with
from zhuqi.core.roles import Role
from zhuqi.core.scoping import is_active_user

EVERYONE = frozenset(Role)
# The enterprise works its own demands, projects and agreements; the government's reference pages
# (regions, the API for integrations) are of no use to it.
GOVERNMENT = EVERYONE - {Role.ENTERPRISE}
LIAISON = frozenset({Role.LIAISON})


@dataclass(frozen=True)
class Page:
    name: str  # the URL name
    label: str | Promise
    roles: frozenset[Role]
    # Also open to any account linked to an official (a leader's own 包联 enterprises).
    officials_too: bool = False
    in_menu: bool = True
    test_id: str = ""
    # A fixed address outside the pages this table guards (the API's documentation is public:
    # whoever integrates reads it; the menu only leaves it out where it is of no use).
    href: str = ""

    def url(self) -> str:
        return self.href or reverse(self.name)


PAGES: tuple[Page, ...] = (
    Page("workbench", _("工作台"), EVERYONE),
    Page("case-list", _("事项"), EVERYONE),
    Page("project-list", _("重点项目"), EVERYONE),
    Page("visit-list", _("调研走访"), EVERYONE),
    Page("policy-list", _("惠企政策"), EVERYONE),
    # The key industrial chains side by side, each chain's page for its chief.
    Page("chains:chain-list", _("产业链"), GOVERNMENT, test_id="nav-chains"),
    # Task forces and their campaigns' boards: the office that keeps them and oversight.
    Page(
        "taskforces:task-force-list",
        _("工作专班"),
        roles_with(Permission.KEEP_TASK_FORCES) | roles_with(Permission.READ_FIGURES),
        test_id="nav-task-forces",
    ),
    # The leader's cockpit (领导驾驶舱): every area's figures for a scope and period; its rankings
    # (红黑榜) a tab of it. Whoever reads the figures (a handler its own department's).
    Page("dispatch:cockpit", _("领导驾驶舱"), roles_with(Permission.READ_FIGURES), test_id="nav-cockpit"),
    Page("dispatch:rankings", _("红黑榜"), roles_with(Permission.READ_FIGURES), in_menu=False),
    # Key enterprises' monthly operating indicators with their falls (the enterprise enters its
    # own from its reporting page, not through the month's table).
    Page("indicator-month", _("运行监测"), GOVERNMENT, test_id="nav-indicators"),
    # Published reports read into draft visits: the office reviews them, the rest of government
    # staff in scope read them (liaison officers and enterprises see none).
    Page("ingest:report-list", _("报道"), GOVERNMENT - LIAISON, test_id="nav-reports"),
    # What an enterprise, or a liaison officer for theirs, reports to the task forces' campaigns.
    Page(
        "reporting-list", _("专项报送"), frozenset({Role.ENTERPRISE, Role.LIAISON}), test_id="nav-reporting"
    ),
    # An enterprise's own: what it qualifies for and how each stands.
    Page("my-policies", _("我的政策"), frozenset({Role.ENTERPRISE}), test_id="nav-my-policies"),
    Page("liaison-workbench", _("我的企业"), LIAISON, officials_too=True, test_id="nav-liaison"),
    Page("liaison-coverage", _("包联覆盖"), roles_with(Permission.READ_COVERAGE), test_id="nav-coverage"),
    Page("enterprise-list", _("企业名录"), EVERYONE),
    Page("region-tree", _("行政区划"), GOVERNMENT, test_id="nav-regions"),
    Page("case-figures", _("办理统计"), roles_with(Permission.READ_FIGURES), test_id="nav-figures"),
    # A tab of the project and agreement lists, not a menu entry: the region's funnel figures.
    Page("project-figures", _("项目与协议统计"), roles_with(Permission.READ_FIGURES), in_menu=False),
    # A tab of the policy catalogue: every delivery in scope.
    Page("delivery-list", _("政策兑现"), GOVERNMENT, in_menu=False),
    Page("policy-figures", _("政策直达统计"), roles_with(Permission.READ_FIGURES), in_menu=False),
    Page("enterprise-import", _("导入"), roles_with(Permission.EDIT_ENTERPRISES)),
    Page("audit-log", _("审计记录"), roles_with(Permission.READ_AUDIT)),
    Page("routing-rules", _("派单目录"), roles_with(Permission.READ_CONFIGURATION)),
    Page("calendar-year", _("工作日历"), roles_with(Permission.READ_CONFIGURATION)),
    Page("webhooks", _("群机器人"), roles_with(Permission.MANAGE_ROBOTS)),
    Page("api-docs", "API", GOVERNMENT, test_id="nav-api", href="/api/v1/docs"),
    # Everyone's own password and API tokens.
    Page("account", _("我的账号"), EVERYONE, test_id="nav-account"),
)
_BY_NAME = {page.name: page for page in PAGES}


def page(name: str) -> Page:
    return _BY_NAME[name]


def may_open(user: Any, name: str) -> bool:
    page = _BY_NAME[name]
    if not is_active_user(user):
        return False
    return effective_role(user) in page.roles or (page.officials_too and bool(user.official_id))


def menu(user: Any) -> list[Page]:
    if getattr(user, "must_change_password", False):
        # Every other page leads back to the password form (core.middleware) until there is one.
        return [_BY_NAME["account"]]
    return [page for page in PAGES if page.in_menu and may_open(user, page.name)]


def page_for(name: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """A view decorator: 403 (the role may not open this page; docs/visibility.md) unless the table
    opens `name` to the user."""
    if name not in _BY_NAME:
        raise LookupError(f"no page {name!r} in the navigation table")

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not may_open(request.user, name):
                raise PermissionDenied()
            return view(request, *args, **kwargs)

        return guarded

    return decorate
