"""Every read of agreements, scoped to the user, with the landing status derived from the
linked projects' stages (never stored, so it cannot disagree with them)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

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
from django.utils import timezone

from zhuqi.core.errors import FieldError, NotFound, ValidationFailed
from zhuqi.core.scoping import region_subtree_q, scope_q
from zhuqi.core.validators import MONTHS_MAX, YEAR_MAX, YEAR_MIN, is_region_code, is_year
from zhuqi.directory.models import User
from zhuqi.directory.selectors import departments_in
from zhuqi.enterprises.selectors import assigned_q
from zhuqi.investment.models import Agreement
from zhuqi.projects.models import Project, Stage
from zhuqi.projects.selectors import project_queryset

STATUS_LABELS = {"signed": "已签约", "landed": "已落地", "started": "已开工", "producing": "已投产"}
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
        "region", "follow_up_department", "counterparty", "our_party"
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


def agreements_filtered(
    *,
    user: User,
    year: int | None = None,
    region: str | None = None,
    kind: str | None = None,
    status: str | None = None,
    department: int | None = None,
    without_project_months: int | None = None,
    q: str | None = None,
) -> QuerySet[Agreement]:
    """The register as the API and the page filter it; a value that cannot be read is named."""
    queryset = agreement_list(user=user)
    if year is not None and not is_year(year):
        raise ValidationFailed([FieldError("year", f"年份应在 {YEAR_MIN} 到 {YEAR_MAX} 之间")])
    if without_project_months is not None and not 1 <= without_project_months <= MONTHS_MAX:
        raise ValidationFailed([FieldError("without_project_months", f"应为 1 到 {MONTHS_MAX} 之间的月数")])
    if year:
        queryset = queryset.filter(signed_on__year=year)
    if region:
        if not is_region_code(region):
            raise ValidationFailed([FieldError("region", "应为6位行政区划代码")])
        queryset = queryset.filter(region_subtree_q("region_id", region))
    if kind:
        queryset = queryset.filter(kind=kind)
    if status:
        if status not in STATUS_LABELS:
            raise ValidationFailed([FieldError("status", "应为 signed / landed / started / producing")])
        # `status` is an annotation (with_landing), which the type checker cannot see.
        queryset = queryset.filter(Q(("status", status)))
    if department:
        queryset = queryset.filter(follow_up_department_id=department)
    if without_project_months:
        queryset = queryset.filter(without_project_q(without_project_months, timezone.localdate()))
    if q and q.strip():
        text = q.strip()
        queryset = queryset.filter(
            Q(title__icontains=text)
            | Q(counterparty_name__icontains=text)
            | Q(our_party_name__icontains=text)
        )
    return queryset
