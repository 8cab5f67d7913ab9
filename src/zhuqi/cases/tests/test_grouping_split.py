"""Why a case is in its common-problem group (the words it shares), and a coordinator splitting a
wrong member out (a cannot-link the grouping honours from then on), on the hand-made set of
test_common_problems."""

from __future__ import annotations

import pytest
from django.test import Client

from zhuqi.cases import services
from zhuqi.cases.common_problems import _group, common_problems
from zhuqi.cases.models import Case, GroupingSplit
from zhuqi.cases.tests.test_common_problems import VAT, _groups, demands  # noqa: F401 (a fixture)
from zhuqi.core.audit import history
from zhuqi.core.errors import NotFound, PermissionDenied, ValidationFailed
from zhuqi.core.models import AuditEntry
from zhuqi.testing.api import token_client
from zhuqi.testing.factories import PASSWORD


def _vat(result, cases: dict[str, Case]):
    return next(p for p in result.problems if cases["vat1"].pk in p.case_ids)


def test_each_member_says_which_words_it_shares_with_its_group(cast, demands) -> None:  # noqa: F811
    vat = _vat(common_problems(user=cast.coordinator), demands)
    assert vat.case_ids == [c.id for c in vat.cases]
    for case in vat.cases:
        # The label's words first, and only words another member uses too.
        assert case.shared_terms[0] == "留抵退税", case
        assert 1 <= len(case.shared_terms) <= 4
    by_id = {c.id: c for c in vat.cases}
    # 风电项目 is vat5's alone: not a reason it is in the group.
    assert "风电" not in by_id[demands["vat5"].pk].shared_terms


def test_a_split_member_leaves_its_group_for_good_and_the_undo_brings_it_back(cast, demands) -> None:  # noqa: F811
    vat = _vat(common_problems(user=cast.coordinator), demands)
    wind = demands["vat5"]
    split = services.grouping_split(
        actor=cast.coordinator, case_id=wind.pk, other_ids=vat.case_ids, label=vat.label, source="web"
    )
    assert sorted(split.others.values_list("pk", flat=True)) == sorted(set(vat.case_ids) - {wind.pk})
    assert split.label == vat.label and split.created_by == cast.coordinator
    entry = history(split).get()
    assert entry.action == AuditEntry.Action.CREATE and entry.source == "web"
    assert entry.changes["case"] == [None, wind.pk]
    assert entry.changes["others"] == [None, sorted(set(vat.case_ids) - {wind.pk})]

    for minimum in (2, 3):
        groups = _groups(common_problems(user=cast.coordinator, min_enterprises=minimum), demands)
        assert VAT - {"vat5"} in groups
        assert not any("vat5" in group for group in groups)

    services.grouping_split_undo(actor=cast.coordinator, split_id=split.pk, source="web")
    assert not GroupingSplit.objects.exists()
    deleted = AuditEntry.objects.get(action=AuditEntry.Action.DELETE, object_id=str(split.pk))
    assert deleted.changes["case"] == [wind.pk, None]
    assert VAT in _groups(common_problems(user=cast.coordinator), demands)


def test_a_split_case_may_still_group_with_other_cases() -> None:
    """Three alike demands, the first split from the second only: it still groups with the third."""
    texts = ["增值税留抵退税迟迟未到账", "留抵退税到账慢，请加快退付", "申请留抵退税两个月未到账"]
    groups = _group(texts, by=[0, 0, 0], enterprises=[1, 2, 3], min_enterprises=2)
    assert [sorted(g.members) for g in groups] == [[0, 1, 2]]
    groups = _group(texts, by=[0, 0, 0], enterprises=[1, 2, 3], min_enterprises=2, apart=[(0, 1)])
    assert len(groups) == 1 and 2 in groups[0].members and {0, 1} - set(groups[0].members)


def test_who_may_split_and_what_is_refused(cast, demands) -> None:  # noqa: F811
    vat = [demands[key].pk for key in sorted(VAT)]
    wind = demands["vat5"].pk
    # A leader reads the groups but does not change them: 403 with the reason.
    with pytest.raises(PermissionDenied):
        services.grouping_split(actor=cast.leader, case_id=wind, other_ids=vat)
    # Another region's coordinator: the cases are not in their scope, as if missing.
    with pytest.raises(NotFound):
        services.grouping_split(actor=cast.outsider, case_id=wind, other_ids=vat)
    # One of the others out of scope is the same as missing.
    with pytest.raises(NotFound):
        services.grouping_split(actor=cast.coordinator, case_id=wind, other_ids=[*vat, 10**9])
    with pytest.raises(ValidationFailed) as failure:
        services.grouping_split(actor=cast.coordinator, case_id=wind, other_ids=[wind])
    assert failure.value.errors[0].field == "others"
    assert not GroupingSplit.objects.exists()

    split = services.grouping_split(actor=cast.coordinator, case_id=wind, other_ids=vat)
    with pytest.raises(PermissionDenied):
        services.grouping_split_undo(actor=cast.leader, split_id=split.pk)
    with pytest.raises(NotFound):
        services.grouping_split_undo(actor=cast.outsider, split_id=split.pk)
    services.grouping_split_undo(actor=cast.admin, split_id=split.pk)
    with pytest.raises(NotFound):
        services.grouping_split_undo(actor=cast.coordinator, split_id=split.pk)


def test_the_api_shows_shared_words_and_splits(cast, demands) -> None:  # noqa: F811
    client = token_client("coordinator")
    body = client.get("/api/v1/cases/common-problems").json()
    vat = next(p for p in body["problems"] if "留抵退税" in p["terms"])
    assert all(c["shared_terms"][0] == "留抵退税" for c in vat["cases"])
    ids = [c["id"] for c in vat["cases"]]
    wind = demands["vat5"].pk

    created = client.post(
        "/api/v1/cases/common-problems/splits",
        {"case": wind, "others": ids, "label": vat["label"]},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    split = created.json()
    assert split["case"] == {"id": wind, "name": demands["vat5"].title}
    assert split["others"] == sorted(set(ids) - {wind}) and split["label"] == vat["label"]
    listed = client.get("/api/v1/cases/common-problems/splits").json()
    assert [s["id"] for s in listed["items"]] == [split["id"]]
    body = client.get("/api/v1/cases/common-problems").json()
    assert not any(wind in {c["id"] for c in p["cases"]} for p in body["problems"])

    leader = token_client("leader")
    assert leader.get("/api/v1/cases/common-problems/splits").status_code == 200
    refused = leader.delete(f"/api/v1/cases/common-problems/splits/{split['id']}")
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    assert token_client("handler").get("/api/v1/cases/common-problems/splits").status_code == 403
    path = f"/api/v1/cases/common-problems/splits/{split['id']}"
    assert token_client("outsider").delete(path).status_code == 404
    assert client.delete(path).status_code == 204
    empty = client.post(
        "/api/v1/cases/common-problems/splits", {"case": wind, "others": []}, content_type="application/json"
    )
    assert empty.status_code == 422


def test_the_page_shows_shared_words_splits_a_member_and_undoes_it(cast, demands) -> None:  # noqa: F811
    client = Client()
    client.login(username="coordinator", password=PASSWORD)
    text = client.get("/cases/common-problems/").content.decode()
    assert 'data-testid="shared-terms"' in text and '<span class="badge">留抵退税</span>' in text
    assert 'data-testid="split"' in text
    vat = _vat(common_problems(user=cast.coordinator), demands)
    wind = demands["vat5"]
    posted = client.post(
        "/cases/common-problems/split",
        {"case": wind.pk, "others": vat.case_ids, "label": vat.label, "next": "/cases/common-problems/"},
    )
    assert posted.status_code == 302 and posted["Location"] == "/cases/common-problems/"
    page = client.get("/cases/common-problems/").content.decode()
    assert "今后不再与这 4 件诉求归为一组" in page
    listed, splits = page.split('data-testid="grouping-splits"')
    assert wind.title not in listed and wind.title in splits
    split = GroupingSplit.objects.get()
    undone = client.post(
        "/cases/common-problems/split/undo", {"split": split.pk, "next": "https://evil.example/"}
    )
    assert undone.status_code == 302 and undone["Location"] == "/cases/common-problems/"
    page = client.get("/cases/common-problems/").content.decode()
    assert "已撤销拆分" in page and 'data-testid="grouping-splits"' not in page and wind.title in page
    # A refusal the service names comes back as a message; a leader has no split buttons and is refused.
    client.post("/cases/common-problems/split", {"case": wind.pk})
    assert "未拆出" in client.get("/cases/common-problems/").content.decode()
    client.login(username="leader", password=PASSWORD)
    assert 'data-testid="split"' not in client.get("/cases/common-problems/").content.decode()
    refused = client.post("/cases/common-problems/split", {"case": wind.pk, "others": vat.case_ids})
    assert refused.status_code == 403
