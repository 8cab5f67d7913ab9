from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from django.test import Client

from zhuqi.enterprises import services
from zhuqi.testing.factories import EnterpriseFactory


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_pages_need_a_login(db) -> None:
    response = Client().get("/enterprises/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_login_page_logs_in_and_lands_on_the_workbench(cast) -> None:
    client = Client()
    response = client.post("/login/", {"username": "leader", "password": "correct horse battery staple"})
    assert response.status_code == 302 and response["Location"] == "/"
    page = client.get("/")
    assert "工作台" in page.content.decode()
    assert page.context["enterprise_count"] == 3


@pytest.mark.parametrize(
    "role", ["admin", "auditor", "leader", "coordinator", "handler", "liaison", "enterprise"]
)
def test_every_role_has_a_workbench_and_a_list(cast, role: str) -> None:
    client = login(cast.by_role(role))
    assert client.get("/").status_code == 200
    assert client.get("/enterprises/").status_code == 200
    assert client.get(f"/enterprises/{cast.home.pk}/").status_code == 200
    # The region tree is the government's reference; the enterprise has no use for it.
    assert client.get("/regions/").status_code == (403 if role == "enterprise" else 200)


def test_list_search_and_htmx_partial(cast) -> None:
    client = login(cast.leader)
    page = client.get("/enterprises/", {"q": "lsxcl"}, headers={"HX-Request": "true"})
    html = page.content.decode()
    assert "联晟新材料有限公司" in html and "锦联铝材" not in html
    assert "<html" not in html  # only the results partial


def test_list_queries_do_not_grow_with_rows(cast, django_assert_max_num_queries) -> None:
    EnterpriseFactory.create_batch(60, region=cast.home.region)
    client = login(cast.coordinator)
    with django_assert_max_num_queries(10):
        assert client.get("/enterprises/").status_code == 200


def test_out_of_scope_detail_edit_and_history_are_404(cast) -> None:
    client = login(cast.outsider)
    for url in (
        f"/enterprises/{cast.home.pk}/",
        f"/enterprises/{cast.home.pk}/edit",
        f"/enterprises/{cast.home.pk}/history",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/enterprises/{cast.home.pk}/edit", {"address": "x"}).status_code == 404


def test_detail_shows_who_is_responsible_and_masks_contacts_for_a_leader(cast) -> None:
    html = login(cast.leader).get(f"/enterprises/{cast.home.pk}/").content.decode()
    assert "高原" in html and "驻企联络员" in html
    assert "13912345678" not in html and "5678" in html
    assert "13912345678" in login(cast.coordinator).get(f"/enterprises/{cast.home.pk}/").content.decode()


def test_edit_saves_and_history_shows_the_change(cast) -> None:
    client = login(cast.coordinator)
    form = client.get(f"/enterprises/{cast.home.pk}/edit").context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data["address"] = "霍林郭勒市工业园区8号"
    response = client.post(f"/enterprises/{cast.home.pk}/edit", data)
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    history = client.get(f"/enterprises/{cast.home.pk}/history").content.decode()
    assert "霍林郭勒市工业园区8号" in history and "coordinator" in history


def test_a_stale_edit_is_refused_with_a_message(cast) -> None:
    client = login(cast.coordinator)
    data = {
        k: v
        for k, v in client.get(f"/enterprises/{cast.home.pk}/edit").context["form"].initial.items()
        if v is not None
    }
    services.enterprise_update(
        actor=cast.admin, enterprise_id=cast.home.pk, data={"address": "他人修改"}, expected_version=1
    )
    data["address"] = "我的修改"
    response = client.post(f"/enterprises/{cast.home.pk}/edit", data)
    assert response.status_code == 200
    assert "其他人刚修改了这家企业" in response.content.decode()
    cast.home.refresh_from_db()
    assert cast.home.address == "他人修改"


def test_a_bad_code_in_the_form_names_the_field(cast) -> None:
    client = login(cast.coordinator)
    response = client.post(
        "/enterprises/new", {"uscc": "91150581MA0000001X", "name": "某企业", "region": "150581"}
    )
    assert response.status_code == 200
    assert "校验位应为" in " ".join(response.context["form"].errors["uscc"])


def test_leader_cannot_reach_the_edit_or_import_pages(cast) -> None:
    client = login(cast.leader)
    assert client.get(f"/enterprises/{cast.home.pk}/edit").status_code == 403
    assert client.get("/enterprises/import/").status_code == 403


def test_export_is_a_real_workbook_with_masked_phones_for_a_leader(cast) -> None:
    response = login(cast.leader).get("/enterprises/export.xlsx", {"q": "lsxcl"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    table = list(sheet.iter_rows(values_only=True))
    assert table[0][0] == "统一社会信用代码"
    assert len(table) == 2 and table[1][1] == "联晟新材料有限公司"
    assert table[1][-1] != "13912345678" and table[1][-1].endswith("5678")


def test_export_can_be_imported_back_unchanged(cast, tmp_path: Path) -> None:
    response = login(cast.coordinator).get("/enterprises/export.xlsx")
    path = tmp_path / "export.xlsx"
    path.write_bytes(response.content)
    from zhuqi.enterprises.importing import import_enterprises

    with path.open("rb") as stream:
        report = import_enterprises(actor=cast.coordinator, stream=stream, filename=path.name)
    assert report.errors == [] and report.created == 0 and report.unchanged == 2


def test_import_refuses_other_file_types(cast) -> None:
    client = login(cast.coordinator)
    upload = io.BytesIO(b"hello")
    upload.name = "list.doc"
    response = client.post("/enterprises/import/", {"file": upload})
    assert "只支持 .xlsx 或 .csv" in response.content.decode()


def test_region_tree_counts_and_children(cast) -> None:
    client = login(cast.leader)
    page = client.get("/regions/").content.decode()
    assert "霍林郭勒市" in page and "2 家企业" in page
    children = client.get("/regions/150500/children", headers={"HX-Request": "true"}).content.decode()
    assert "科尔沁区" in children


def test_english_switch(cast) -> None:
    client = login(cast.leader)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert "Workbench" in html and "工作台" not in html


def test_audit_log_only_for_admin_and_auditor(cast) -> None:
    assert login(cast.auditor).get("/audit/").status_code == 200
    assert login(cast.leader).get("/audit/").status_code == 403


def test_static_assets_are_served_by_the_app(cast) -> None:
    client = login(cast.leader)
    html = client.get("/").content.decode()
    assert "http://" not in html.replace("http://testserver", "") and "https://" not in html


def test_history_masks_contacts_for_roles_that_do_not_see_them(cast) -> None:
    services.enterprise_update(
        actor=cast.coordinator,
        enterprise_id=cast.home.pk,
        expected_version=cast.home.version,
        data={"contacts": [{"name": "李秀英", "phone": "13700001234"}]},
    )
    leader = login(cast.leader).get(f"/enterprises/{cast.home.pk}/history").content.decode()
    assert "13700001234" not in leader and "李秀英" not in leader and "1234" in leader
    auditor = login(cast.auditor).get("/audit/").content.decode()
    assert "13700001234" not in auditor
    coordinator = login(cast.coordinator).get(f"/enterprises/{cast.home.pk}/history").content.decode()
    assert "13700001234" in coordinator
