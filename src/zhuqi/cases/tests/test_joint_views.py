"""Joint handling (联合办理) through its pages and its API: opened from a common problem's group,
answered once by the lead department, each enterprise seeing the answer on its own case."""

from __future__ import annotations

import pytest
from django.test import Client

from zhuqi.cases import joint, schemas, selectors
from zhuqi.cases.models import Case, JointHandling, Status
from zhuqi.cases.tests.test_joint import four_demands, open_joint
from zhuqi.notifications.models import Notice
from zhuqi.testing.api import send, token_client, validated_items


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_coordinator_opens_a_joint_handling_from_the_common_problems_page(cast, finance) -> None:
    four = four_demands(cast, finance)
    coordinator = client_for(cast.coordinator)
    page = coordinator.get("/cases/common-problems/")
    assert page.status_code == 200 and "发起联合办理" in page.content.decode()
    ids = [c.pk for c in four.cases]
    form = coordinator.get("/cases/joint/new", {"cases": ids, "title": "留抵退税、到账"})
    body = form.content.decode()
    assert form.status_code == 200 and body.count('data-testid="joint-candidate"') == 4
    assert 'value="留抵退税、到账"' in body
    # One left out: the coordinator unticks it.
    response = coordinator.post(
        "/cases/joint/new",
        {
            "offered": ids,
            "cases": ids[:3],
            "title": "留抵退税",
            "lead_department": cast.handler.department_id,
        },
    )
    created = JointHandling.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/joint/{created.pk}/"
    assert created.members.count() == 3
    assert Case.objects.get(pk=ids[3]).joint_handling_id is None

    # A handler may not open one, an enterprise never sees one.
    assert client_for(cast.handler).get("/cases/joint/new", {"cases": ids}).status_code == 403
    assert client_for(cast.enterprise_user).get(f"/cases/joint/{created.pk}/").status_code == 404


def test_the_lead_handler_answers_once_and_each_enterprise_rates_on_its_own_page(cast, finance) -> None:
    four = four_demands(cast, finance)
    j = open_joint(cast, four)
    handler = client_for(cast.handler)
    inbox = handler.get("/cases/?tab=waiting").content.decode()
    assert 'data-testid="joint-waiting"' in inbox and f"/cases/joint/{j.pk}/" in inbox
    page = handler.get(f"/cases/joint/{j.pk}/").content.decode()
    assert 'data-testid="step-start"' in page and page.count('data-testid="joint-member"') == 4
    assert handler.post(f"/cases/joint/{j.pk}/start", {"version": j.version}).status_code == 302
    j.refresh_from_db()
    response = handler.post(
        f"/cases/joint/{j.pk}/answer",
        {"version": j.version, "answer": "已统一办理退税", "outcome": "resolved"},
    )
    assert response.status_code == 302
    assert set(Case.objects.filter(joint_handling=j).values_list("status", flat=True)) == {Status.ANSWERED}

    # The member case page: a government user sees the link, the enterprise only that it is
    # handled with others (no names), the answer and its own rating form.
    case = four.cases[0]
    page = handler.get(f"/cases/{case.pk}/").content.decode()
    assert "本诉求与其他 3 家企业的同类诉求联合办理" in page and f"/cases/joint/{j.pk}/" in page
    # The home enterprise's liaison officer sees the case, not the group: no link to a 404.
    liaison = client_for(cast.liaison)
    page = liaison.get(f"/cases/{case.pk}/").content.decode()
    assert "本诉求与其他 3 家企业的同类诉求联合办理" in page and f"/cases/joint/{j.pk}/" not in page
    assert liaison.get(f"/cases/joint/{j.pk}/").status_code == 404
    own = client_for(cast.enterprise_user).get(f"/cases/{case.pk}/").content.decode()
    assert "已统一办理退税" in own and 'data-testid="step-confirm"' in own
    assert "一并办理" in own and f"/cases/joint/{j.pk}/" not in own
    for other in four.cases[1:]:
        assert other.enterprise.name not in own


def test_a_members_own_step_is_not_offered_and_is_refused_on_the_case(cast, finance) -> None:
    four = four_demands(cast, finance)
    open_joint(cast, four)
    case = Case.objects.get(pk=four.cases[0].pk)
    handler = client_for(cast.handler)
    assert 'data-testid="step-start"' not in handler.get(f"/cases/{case.pk}/").content.decode()
    api = token_client("handler")
    response = send(api, "post", f"/api/v1/cases/{case.pk}/start", {"version": case.version})
    assert response.status_code == 409
    assert response.json()["code"] == "step_not_allowed" and "联合办理" in response.json()["detail"]


def test_the_api_opens_steps_and_lists_joint_handlings(cast, finance, django_assert_num_queries) -> None:
    four = four_demands(cast, finance)
    api = token_client("coordinator")
    ids = [c.pk for c in four.cases]
    response = send(
        api,
        "post",
        "/api/v1/cases/joint",
        {"cases": ids, "lead_department": cast.handler.department_id, "title": "留抵退税"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "assigned" and len(body["members"]) == 4
    joint_id = body["id"]
    handler = token_client("handler")
    response = send(handler, "post", f"/api/v1/cases/joint/{joint_id}/start", {"version": body["version"]})
    assert response.status_code == 200, response.content
    version = response.json()["version"]
    # A coordinator may not answer for the department: 403 with the reason.
    refused = send(
        api,
        "post",
        f"/api/v1/cases/joint/{joint_id}/answer",
        {"version": version, "answer": "x", "outcome": "resolved"},
    )
    assert refused.status_code == 403 and "牵头部门" in refused.json()["detail"]
    answered = send(
        handler,
        "post",
        f"/api/v1/cases/joint/{joint_id}/answer",
        {
            "version": version,
            "answer": "须省级调整政策",
            "outcome": "not_resolvable",
            "outcome_reason": "needs_policy_change",
        },
    )
    assert answered.status_code == 200 and answered.json()["policy_question"] is True
    # Out of scope is 404.
    assert token_client("outsider").get(f"/api/v1/cases/joint/{joint_id}").status_code == 404
    assert token_client("enterprise").get(f"/api/v1/cases/joint/{joint_id}").status_code == 404

    listed = api.get("/api/v1/cases/joint")
    assert listed.status_code == 200 and [row["id"] for row in listed.json()["items"]] == [joint_id]
    assert listed.json()["items"][0]["member_count"] == 4
    # Sent as built (TrustedPage): what JointOut's validation sent.
    assert listed.json()["items"] == validated_items(
        schemas.JointOut, schemas.joint_json, selectors.joint_list(user=cast.coordinator)
    )
    questions = api.get("/api/v1/cases/joint/policy-questions")
    assert [row["id"] for row in questions.json()["items"]] == [joint_id]
    assert handler.get("/api/v1/cases/joint/policy-questions").status_code == 403

    # The list's SQL: a count and one page, however many joint handlings.
    with django_assert_num_queries(2):
        rows = list(selectors.joint_list(user=cast.coordinator)[:50])
        selectors.joint_list(user=cast.coordinator).count()
    assert rows[0].member_count == 4
    with django_assert_num_queries(1):
        list(selectors.joint_waiting(user=cast.coordinator))


@pytest.mark.parametrize("path", ["/cases/joint/", "/cases/joint/policy-questions/"])
def test_the_lists_pages(cast, finance, path, django_assert_max_num_queries) -> None:
    four = four_demands(cast, finance)
    j = open_joint(cast, four)
    joint.joint_mark_policy(
        actor=cast.coordinator,
        joint_id=j.pk,
        expected_version=j.version,
        policy_question=True,
        note="需省里调整",
    )
    client = client_for(cast.coordinator)
    with django_assert_max_num_queries(12):
        page = client.get(path)
    assert page.status_code == 200 and f"/cases/joint/{j.pk}/" in page.content.decode()
    assert client_for(cast.handler).get("/cases/joint/policy-questions/").status_code == 403
    assert client_for(cast.enterprise_user).get("/cases/joint/").status_code == 403


def test_members_are_added_and_removed_on_the_page(cast, finance) -> None:
    four = four_demands(cast, finance)
    j = joint.joint_create(
        actor=cast.coordinator,
        data=joint.NewJoint(
            case_ids=[c.pk for c in four.cases[:3]], lead_department_id=cast.handler.department_id
        ),
    )
    coordinator = client_for(cast.coordinator)
    coordinator.post(
        f"/cases/joint/{j.pk}/members/add", {"version": j.version, "case": f"#{four.cases[3].pk}"}
    )
    assert j.members.count() == 4
    j.refresh_from_db()
    coordinator.post(
        f"/cases/joint/{j.pk}/members/remove",
        {"version": j.version, "case": four.cases[0].pk, "reason": "另行办理"},
    )
    assert j.members.count() == 3
    assert Case.objects.get(pk=four.cases[0].pk).status == Status.RETURNED
    # A handler may not change members: 403.
    j.refresh_from_db()
    response = client_for(cast.handler).post(
        f"/cases/joint/{j.pk}/members/remove", {"version": j.version, "case": four.cases[1].pk, "reason": "x"}
    )
    assert response.status_code == 403


def test_demands_already_handled_jointly_are_not_offered_again(cast, finance) -> None:
    """What the pages offer is what the service would accept: the form for demands already in a
    joint handling offers no submit and links the joint handling, the last member offers no 移出,
    and a refusal names the field in words."""
    four = four_demands(cast, finance)
    j = open_joint(cast, four)
    coordinator = client_for(cast.coordinator)
    form = coordinator.get("/cases/joint/new", {"cases": [c.pk for c in four.cases]}).content.decode()
    assert 'data-testid="joint-none-joinable"' in form and 'data-testid="joint-submit"' not in form
    assert f'href="/cases/joint/{j.pk}/"' in form

    # Taking all but one out: the last member offers no 移出 (the service keeps one).
    for case in four.cases[1:]:
        j.refresh_from_db()
        joint.joint_remove_member(
            actor=cast.coordinator,
            joint_id=j.pk,
            expected_version=j.version,
            case_id=case.pk,
            reason="另行办理",
        )
    detail = coordinator.get(f"/cases/joint/{j.pk}/").content.decode()
    assert 'data-testid="remove-' not in detail

    # A demand already in another joint handling: the message says 诉求, not the field's code.
    j.refresh_from_db()
    response = coordinator.post(
        f"/cases/joint/{j.pk}/members/add", {"version": j.version, "case": four.cases[0].pk}, follow=True
    )
    text = response.content.decode()
    assert "诉求：" in text and "cases：" not in text


def test_an_enterprise_never_reads_another_enterprises_demand_through_the_joint_handling(
    cast, finance
) -> None:
    """The joint handling's title defaults to its first member's title, which is one enterprise's
    own words (often its name): the other enterprises' pages, API and notices never show it."""
    four = four_demands(cast, finance)
    first = four.cases[0]
    Case.objects.filter(pk=first.pk).update(title=f"{first.enterprise.name}留抵退税未到账")
    j = joint.joint_create(
        actor=cast.coordinator,
        data=joint.NewJoint(
            case_ids=[c.pk for c in four.cases], lead_department_id=cast.handler.department_id
        ),
    )
    assert j.title.startswith(first.enterprise.name)  # the default the coordinator did not change
    other, user = four.cases[1], four.users[1]
    page = client_for(user).get(f"/cases/{other.pk}/").content.decode()
    assert "一并办理" in page and first.enterprise.name not in page
    api = token_client(user.username)
    steps = api.get(f"/api/v1/cases/{other.pk}/timeline").content.decode()
    detail = api.get(f"/api/v1/cases/{other.pk}").content.decode()
    assert first.enterprise.name not in steps + detail
    notices = [f"{n.title} {n.body}" for n in Notice.objects.filter(recipient=user)]
    assert notices and not [n for n in notices if first.enterprise.name in n]


def test_the_new_forms_need_the_csrf_token(cast, finance) -> None:
    """Every POST page of joint handling, grouping splits and group robots is refused without the
    CSRF token, and changes nothing."""
    from zhuqi.notifications.models import Webhook

    four = four_demands(cast, finance)
    j = open_joint(cast, four)
    robot = Webhook.objects.create(
        name="群", flavour="wecom", url="http://127.0.0.1:9/send?key=K", region_id="150581"
    )
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.coordinator)
    posts = {
        "/cases/joint/new": {
            "cases": [c.pk for c in four.cases],
            "lead_department": cast.handler.department_id,
        },
        f"/cases/joint/{j.pk}/members/remove": {
            "version": j.version,
            "case": four.cases[0].pk,
            "reason": "x",
        },
        f"/cases/joint/{j.pk}/policy": {"version": j.version, "policy_question": "on", "note": "x"},
        f"/cases/joint/{j.pk}/return": {"version": j.version, "comment": "x"},
        "/cases/common-problems/split": {"case": four.cases[0].pk, "others": [four.cases[1].pk]},
        f"/notices/webhooks/{robot.pk}/test": {},
        f"/notices/webhooks/{robot.pk}/active": {"version": robot.version, "is_active": "off"},
        f"/notices/webhooks/{robot.pk}/delete": {"version": robot.version},
        f"/notices/webhooks/{robot.pk}/": {"version": robot.version, "name": "改", "flavour": "wecom"},
    }
    for path, data in posts.items():
        assert client.post(path, data).status_code == 403, path
    j.refresh_from_db()
    robot.refresh_from_db()
    assert (j.version, j.policy_question, j.members.count()) == (1, False, 4)
    assert (robot.name, robot.is_active, robot.last_failure_at) == ("群", True, None)
    assert JointHandling.objects.count() == 1
