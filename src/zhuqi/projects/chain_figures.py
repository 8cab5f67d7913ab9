"""What the key projects give the chains' pages (registered in ProjectsConfig.ready; chains
cannot import projects): four columns of the all-chains comparison, each one query for every
chain asked, and the panel of a chain's page with its projects by stage and the link to its
key-project library (the project library filtered by the chain).

Each figure counts the whole chain, whoever reads it, as the chain's member figures and the
agreement and target columns do (docs/visibility.md, "Industrial chains"): a count names no
project, and a county reading the city's chain sees the figures the city's leader compares. The
panel's list of projects is the reader's own (project_scope_q), as the library is."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from zhuqi.chains.figures import Column
from zhuqi.directory.models import User
from zhuqi.projects.models import STAGE_ORDER, Project, Stage
from zhuqi.projects.selectors import project_scope_q

# 开工在建 and beyond on the road; suspended and cancelled are off it.
STARTED_STAGES = [Stage.STARTED, Stage.COMPLETED, Stage.PRODUCING]
PANEL_PROJECTS = 20


def _counted(user: User, chain_ids: Sequence[int], wanted: Q, value: Any = None) -> dict[int, Any]:
    zero = Decimal(0) if value is not None else 0
    found = {chain_id: zero for chain_id in chain_ids}
    if not chain_ids:
        return found
    rows = (
        Project.objects.filter(wanted, chain_id__in=list(chain_ids))
        .order_by()
        .values("chain_id")
        .annotate(value=value if value is not None else Count("pk"))
    )
    for row in rows:
        found[row["chain_id"]] = row["value"] if row["value"] is not None else zero
    return found


def chain_projects(user: User, chain_ids: Sequence[int]) -> dict[int, int]:
    return _counted(user, chain_ids, ~Q(stage=Stage.CANCELLED))


def chain_projects_started(user: User, chain_ids: Sequence[int]) -> dict[int, int]:
    return _counted(user, chain_ids, Q(stage__in=STARTED_STAGES))


def chain_projects_landed(user: User, chain_ids: Sequence[int], year: int | None = None) -> dict[int, int]:
    year = year or timezone.localdate().year
    return _counted(user, chain_ids, Q(started_on__year=year) & ~Q(stage=Stage.CANCELLED))


def chain_investment_completed(user: User, chain_ids: Sequence[int]) -> dict[int, Decimal]:
    return _counted(user, chain_ids, Q(), Sum("investment_to_date"))


COLUMNS = (
    Column(
        key="projects",
        label=gettext_noop("重点项目"),
        compute=chain_projects,
        definition=gettext_noop("所属产业链为本链的重点项目数，不含已取消的项目"),
    ),
    Column(
        key="projects_started",
        label=gettext_noop("开工在建及以后"),
        compute=chain_projects_started,
        definition=gettext_noop("处于开工在建、竣工或投产阶段的项目数；停缓建和取消的不计"),
    ),
    Column(
        key="projects_landed_this_year",
        label=gettext_noop("本年落地项目"),
        compute=chain_projects_landed,
        definition=gettext_noop(
            "落地即开工：实际开工日期在本年内的项目数（含开工后竣工、投产或停缓建的），不含已取消的项目"
        ),
    ),
    Column(
        key="investment_completed",
        label=gettext_noop("项目累计完成投资"),
        compute=chain_investment_completed,
        kind="amount",
        unit=gettext_noop("万元"),
        definition=gettext_noop(
            "本链各重点项目累计完成投资之和（按最近一期进展报告），含已取消项目此前完成的投资"
        ),
    ),
)


def chain_panel(user: User, chain: Any) -> dict[str, Any]:
    """The chain page's key projects: how many at each stage, the largest ones, and the link to
    the library filtered by the chain."""
    projects = Project.objects.filter(project_scope_q(user), chain_id=chain.pk)
    by_stage = dict(projects.order_by().values_list("stage").annotate(n=Count("pk")))
    stages = [
        {"stage": stage.value, "label": stage.label, "count": by_stage.get(stage.value, 0)}
        for stage in [*STAGE_ORDER, Stage.SUSPENDED, Stage.CANCELLED]
        if stage in STAGE_ORDER or by_stage.get(stage.value)
    ]
    totals = projects.exclude(stage=Stage.CANCELLED).aggregate(
        total=Sum("total_investment"), done=Sum("investment_to_date")
    )
    listed = list(
        projects.exclude(stage=Stage.CANCELLED)
        .select_related("region")
        .order_by("-total_investment", "name", "pk")[:PANEL_PROJECTS]
    )
    count = sum(by_stage.values())
    return {
        "chain_projects": {
            "count": count,
            "stages": stages,
            "total_investment": totals["total"] or Decimal(0),
            "investment_to_date": totals["done"] or Decimal(0),
            "listed": listed,
            "more": max(count - by_stage.get(Stage.CANCELLED.value, 0) - len(listed), 0),
            "library_url": f"{reverse('project-list')}?chain={chain.pk}",
        }
    }
