"""The leader's cockpit (领导驾驶舱) and the rankings (红黑榜): one scope (a region, a department
of the jurisdiction or a chain the user sees) and one period, the figures as cockpit.cockpit_figures
composes them from each app's own figures. Thin: the scope and period are read by cockpit's own
parse_scope / resolve_period, whose refusals are shown on the page; every chart is drawn by
cockpit.js from ECharts options carried as JSON, with its table underneath.

The pages are whoever may see the cockpit (Permission.READ_FIGURES, cockpit.may_see_cockpit); a
handler sees its own department's."""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from zhuqi.chains.selectors import chain_queryset
from zhuqi.core.auth import request_user
from zhuqi.core.errors import PermissionDenied, ValidationFailed
from zhuqi.core.navigation import page_for
from zhuqi.core.periods import RELATIVE, Period, PeriodKind
from zhuqi.core.roles import Role
from zhuqi.core.scoping import jurisdiction_code, region_subtree_q
from zhuqi.directory.models import Department, Region, User
from zhuqi.dispatch import cockpit
from zhuqi.dispatch.briefings import percent
from zhuqi.dispatch.models import ScopeKind

COCKPIT_PAGE = "dispatch:cockpit"
RANKINGS_PAGE = "dispatch:rankings"
# The period choices in the order the picker lists them.
PERIODS = ("month", "last_month", "week", "last_week", "quarter", "last_quarter", "year", "last_year")
# How many departments and chains the scope picker lists (a jurisdiction's are far fewer).
PICKED = 200
# The rows of a ranking shown on the cockpit itself (the rest on the rankings page).
RANKING_PREVIEW = 3
CASE_RATES = ("response_rate", "answer_rate", "resolution_rate", "satisfaction_rate")
# The period picker's choice that says "the dates below".
CUSTOM = "custom"
# The names of the periods core.periods.RELATIVE offers (kept Chinese there), for the catalog: the
# pickers and the period's label show them translated.
PERIOD_NAMES = (
    gettext_noop("本周"),
    gettext_noop("上周"),
    gettext_noop("本月"),
    gettext_noop("上月"),
    gettext_noop("本季度"),
    gettext_noop("上季度"),
    gettext_noop("本年"),
    gettext_noop("上年"),
)


def _percent_figure(value: Any) -> str:
    """A figure already in per cent (a campaign's 66.7)."""
    return "—" if value is None else f"{value}%"


def _day(value: datetime.date | None) -> str:
    return formats.date_format(value, _("Y年n月j日")) if value else "—"


def _period_name(period: Period) -> str:
    """A period's own name in the reader's language: 2026年12月 (Dec. 2026), 2026年第3季度 (Q3
    2026), 2026年, 2026年第45周; other kinds as core.periods names them."""
    start = period.start
    if period.kind == PeriodKind.MONTH:
        return formats.date_format(start, _("Y年n月"))
    if period.kind == PeriodKind.QUARTER:
        return _("%(year)s年第%(quarter)s季度") % {"year": start.year, "quarter": (start.month - 1) // 3 + 1}
    if period.kind == PeriodKind.YEAR:
        return _("%(year)s年") % {"year": start.year}
    if period.kind == PeriodKind.WEEK:
        year, week, _weekday = start.isocalendar()
        return _("%(year)s年第%(week)s周") % {"year": year, "week": week}
    return dataclasses.replace(period, relative="").label


def _period_label(period: Period) -> str:
    """本月（2026年12月1日至2026年12月31日）, 2026年第3季度, or a custom range's dates."""
    dates = _("%(start)s至%(end)s") % {"start": _day(period.start), "end": _day(period.end)}
    if period.relative:
        return _("%(name)s（%(dates)s）") % {"name": _(RELATIVE[period.relative].label), "dates": dates}
    if period.kind == "custom":
        return dates
    return _period_name(period)


# ---------------------------------------------------------------------------------------------
# The scope and period asked for


def _default_scope(user: User) -> str:
    """A department's handler starts on its own department, everyone else on the jurisdiction."""
    if user.role == Role.HANDLER and user.department_id:
        return f"{ScopeKind.DEPARTMENT}:{user.department_id}"
    return ""


def _period_text(params: QueryDict) -> tuple[str, list[str]]:
    """The period as cockpit.resolve_period reads it: the from/to dates when the picker says
    自定义 (or names no period), else the period it names."""
    start, end = (params.get("from") or "").strip(), (params.get("to") or "").strip()
    named = (params.get("period") or "").strip()
    if (start or end) and named in ("", CUSTOM):
        if not (start and end):
            return "", [_("自定义统计期请同时填写开始日期和结束日期")]
        try:
            first, last = datetime.date.fromisoformat(start), datetime.date.fromisoformat(end)
        except ValueError:
            return "", [_("日期应写成 2026-01-01 这样的年-月-日")]
        if last < first:
            # Told here with the dates as people write them (resolve_period refuses it too).
            return "", [
                _("统计期的结束日期（%(end)s）早于开始日期（%(start)s），请重新选择")
                % {"end": _day(last), "start": _day(first)}
            ]
        return f"{start}~{end}", []
    return (named if named != CUSTOM else "") or "month", []


def _asked(request: HttpRequest, user: User) -> tuple[cockpit.Scope | None, Period | None, list[str]]:
    if not cockpit.may_see_cockpit(user):
        raise PermissionDenied(cockpit.COCKPIT_REFUSED)
    errors: list[str] = []
    scope = period = None
    try:
        scope = cockpit.parse_scope(user, request.GET.get("scope") or _default_scope(user))
    except ValidationFailed as failure:
        errors += [error.message for error in failure.errors]
    text, problems = _period_text(request.GET)
    errors += problems
    if not problems:
        try:
            period = cockpit.resolve_period(text)
        except ValidationFailed as failure:
            errors += [error.message for error in failure.errors]
    return scope, period, errors


def _home_region(user: User) -> Region | None:
    code = jurisdiction_code(user)
    if code:
        return Region.objects.filter(pk=code).first()
    if code is None:
        return cockpit.home_region(user)
    return None


def _scope_choices(user: User, scope: cockpit.Scope | None, asked: str) -> list[dict[str, Any]]:
    """Option groups of the scope picker: the user's region and the regions under it (and the
    chosen region's, when it lies deeper), the jurisdiction's departments, the chains the user
    sees."""
    handler = user.role == Role.HANDLER and not user.is_superuser
    # A department's staff are offered their own department only: the rest would be refused.
    home = None if handler else _home_region(user)
    groups: list[dict[str, Any]] = []
    regions: list[Region] = []
    if home is not None:
        roots = [home]
        if scope is not None and scope.kind == ScopeKind.REGION and scope.region.code != home.code:
            roots.append(scope.region)
        shown = {home.code, *(root.code for root in roots)}
        by_parent: dict[str, list[Region]] = {}
        for child in Region.objects.filter(parent_id__in=list(shown)).order_by("code"):
            by_parent.setdefault(child.parent_id or "", []).append(child)
        seen: set[str] = set()
        for root in roots:
            for region in [root, *by_parent.get(root.code, [])]:
                if region.code not in seen:
                    seen.add(region.code)
                    regions.append(region)
        groups.append(
            {
                "label": _("地区"),
                "options": [
                    {"value": f"{ScopeKind.REGION}:{r.code}", "label": r.name, "sub": r.code != home.code}
                    for r in regions
                ],
            }
        )
    departments = Department.objects.select_related("region").order_by("region_id", "name")
    if handler:
        departments = departments.filter(pk=user.department_id or 0)
    elif home is not None:
        departments = departments.filter(region_subtree_q("region_id", home.code))
    else:
        departments = departments.none()
    department_list = list(departments[:PICKED])
    if department_list:
        several_regions = len({d.region_id for d in department_list}) > 1
        groups.append(
            {
                "label": _("部门"),
                "options": [
                    {
                        "value": f"{ScopeKind.DEPARTMENT}:{d.pk}",
                        "label": f"{d.name}（{d.region.name}）"
                        if several_regions and not d.name.startswith(d.region.name)
                        else d.name,
                    }
                    for d in department_list
                ],
            }
        )
    chains = [] if handler else list(chain_queryset(user=user).order_by("region_id", "name")[:PICKED])
    if chains:
        groups.append(
            {
                "label": _("产业链"),
                "options": [
                    {
                        "value": f"{ScopeKind.CHAIN}:{c.pk}",
                        "label": c.name if c.name.endswith("链") else f"{c.name}产业链",
                    }
                    for c in chains
                ],
            }
        )
    chosen = scope.key if scope is not None else asked
    for group in groups:
        for option in group["options"]:
            option["selected"] = option["value"] == chosen
    return groups


def _period_choices(period: Period | None, custom: bool) -> list[dict[str, Any]]:
    choices = [
        {
            "value": name,
            "label": _(RELATIVE[name].label),
            "selected": period is not None and period.relative == name,
        }
        for name in PERIODS
    ]
    if period is not None and not period.relative and not custom and period.kind != "custom":
        # A period asked by its key (2026-11, 2026-Q3): listed so the picker shows it.
        choices.insert(0, {"value": period.key, "label": _period_label(period), "selected": True})
    choices.append(
        {
            "value": CUSTOM,
            "label": _("自定义（按右侧日期）"),
            "selected": custom or (period is not None and period.kind == "custom"),
        }
    )
    return choices


def _picker_context(
    request: HttpRequest, user: User, scope: cockpit.Scope | None, period: Period | None
) -> dict[str, Any]:
    params = request.GET
    custom = bool(params.get("from") or params.get("to")) and params.get("period", "") in ("", CUSTOM)
    if period is not None and period.kind == "custom" and not custom:
        custom_from, custom_to = period.start.isoformat(), period.end.isoformat()
    else:
        custom_from, custom_to = params.get("from", ""), params.get("to", "")
    # The other page's address keeps the scope and period.
    kept = QueryDict(mutable=True)
    for name in ("scope", "period", "from", "to"):
        if params.get(name):
            kept[name] = params[name]
    return {
        "scope_groups": _scope_choices(user, scope, params.get("scope", "")),
        "period_choices": _period_choices(period, custom),
        "custom_from": custom_from,
        "custom_to": custom_to,
        "query": kept.urlencode(),
        "scope": scope,
        "period": period,
    }


# ---------------------------------------------------------------------------------------------
# The cockpit


@login_required
@page_for(COCKPIT_PAGE)
def cockpit_page(request: HttpRequest) -> HttpResponse:
    """The cockpit for ?scope= and ?period= (or ?from=&to=): a refusal of either is told on the
    page, with the pickers to choose again."""
    user = request_user(request)
    scope, period, errors = _asked(request, user)
    context = _picker_context(request, user, scope, period)
    context["errors"] = errors
    if scope is not None and period is not None:
        figures = cockpit.cockpit_figures(user=user, scope=scope, period=period)
        context.update(_sections({**figures, "period_label": _period_label(period)}))
    return render(request, "dispatch/cockpit.html", context)


def _sections(figures: dict[str, Any]) -> dict[str, Any]:
    cases = figures.get("cases")
    # As of when the kept figures were counted (dispatch.snapshots: up to five minutes, or an hour
    # for a past period, before this reading), not the moment of the reading.
    counted = (cases or {}).get("counted_at") or figures["generated_at"]
    context: dict[str, Any] = {
        "scope_label": figures["scope"]["label"],
        "period_label": figures["period_label"],
        "generated_at": formats.date_format(timezone.localtime(counted), _("Y年n月j日 H:i")),
    }
    late = figures.get("late_cases")
    if cases:
        total = cases["total"]
        definitions = cases["definitions"]
        context["case_cards"] = [
            {
                "key": key,
                "label": label,
                "value": percent(total[key]),
                "detail": detail,
                "definition": _(definitions.get(key, "")),
            }
            for key, label, detail in (
                (
                    "response_rate",
                    _("响应率"),
                    _("按时签收 %(done)s / 应签收 %(due)s")
                    % {"done": f"{total['responded_on_time']:,}", "due": f"{total['response_due']:,}"},
                ),
                (
                    "answer_rate",
                    _("按时答复率"),
                    _("按时答复 %(done)s / 应答复 %(due)s")
                    % {"done": f"{total['answered_on_time']:,}", "due": f"{total['answer_due']:,}"},
                ),
                (
                    "resolution_rate",
                    _("解决率"),
                    _("已解决 %(done)s / 应答复诉求 %(due)s")
                    % {"done": f"{total['resolved']:,}", "due": f"{total['demands_due']:,}"},
                ),
                (
                    "satisfaction_rate",
                    _("满意率"),
                    _("满意 %(done)s / 评价 %(due)s")
                    % {"done": f"{total['satisfied_ratings']:,}", "due": f"{total['ratings_given']:,}"},
                ),
            )
        ]
        context["cases_total"] = total
        context["case_definitions"] = [
            {"label": card["label"], "text": card["definition"]} for card in context["case_cards"]
        ]
        if definitions.get("counts"):
            context["case_definitions"].append({"label": _("逾期、督办"), "text": _(definitions["counts"])})
        trend = cases["trend"]
        trend = [{**point, "label": _period_name(Period.parse(point["period"]))} for point in trend]
        context["trend"] = [
            {
                "label": point["label"],
                "cases": point["cases"],
                **{key: percent(point[key]) for key in CASE_RATES},
            }
            for point in trend
        ]
        context["trend_chart"] = _trend_chart(trend)
    if late:
        context["late"] = {
            "open": late.get("open"),
            "late": late["late"],
            "escalated": late["escalated"],
            "rows": [{**row, "due": _day(row["due_at"])} for row in late["rows"]],
        }
    projects = figures.get("projects")
    if projects:
        total = projects["total"]
        context["projects"] = {
            "year": projects["year"],
            "by": _day(projects["by"]),
            "total": total,
            "start_rate": percent(total["start_rate"]),
            "investment_rate": percent(total["investment_rate"]),
            "stages": [{"label": _(s["label"]), "projects": s["projects"]} for s in projects["stages"]],
            "definitions": [
                {"label": _("开工率"), "text": _(projects["definitions"].get("start_rate", ""))},
                {"label": _("投资完成率"), "text": _(projects["definitions"].get("investment_rate", ""))},
                {"label": _("预警项目"), "text": _(projects["definitions"].get("flagged", ""))},
            ],
        }
        context["stage_chart"] = _stage_chart(context["projects"]["stages"])
    agreements = figures.get("agreements")
    if agreements:
        total = agreements["total"]
        funnel = [{"label": _(step["label"]), "count": step["count"]} for step in agreements["funnel"]]
        first = funnel[0]["count"] if funnel else 0
        for step in funnel:
            step["share"] = percent(step["count"] / first) if first else "—"
        context["agreements"] = {
            "year": agreements["year"],
            "total": total,
            "funnel": funnel,
            "landing_rate": percent(total.get("landing_rate")),
            "performance_rate": percent(total.get("performance_rate")),
            "definitions": [
                {"label": _("落地率"), "text": _(agreements["definitions"].get("landing_rate", ""))},
                {"label": _("开工率"), "text": _(agreements["definitions"].get("start_rate", ""))},
                {"label": _("履约率"), "text": _(agreements["definitions"].get("performance_rate", ""))},
            ],
        }
        # Nothing signed: a sentence, not four empty blocks.
        context["funnel_chart"] = _funnel_chart(funnel) if funnel and funnel[0]["count"] else ""
    coverage = figures.get("coverage")
    if coverage:
        context["coverage"] = {**coverage, "rate_text": percent(coverage["rate"])}
    context["leader_visits"] = figures.get("leader_visits") or []
    # The sections this scope counts (a department's or a chain's leaves the region's out).
    context["counted"] = {key for key, value in figures.items() if value is not None}
    policies = figures.get("policies")
    if policies:
        total = policies["total"]
        context["policies"] = {
            "total": total,
            "reach_rate": percent(total.get("reach_rate")),
            "grant_rate": percent(total.get("grant_rate")),
            "definitions": [
                {"label": _("政策触达率"), "text": _(policies["definitions"].get("reach_rate", ""))},
                {"label": _("兑现率"), "text": _(policies["definitions"].get("grant_rate", ""))},
            ],
        }
    campaigns = figures.get("campaigns")
    if campaigns:
        context["campaigns"] = {
            **campaigns,
            "campaigns": [
                {
                    **row,
                    "report_rate_text": _percent_figure(row["report_rate"]),
                    "done_rate_text": _percent_figure(row["done_rate"]),
                }
                for row in campaigns["campaigns"]
            ],
            "fall_rows": [
                {
                    **row,
                    "worst_text": _percent_figure(row["worst"]),
                    # The falls are joined with a Chinese semicolon; in English, "; ".
                    "drops": _("；").join(row["drops"].split("；")),
                }
                for row in campaigns["fall_rows"]
            ],
        }
    context["chains"] = [
        {
            **chain,
            "goals": [
                {
                    **goal,
                    "label": _(goal["label"]),
                    "meter": min(goal["percent"], 100) if goal["percent"] is not None else None,
                    "percent_text": "—" if goal["percent"] is None else f"{goal['percent']}%",
                }
                for goal in chain["goals"]
            ],
        }
        for chain in figures.get("chains") or []
    ]
    context["economy"] = [
        {
            **row,
            "label": _(row["label"]),
            "value_text": _economic(row["value"], row["unit"]),
            "target_text": _economic(row["target"], row["unit"]),
            "gap_text": _gap(row["gap"], row["unit"]),
            "behind": row["gap"] is not None and row["gap"] < 0,
            "peer_rows": [
                {**peer, "value_text": _economic(peer["value"], row["unit"])} for peer in row["peer_rows"]
            ],
        }
        for row in figures.get("economy") or []
    ]
    context["ranking_preview"] = [
        _preview(table) for table in figures.get("rankings") or [] if table["by"] == "department"
    ]
    return context


def _economic(value: Decimal | None, unit: str) -> str:
    if value is None:
        return "—"
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{text}%" if unit == "%" else f"{text} {_(unit)}"


def _gap(value: Decimal | None, unit: str) -> str:
    if value is None:
        return "—"
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    text = _economic(abs(value), unit)
    return f"{sign}{text}" if unit != "%" else f"{sign}{text[:-1]} " + _("个百分点")


def _table_label(table: dict[str, Any]) -> str:
    """部门响应率排名 in the reader's language (the figures name it in Chinese, for the briefing)."""
    return _("%(by)s%(measure)s排名") % {"by": _(table["by_label"]), "measure": _(table["measure_label"])}


def _preview(table: dict[str, Any]) -> dict[str, Any]:
    ranked = [row for row in table["rows"] if row["rank"] is not None]
    return {
        "label": _table_label(table),
        "measure": _(table["measure_label"]),
        "top": [_ranking_row(row) for row in ranked[:RANKING_PREVIEW]],
        "bottom": [_ranking_row(row) for row in ranked[RANKING_PREVIEW:][-RANKING_PREVIEW:]][::-1],
    }


# ---------------------------------------------------------------------------------------------
# The charts (ECharts options; the table beneath each holds the same figures)


def _trend_chart(trend: list[dict[str, Any]]) -> dict[str, Any]:
    names = {
        key: name
        for key, name in zip(
            CASE_RATES, (_("响应率"), _("按时答复率"), _("解决率"), _("满意率")), strict=True
        )
    }
    return {
        "tooltip": {"trigger": "axis", "valueFormatter": "percent"},
        "legend": {"data": list(names.values()), "top": 4, "type": "scroll"},
        "grid": {"left": 8, "right": 16, "top": 40, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "category", "data": [point["label"] for point in trend]},
        "yAxis": {"type": "value", "min": 0, "max": 100, "axisLabel": {"formatter": "{value}%"}},
        "series": [
            {
                "name": name,
                "type": "line",
                "connectNulls": True,
                "symbolSize": 7,
                "data": [None if point[key] is None else round(point[key] * 100, 1) for point in trend],
            }
            for key, name in names.items()
        ],
    }


def _stage_chart(stages: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 8, "right": 24, "top": 8, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "value", "minInterval": 1},
        "yAxis": {"type": "category", "inverse": True, "data": [stage["label"] for stage in stages]},
        "series": [
            {
                "name": _("项目数"),
                "type": "bar",
                "data": [stage["projects"] for stage in stages],
                "label": {"show": True, "position": "right"},
            }
        ],
    }


def _funnel_chart(funnel: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "tooltip": {"trigger": "item"},
        "series": [
            {
                "name": _("签约协议"),
                "type": "funnel",
                "sort": "none",
                "left": "10%",
                "right": "10%",
                "top": 16,
                "bottom": 16,
                "min": 0,
                "max": max([step["count"] for step in funnel] + [1]),
                "minSize": "8%",
                "label": {"show": True, "position": "inside", "formatter": "{b} {c}"},
                "data": [{"name": step["label"], "value": step["count"]} for step in funnel],
            }
        ],
    }


# ---------------------------------------------------------------------------------------------
# The rankings


def _ranking_row(row: dict[str, Any]) -> dict[str, Any]:
    change = row["change"]
    if change is None:
        change_text, direction = ("—" if row["previous_rank"] is None else ""), "none"
        if row["previous_rank"] is None and row["rank"] is not None and row.get("compared", True):
            change_text = _("新上榜")
    elif change > 0:
        change_text, direction = f"↑{change}", "up"
    elif change < 0:
        change_text, direction = f"↓{-change}", "down"
    else:
        change_text, direction = _("持平"), "same"
    return {
        "rank": row["rank"],
        "name": row["name"],
        "value": percent(row["value"]),
        "previous_rank": row["previous_rank"],
        "change": change_text,
        "direction": direction,
        "change_label": {
            "up": _("较上期上升 %(n)s 位") % {"n": change},
            "down": _("较上期下降 %(n)s 位") % {"n": -change if change else 0},
            "same": _("与上期名次相同"),
        }.get(direction, ""),
    }


@login_required
@page_for(RANKINGS_PAGE)
def rankings_page(request: HttpRequest) -> HttpResponse:
    """The 红黑榜: departments and sub-regions ranked on each measure, with the rank each held
    in the previous period and the change (↑ green, ↓ red); each measure's definition beside."""
    user = request_user(request)
    scope, period, errors = _asked(request, user)
    context = _picker_context(request, user, scope, period)
    context["errors"] = errors
    if scope is not None and period is not None:
        context.update(scope_label=scope.label, period_label=_period_label(period))
        if scope.kind != ScopeKind.REGION:
            context["not_region"] = True
        else:
            tables = cockpit.rankings(user, scope, period, today=timezone.localdate(), now=timezone.now())
            groups: list[dict[str, Any]] = []
            for by, label in (("department", _("部门排名")), ("region", _("地区排名"))):
                shown = [
                    {
                        "key": table["key"],
                        "label": _table_label(table),
                        "by_label": _(table["by_label"]),
                        "measure": _(table["measure_label"]),
                        "definition": _(table["definition"]),
                        "previous_label": _period_label(Period.parse(table["previous_period"])),
                        "rows": [_ranking_row(row) for row in table["rows"]],
                    }
                    for table in tables
                    if table["by"] == by
                ]
                if shown:
                    groups.append({"by": by, "label": label, "tables": shown})
            context["ranking_groups"] = groups
            context["previous_label"] = _period_label(period.previous())
    return render(request, "dispatch/cockpit_rankings.html", context)
