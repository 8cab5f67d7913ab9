"""Chain templates: every shipped one loads through the service; a YAML file and a clerk's workbook
read to the same tree; each kind of bad template is refused naming its line or row and field;
hostile files are refused without being expanded; the empty workbook reads back; the command."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from zhuqi.chains import loading, selectors, services
from zhuqi.chains.models import Chain, Segment, SegmentKind
from zhuqi.core.errors import ValidationFailed
from zhuqi.core.models import AuditEntry
from zhuqi.core.spreadsheets import Spreadsheet
from zhuqi.testing.factories import make_cast

pytestmark = pytest.mark.django_db

S = services.SegmentTemplate


@pytest.fixture
def cast():
    return make_cast()


def refused(filename: str, content: bytes | str) -> list[tuple[str, str]]:
    raw = content.encode() if isinstance(content, str) else content
    with pytest.raises(ValidationFailed) as failure:
        loading.read_template(filename, raw)
    return [(error.field, error.message) for error in failure.value.errors]


def tree(nodes: list[services.SegmentTemplate]) -> list[tuple[str, str, list]]:
    return [(node.name, str(node.kind), tree(node.children)) for node in nodes]


def workbook(rows: Sequence[Sequence[object]]) -> bytes:
    sheet_book = Spreadsheet()
    sheet = sheet_book.sheet("产业链")
    for row in rows:
        sheet.append(row)
    return sheet_book.to_bytes()


def segment_count(nodes: list[services.SegmentTemplate]) -> int:
    return sum(1 + segment_count(node.children) for node in nodes)


# --- the shipped templates ---------------------------------------------------------------------


def test_every_shipped_template_loads_through_the_service(cast):
    paths = loading.shipped_templates()
    names = set()
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert text.startswith("# ") and "据" in text.splitlines()[0], f"{path.name} names no source"
        template = loading.read_template(path.name, path.read_bytes())
        chain = services.chain_load(actor=cast.admin, template=template, region_code="150000")
        assert chain.segments.count() == segment_count(template.segments) >= 10, path.name
        assert chain.description == template.description and "， " not in chain.description
        names.add(chain.name)
        # Supporting segments hang under the segment they supply; every chain has some.
        supporting = chain.segments.filter(kind=SegmentKind.SUPPORTING)
        assert supporting.exists() and not supporting.filter(parent=None).exists(), path.name
    assert {
        "光伏装备产业链",
        "氢能产业链",
        "生物医药产业链",
        "生态草产业链",
        "铝产业链",
        "风电装备产业链",
        "稀土产业链",
        "乳业产业链",
        "现代煤化工产业链",
    } <= names


def test_the_photovoltaic_chain_runs_from_silicon_to_power_stations(cast):
    path = loading.shipped_template("光伏装备")
    assert path is not None
    chain = services.chain_load(
        actor=cast.coordinator,
        template=loading.read_template(path.name, path.read_bytes()),
        region_code="150581",
    )
    segments = {s.name: s for s in chain.segments.select_related("parent")}
    line: list[str] = []
    current: Segment | None = segments["光伏电站"]
    while current is not None:
        line.append(current.name)
        current = current.parent
    assert line[::-1] == ["工业硅", "多晶硅", "单晶硅棒/硅片", "电池片", "组件", "光伏电站"]
    assert segments["光伏玻璃"].parent.name == "组件" and segments["光伏玻璃"].kind == SegmentKind.SUPPORTING
    assert segments["逆变器"].parent.name == "光伏电站" and segments["支架"].parent.name == "光伏电站"
    assert segments["胶膜"].parent.name == "组件" and segments["背板"].parent.name == "组件"
    # A freshly loaded chain is all gaps: nothing placed yet.
    assert {gap.segment.name for gap in selectors.gaps(chain)} == set(segments)


def test_the_aluminium_template_has_the_reports_line_and_its_supplies():
    path = loading.shipped_template("铝产业链")
    assert path is not None
    template = loading.read_template(path.name, path.read_bytes())
    parents: dict[str, tuple[str, str]] = {}

    def walk(nodes, parent=""):
        for node in nodes:
            parents[node.name] = (parent, node.kind)
            walk(node.children, node.name)

    walk(template.segments)
    assert parents["铝板带箔"][0] == "电解铝" and parents["高端铝箔"][0] == "铝板带箔"
    assert parents["铝合金"][0] == "电解铝"
    assert parents["预焙阳极"] == ("电解铝", SegmentKind.SUPPORTING)
    assert parents["氟化盐"] == ("电解铝", SegmentKind.SUPPORTING)


def test_a_shipped_template_is_found_by_its_name_or_file():
    assert loading.shipped_template("氢能") == loading.shipped_template("氢能产业链")
    assert loading.shipped_template("hydrogen") == loading.shipped_template("氢能")
    assert loading.shipped_template("不存在的链") is None


# --- YAML ----------------------------------------------------------------------------------------

GOOD_YAML = """\
name: 铝产业链
description: 煤电铝一体化
segments:
  - name: 电解铝
    children:
      - name: 预焙阳极
        kind: 配套环节
      - name: 铝板带箔
        kind: main
        description: 冷轧板带
        children:
          - name: 高端铝箔
            kind: 主链环节
"""


def test_a_yaml_template_reads_with_kinds_in_either_language():
    template = loading.read_template("铝.yml", GOOD_YAML.encode("utf-8-sig"))
    assert template.name == "铝产业链" and template.description == "煤电铝一体化"
    assert tree(template.segments) == [
        (
            "电解铝",
            "main",
            [("预焙阳极", "supporting", []), ("铝板带箔", "main", [("高端铝箔", "main", [])])],
        )
    ]
    assert template.segments[0].children[1].description == "冷轧板带"


def test_a_number_for_a_name_stays_the_text_written():
    template = loading.read_template("t.yaml", b"name: 2023\nsegments:\n  - name: 0012\n")
    assert template.name == "2023" and template.segments[0].name == "0012"


@pytest.mark.parametrize(
    ("text", "field", "words"),
    [
        # bad YAML: the line of the problem
        ("name: 铝\nsegments:\n  - name: [电解铝\n", "file", ["第 4 行", "YAML 格式有误"]),
        # a missing name
        ("name: 铝\nsegments:\n  - kind: 主链环节\n", "segments[0].name", ["第 3 行", "环节名称必填"]),
        # a wrong kind: the line of the kind
        (
            "name: 铝\nsegments:\n  - name: 电解铝\n    kind: 辅助\n",
            "segments[0].kind",
            ["第 4 行", "“辅助”不是可选的值", "主链环节"],
        ),
        # a repeated name: both lines
        (
            "name: 铝\nsegments:\n  - name: 电解铝\n    children:\n      - name: 电解铝\n",
            "segments[0].children[0].name",
            ["第 5 行", "与第 3 行重名"],
        ),
        # a supporting segment on top
        ("name: 铝\nsegments:\n  - name: 预焙阳极\n    kind: 配套环节\n", "segments[0]", ["须指明"]),
        # the chain's name missing
        ("description: x\nsegments:\n  - name: 电解铝\n", "name", ["产业链名称必填"]),
        # a typo in a field
        (
            "name: 铝\nsegments:\n  - name: 电解铝\n    chidren: []\n",
            "segments[0].chidren",
            ["第 4 行", "不认识"],
        ),
        # no segments at all
        ("name: 铝\n", "segments", ["缺少 segments"]),
        ("name: 铝\nsegments: []\n", "segments", ["没有环节"]),
        # the wrong shape
        ("name: 铝\nsegments:\n  电解铝: 1\n", "segments", ["应为环节列表"]),
        ("- 电解铝\n", "file", ["name、description、segments"]),
        # text where a text belongs
        ("name: [铝]\nsegments:\n  - name: 电解铝\n", "name", ["应为一段文字"]),
    ],
)
def test_each_bad_yaml_is_named_by_line_and_field(text, field, words):
    errors = refused("chain.yaml", text)
    matching = [message for name, message in errors if name == field]
    assert matching, errors
    assert all(word in matching[0] for word in words), matching[0]


def test_too_deep_and_too_many_are_refused_in_yaml():
    depth = services.MAX_DEPTH + 1
    lines = ["name: 深链", "segments:"]
    for level in range(depth):
        indent = "  " * (2 * level)
        lines.append(f"{indent}  - name: 环节{level}")
        if level < depth - 1:
            lines.append(f"{indent}    children:")
    errors = refused("deep.yaml", "\n".join(lines) + "\n")
    assert any(f"最多 {services.MAX_DEPTH} 级" in message for _, message in errors), errors
    # Exactly MAX_DEPTH levels is allowed.
    loading.read_template("ok.yaml", ("\n".join(lines[:-2]) + "\n").encode())

    many = "name: 宽链\nsegments:\n" + "".join(
        f"  - name: 环节{n}\n" for n in range(services.MAX_SEGMENTS + 5)
    )
    errors = refused("many.yaml", many)
    assert [field for field, _ in errors] == [f"segments[{services.MAX_SEGMENTS}]"]
    assert f"最多 {services.MAX_SEGMENTS} 个环节" in errors[0][1]


def test_hostile_yaml_is_refused_without_being_expanded():
    # An alias bomb: refused at the first alias, never walked.
    bomb = ["name: 炸弹", "a: &a [{name: x}]"]
    for level in range(1, 12):
        bomb.append(f"{chr(97 + level)}: &{chr(97 + level)} [" + ",".join([f"*{chr(96 + level)}"] * 9) + "]")
    bomb.append("segments: *l")
    errors = refused("bomb.yaml", "\n".join(bomb))
    assert len(errors) <= loading.MAX_ERRORS
    assert ("a", "第 2 行") in [(field, message.split("：")[0]) for field, message in errors]
    assert any(field.startswith("segments[") for field, _ in errors)
    # Python objects are never constructed: the tag is a text like any other, and the key unknown.
    errors = refused("evil.yaml", "name: !!python/object/apply:os.system ['echo pwned']\nsegments: []\n")
    assert ("name", "应为一段文字") in [(f, m.split("：")[-1]) for f, m in errors]
    errors = refused("big.yaml", b"name: x\n" + b"#" * loading.MAX_TEMPLATE_BYTES)
    assert errors[0][0] == "file" and "超过上限" in errors[0][1]
    assert refused("nested.yaml", "name: x\nsegments: " + "[" * 5000)[0][0] == "file"
    assert "UTF-8" in refused("gbk.yaml", "name: 铝产业链\n".encode("gbk"))[0][1]
    assert "不支持的文件类型" in refused("chain.json", "{}")[0][1]
    assert "锚点" in refused("alias.yaml", "name: x\nsegments:\n  - &s {name: 甲}\n  - *s\n")[0][1]


# --- workbooks -----------------------------------------------------------------------------------

HEAD = [["产业链名称", "铝产业链"], ["产业链简介", "煤电铝一体化"], [], ["环节", "上游环节", "类别", "说明"]]


def test_a_clerks_workbook_reads_with_upstream_by_name_in_any_order():
    content = workbook(
        [
            *HEAD,
            ["高端铝箔", "铝板带箔", "主链环节", "电池箔"],
            ["铝板带箔", "电解铝", "", ""],
            ["电解铝", "", "主链环节", "原铝"],
            [],
            ["预焙阳极", "电解铝", "配套环节", ""],
        ]
    )
    template = loading.read_template("铝.xlsx", content)
    assert template.name == "铝产业链" and template.description == "煤电铝一体化"
    assert tree(template.segments) == [
        ("电解铝", "main", [("铝板带箔", "main", [("高端铝箔", "main", [])]), ("预焙阳极", "supporting", [])])
    ]
    assert template.segments[0].children[0].children[0].description == "电池箔"


def test_a_workbook_written_with_openpyxl_by_hand_reads_too():
    book = openpyxl.Workbook()
    sheet = book.active
    for row in [["环节名称", "上游环节", "环节类别"], ["多晶硅", None, None], ["组件", "多晶硅", "main"]]:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    # No name block: the table starts at row 1 and the chain takes the file's name.
    template = loading.read_template("光伏装备产业链.xlsx", buffer.getvalue())
    assert template.name == "光伏装备产业链"
    assert tree(template.segments) == [("多晶硅", "main", [("组件", "main", [])])]


@pytest.mark.parametrize(
    ("rows", "field", "words"),
    [
        ([["铝板带箔", "电解铝", "", ""]], "上游环节", ["第 5 行", "上游环节“电解铝”不在本表"]),
        ([["电解铝", "", "", ""], ["电解铝", "", "", ""]], "环节", ["第 6 行", "与第 5 行重名"]),
        (
            [["甲", "丙", "", ""], ["乙", "甲", "", ""], ["丙", "乙", "", ""], ["丁", "", "", ""]],
            "上游环节",
            ["第 5 行", "循环", "“甲”", "“乙”", "“丙”"],
        ),
        ([["甲", "甲", "", ""]], "上游环节", ["不能是自己的上游环节"]),
        ([["", "电解铝", "", "说明"], ["电解铝", "", "", ""]], "环节", ["第 5 行", "环节名称必填"]),
        ([["电解铝", "", "辅助", ""]], "类别", ["第 5 行", "“辅助”不是可选的值"]),
        ([["预焙阳极", "", "配套环节", ""]], "上游环节", ["第 5 行", "须指明"]),
        ([["电" * 51, "", "", ""]], "环节", ["最多 50 个字"]),
    ],
)
def test_each_bad_row_is_named_by_row_and_column(rows, field, words):
    errors = refused("chain.xlsx", workbook([*HEAD, *rows]))
    matching = [message for name, message in errors if name == field]
    assert matching, errors
    assert all(word in matching[0] for word in words), matching[0]


def test_a_workbook_without_a_name_or_with_strange_labels_is_refused():
    errors = refused("x.xlsx", workbook([["产业链名称", ""], [], ["环节"], ["电解铝"]]))
    assert ("产业链名称", "第 1 行：产业链名称必填") in errors
    errors = refused("x.xlsx", workbook([["产业链名称", "铝"], ["链长", "张三"], ["环节"], ["电解铝"]]))
    assert errors[0][0] == "file" and "第 2 行" in errors[0][1] and "链长" in errors[0][1]
    errors = refused("x.xlsx", workbook([["产业链名称", "铝"], ["产业链简介", "x"]]))
    assert [field for field, _ in errors] == ["环节"]
    errors = refused("x.xlsx", workbook([["企业名称", "地址"], ["联晟", "霍林郭勒"]]))
    assert "第 1 行应为“产业链名称”" in errors[0][1]
    assert "无法读取 Excel 文件" in refused("x.xlsx", b"not a zip")[0][1]


def test_too_deep_and_too_many_are_refused_in_a_workbook():
    deep = [[f"环节{n}", f"环节{n - 1}" if n else "", "", ""] for n in range(services.MAX_DEPTH + 2)]
    errors = refused("deep.xlsx", workbook([*HEAD, *deep]))
    assert any(f"最多 {services.MAX_DEPTH} 级" in message for _, message in errors), errors
    wide = [[f"环节{n}", "", "", ""] for n in range(services.MAX_SEGMENTS + 50)]
    errors = refused("wide.xlsx", workbook([*HEAD, *wide]))
    assert errors == [
        ("环节", f"第 {5 + services.MAX_SEGMENTS} 行：一条产业链最多 {services.MAX_SEGMENTS} 个环节")
    ]


def test_the_empty_workbook_reads_back_and_asks_for_what_is_missing():
    content = loading.template_workbook()
    errors = refused("产业链模板.xlsx", content)
    assert errors == [("产业链名称", "第 1 行：产业链名称必填")]
    # Its sheets: the one read, how to fill it, an example.
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    assert book.sheetnames == ["产业链", "填写说明", "示例"]
    first = [list(row) for row in book["产业链"].iter_rows(values_only=True) if any(row)]
    assert first[0][0] == "产业链名称" and first[1][0] == "产业链简介"
    assert first[2][:4] == ["环节", "上游环节", "类别", "说明"] and len(first) == 3
    book.close()


def test_a_shipped_template_written_as_a_workbook_reads_back_the_same():
    path = loading.shipped_template("光伏装备")
    assert path is not None
    template = loading.read_template(path.name, path.read_bytes())
    again = loading.read_template("光伏.xlsx", loading.template_workbook(template))
    assert again == template


# --- into the database -------------------------------------------------------------------------


def test_a_workbook_loads_all_or_nothing(cast):
    content = workbook([*HEAD, ["电解铝", "", "", ""], ["铝板带箔", "电解铝", "", ""]])
    chain = services.chain_load(
        actor=cast.coordinator, template=loading.read_template("铝.xlsx", content), region_code="150581"
    )
    assert dict(Segment.objects.filter(chain=chain).values_list("name", "parent__name")) == {
        "电解铝": None,
        "铝板带箔": "电解铝",
    }
    # The same chain again in the same region: refused by the service, nothing more written.
    before = (Chain.objects.count(), Segment.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ValidationFailed) as failure:
        services.chain_load(
            actor=cast.coordinator, template=loading.read_template("铝.xlsx", content), region_code="150581"
        )
    assert failure.value.errors[0].field == "name"
    assert (Chain.objects.count(), Segment.objects.count(), AuditEntry.objects.count()) == before


def test_the_command_loads_a_shipped_template_and_a_file(cast, tmp_path: Path):
    out = io.StringIO()
    call_command(
        "load_chain",
        "氢能",
        "--region",
        "150581",
        "--chief-title",
        "霍林郭勒市委书记",
        "--department-id",
        str(cast.handler.department_id),
        "--as",
        cast.coordinator.username,
        stdout=out,
    )
    chain = Chain.objects.get(name="氢能产业链")
    assert chain.region_id == "150581" and chain.chief_title == "霍林郭勒市委书记"
    assert chain.lead_department_id == cast.handler.department_id
    assert "已载入“氢能产业链”" in out.getvalue() and "13 个环节" in out.getvalue()
    assert AuditEntry.objects.filter(source="command", object_id=str(chain.pk)).exists()

    bad = tmp_path / "bad.yaml"
    bad.write_text("name: 坏链\nsegments:\n  - name: 甲\n    kind: 辅助\n", encoding="utf-8")
    errors = io.StringIO()
    with pytest.raises(CommandError, match="1 处错误"):
        call_command("load_chain", str(bad), "--region", "150581", stderr=errors)
    assert "第 4 行" in errors.getvalue()
    assert not Chain.objects.filter(name="坏链").exists()

    good = tmp_path / "铝.xlsx"
    good.write_bytes(workbook([*HEAD, ["电解铝", "", "", ""]]))
    call_command("load_chain", str(good), "--region", "150581", "--dry-run", stdout=io.StringIO())
    assert not Chain.objects.filter(name="铝产业链").exists()
    call_command("load_chain", str(good), "--region", "150581", stdout=io.StringIO())
    assert Chain.objects.get(name="铝产业链").segments.count() == 1

    with pytest.raises(CommandError, match="内置模板"):
        call_command("load_chain", "没有这条链", "--region", "150581")
    with pytest.raises(CommandError, match="不存在或已停用"):
        call_command("load_chain", "氢能", "--region", "150581", "--as", "nobody")
    # Outside the account's scope: the service refuses, nothing written.
    with pytest.raises(CommandError):
        call_command(
            "load_chain",
            "稀土",
            "--region",
            "140200",
            "--as",
            cast.coordinator.username,
            stderr=io.StringIO(),
        )
    assert not Chain.objects.filter(name="稀土产业链").exists()
