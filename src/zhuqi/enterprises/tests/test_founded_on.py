"""成立日期 (founded_on) wherever an enterprise's facts are kept: the import (in the ways lists
write a day), the API, the edit page and the export; a registered fact, not the enterprise's own
to change."""

from __future__ import annotations

import csv
import datetime
import io
from pathlib import Path

import openpyxl
import pytest
from django.test import Client
from django.utils import timezone

from zhuqi.core import audit
from zhuqi.core.validators import make_uscc
from zhuqi.directory.reference import ReferenceResolver
from zhuqi.enterprises import validation
from zhuqi.enterprises.importing import import_enterprises
from zhuqi.enterprises.models import Enterprise
from zhuqi.testing.api import send, token_client

MAY_DAY = datetime.date(2019, 5, 1)


def _import(cast, path: Path):
    with path.open("rb") as stream:
        return import_enterprises(actor=cast.coordinator, stream=stream, filename=path.name)


def _xlsx(path: Path, header: str, days: list[object]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["统一社会信用代码", "企业名称", "所在地区", header])
    for index, day in enumerate(days):
        sheet.append([make_uscc("150581", 900 + index), f"成立日期企业{index}有限公司", "150581", day])
    workbook.save(path)
    return path


def _founded(count: int) -> list[datetime.date | None]:
    return [Enterprise.objects.get(name=f"成立日期企业{index}有限公司").founded_on for index in range(count)]


@pytest.mark.parametrize("header", ["成立日期", "成立时间", "注册日期", "founded_on"])
def test_the_import_reads_a_day_as_lists_write_it(cast, tmp_path: Path, header: str) -> None:
    days: list[object] = [
        datetime.datetime.combine(MAY_DAY, datetime.time()),  # a date cell (naive, as Excel's are)
        43586,  # Excel's serial number of the day, in a cell that lost its date format
        "2019-05-01",
        "2019/5/1",
        "2019.5.1",
        "2019年5月1日",
        "２０１９年５月１日",  # full-width, as some input methods type it
        "20190501",
        20190501,  # typed as a number
        "2019-05-01 00:00:00",
    ]
    report = _import(cast, _xlsx(tmp_path / "list.xlsx", header, days))
    assert report.errors == [] and report.created == len(days)
    assert _founded(len(days)) == [MAY_DAY] * len(days)
    entry = audit.history(Enterprise.objects.get(name="成立日期企业0有限公司")).get()
    assert entry.changes["founded_on"] == [None, "2019-05-01"]


def test_a_csv_reads_the_same_days(cast, tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["统一社会信用代码", "企业名称", "所在地区", "成立日期"])
        for index, day in enumerate(["2019/5/1", "2019年5月1日", "20190501", ""]):
            writer.writerow([make_uscc("150581", 900 + index), f"成立日期企业{index}有限公司", "150581", day])
    report = _import(cast, path)
    assert report.errors == [] and report.created == 4
    assert _founded(4) == [MAY_DAY, MAY_DAY, MAY_DAY, None]


def test_a_bad_day_is_named_by_row_and_column_and_nothing_is_written(cast, tmp_path: Path) -> None:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    in_words = f"{tomorrow.year}年{tomorrow.month}月{tomorrow.day}日"
    days = ["2019-05-01", "2019-13-01", "去年", in_words, "1019-05-01", "2019-02-29"]
    report = _import(cast, _xlsx(tmp_path / "list.xlsx", "成立时间", days))
    assert not report.written
    by_row = {error.row: error for error in report.errors}
    assert sorted(by_row) == [3, 4, 5, 6, 7]
    assert {error.column for error in report.errors} == {"成立时间"}
    assert "“2019-13-01”不是有效的日期" in by_row[3].message
    assert "“去年”不是有效的日期" in by_row[4].message and "2019年5月1日" in by_row[4].message
    assert "晚于今天" in by_row[5].message
    assert "早于 1900 年" in by_row[6].message
    assert "“2019-02-29”不是有效的日期" in by_row[7].message
    assert not Enterprise.objects.filter(name__startswith="成立日期企业").exists()


def test_a_reimport_changes_the_day_and_a_blank_cell_keeps_it(cast, tmp_path: Path) -> None:
    _import(cast, _xlsx(tmp_path / "first.xlsx", "成立日期", ["2019-05-01", "2018-01-02"]))
    report = _import(cast, _xlsx(tmp_path / "second.xlsx", "成立日期", ["2020/1/1", None]))
    assert (report.errors, report.updated, report.unchanged) == ([], 1, 1)
    assert _founded(2) == [datetime.date(2020, 1, 1), datetime.date(2018, 1, 2)]
    changed = Enterprise.objects.get(name="成立日期企业0有限公司")
    entry = audit.history(changed).filter(action="update").get()
    assert entry.changes == {"founded_on": ["2019-05-01", "2020-01-01"]}


def test_the_validator_takes_a_date_and_refuses_the_future(db) -> None:
    def clean(value: object) -> validation.CleanResult:
        return validation.clean_enterprise_data(
            {"founded_on": value}, resolver=ReferenceResolver(), partial=True
        )

    assert (clean(MAY_DAY).values, clean(MAY_DAY).errors) == ({"founded_on": MAY_DAY}, [])
    refused = clean(timezone.localdate() + datetime.timedelta(days=30))
    assert [e.field for e in refused.errors] == ["founded_on"] and "晚于今天" in refused.errors[0].message
    assert clean(timezone.localdate()).errors == []
    assert (clean("").values, clean("").errors) == ({"founded_on": None}, [])
    # A year alone is no day (and not Excel's day 2019 of 1905).
    assert "不是有效的日期" in clean(2019).errors[0].message


def test_the_api_takes_and_gives_the_day(cast) -> None:
    client = token_client("coordinator")
    response = send(
        client,
        "post",
        "/api/v1/enterprises",
        {
            "uscc": make_uscc("150581", 950),
            "name": "新成立企业有限公司",
            "region": "150581",
            "founded_on": "2024-03-15",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["founded_on"] == "2024-03-15" and body["qualifications"] == []
    patched = send(
        client,
        "patch",
        f"/api/v1/enterprises/{body['id']}",
        {"version": body["version"], "founded_on": "2023-03-15"},
    )
    assert patched.status_code == 200 and patched.json()["founded_on"] == "2023-03-15"
    entry = audit.history(Enterprise.objects.get(pk=body["id"])).filter(action="update").get()
    assert entry.changes == {"founded_on": ["2024-03-15", "2023-03-15"]} and entry.source == "api"
    listed = client.get("/api/v1/enterprises", {"q": "新成立企业"}).json()["items"]
    assert [item["founded_on"] for item in listed] == ["2023-03-15"]


def test_the_api_refuses_a_day_in_the_future_naming_the_field(cast) -> None:
    future = timezone.localdate() + datetime.timedelta(days=1)
    response = send(
        token_client("coordinator"),
        "patch",
        f"/api/v1/enterprises/{cast.home.pk}",
        {"version": cast.home.version, "founded_on": future.isoformat()},
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "founded_on"]
    cast.home.refresh_from_db()
    assert cast.home.founded_on is None


def test_an_enterprise_may_not_change_its_own_founding_day(cast) -> None:
    response = send(
        token_client("enterprise"),
        "patch",
        f"/api/v1/enterprises/{cast.home.pk}",
        {"version": cast.home.version, "founded_on": "2010-01-01"},
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "您无权修改该企业的成立日期"
    cast.home.refresh_from_db()
    assert cast.home.founded_on is None


def _login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_edit_page_saves_the_day_and_the_page_shows_it(cast) -> None:
    client = _login(cast.coordinator)
    form = client.get(f"/enterprises/{cast.home.pk}/edit").context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data["founded_on"] = "2019年5月1日"
    response = client.post(f"/enterprises/{cast.home.pk}/edit", data)
    assert response.status_code == 302
    cast.home.refresh_from_db()
    assert cast.home.founded_on == MAY_DAY
    html = client.get(f"/enterprises/{cast.home.pk}/").content.decode()
    assert '<span class="date">2019-05-01</span>' in html
    # The form shows the day as the date picker reads it.
    edit = client.get(f"/enterprises/{cast.home.pk}/edit").content.decode()
    assert 'type="date" name="founded_on" value="2019-05-01"' in edit
    history = client.get(f"/enterprises/{cast.home.pk}/history").content.decode()
    assert "成立日期" in history and "2019-05-01" in history


def test_the_edit_page_names_a_bad_day_beside_the_field(cast) -> None:
    client = _login(cast.coordinator)
    data = {
        k: v for k, v in client.get(f"/enterprises/{cast.home.pk}/edit").context["form"].initial.items() if v
    }
    data["founded_on"] = "2019-02-30"
    response = client.post(f"/enterprises/{cast.home.pk}/edit", data)
    assert response.status_code == 200
    assert "不是有效的日期" in " ".join(response.context["form"].errors["founded_on"])


def test_the_enterprise_sees_the_field_but_cannot_change_it(cast) -> None:
    client = _login(cast.enterprise_user)
    page = client.get(f"/enterprises/{cast.home.pk}/edit")
    assert page.context["form"].fields["founded_on"].disabled
    data = {k: v for k, v in page.context["form"].initial.items() if v is not None}
    data.update(founded_on="2001-01-01", address="新厂区")
    assert client.post(f"/enterprises/{cast.home.pk}/edit", data).status_code == 302
    cast.home.refresh_from_db()
    assert (cast.home.founded_on, cast.home.address) == (None, "新厂区")


def test_the_export_has_the_day_and_imports_back(cast, tmp_path: Path) -> None:
    Enterprise.objects.filter(pk=cast.home.pk).update(founded_on=MAY_DAY)
    response = _login(cast.coordinator).get("/enterprises/export.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    table = list(sheet.iter_rows(values_only=True))
    column = table[0].index("成立日期")
    by_name = {row[1]: row[column] for row in table[1:]}
    assert by_name["联晟新材料有限公司"] == datetime.datetime.combine(MAY_DAY, datetime.time())
    assert by_name["锦联铝材有限公司"] is None
    path = tmp_path / "export.xlsx"
    path.write_bytes(response.content)
    report = _import(cast, path)
    assert report.errors == [] and report.unchanged == 2
