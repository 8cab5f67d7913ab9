"""The API under a schema fuzzer (Schemathesis), in-process through WSGI, so it runs wherever the
test database is (SQLite or PostgreSQL) and needs no server.

Every operation of /api/v1/openapi.json is called with generated requests — valid ones, boundary
values and invalid ones — as one user, and each response is checked: no server error, the status
documented, the body shaped as documented, valid requests accepted and invalid ones refused. The
seed and the number of examples are fixed, so a run is repeatable and its time bounded.

A test module loads the schema, takes the `world` fixture for its user and sends each case with
the user's token; the two roles live in two modules so pytest-xdist (`--dist loadfile`) runs them
side by side."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections, transaction
from hypothesis import strategies as st
from schemathesis.config import SchemathesisConfig

# Fixed so a failure found once is found again; the number of examples is what bounds the time
# (coverage-phase cases come on top: a handful per parameter, boundary values and wrong types).
SEED = 20260615
MAX_EXAMPLES = int(os.environ.get("ZHUQI_FUZZ_EXAMPLES", "5"))

# Operations whose services judge what a schema cannot say, so a request valid by the schema may
# still be refused with 422: a region code that must exist, a record id of the right kind, a
# month within the year asked for, text that is more than blanks, one field required with
# another. The fuzzer's "valid request rejected" check is off for these alone; every other check
# still applies to them. Shrinking this list means moving such a rule into the schema.
SEMANTIC_REFUSALS = [
    "POST /api/v1/calendar/{year}",
    "POST /api/v1/officials",
    "POST /api/v1/officials/{official_id}/posts",
    "POST /api/v1/departments",
    "POST /api/v1/enterprises",
    "PATCH /api/v1/enterprises/{enterprise_id}",
    "POST /api/v1/enterprises/{enterprise_id}/assignments",
    "POST /api/v1/cases",
    "GET /api/v1/cases/common-problems",
    # Demands of two enterprises or more, each open and in no other joint handling; a member to
    # take out must be one.
    "POST /api/v1/cases/joint",
    "POST /api/v1/cases/joint/{joint_id}/members",
    "POST /api/v1/cases/joint/{joint_id}/members/remove",
    "GET /api/v1/cases/figures",
    "POST /api/v1/projects",
    "GET /api/v1/projects/figures",
    "POST /api/v1/projects/{project_id}/reports",
    # The node plan is refused row by row ("第2个节点 planned_on 必填"), blanks included.
    "PUT /api/v1/projects/{project_id}/milestones",
    "POST /api/v1/projects/lists",
    "PUT /api/v1/projects/lists/{list_id}",
    "POST /api/v1/agreements",
    "GET /api/v1/agreements/figures",
    "POST /api/v1/visits",
    "POST /api/v1/robots",
    "PUT /api/v1/robots/{robot_id}",
    # A policy's department and publication date, a rule's industries and regions that exist; a
    # delivery's step allowed from its state, a grant within the cap, an off-list enterprise with
    # a reason; the demand category configured.
    "POST /api/v1/policies",
    "PUT /api/v1/policies/{policy_id}",
    "POST /api/v1/policies/{policy_id}/complaints",
    "POST /api/v1/deliveries",
    "POST /api/v1/deliveries/{delivery_id}/apply",
    "POST /api/v1/deliveries/{delivery_id}/grant",
    "POST /api/v1/deliveries/{delivery_id}/refuse",
    "POST /api/v1/deliveries/import",
    "POST /api/v1/policies/{policy_id}/attachment",
    # A chain's region that exists, a name not taken; a segment's upstream in the same chain and
    # no cycle; a member's segment of this chain and an enterprise in scope; a link with one end
    # ours and not to itself; amounts in 万元.
    "POST /api/v1/chains",
    "PUT /api/v1/chains/{chain_id}",
    "POST /api/v1/chains/{chain_id}/segments",
    "PUT /api/v1/chains/segments/{segment_id}",
    "POST /api/v1/chains/{chain_id}/members",
    "PUT /api/v1/chains/members/{member_id}",
    "POST /api/v1/chains/{chain_id}/links",
    "PUT /api/v1/chains/links/{link_id}",
    "POST /api/v1/chains/{chain_id}/items",
    "PUT /api/v1/chains/items/{item_id}",
    "PUT /api/v1/chains/{chain_id}/goals/{year}",
    # A target's chain and segment must be ones the keeper sees, its steps taken in order.
    "POST /api/v1/targets",
    "PUT /api/v1/targets/{target_id}",
    "POST /api/v1/targets/{target_id}/advance",
    # A report in Chinese or English (random text is refused as neither, with the reason); a
    # draft confirmed with its dates and lead officials resolved, discarded with a reason.
    "POST /api/v1/reports",
    "POST /api/v1/reports/file",
    "POST /api/v1/reports/{report_id}/confirm",
    "POST /api/v1/reports/{report_id}/discard",
    # A task force's region in the keeper's jurisdiction, its officials and departments that
    # exist, a 组长 among its members; a campaign's task force the keeper sees, its form well
    # made, its dates in order; enterprises in scope and in the task force's region, a rule with
    # a condition; a report of an enterprise in the campaign, for a period of its cadence that
    # has begun, its values within the form's bounds; a period filter of the campaign's cadence.
    "POST /api/v1/task-forces",
    "PUT /api/v1/task-forces/{task_force_id}",
    "POST /api/v1/campaigns",
    "PUT /api/v1/campaigns/{campaign_id}",
    "GET /api/v1/campaigns/{campaign_id}/enterprises",
    "POST /api/v1/campaigns/{campaign_id}/enterprises",
    "GET /api/v1/campaigns/{campaign_id}/reports",
    "POST /api/v1/campaigns/{campaign_id}/reports",
    "GET /api/v1/campaigns/{campaign_id}/figures",
    # A period's table: its rows' enterprises in the campaign, values within the form's bounds; an
    # enterprise-month's figures, the month not in the future, an enterprise in scope.
    "POST /api/v1/campaigns/{campaign_id}/reports/import",
    "POST /api/v1/campaigns/{campaign_id}/enterprises/import",
    "GET /api/v1/campaigns/{campaign_id}/table.xlsx",
    "GET /api/v1/indicators",
    "POST /api/v1/indicators",
    "POST /api/v1/indicators/import",
    "GET /api/v1/indicators/falls",
    "PUT /api/v1/indicators/{indicator_id}",
    # A scope that exists and lies in the reader's jurisdiction, a period that exists (2026-13 is
    # none) and ends after it starts; a meeting's region, chair, chain, departments and projects
    # that exist and are the keeper's, a title more than blanks; a decision's department and a
    # deadline not before the meeting; a figure's region, period of a month, quarter or year and
    # a number for its value.
    "GET /api/v1/dispatch/figures",
    "GET /api/v1/dispatch/rankings",
    "POST /api/v1/meetings",
    "PUT /api/v1/meetings/{meeting_id}",
    "POST /api/v1/meetings/{meeting_id}/agenda/items",
    "POST /api/v1/meetings/{meeting_id}/decisions",
    "POST /api/v1/briefings",
    "GET /api/v1/economic-figures",
    "PUT /api/v1/economic-figures",
]

CONFIG: dict[str, Any] = {
    "seed": SEED,
    "generation": {
        "max-examples": MAX_EXAMPLES,
        "no-shrink": True,  # a failure is reported as found: shrinking costs minutes
        "database": "none",  # no example database on disk: the same run on every machine
        "deterministic": True,
    },
    "phases": {
        "examples": {"enabled": True},
        # Boundary values of every parameter (limits, one past them, wrong types): what found the
        # pages of 2^63 and the years of 10000. Its only bulk is the unexpected-method probes,
        # one method each is enough to see a 405.
        "coverage": {"enabled": True, "unexpected-methods": ["DELETE"]},
        "fuzzing": {"enabled": True},
        "stateful": {"enabled": False},
    },
    "checks": {
        "not_a_server_error": {"enabled": True},
        "status_code_conformance": {"enabled": True},
        "content_type_conformance": {"enabled": True},
        "response_schema_conformance": {"enabled": True},
        "positive_data_acceptance": {"enabled": True},
        "negative_data_rejection": {"enabled": True},
        "missing_required_header": {"enabled": True},
        "unsupported_method": {"enabled": True},
        # Checks that need a second request with other credentials or a resource lifecycle the
        # stateful phase builds; this run is one user's, stateless.
        "ignored_auth": {"enabled": False},
        "use_after_free": {"enabled": False},
        "ensure_resource_availability": {"enabled": False},
    },
    "operations": [
        {"include-name": SEMANTIC_REFUSALS, "checks": {"positive_data_acceptance": {"enabled": False}}},
        # A write's body has dozens of fields and the coverage phase tries each one's limits and
        # wrong types in turn: hundreds of requests an operation, most of the run's time. Writes
        # get the examples and the fuzzing phases (valid and invalid bodies, drawn at random);
        # the boundary values are tried where the reported server errors were, in the reads.
        {"include-method": ["POST", "PUT", "PATCH", "DELETE"], "phases": {"coverage": {"enabled": False}}},
    ],
}

# Real ids of what the fuzzing user can reach, by path parameter name, filled by the module's
# fixture before the first case is generated (the schema is loaded at import, the data later).
REAL_IDS: dict[str, list[int]] = {}


def load_schema() -> Any:
    from zhuqi.wsgi import application

    config = SchemathesisConfig.from_dict(CONFIG)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=config)

    @schema.hook
    def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any]) -> Any:
        # A drawn id almost never exists, so most requests would stop at 404: half the time the
        # path names a record the user can see, so the handlers behind the lookup are fuzzed too.
        if not path_parameters:
            return st.just(path_parameters)
        strategies = {}
        for name, value in path_parameters.items():
            real = REAL_IDS.get(name)
            # Only a generated id is replaced: a deliberately wrong value (text, a negative
            # case) must reach the server as generated, or the fuzzer misjudges the answer.
            usable = real and isinstance(value, int) and not isinstance(value, bool)
            strategies[name] = st.one_of(st.just(value), st.sampled_from(real)) if usable else st.just(value)
        return st.fixed_dictionaries(strategies)

    return schema


def build_world(username: str) -> str:
    """The demo dataset (cases in every state, projects, agreements, visits, assignments) and a
    token for `username`; returns the token."""
    from zhuqi.cases.models import Case
    from zhuqi.core import services
    from zhuqi.demo import dataset
    from zhuqi.directory.models import Official, User
    from zhuqi.dispatch.models import Briefing, Meeting
    from zhuqi.enterprises.models import Assignment, Enterprise
    from zhuqi.investment.models import Agreement
    from zhuqi.policies.models import Delivery, Policy
    from zhuqi.projects.models import Project, ProjectList
    from zhuqi.taskforces.models import Campaign, OperatingIndicator, TaskForce
    from zhuqi.visits.models import Visit

    dataset.load()
    token, _ = services.token_issue(user=User.objects.get(username=username), label="schema fuzzer")
    REAL_IDS.clear()
    REAL_IDS.update(
        {
            "case_id": list(Case.objects.order_by("id").values_list("id", flat=True)[:20]),
            "enterprise_id": list(Enterprise.objects.order_by("id").values_list("id", flat=True)[:20]),
            "project_id": list(Project.objects.order_by("id").values_list("id", flat=True)[:20]),
            "agreement_id": list(Agreement.objects.order_by("id").values_list("id", flat=True)[:20]),
            "visit_id": list(Visit.objects.order_by("id").values_list("id", flat=True)[:20]),
            "assignment_id": list(Assignment.objects.order_by("id").values_list("id", flat=True)[:20]),
            "official_id": list(Official.objects.order_by("id").values_list("id", flat=True)[:20]),
            "list_id": list(ProjectList.objects.order_by("id").values_list("id", flat=True)[:20]),
            "policy_id": list(Policy.objects.order_by("id").values_list("id", flat=True)[:20]),
            "delivery_id": list(Delivery.objects.order_by("id").values_list("id", flat=True)[:20]),
            "task_force_id": list(TaskForce.objects.order_by("id").values_list("id", flat=True)[:20]),
            "campaign_id": list(Campaign.objects.order_by("id").values_list("id", flat=True)[:20]),
            "indicator_id": list(OperatingIndicator.objects.order_by("id").values_list("id", flat=True)[:20]),
            "meeting_id": list(Meeting.objects.order_by("id").values_list("id", flat=True)[:20]),
            "briefing_id": list(Briefing.objects.order_by("id").values_list("id", flat=True)[:20]),
        }
    )
    return token


def world_fixture(username: str) -> Any:
    """A module-scoped fixture: the data built once in a transaction rolled back when the module
    is done, so each operation's test (its own savepoint) starts from the same data and nothing
    reaches the other tests of the worker. Its value is the headers that authenticate the user."""

    @pytest.fixture(scope="module")
    def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, str]]:
        # Requests reach Django's WSGI handler directly, not through its test client, so the
        # handler would close the connection after each one (closing the test's transaction
        # with it, on PostgreSQL); the test client keeps it open the same way.
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        try:
            with django_db_blocker.unblock(), transaction.atomic():
                token = build_world(username)
                yield {"Authorization": f"Bearer {token}"}
                transaction.set_rollback(True)
        finally:
            signals.request_started.connect(close_old_connections)
            signals.request_finished.connect(close_old_connections)

    return world
