"""Whatever a person types is shown as text, never run: script, markup and `javascript:` links
written into every text field of every record are crawled on the pages of five roles, parsed as
a browser would, and found only as text.

The fields are found, not listed: every text column of the project's models (bar the few that
are keys or secrets, SKIPPED below) is overwritten in the database, behind the services' backs,
so the pages are tested for escaping what is stored, whatever let it in. Each field gets its own
marker, so the test also says how many fields the crawl actually showed.

A second test reads the source: every way of switching escaping off (mark_safe, |safe,
autoescape off, format_html's cousins, innerHTML in our scripts) is listed with why it is safe."""

from __future__ import annotations

import datetime
import re
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from django.apps import apps
from django.db import models
from django.db.models import Value
from django.db.models.functions import Cast as AsType
from django.db.models.functions import Concat
from django.test import Client

from zhuqi.cases import services as case_services
from zhuqi.cases.models import CaseCategory, ReplyTemplate, RoutingRule
from zhuqi.cases.services import NewCase, StepInput
from zhuqi.core.roles import Role
from zhuqi.directory.models import Department, Region
from zhuqi.enterprises import services as enterprise_services
from zhuqi.investment import services as agreement_services
from zhuqi.investment.services import AgreementData
from zhuqi.notifications.models import Notice, Webhook
from zhuqi.projects.models import Level, Milestone, ProgressReport, ProjectList
from zhuqi.testing.factories import Cast, PostFactory, make_project
from zhuqi.visits import services as visit_services
from zhuqi.visits.services import Attendance, VisitData

ROLES = [Role.ADMIN, Role.COORDINATOR, Role.HANDLER, Role.LIAISON, Role.ENTERPRISE]
PAGES_PER_ROLE = 50

# What an attacker writes: one value that escapes every context it may land in (element text,
# a double- or single-quoted attribute, a template), with a script, a handler and a tag of its
# own. `{marker}` is the field's; a short column gets the shortest that still breaks out.
PAYLOADS = [
    "\"'><script>{marker}()</script><img src=x onerror={marker}()>{{{{{marker}}}}}",
    "\"'><img src=x onerror={marker}()>",
    "\"'><b class={marker}>",
]

# Text columns that are not shown as text: keys, hashes, codes the software reads (a step's
# name, a file's type), and the reference tables every test shares (overwritten below only
# for the rows this scene uses).
SKIPPED = {
    "core.AuditEntry",  # append-only; filled with the payloads by a real update below
    "core.ApiToken.key_hash",
    "directory.User.password",
    "directory.Industry.section",
    "directory.Official.search_text",
    "enterprises.Enterprise.search_text",
    "enterprises.Enterprise.uscc",  # checked on every write; a code, not a name
    "cases.CaseStep.step",
    "cases.CaseStep.from_status",
    "cases.CaseStep.to_status",
    "cases.Attachment.content_type",
    "visits.VisitAttachment.content_type",
    "notifications.Notice.key",
    "notifications.OutboxMessage",  # outgoing messages, never shown on a page
}


MARKER = re.compile(r"xz\d{3}z")


def marker(index: int) -> str:
    return f"xz{index:03d}z"


def payload(index: int, max_length: int | None) -> str | None:
    texts = [text.format(marker=marker(index)) for text in PAYLOADS]
    return next((text for text in texts if max_length is None or len(text) <= max_length), None)


@pytest.fixture
def scene(cast: Cast, settings: Any, tmp_path: Any) -> Cast:
    """One of every record the roles' pages show, in Huolinguole where all five see some."""
    settings.MEDIA_ROOT = tmp_path
    department = cast.handler.department
    liaison_official = cast.liaison.official_id
    assert liaison_official is not None
    PostFactory(official=cast.liaison.official, department=department, start_date=datetime.date(2020, 1, 1))
    finance = CaseCategory.objects.get(name="融资", parent=None)
    case = case_services.case_create(
        actor=cast.enterprise_user,
        data=NewCase(kind="demand", title="流动资金", description="续贷", category_id=finance.pk),
    )
    case = case_services.case_assign(
        actor=cast.coordinator,
        case_id=case.pk,
        expected_version=case.version,
        lead_department_id=department.pk,
    )
    case_services.case_note(actor=cast.handler, case_id=case.pk, step=StepInput(comment="已联系"))
    visit_services.visit_create(
        actor=cast.liaison,
        data=VisitData(
            kind="liaison",
            title="走访",
            start_date=datetime.date(2026, 6, 10),
            lead_official_ids=[liaison_official],
            attendance=[Attendance(enterprise_id=cast.home.pk, opinions="用电")],
        ),
    )
    huolinguole = Region.objects.get(pk="150581")
    project_list = ProjectList.objects.create(name="清单", region=huolinguole, level=Level.CITY, year=2026)
    project = make_project(owner=cast.home, project_list=project_list, responsible_department=department)
    Milestone.objects.create(project=project, name="开工", planned_on=datetime.date(2026, 8, 1))
    ProgressReport.objects.create(
        project=project,
        period_start=datetime.date(2026, 5, 1),
        period_end=datetime.date(2026, 5, 31),
        progress="进展",
        investment_this_period=100,
        investment_to_date=100,
        reported_at=datetime.datetime(2026, 6, 1, tzinfo=datetime.UTC),
    )
    agreement_services.agreement_create(
        actor=cast.coordinator,
        data=AgreementData(
            title="协议",
            kind="financing",
            counterparty_name="银行",
            our_party_name="市政府",
            region_code="150581",
            signed_on=datetime.date(2026, 2, 15),
            follow_up_department_id=department.pk,
        ),
    )
    RoutingRule.objects.create(
        region=huolinguole, category=finance, keywords="续贷", lead_department=department
    )
    ReplyTemplate.objects.create(category=finance, title="模板", text="答复")
    Webhook.objects.create(
        name="群", flavour="wecom", url="https://example.invalid/hook", department=department
    )
    for user in (cast.admin, cast.coordinator, cast.handler, cast.liaison, cast.enterprise_user):
        Notice.objects.create(recipient=user, title="通知", body="内容", link=f"/cases/{case.pk}/")
    return cast


def overwrite_every_text_field(cast: Cast) -> dict[str, str]:
    """Every text column of every row, set to a payload with the column's marker: the
    markers, by column."""
    used_reference_rows = {
        Region: ["150500", "150502", "150581", "140200"],
        Department: None,
    }
    markers: dict[str, str] = {}
    index = 0
    for model in apps.get_models():
        label = model._meta.label
        if not model.__module__.startswith("zhuqi.") or label in SKIPPED:
            continue
        rows = model._default_manager.all()
        if model in used_reference_rows and used_reference_rows[model] is not None:
            rows = rows.filter(pk__in=used_reference_rows[model])
        elif label == "directory.Industry":
            rows = rows.filter(pk__in=["C", "32", "325", "3252"])
        values = {}
        for column in model._meta.concrete_fields:
            name = f"{label}.{column.name}"
            if name in SKIPPED or column.primary_key or column.choices:
                continue
            if not isinstance(column, models.CharField | models.TextField):
                continue
            text = payload(index, column.max_length and column.max_length - 8)
            if text is None:
                continue
            # A unique column (a username) gets each row's id after the payload.
            values[column.name] = (
                Concat(Value(text), AsType("pk", models.CharField())) if column.unique else text
            )
            markers[name] = marker(index)
            index += 1
        if values:
            rows.update(**values)
    # A notice's link is followed by the reader's browser: the classic place for javascript:.
    Notice.objects.update(link="javascript:xzlinkz()")
    markers["notifications.Notice.link"] = "xzlinkz"
    # A real update, so the audit trail and the history pages hold payloads too.
    home = type(cast.home).objects.get(pk=cast.home.pk)
    enterprise_services.enterprise_update(
        actor=cast.admin,
        enterprise_id=home.pk,
        data={"address": '"><img src=x onerror=xzauditz()>'},
        expected_version=home.version,
    )
    markers["core.AuditEntry.changes"] = "xzauditz"
    return markers


# ---------------------------------------------------------------------------------------------
# Reading a page as a browser would.

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "hx-get", "hx-post", "data-url", "poster"}
FOLLOWED_ATTRIBUTES = {"href", "hx-get", "data-url"}
SCRIPT_SCHEMES = ("javascript:", "vbscript:", "data:text/html")


@dataclass
class Findings:
    """What one page does with the payloads."""

    links: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)


class PageReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found = Findings()
        self.script: dict[str, str] | None = None  # the open <script>'s attributes

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        for name, value in attributes.items():
            if name.startswith("on") and "xz" in value:
                self.found.problems.append(f"<{tag} {name}={value!r}>: a handler from stored text")
            if name in URL_ATTRIBUTES:
                # Browsers ignore whitespace and control characters inside the scheme.
                scheme = re.sub(r"[\x00-\x20]", "", value).lower()
                if scheme.startswith(SCRIPT_SCHEMES):
                    self.found.problems.append(f"<{tag} {name}={value!r}>: a script URL")
            if name in FOLLOWED_ATTRIBUTES and value:
                self.found.links.append(value)
            if MARKER.fullmatch(value):
                self.found.problems.append(f"<{tag} {name}={value!r}>: markup from stored text")
        if tag == "script":
            self.script = attributes

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self.script = None

    def handle_data(self, data: str) -> None:
        if self.script is not None:
            if "xz" in data and self.script.get("type") != "application/json":
                self.found.problems.append(f"<script>{data[:80]!r}: script from stored text")
            if self.script.get("type") == "application/json" and "</" in data:
                self.found.problems.append("JSON in a page that could close its <script>")
            return
        self.found.text.append(data)


def read(html: str) -> Findings:
    reader = PageReader()
    reader.feed(html)
    reader.close()
    return reader.found


NOT_FOLLOWED = ("/logout", "/i18n/", "/admin/", "/api/", "/static/", "/media/")


def crawl(client: Client, start: list[str], limit: int) -> tuple[dict[str, Findings], list[str]]:
    """Breadth first from `start`, one page per path (query strings vary the same page)."""
    seen: set[str] = set()
    queue = deque(start)
    pages: dict[str, Findings] = {}
    errors: list[str] = []
    while queue and len(pages) < limit:
        url = queue.popleft()
        path = urlsplit(url).path
        if path in seen or path.startswith(NOT_FOLLOWED):
            continue
        seen.add(path)
        response = client.get(url)
        if response.status_code >= 500:
            errors.append(f"{url}: {response.status_code}")
        if 300 <= response.status_code < 400:
            # A redirect is a link the browser follows without asking.
            location = response["Location"]
            if re.sub(r"[\x00-\x20]", "", location).lower().startswith(SCRIPT_SCHEMES):
                errors.append(f"{url}: redirects to {location!r}")
            queue.append(location)
            continue
        if "text/html" not in response.get("Content-Type", "") or response.streaming:
            continue
        found = read(response.content.decode())
        pages[url] = found
        for link in found.links:
            absolute = urljoin(url, link)
            if urlsplit(absolute).netloc in ("", "testserver"):
                queue.append(urlsplit(absolute)._replace(scheme="", netloc="").geturl())
    return pages, errors


def test_stored_payloads_are_shown_as_text_on_every_page(scene: Cast) -> None:
    markers = overwrite_every_text_field(scene)
    assert len(markers) >= 30
    start = ["/", "/enterprises/", "/cases/", "/projects/", "/agreements/", "/visits/", "/notices/"]
    start += ["/audit/", "/cases/routing/", "/notices/webhooks/", "/visits/liaison/", "/regions/"]
    start += [f"/pick/{kind}/" for kind in ("enterprise", "official", "department", "project")]
    problems: list[str] = []
    shown: set[str] = set()
    crawled = 0
    for role in ROLES:
        client = Client(raise_request_exception=False)
        client.force_login(scene.by_role(role))
        pages, errors = crawl(client, start, PAGES_PER_ROLE)
        crawled += len(pages)
        problems += [f"{role} {error}" for error in errors]
        for url, found in pages.items():
            problems += [f"{role} {url}: {problem}" for problem in found.problems]
            text = "".join(found.text)
            shown |= {name for name, mark in markers.items() if mark in text}
    assert not problems, "\n".join(problems)
    # The crawl reached the records: most fields were shown somewhere, as text.
    assert len(shown) >= 30, sorted(set(markers) - shown)
    assert crawled >= 100


# ---------------------------------------------------------------------------------------------
# The source, read for every way of turning escaping off.

SOURCE = Path(__file__).resolve().parents[2]  # src/zhuqi

UNESCAPED = {
    "python": re.compile(r"\bmark_safe\b|\bSafeString\b|\bSafeText\b|\bhtml_safe\b|__html__|format_html\b"),
    "template": re.compile(r"\|\s*safe\b|\|\s*safeseq\b|autoescape\s+off|\{%\s*autoescape\s+off"),
    "script": re.compile(r"\.innerHTML\s*=|\.outerHTML\s*=|insertAdjacentHTML|document\.write|\beval\("),
}

EMPTIES = "sets nothing: empties the element"

# Each use, as "path: the line, stripped", and why what it puts in the page cannot be markup
# someone typed. A new use fails the test until it is reviewed and added here.
JUSTIFIED = {
    'cases/views.py: return safestring.mark_safe("".join(parts))  # noqa: S308 (values escaped above)': (
        "the 事项 table's rows: each value of a row through html.escape, the labels the catalogue's "
        "translations as {% translate %} writes them (test_list_page compares them with the reference "
        "template, a title of markup among them)"
    ),
    "core/static/zhuqi/picker.js: if (asked.get(picker) === serial) optionsOf(picker).innerHTML = html;": (
        "the server's picker_options.html fragment, rendered with autoescape on"
    ),
    'core/static/zhuqi/picker.js: if (!picker.hasAttribute("data-multiple")) chips.innerHTML = "";': (
        "empties the chips"
    ),
    'core/static/zhuqi/picker.js: chip.innerHTML = \'<input type="hidden" name="\' + escapeText(picker.getAttribute("data-name")) +': (  # noqa: E501
        "every value in the chip goes through escapeText"
    ),
    'core/static/zhuqi/picker.js: if (picker !== except) optionsOf(picker).innerHTML = "";': EMPTIES,
    'core/static/zhuqi/picker.js: optionsOf(picker).innerHTML = "";': EMPTIES,
    'visits/static/visits/visit_form.js: rows.insertAdjacentHTML("beforeend", html);': (
        "that template with every picked value through escapeText (browser_tests/test_dom_escaping.py)"
    ),
    'visits/static/visits/visit_form.js: options.innerHTML = "";': EMPTIES,
    'visits/static/visits/visit_form.js: document.getElementById("case-rows").insertAdjacentHTML(': (
        "the server's case row template, nothing typed in it"
    ),
}


def unescaped_uses() -> list[str]:
    uses = []
    kinds = {".py": "python", ".html": "template", ".js": "script"}
    for path in sorted(SOURCE.rglob("*")):
        kind = kinds.get(path.suffix)
        relative = path.relative_to(SOURCE).as_posix()
        if kind is None or "/tests/" in f"/{relative}" or "/vendor/" in relative or ".min." in path.name:
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if UNESCAPED[kind].search(line):
                uses.append(f"{relative}: {line.strip()}")
    return uses


def test_every_use_of_unescaped_markup_is_justified() -> None:
    uses = unescaped_uses()
    unjustified = [use for use in uses if use not in JUSTIFIED]
    assert not unjustified, "say why each is safe in JUSTIFIED:\n" + "\n".join(unjustified)
    gone = [use for use in JUSTIFIED if use not in uses]
    assert not gone, "no longer in the source, take out of JUSTIFIED:\n" + "\n".join(gone)
