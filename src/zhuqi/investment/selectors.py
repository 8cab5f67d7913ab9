"""Every read of agreements, scoped to the user, with the landing status derived from the
linked projects' stages (never stored, so it cannot disagree with them)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Literal

from django.db.models import (
    Case,
    CharField,
    DecimalField,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from zhuqi.core.errors import NotFound
from zhuqi.core.scoping import scope_q
from zhuqi.directory.models import User
from zhuqi.directory.selectors import departments_in
from zhuqi.enterprises.selectors import assigned_q
from zhuqi.investment.models import Agreement
from zhuqi.projects.models import Project, Stage
from zhuqi.projects.selectors import project_queryset

AgreementStatus = Literal["signed", "landed", "started", "producing"]
STATUS_LABELS: dict[AgreementStatus, str] = {
    "signed": "已签约",
    "landed": "已落地",
    "started": "已开工",
    "producing": "已投产",
}
STARTED_STAGES = [Stage.STARTED, Stage.COMPLETED, Stage.PRODUCING]


def agreement_scope_q(user: User) -> Q:
    """docs/visibility.md. Leaders, coordinators: their jurisdiction, and the agreements a
    department of it follows up; admins, auditors: all. Handlers: their department's region and
    below, and what their department follows up. Enterprises: agreements they signed. Liaison
    officers: those their assigned enterprises signed."""
    return scope_q(
        user,
        enterprise=("our_party_id", "counterparty_id"),
        liaison=lambda u: assigned_q(u, "our_party_id"),
        region="region_id",
        # The department's own, wherever it is (docs/visibility.md).
        department=lambda u: Q(follow_up_department_id=u.department_id),
        in_jurisdiction=lambda code: Q(follow_up_department_id__any_of=departments_in(code)),
    )


def _linked(stages: Sequence[str] | None = None) -> Exists:
    links = Agreement.projects.through.objects.filter(agreement_id=OuterRef("pk")).exclude(
        project__stage=Stage.CANCELLED
    )
    if stages:
        links = links.filter(project__stage__in=stages)
    return Exists(links)


def with_landing(queryset: QuerySet[Agreement]) -> QuerySet[Agreement]:
    """Landed / started / producing flags, the derived status and the amount landed (the total
    investment of the projects that came of it, cancelled ones left out)."""
    landed_amount = (
        Project.objects.filter(agreements=OuterRef("pk"))
        .exclude(stage=Stage.CANCELLED)
        .order_by()
        .values("agreements")
        .annotate(total=Sum("total_investment"))
        .values("total")
    )
    money: DecimalField[Decimal, Decimal] = DecimalField(max_digits=16, decimal_places=2)
    return queryset.annotate(
        has_project=_linked(),
        has_started=_linked(STARTED_STAGES),
        has_producing=_linked([Stage.PRODUCING]),
        landed_amount=Coalesce(Subquery(landed_amount[:1]), Value(Decimal(0)), output_field=money),
    ).annotate(
        status=Case(
            When(has_producing=True, then=Value("producing")),
            When(has_started=True, then=Value("started")),
            When(has_project=True, then=Value("landed")),
            default=Value("signed"),
            output_field=CharField(),
        )
    )


def agreement_queryset(*, user: User) -> QuerySet[Agreement]:
    return Agreement.objects.filter(agreement_scope_q(user)).select_related(
        "region", "follow_up_department", "counterparty", "our_party", "chain"
    )


def agreement_list(*, user: User) -> QuerySet[Agreement]:
    return with_landing(agreement_queryset(user=user))


def visible_projects(user: User) -> Prefetch[Any]:
    """An agreement's linked projects as the reader may see them: seeing the agreement is not
    seeing the projects that came of it (docs/visibility.md), so a page or export names only these."""
    return Prefetch("projects", queryset=project_queryset(user=user))


def hidden_project_count(agreement: Agreement) -> int:
    """How many linked projects the reader cannot see, for an agreement fetched with
    `visible_projects` (the count says that some exist, never which)."""
    linked = Agreement.projects.through.objects.filter(agreement_id=agreement.pk).count()
    return linked - len(agreement.projects.all())


def agreement_get(*, user: User, agreement_id: int | str) -> Agreement:
    try:
        return (
            agreement_list(user=user)
            .prefetch_related("leaders_present", visible_projects(user), "funds")
            .get(pk=int(agreement_id))
        )
    except (Agreement.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def without_project_q(months: int, today: datetime.date) -> Q:
    """Signed at least `months` months ago and no project came of it yet."""
    month = today.month - months
    year = today.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    day = min(today.day, 28)
    cutoff = datetime.date(year, month, day)
    return Q(signed_on__lte=cutoff, has_project=False)
