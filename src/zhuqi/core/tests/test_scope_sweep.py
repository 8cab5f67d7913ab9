"""Out of scope is 404, on every route that takes an id (docs/visibility.md), swept rather than
listed: the pages come from Django's URL resolver and the API operations from its OpenAPI schema,
so a route added tomorrow is swept without editing this file (an id of a kind not seen before
fails the sweep until FAR_OBJECTS says which record it names).

The scene: everything of a far county (Datong, 140200), made by the admin, which the enterprise,
liaison officer and handler of Huolinguole may not see. Each of them asks for each far record by
every method each route accepts, and asks again for an id that does not exist. The two answers
must be the same (status and body, the id aside): nothing tells a record that exists from one
that does not, no far name appears, and nothing is written (no audit entry, no version moved)."""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from zhuqi.api import api
from zhuqi.cases import services as case_services
from zhuqi.cases.models import Case, CaseCategory, GroupingSplit, JointHandling
from zhuqi.cases.services import NewCase
from zhuqi.chains import services as chain_services
from zhuqi.chains.models import Chain, ChainItem, Link, Member, Segment
from zhuqi.core import services as core_services
from zhuqi.core.models import ApiToken, AuditEntry
from zhuqi.core.roles import Role
from zhuqi.directory.models import Region
from zhuqi.dispatch import services as dispatch_services
from zhuqi.dispatch.models import BriefingStatus, Meeting
from zhuqi.ingest import services as report_services
from zhuqi.ingest.models import Report
from zhuqi.investment import services as agreement_services
from zhuqi.investment import target_services
from zhuqi.investment.models import Agreement, Target
from zhuqi.investment.services import AgreementData
from zhuqi.investment.target_services import TargetData
from zhuqi.notifications.models import Notice, Webhook
from zhuqi.policies import services as policy_services
from zhuqi.policies.models import Delivery, Policy
from zhuqi.policies.services import PolicyData
from zhuqi.projects.models import Level, Project, ProjectList
from zhuqi.taskforces import services as task_force_services
from zhuqi.taskforces.models import Campaign, CampaignReport, OperatingIndicator, TaskForce
from zhuqi.testing.factories import (
    AssignmentFactory,
    Cast,
    DepartmentFactory,
    OfficialFactory,
    PostFactory,
    make_project,
)
from zhuqi.visits import services as visit_services
from zhuqi.visits.models import Visit
from zhuqi.visits.services import Attendance, VisitData

# The roles whose reach is narrowest and most often probed (their own enterprise, their assigned
# enterprises, their department's work), and a county's coordinator, who may write nearly
# everything in their county: without them most writes would be refused for the role alone,
# before the record's scope is ever looked at.
ROLES = [Role.ENTERPRISE, Role.LIAISON, Role.HANDLER, Role.COORDINATOR]

# Far names: if one of these appears in an answer to an outsider, something leaked.
FAR_NAMES = [
    "远方政策",
    "远方钢铁",
    "远方干部",
    "远方诉求",
    "远方调研",
    "远方项目",
    "远方清单",
    "远方协议",
    "远方通知",
    "远方附件",
    "远方工作群",
    "远方报道",
    "远方调度会",
]

# An id that names nothing, of the same length as none of the far ones (they are small).
MISSING_ID = 987_654_321

# Parameters that are not ids: one representative value each.
PLAIN_VALUES = {
    "year": "2026",
    "month": "2026-06",
    "code": "140200",
    "kind": "enterprise",
    "token": "x",
    "group": "leading",  # a chain's member table (chains/views.py chain_members)
    "table": "members",  # a chain's export (chains/views.py chain_export)
}

# Every step a case page takes (cases/<id>/<step>): an unknown step is 404 before any lookup.
CASE_STEPS = sorted(case_services.STEPS)


@dataclass
class Far:
    """The far county's records, by the name of the id that reaches each."""

    ids: dict[str, int]
    versions: Callable[[], dict[str, int]]


def far_id(parameter: str, route: str, far: Far) -> int:
    if parameter == "attachment_id":
        parameter = "visit_attachment_id" if "visits" in route else "case_attachment_id"
    if parameter not in far.ids:
        raise AssertionError(f"{route}: which far record does <{parameter}> name? Add it to the scene.")
    return far.ids[parameter]


@pytest.fixture
def far(cast: Cast, settings: Any, tmp_path: Any) -> Far:
    settings.MEDIA_ROOT = tmp_path
    datong = Region.objects.get(pk="140200")
    cast.datong.name = "远方钢铁有限公司"
    cast.datong.save()
    department = DepartmentFactory(name="大同市工业和信息化局", region=datong)
    official = OfficialFactory(name="远方干部", region=datong)
    PostFactory(
        official=official, department=department, title="驻企联络员", start_date=datetime.date(2020, 1, 1)
    )
    assignment = AssignmentFactory(official=official, enterprise=cast.datong)
    case = case_services.case_create(
        actor=cast.admin,
        data=NewCase(
            kind="demand",
            title="远方诉求",
            description="远方诉求的内容",
            enterprise_id=cast.datong.pk,
            source="hotline",
            category_id=CaseCategory.objects.get(name="融资", parent=None).pk,
        ),
        attachments=[SimpleUploadedFile("远方附件.pdf", b"%PDF", content_type="application/pdf")],
    )
    visit = visit_services.visit_create(
        actor=cast.admin,
        data=VisitData(
            kind="liaison",
            title="远方调研",
            start_date=datetime.date(2026, 6, 10),
            lead_official_ids=[official.pk],
            attendance=[Attendance(enterprise_id=cast.datong.pk)],
        ),
        attachments=[SimpleUploadedFile("远方附件.jpg", b"\xff\xd8\xff", content_type="image/jpeg")],
    ).visit
    project_list = ProjectList.objects.create(name="远方清单", region=datong, level=Level.CITY, year=2026)
    project = make_project(
        name="远方项目",
        region=datong,
        owner=cast.datong,
        project_list=project_list,
        responsible_department=department,
    )
    agreement = agreement_services.agreement_create(
        actor=cast.admin,
        data=AgreementData(
            title="远方协议",
            kind="financing",
            counterparty_name="远方银行",
            our_party_name="大同市人民政府",
            region_code="140200",
            signed_on=datetime.date(2026, 2, 15),
            follow_up_department_id=department.pk,
        ),
    )
    far_policy = PolicyData(
        title="远方政策（草案）",
        issuer="大同市人民政府",
        region_code="140200",
        category="industry",
        benefit="远方政策的内容",
        department_id=department.pk,
        published_on=datetime.date(2026, 1, 5),
        rule={"conditions": [{"field": "region", "values": ["140200"]}]},
    )
    # A draft: a liaison officer reads every published policy (to tell enterprises of them), so
    # the far one they must not see is one not yet published.
    policy = policy_services.policy_create(
        actor=cast.admin,
        data=far_policy,
        attachment=SimpleUploadedFile("远方政策.pdf", b"%PDF", content_type="application/pdf"),
    )
    far_policy.title, far_policy.status = "远方政策", "published"
    published = policy_services.policy_create(actor=cast.admin, data=far_policy)
    (delivery,) = policy_services.deliveries_notify(
        actor=cast.admin, policy_id=published.pk, enterprise_ids=[cast.datong.pk], off_match_reason="远方"
    )
    joint = JointHandling.objects.create(title="远方诉求联合办理", region=datong, lead_department=department)
    chain = chain_services.chain_create(
        actor=cast.admin,
        data=chain_services.ChainData(name="远方产业链", region_code="140200", chief_id=official.pk),
    )
    segment = chain_services.segment_create(
        actor=cast.admin, chain_id=chain.pk, data=chain_services.SegmentData(name="远方环节")
    )
    member = chain_services.member_add(
        actor=cast.admin,
        chain_id=chain.pk,
        data=chain_services.MemberData(segment_id=segment.pk, enterprise_id=cast.datong.pk, role="owner"),
    )
    link = chain_services.link_add(
        actor=cast.admin,
        chain_id=chain.pk,
        data=chain_services.LinkData(
            product="远方产品", supplier_id=cast.datong.pk, customer_name="远方客户有限公司"
        ),
    )
    item = chain_services.item_create(
        actor=cast.admin, chain_id=chain.pk, data=chain_services.ItemData(kind="weakness", title="远方短板")
    )
    target = target_services.target_create(
        actor=cast.admin,
        data=TargetData(
            chain_id=chain.pk, segment_id=segment.pk, name="远方招商目标有限公司", department_id=department.pk
        ),
    )
    notice = Notice.objects.create(recipient=cast.outsider, title="远方通知", link=f"/cases/{case.pk}/")
    split = GroupingSplit.objects.create(case=case, label="远方诉求", created_by=cast.admin)
    robot = Webhook.objects.create(
        name="远方工作群", flavour="wecom", url="http://127.0.0.1:9/send?key=far", region=datong
    )
    _key, token = core_services.token_issue(user=cast.outsider, label="远方令牌")
    # A Datong task force's campaign over the Datong enterprise, with a report for today and a
    # month of its operating indicators.
    task_force = task_force_services.task_force_create(
        actor=cast.admin,
        data=task_force_services.TaskForceData(
            name="远方专班", region_code="140200", starts_on=timezone.localdate() - datetime.timedelta(days=9)
        ),
    )
    campaign = task_force_services.campaign_create(
        actor=cast.admin,
        data=task_force_services.CampaignData(
            task_force_id=task_force.pk,
            name="远方专项行动",
            kind="resumption",
            starts_on=timezone.localdate() - datetime.timedelta(days=9),
        ),
    )
    task_force_services.campaign_enrol(
        actor=cast.admin, campaign_id=campaign.pk, enterprise_ids=[cast.datong.pk]
    )
    campaign_report = task_force_services.report_submit(
        actor=cast.admin,
        campaign_id=campaign.pk,
        data=task_force_services.ReportData(
            enterprise_id=cast.datong.pk,
            period=timezone.localdate().isoformat(),
            values={"status": "部分复工"},
        ),
    )
    indicator = OperatingIndicator.objects.create(
        enterprise=cast.datong, region_id="140200", month=datetime.date(2026, 10, 1), output_value=100
    )
    report = report_services.report_ingest(
        actor=cast.admin,
        raw="远方报道：领导到企业调研\n6月1日，领导到企业调研，强调要加快项目建设进度，力争早日投产。",
        filename="远方报道.txt",
        region_code="140200",
    )
    # A Datong dispatch meeting chaired by the far official, and a briefing of Datong (queued).
    meeting = dispatch_services.meeting_create(
        actor=cast.admin,
        data=dispatch_services.MeetingData(
            title="远方调度会",
            held_on=timezone.localdate(),
            region_code="140200",
            chair_id=official.pk,
            department_ids=[department.pk],
        ),
    )
    briefing = dispatch_services.briefing_request(actor=cast.admin, period="month", region_code="140200")
    # Its files as the generator leaves them (dispatch/briefings.generate), so they can be asked for.
    briefing.document.save("远方简报.docx", ContentFile(b"PK"), save=False)
    briefing.workbook.save("远方简报.xlsx", ContentFile(b"PK"), save=False)
    briefing.status, briefing.progress = BriefingStatus.DONE, 100
    briefing.save()

    def versions() -> dict[str, int]:
        assert ApiToken.objects.filter(pk=token.pk).exists()  # not revoked by anyone swept
        return {
            "enterprise": type(cast.datong).objects.get(pk=cast.datong.pk).version,
            "case": Case.objects.get(pk=case.pk).version,
            "visit": Visit.objects.get(pk=visit.pk).version,
            "project": Project.objects.get(pk=project.pk).version,
            "agreement": Agreement.objects.get(pk=agreement.pk).version,
            "robot": Webhook.objects.get(pk=robot.pk).version,
            "joint": JointHandling.objects.get(pk=joint.pk).version,
            "policy": Policy.objects.get(pk=policy.pk).version,
            "delivery": Delivery.objects.get(pk=delivery.pk).version,
            "chain": Chain.objects.get(pk=chain.pk).version,
            "segment": Segment.objects.get(pk=segment.pk).version,
            "member": Member.objects.get(pk=member.pk).version,
            "link": Link.objects.get(pk=link.pk).version,
            "item": ChainItem.objects.get(pk=item.pk).version,
            "target": Target.objects.get(pk=target.pk).version,
            "report": Report.objects.get(pk=report.pk).version,
            "task_force": TaskForce.objects.get(pk=task_force.pk).version,
            "campaign": Campaign.objects.get(pk=campaign.pk).version,
            "campaign_report": CampaignReport.objects.get(pk=campaign_report.pk).version,
            "indicator": OperatingIndicator.objects.get(pk=indicator.pk).version,
            "meeting": Meeting.objects.get(pk=meeting.pk).version,
        }

    return Far(
        ids={
            "enterprise_id": cast.datong.pk,
            "assignment_id": assignment.pk,
            "case_id": case.pk,
            "joint_id": joint.pk,
            "case_attachment_id": case.attachments.get().pk,
            "visit_id": visit.pk,
            "visit_attachment_id": visit.attachments.get().pk,
            "project_id": project.pk,
            "list_id": project_list.pk,
            "agreement_id": agreement.pk,
            "official_id": official.pk,
            "notice_id": notice.pk,
            "webhook_id": robot.pk,
            "robot_id": robot.pk,
            "token_id": token.pk,
            "split_id": split.pk,
            "policy_id": policy.pk,
            "delivery_id": delivery.pk,
            "chain_id": chain.pk,
            "segment_id": segment.pk,
            "member_id": member.pk,
            "link_id": link.pk,
            "item_id": item.pk,
            "target_id": target.pk,
            "report_id": report.pk,
            "task_force_id": task_force.pk,
            "campaign_id": campaign.pk,
            "indicator_id": indicator.pk,
            "meeting_id": meeting.pk,
            "briefing_id": briefing.pk,
        },
        versions=versions,
    )


# ---------------------------------------------------------------------------------------------
# The routes, enumerated.

# A parameter in a Django route (<int:case_id>) or an OpenAPI path ({case_id}).
PLACEHOLDER = re.compile(r"<(?:\w+:)?(?P<django>\w+)>|\{(?P<openapi>\w+)\}")


def page_routes() -> Iterator[str]:
    """Every page path (Django's URL patterns outside the API and the admin) that takes an id."""

    def walk(patterns: list[Any], prefix: str) -> Iterator[str]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern)

    for route in walk(get_resolver().url_patterns, "/"):
        if route.startswith(("/api/", "/admin/")):
            continue
        if any((match["django"] or "").endswith("_id") for match in PLACEHOLDER.finditer(route)):
            yield route


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # the template: /api/v1/cases/{case_id}
    body: dict[str, Any] | None  # the JSON body's schema
    query: dict[str, dict[str, Any]]  # the required query parameters' schemas (a DELETE's version)


def api_operations() -> Iterator[Operation]:
    """Every API operation whose path takes an id."""
    schema = api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        if not re.search(r"\{\w+_id\}", path):
            continue
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            query = {
                parameter["name"]: parameter["schema"]
                for parameter in operation.get("parameters", [])
                if parameter["in"] == "query" and parameter.get("required")
            }
            yield Operation(method, path, content.get("application/json", {}).get("schema"), query)


def fill(route: str, far: Far, *, missing: bool) -> list[str]:
    """The route's URLs for the far records (or for a missing id), one per value of a plain
    parameter that has several (case steps)."""
    urls = [route]
    for match in PLACEHOLDER.finditer(route):
        placeholder, name = match.group(0), match["django"] or match["openapi"]
        if name.endswith("_id"):
            values = [str(MISSING_ID if missing else far_id(name, route, far))]
        elif name == "step":
            values = CASE_STEPS
        elif name in PLAIN_VALUES:
            values = [PLAIN_VALUES[name]]
        else:
            raise AssertionError(f"{route}: what value does <{name}> take? Add it to PLAIN_VALUES.")
        urls = [url.replace(placeholder, value) for url in urls for value in values]
    return urls


def example(schema: dict[str, Any] | None, components: dict[str, Any], versions: dict[str, int]) -> Any:
    """A small request body of the schema's shape, its `version` the far records' current one
    (they are all new: one version), so that a write is refused for its scope and not for a stale
    version or a missing field."""
    if schema is None:
        return None
    if "$ref" in schema:
        return example(components[schema["$ref"].rsplit("/", 1)[1]], components, versions)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [option for option in schema[key] if option.get("type") != "null"]
            return example(options[0], components, versions) if options else None
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        properties = schema.get("properties", {})
        body = {}
        for name, property_schema in properties.items():
            if name == "version":
                body[name] = max(versions.values())
            elif name in schema.get("required", []):
                body[name] = example(property_schema, components, versions)
        return body
    if kind == "array":
        return []
    if kind == "integer":
        return 1
    if kind == "number":
        return 1
    if kind == "boolean":
        return False
    if schema.get("format") == "date":
        return "2026-06-01"
    return "说明"


# ---------------------------------------------------------------------------------------------
# The answers, compared.

VOLATILE = [
    re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"'),
    re.compile(r'nonce="[^"]*"'),
    re.compile(r'"X-CSRFToken": "[^"]*"'),
]


def normalised(body: bytes, url: str) -> str:
    text = body.decode(errors="replace")
    for pattern in VOLATILE:
        text = pattern.sub("", text)
    # A 404 page may name the path asked for: the id in it is the one thing allowed to differ.
    return text.replace(url, "URL")


def difference(one: str, other: str) -> str:
    """Where two answers part, with a little of each."""
    at = next(
        (i for i, (a, b) in enumerate(zip(one, other, strict=False)) if a != b), min(len(one), len(other))
    )
    return f"…{one[max(0, at - 60) : at + 80]!r} / …{other[max(0, at - 60) : at + 80]!r}"


@dataclass
class Answer:
    status: int
    body: str
    raw: bytes


def ask(client: Client, method: str, url: str, body: Any, *, json_body: bool) -> Answer:
    # A message left by the request before (a refused step) would show on this answer's page.
    client.cookies.pop("messages", None)
    if json_body:
        response = getattr(client, method)(
            url, json.dumps(body) if body is not None else None, content_type="application/json"
        )
    elif method == "get":
        response = client.get(url)
    else:
        response = client.post(url, body or {})
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return Answer(response.status_code, normalised(raw, url), raw)


def client_for(user: Any) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@dataclass(frozen=True)
class Probe:
    method: str
    far_url: str
    missing_url: str
    body: Any
    json_body: bool  # the API's JSON, else a page's form


def probes(far: Far, versions: dict[str, int]) -> Iterator[Probe]:
    """Each route, by each method it may be asked with: a page by GET and by POST (a form
    carrying the version), an API operation by its own method with a small body of its schema."""
    form = {"version": str(max(versions.values()))}
    for route in page_routes():
        pairs = zip(fill(route, far, missing=False), fill(route, far, missing=True), strict=True)
        for far_url, missing_url in pairs:
            yield Probe("get", far_url, missing_url, None, json_body=False)
            yield Probe("post", far_url, missing_url, form, json_body=False)
    components = api.get_openapi_schema()["components"]["schemas"]
    for operation in api_operations():
        body = example(operation.body, components, versions)
        query = example(
            {"type": "object", "properties": operation.query, "required": list(operation.query)},
            components,
            versions,
        )
        suffix = f"?{urlencode(query)}" if query else ""
        pairs = zip(
            fill(operation.path, far, missing=False), fill(operation.path, far, missing=True), strict=True
        )
        for far_url, missing_url in pairs:
            yield Probe(operation.method, far_url + suffix, missing_url + suffix, body, json_body=True)


def test_every_id_route_answers_an_out_of_scope_id_as_a_missing_one(cast: Cast, far: Far) -> None:
    audit_before = AuditEntry.objects.count()
    versions_before = far.versions()
    sweep = list(probes(far, versions_before))
    assert len(sweep) > 100  # the enumeration found the routes
    problems: list[str] = []
    for role in ROLES:
        client = client_for(cast.by_role(role))
        for probe in sweep:
            out_of_scope = ask(client, probe.method, probe.far_url, probe.body, json_body=probe.json_body)
            missing = ask(client, probe.method, probe.missing_url, probe.body, json_body=probe.json_body)
            where = f"{role} {probe.method.upper()} {probe.far_url}"
            if out_of_scope.status >= 500 or missing.status >= 500:
                problems.append(f"{where}: server error {out_of_scope.status}/{missing.status}")
            if (out_of_scope.status, out_of_scope.body) != (missing.status, missing.body):
                problems.append(
                    f"{where}: {out_of_scope.status}, a missing id {missing.status}: "
                    + difference(out_of_scope.body, missing.body)
                )
            text = out_of_scope.raw.decode(errors="replace")
            leaked = [name for name in FAR_NAMES if name in text]
            if leaked:
                problems.append(f"{where}: shows {leaked}")
    assert not problems, "\n".join(problems)
    assert AuditEntry.objects.count() == audit_before
    assert far.versions() == versions_before


def test_the_sweep_asks_for_records_that_exist(cast: Cast, far: Far) -> None:
    """The admin reads every far record the sweep asks about: its 404s are for scope, not for
    ids that name nothing."""
    client = client_for(cast.admin)
    # Not the admin's either, by design: a notice is its recipient's alone. (A reply template is
    # offered only to whoever may answer the case now: the admin sees the case, so it is a 403.)
    by_design = {f"/notices/{far.ids['notice_id']}/open"}
    not_found = []
    for route in page_routes():
        for url in fill(route, far, missing=False):
            if client.get(url).status_code == 404:
                not_found.append(url)
    for operation in api_operations():
        if operation.method == "get":
            for url in fill(operation.path, far, missing=False):
                if client.get(url).status_code == 404:
                    not_found.append(url)
    assert set(not_found) == by_design
