"""The rule's chain condition as people use it: written in the editor's rows by chain name and
role, shown back by name, matched; an enterprise placed in a chain or taken out of it re-matched
after the commit (signals), as a qualification is; 链主企业 in a policy's text drafted as one."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client

from zhuqi.chains import services as chain_services
from zhuqi.policies import matching, signals
from zhuqi.policies.drafting import draft_rule
from zhuqi.policies.forms import RuleRow, rows_from_rule, rule_from_rows
from zhuqi.policies.models import MatchStatus, Policy, PolicyMatch
from zhuqi.policies.tests.test_pages import _form
from zhuqi.policies.tests.test_policies import _policy
from zhuqi.testing.factories import Cast, make_chain

pytestmark = pytest.mark.django_db


def test_the_editor_rows_read_and_show_chains_and_roles(cast: Cast) -> None:
    chain = make_chain(cast)
    rule = rule_from_rows("all", [RuleRow("chain", "in", "铝产业链、链主企业、龙头")])
    assert rule == {
        "match": "all",
        "conditions": [{"field": "chain", "values": ["铝产业链"], "roles": ["链主企业", "龙头"]}],
    }
    keeper = Client()
    keeper.force_login(cast.coordinator)
    form = _form(cast, **{"cond-0-field": "chain", "cond-0-op": "in", "cond-0-value": "铝、链主企业"})
    for part in ("field", "op", "value"):
        form.pop(f"cond-1-{part}")
        form.pop(f"cond-2-{part}")
    saved = keeper.post("/policies/new", form)
    assert saved.status_code == 302, saved.content.decode()[:2000]
    policy = Policy.objects.get(title=form["title"])
    assert policy.rule["conditions"] == [{"field": "chain", "values": [chain.pk], "roles": ["owner"]}]
    assert rows_from_rule(policy.rule) == ("all", [RuleRow("chain", "in", "铝产业链、链主企业")])
    edit = keeper.get(f"/policies/{policy.pk}/edit").content.decode()
    assert 'value="铝产业链、链主企业"' in edit and "可选的产业链：铝产业链" in edit
    detail = keeper.get(f"/policies/{policy.pk}/").content.decode()
    assert "产业链：铝产业链（链主企业）" in detail


def test_an_unknown_chain_in_a_row_is_named_by_its_row(cast: Cast) -> None:
    keeper = Client()
    keeper.force_login(cast.coordinator)
    refused = keeper.post(
        "/policies/new", _form(cast, **{"cond-0-field": "chain", "cond-0-op": "in", "cond-0-value": "稀土"})
    )
    text = refused.content.decode()
    assert refused.status_code == 200 and "适用条件第 1 行" in text and "不存在的产业链：稀土" in text


def test_joining_or_leaving_a_chain_rematches_the_enterprise(
    cast: Cast, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    chain = make_chain(cast)
    policy = _policy(cast, rule={"conditions": [{"field": "chain", "values": ["铝"], "roles": ["owner"]}]})
    assert not PolicyMatch.objects.filter(policy=policy).exists()
    queued: list[int] = []

    def enqueue(enterprise_id: int) -> None:
        queued.append(enterprise_id)
        matching.rematch_enterprise(enterprise_id)

    monkeypatch.setattr(
        signals, "tasks", SimpleNamespace(rematch_enterprise=SimpleNamespace(enqueue=enqueue))
    )
    with django_capture_on_commit_callbacks(execute=True):
        member = chain_services.member_add(
            actor=cast.coordinator,
            chain_id=chain.pk,
            data=chain_services.MemberData(
                segment_id=chain.segment_list[0].pk, enterprise_id=cast.home.pk, role="owner"
            ),
        )
    assert queued == [cast.home.pk]
    assert PolicyMatch.objects.get(policy=policy).status == MatchStatus.ELIGIBLE
    with django_capture_on_commit_callbacks(execute=True):
        chain_services.member_update(
            actor=cast.coordinator,
            member_id=member.pk,
            expected_version=member.version,
            data=chain_services.MemberData(
                segment_id=chain.segment_list[0].pk, enterprise_id=cast.home.pk, role="supporting"
            ),
        )
    assert not PolicyMatch.objects.filter(policy=policy).exists()  # no longer the owner
    member.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        chain_services.member_remove(
            actor=cast.coordinator, member_id=member.pk, expected_version=member.version
        )
    assert queued == [cast.home.pk] * 3


def test_drafting_reads_chain_owner_enterprises() -> None:
    drafted = draft_rule("对认定为产业链链主企业的规模以上工业企业，给予一次性奖励50万元。")
    assert {"field": "chain", "values": [], "roles": ["owner"]} in drafted.rule["conditions"]
    assert any(found.phrase == "链主企业" for found in drafted.found)
    assert not any(c["field"] == "chain" for c in draft_rule("培育链主企业培育库").rule["conditions"])
