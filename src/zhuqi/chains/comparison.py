"""The figures of chains side by side (比进度) and of one chain on its chief's page: members and
output from chains.selectors, segments and gaps, the open and late cases of member enterprises
(late as the cases app defines it), what other apps register in chains.figures, and the yearly
goals' progress. A fixed number of queries however many chains and members there are."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_noop

from zhuqi.cases.figures import late_now_q
from zhuqi.cases.models import OPEN_STATUS_LIST
from zhuqi.cases.selectors import case_queryset
from zhuqi.chains import figures as registry
from zhuqi.chains import selectors
from zhuqi.chains.models import Chain, ChainGoal, Member
from zhuqi.chains.selectors import MemberFigures
from zhuqi.directory.models import User

# The comparison's own columns: key → heading (the registered ones bring theirs).
BUILT_IN = {
    "name": gettext_noop("产业链"),
    "enterprises": gettext_noop("链上企业"),
    "above_scale": gettext_noop("规上企业"),
    "output_value": gettext_noop("产值（万元）"),
    "employees": gettext_noop("从业人员"),
    "segments": gettext_noop("环节"),
    "gaps": gettext_noop("缺口环节"),
    "open_cases": gettext_noop("未办结诉求"),
    "late_cases": gettext_noop("逾期诉求"),
}
DEFINITIONS = {
    "enterprises": gettext_noop("在本链各环节登记的企业户数，一户企业在多个环节只计一次"),
    "above_scale": gettext_noop("链上企业中的规模以上企业户数（以企业名录为准）"),
    "output_value": gettext_noop("链上企业在本链各环节登记的产值之和"),
    "employees": gettext_noop("链上企业从业人员之和（以企业名录为准），每户只计一次"),
    "gaps": gettext_noop("本地没有企业的环节，以及链上企业产值低于薄弱线的环节"),
    "open_cases": gettext_noop("链上企业提出、尚未办结的诉求和事项件数（您可查看范围内）"),
    "late_cases": gettext_noop("其中已超过办理时限的件数，口径与办理统计的“逾期”相同"),
}

# The goals' progress: which registered column measures which goal (the new above-scale
# members are counted here, from the members).
GOAL_COLUMNS = {
    "investment_signed": "investment_signed_this_year",
    "projects_landed": "projects_landed_this_year",
    "funds_in_place": "funds_in_place_this_year",
}
GOAL_LABELS = {
    "investment_signed": gettext_noop("签约投资额（万元）"),
    "projects_landed": gettext_noop("落地项目（个）"),
    "funds_in_place": gettext_noop("到位资金（万元）"),
    "new_above_scale": gettext_noop("新增规上企业（户）"),
}


@dataclass
class ChainRow:
    chain: Chain
    figures: MemberFigures
    open_cases: int = 0
    late_cases: int = 0
    columns: dict[str, Any] = field(default_factory=dict)

    def value(self, key: str) -> Any:
        if key == "name":
            return self.chain.name
        if key in ("enterprises", "above_scale", "output_value", "employees", "segments", "gaps"):
            return getattr(self.figures, key)
        if key in ("open_cases", "late_cases"):
            return getattr(self, key)
        return self.columns.get(key)


def case_counts(user: User, chain_ids: Sequence[int]) -> dict[int, tuple[int, int]]:
    """{chain id: (open, late)}: the cases of the chains' member enterprises the reader may see,
    still open, and of those the late ones (cases.figures.late_now_q). Two queries."""
    ids = list(chain_ids)
    counts: dict[int, list[int]] = {chain_id: [0, 0] for chain_id in ids}
    members = Member.objects.filter(chain_id__in=ids)
    per_enterprise = {
        row["enterprise_id"]: (row["open"], row["late"])
        for row in case_queryset(user=user)
        .filter(status__in=OPEN_STATUS_LIST, enterprise_id__in=members.values("enterprise_id"))
        .order_by()
        .values("enterprise_id")
        .annotate(open=Count("pk"), late=Count("pk", filter=late_now_q(timezone.now())))
    }
    if per_enterprise:
        pairs = (
            members.filter(enterprise_id__in=list(per_enterprise))
            .order_by()
            .values_list("chain_id", "enterprise_id")
            .distinct()
        )
        for chain_id, enterprise_id in pairs:
            open_count, late_count = per_enterprise[enterprise_id]
            counts[chain_id][0] += open_count
            counts[chain_id][1] += late_count
    return {chain_id: (pair[0], pair[1]) for chain_id, pair in counts.items()}


def chain_rows(user: User, chains: Sequence[Chain]) -> list[ChainRow]:
    """Each chain's row of figures: member figures with segments and gaps (selectors), cases (two
    queries), and one call per registered column for all the chains at once."""
    ids = [chain.pk for chain in chains]
    member_figures = selectors.member_figures(ids)
    cases = case_counts(user, ids)
    columns = registry.column_values(user, ids) if ids else {}
    rows = []
    for chain in chains:
        open_cases, late_cases = cases[chain.pk]
        rows.append(
            ChainRow(
                chain=chain,
                figures=member_figures[chain.pk],
                open_cases=open_cases,
                late_cases=late_cases,
                columns={key: values.get(chain.pk) for key, values in columns.items()},
            )
        )
    return rows


def sort_keys() -> list[str]:
    return [*BUILT_IN, *(column.key for column in registry.registered_columns())]


def sorted_rows(rows: list[ChainRow], sort: str) -> tuple[list[ChainRow], str]:
    """The rows ordered by `sort` ("gaps", "-output_value"; unknown: as the chains are ordered),
    empty values last either way; the sort actually applied is returned."""
    key = sort.removeprefix("-")
    if key not in sort_keys():
        return rows, ""
    descending = sort.startswith("-")
    present = [row for row in rows if row.value(key) is not None]
    missing = [row for row in rows if row.value(key) is None]

    def order(row: ChainRow) -> Any:
        value = row.value(key)
        return value if not isinstance(value, str) else value.casefold()

    try:
        present.sort(key=order, reverse=descending)
    except TypeError:  # a text column beside numbers: compare as text
        present.sort(key=lambda row: str(row.value(key)), reverse=descending)
    return present + missing, sort


def new_above_scale(chain: Chain, year: int) -> int:
    """Members placed in the chain during `year` whose enterprise is above scale, each
    enterprise once."""
    return (
        Member.objects.filter(chain=chain, created_at__year=year, enterprise__above_scale=True)
        .order_by()
        .values("enterprise_id")
        .distinct()
        .count()
    )


@dataclass
class GoalLine:
    key: str
    label: str
    goal: Any
    done: Any  # None: no app measures it yet
    percent: int | None


def goal_progress(chain: Chain, goal: ChainGoal | None, row: ChainRow, year: int) -> list[GoalLine]:
    """This year's goals against what the registered columns (and the members) count."""
    done: dict[str, Any] = {name: row.columns.get(column) for name, column in GOAL_COLUMNS.items()}
    done["new_above_scale"] = new_above_scale(chain, year)
    lines = []
    for name, label in GOAL_LABELS.items():
        target = getattr(goal, name, None) if goal is not None else None
        value = done.get(name)
        percent = None
        if target and value is not None:
            percent = int(Decimal(str(value)) * 100 / Decimal(str(target)))
        lines.append(GoalLine(name, label, target, value, percent))
    return lines


def this_year() -> int:
    return timezone.localdate().year
