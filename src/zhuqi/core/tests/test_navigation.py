"""The menu, the header and what every page shares, as each role of the cast sees them."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import clear_script_prefix, reverse, set_script_prefix

from zhuqi.core import navigation
from zhuqi.core.roles import Role
from zhuqi.directory.models import User
from zhuqi.testing.factories import Cast

ROLES = [role.value for role in Role]


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def menu_links(page: str) -> list[str]:
    nav = page.split('<nav class="mainnav">', 1)[1].split("</nav>", 1)[0]
    return re.findall(r'<a href="([^"]+)"', nav)


@pytest.mark.parametrize("role", ROLES)
def test_the_menu_offers_exactly_the_pages_that_open(cast: Cast, role: str) -> None:
    user = cast.by_role(role)
    client = client_for(user)
    links = menu_links(client.get("/").content.decode())
    for page in navigation.PAGES:
        offered = page.url() in links
        assert offered == (page.in_menu and navigation.may_open(user, page.name)), (role, page.name)
        if page.href:
            continue  # outside the pages (the API's public documentation)
        status = client.get(reverse(page.name), follow=True).status_code
        assert status == (200 if navigation.may_open(user, page.name) else 403), (role, page.name, status)


def test_the_enterprise_sees_only_what_it_works_with(cast: Cast) -> None:
    client = client_for(cast.enterprise_user)
    page = client.get("/").content.decode()
    links = menu_links(page)
    assert "/api/v1/docs" not in links and "/regions/" not in links and "/cases/figures/" not in links
    assert {"/cases/", "/projects/", "/enterprises/"} <= set(links)
    assert client.get("/regions/").status_code == 403
    assert client.get("/regions/150581/children", headers={"HX-Request": "true"}).status_code == 403
    assert client.get("/projects/figures/").status_code == 403
    for listing in ("/projects/", "/agreements/"):
        assert "/projects/figures/" not in client.get(listing).content.decode(), listing
    coordinator = client_for(cast.coordinator)
    assert "/projects/figures/" in coordinator.get("/agreements/").content.decode()
    assert "/api/v1/docs" in menu_links(coordinator.get("/").content.decode())


@pytest.mark.parametrize(
    ("display_name", "role", "shown"),
    [
        ("系统管理员", Role.ADMIN, "系统管理员"),
        ("高原（驻企联络员）", Role.LIAISON, "高原（驻企联络员）"),
        ("霍林郭勒市营商办", Role.COORDINATOR, "霍林郭勒市营商办"),
        ("孟宪东", Role.LEADER, "孟宪东 · 领导"),
        ("霍林郭勒市工信局", Role.HANDLER, "霍林郭勒市工信局 · 承办部门"),
    ],
)
def test_the_header_names_the_account_and_its_role_once(
    cast: Cast, display_name: str, role: Role, shown: str
) -> None:
    user = cast.by_role(role)
    user.display_name = display_name
    user.save(update_fields=["display_name"])
    page = client_for(user).get("/").content.decode()
    who = re.search(r'data-testid="who">([^<]*)<', page)
    assert who is not None and who.group(1) == shown


def test_the_language_switch_names_each_language_in_itself(cast: Cast) -> None:
    client = client_for(cast.coordinator)
    chinese = client.get("/").content.decode()
    assert re.search(r'data-testid="language-en">English<', chinese)
    assert "英语" not in chinese and 'data-testid="language-zh-hans"' not in chinese
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get("/").content.decode()
    assert re.search(r'data-testid="language-zh-hans">中文<', english)
    assert 'data-testid="language-en"' not in english


def test_every_page_has_an_icon_and_favicon_ico_answers(cast: Cast) -> None:
    page = client_for(cast.handler).get("/").content.decode()
    icon = re.search(r'<link rel="icon" href="([^"]+)"', page)
    assert icon is not None
    assert Client().get(icon.group(1)).status_code == 200
    login_page = Client().get("/login/").content.decode()
    assert '<link rel="icon"' in login_page
    response = Client().get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO header


def test_the_menu_kept_per_process_follows_the_language_and_the_address_prefix(cast: Cast) -> None:
    """The top bar's menu is rendered once per set of pages, language and address prefix
    (templatetags.zhuqi.main_menu): each reader still gets their own."""
    client = client_for(cast.coordinator)
    chinese = client.get("/").content.decode()
    assert ">事项</a>" in chinese and "/cases/" in menu_links(chinese)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get("/").content.decode()
    assert ">Cases</a>" in english and ">事项</a>" not in english
    # Served under a prefix (a reverse proxy's SCRIPT_NAME): the same menu, its addresses prefixed.
    set_script_prefix("/zhuqi/")
    try:
        mounted = client.get("/").content.decode()
    finally:
        clear_script_prefix()
    assert "/zhuqi/cases/" in menu_links(mounted)
    assert "/zhuqi/cases/" not in menu_links(client.get("/").content.decode())
    # Another role, other pages: the handler has no routing catalogue in its menu.
    handler = menu_links(client_for(cast.handler).get("/").content.decode())
    assert set(handler) != set(menu_links(chinese))
