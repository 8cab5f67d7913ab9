"""The demo's dispatch meetings (report 004): the chain chiefs' meeting chaired by 王莉霞 with the
chiefs reporting and her requirements as decisions, the weekly series around it opening with
where the last meeting's decisions stand, and the region's economic figures ranked among the
western provinces."""

from __future__ import annotations

import itertools

from zhuqi.cases.models import Kind, Status
from zhuqi.demo import dataset
from zhuqi.directory.models import User
from zhuqi.dispatch import cockpit
from zhuqi.dispatch.models import AgendaSection, AttendeeRole, EconomicFigure, Meeting
from zhuqi.dispatch.selectors import decisions_of, previous_meeting


def test_the_chain_chiefs_meeting_its_series_and_the_regions_figures(db) -> None:
    dataset.load()
    admin = User.objects.get(username="demo-admin")
    meetings = list(Meeting.objects.filter(region_id="150000").order_by("held_on"))
    assert [m.title for m in meetings] == [
        "自治区经济运行周调度会",
        "自治区经济运行周调度会",
        "自治区重点产业链链长第一次调度会",
        "晋位升级第一场工作调度会",
    ]
    assert [(b.held_on - a.held_on).days for a, b in itertools.pairwise(meetings)] == [7, 7, 7]
    chains = meetings[2]
    assert chains.chair.name == "王莉霞" and chains.chair_posts == "内蒙古自治区政府主席"
    reporting = {a.official.name: a.posts for a in chains.attendees.filter(role=AttendeeRole.REPORTING)}
    assert set(reporting) == {"刘建国", "陈雅琴"}
    assert "光伏装备产业链" in reporting["刘建国"] and "链长" in reporting["刘建国"]
    # Her requirements are instruction cases given to the region's departments, with deadlines.
    cases = [d.case for d in decisions_of(chains)]
    assert len(cases) == 4
    assert all(c.kind == Kind.INSTRUCTION and c.deadline and c.lead_department for c in cases)
    assert all(c.lead_department.region_id == "150000" for c in cases if c.lead_department)
    # Each meeting opens with the last one's decisions, in mixed states.
    for meeting in meetings[1:]:
        previous = previous_meeting(meeting, user=admin)
        assert previous is not None
        items = meeting.agenda.filter(section=AgendaSection.LAST_DECISIONS)
        assert items.count() == decisions_of(previous).count() > 0
    opened = chains.agenda.filter(section=AgendaSection.LAST_DECISIONS).values_list("detail", flat=True)
    assert any("已逾期" in detail for detail in opened), list(opened)
    assert chains.agenda.filter(section=AgendaSection.OTHER).count() == 2
    states = {d.case.status for d in decisions_of(chains)}
    assert {Status.CLOSED, Status.IN_PROGRESS, Status.ASSIGNED} <= states

    # The region's economic figures, ranked among the western provinces (西部12省区市).
    assert EconomicFigure.objects.filter(compared_for_id="150000").values("region").distinct().count() == 11
    scope = cockpit.parse_scope(admin, "region:150000")
    economy = cockpit.cockpit_figures(user=admin, scope=scope, period=cockpit.resolve_period("year"))[
        "economy"
    ]
    rows = {row["indicator"]: row for row in economy}
    assert {"gdp", "gdp_growth", "industry_growth", "investment_growth", "retail", "revenue"} <= set(rows)
    assert rows["gdp_growth"]["target"] == 6
    # Mid-table: neither top nor bottom of twelve.
    for indicator in ("gdp", "gdp_growth", "industry_growth", "investment_growth", "retail_growth"):
        assert rows[indicator]["peers"] == 11
        assert 3 <= rows[indicator]["rank"] <= 9, (indicator, rows[indicator]["rank"])
