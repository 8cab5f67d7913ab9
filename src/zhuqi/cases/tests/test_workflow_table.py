"""The workflow's one table (cases/workflow.py) against everything read from it: every step has
its label, its service, its API endpoint and its page sentence, and each role's 待办 is exactly
the cases on which the table lets it take a step that moves the case on."""

from __future__ import annotations

import pytest

from zhuqi.cases import selectors, services, steps, workflow
from zhuqi.cases.models import STEP_LABELS, Case, Extension, Kind, Status
from zhuqi.cases.services import NewCase
from zhuqi.cases.views import STEP_DONE
from zhuqi.testing.factories import Cast


def test_every_step_of_the_table_has_a_label_a_service_an_endpoint_and_a_sentence(client) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for step in workflow.STEPS:
        assert step in STEP_LABELS and step in STEP_DONE and step in steps.TAKE
        assert "post" in paths[f"/api/v1/cases/{{case_id}}/{step}"]
    assert {"reject", "return", "request-extension", "reopen"} == workflow.SIDE_STEPS


@pytest.fixture
def every_state(cast: Cast, finance) -> list[Case]:
    """A case of each kind in each state (and, while worked, with an extension request waiting),
    led by the handler's department, of the enterprise user's own enterprise."""
    filed = services.case_create(
        actor=cast.enterprise_user,
        data=NewCase(kind=Kind.DEMAND, title="续贷难", description="贷款到期", category_id=finance.pk),
    )
    cases = []
    for kind in Kind:
        for status in Status:
            for extension in (Extension.NONE, Extension.REQUESTED):
                if extension and status not in (Status.ASSIGNED, Status.IN_PROGRESS):
                    continue
                clone = Case.objects.get(pk=filed.pk)
                clone.pk = None
                clone.kind, clone.status, clone.extension = kind, status, extension
                clone.lead_department = cast.handler.department
                clone.save()
                cases.append(clone)
    return cases


@pytest.mark.parametrize("role", ["coordinator", "handler", "enterprise_user", "liaison"])
def test_a_queue_holds_what_the_table_lets_its_owner_move_on(cast: Cast, every_state, role) -> None:
    user = getattr(cast, role)
    waiting = set(selectors.waiting_on(user=user).filter(pk__in=[c.pk for c in every_state]))
    movable = {
        case
        for case in every_state
        if any(
            workflow.may_take(user, case, step)
            for step in workflow.allowed_steps(case)
            if step not in workflow.SIDE_STEPS
        )
    }
    # Cases no step can reach (a demand awaiting verification) are in neither, or in both.
    reachable = {c for c in every_state if c.kind in workflow._KINDS_IN.get(Status(c.status), frozenset())}
    assert movable and waiting & reachable == movable & reachable
