"""The records sample 000 names (孟宪东 and his posts, enterprises of Huolinguole) over the
cast, and the registry index rebuilt to see them. Imported by the ingest tests as fixtures."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

import pytest

from zhuqi.directory.models import Department, Official, Region
from zhuqi.ingest import linking
from zhuqi.testing.factories import Cast, DepartmentFactory, EnterpriseFactory, OfficialFactory, PostFactory

DATA = Path(__file__).resolve().parent / "data"
PUBLISHED = datetime.date(2022, 6, 22)  # sample 000's page carries no date: the uploader gives it


def sample(prefix: str) -> bytes:
    return next(DATA.glob(f"{prefix}_*")).read_bytes()


def on_city_site(title: str, lines: list[str]) -> str:
    """An article as 通辽's government site carries it: its chrome and the date on the page."""
    return "\n".join(
        [
            "通辽市人民政府门户网站",
            "首页 > 新闻中心 > 工作动态",
            "来源：通辽日报    发布时间：2022-06-22    浏览次数：1024",
            title,
            *lines,
            "【打印本页】【关闭窗口】",
            "版权所有：通辽市人民政府办公室    蒙ICP备05002815号",
        ]
    )


def ambiguous_lead(scene: Scene) -> Official:
    """A second 孟宪东 of the city, once in the same post (as the scene's department):
    sample 000's lead official is ambiguous. The namesake."""
    namesake = OfficialFactory(name="孟宪东", region=region("150500"))
    PostFactory(
        official=namesake,
        department=Department.objects.get(name="通辽市委"),
        title="书记",
        end_date=datetime.date(2012, 1, 1),
    )
    linking.registry(refresh=True)
    return namesake


def rewrapped_000() -> str:
    """Sample 000 as a city government's site carries it: its own chrome, the date on the page,
    the article's lines re-wrapped into one paragraph each two and a paragraph moved."""
    text = sample("000").decode("utf-8")
    lines = text.splitlines()
    end = next(i for i, line in enumerate(lines) if line.startswith("分享"))
    body = [line for line in lines[:end] if line.strip()]
    title, rest = body[0], body[1:]
    rest[1], rest[2] = rest[2], rest[1]
    return on_city_site(title, rest)


@dataclass
class Scene:
    cast: Cast
    secretary: Official
    tengyuan: int
    jinhui: int


def region(code: str) -> Region:
    return Region.objects.get(pk=code)


@pytest.fixture
def scene(cast: Cast) -> Scene:
    secretary = OfficialFactory(name="孟宪东", region=region("150500"))
    PostFactory(
        official=secretary,
        department=DepartmentFactory(name="通辽市委", region=region("150500")),
        title="书记",
        start_date=datetime.date(2021, 1, 1),
    )
    tengyuan = EnterpriseFactory(
        name="霍林郭勒市腾远环保科技有限公司", short_name="腾远环保", region=region("150581")
    )
    jinhui = EnterpriseFactory(
        name="霍林郭勒市金辉粉体有限公司", short_name="金辉粉体", region=region("150581")
    )
    linking.registry(refresh=True)
    return Scene(cast, secretary, tengyuan.pk, jinhui.pk)
