"""Chain templates: a chain's name, description and segment tree read from a YAML file or from a
workbook a clerk fills in (.xlsx, or the same table as .csv), checked whole before anything is
written, each error naming its line (YAML) or row (workbook) and its field; the empty workbook to
fill; the templates zhuqi ships (`data/*.yaml`). `services.chain_load` writes what is read.

A YAML template::

    name: 光伏装备产业链
    description: …
    segments:
      - name: 工业硅
        kind: 主链环节            # or 配套环节 (main | supporting); 主链环节 when left out
        description: …
        children:                 # the segments downstream of it, and those that supply it
          - name: 多晶硅

A workbook: its first sheet holds 产业链名称 and 产业链简介 in the first rows (a label in column A,
its value in column B), then the table 环节 | 上游环节 | 类别 | 说明, one row per segment, the
upstream segment named by its name (rows in any order). Without the name block the first row is
the table's header and the chain takes the file's name.

The file is someone's upload: YAML is composed with PyYAML's safe loader into nodes only (no
constructor runs, so no tag makes an object; anchors and aliases are refused), the size is
bounded, and reading stops past `services.MAX_SEGMENTS` segments."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from zhuqi.chains.models import Chain, Segment, SegmentKind
from zhuqi.chains.services import MAX_DEPTH, MAX_SEGMENTS, ChainTemplate, SegmentTemplate
from zhuqi.core.errors import FieldError, ValidationFailed
from zhuqi.core.spreadsheets import Spreadsheet, Styled
from zhuqi.core.tabular import ImportFileError, normalise_header, read_table
from zhuqi.core.textlimits import limit

DATA = Path(__file__).with_name("data")
# A real chain's template is a few kilobytes; a megabyte is far past any.
MAX_TEMPLATE_BYTES = 1024 * 1024
# A clerk fixes the first fifty; more would only bury them.
MAX_ERRORS = 50

YAML_SUFFIXES = (".yaml", ".yml")
TABLE_SUFFIXES = (".xlsx", ".csv")

# What a template may write for a segment's kind.
KINDS = {
    "main": SegmentKind.MAIN,
    "主链环节": SegmentKind.MAIN,
    "主链": SegmentKind.MAIN,
    "supporting": SegmentKind.SUPPORTING,
    "配套环节": SegmentKind.SUPPORTING,
    "配套": SegmentKind.SUPPORTING,
}
KIND_LABELS = "主链环节、配套环节（或 main、supporting）"

# The workbook's labels and headers (normalised as core.tabular reads headers).
NAME_LABELS = ("产业链名称", "产业链", "名称")
DESCRIPTION_LABELS = ("产业链简介", "简介", "产业链说明")
SEGMENT_HEADERS = {
    "name": ("环节", "环节名称"),
    "upstream": ("上游环节", "上游"),
    "kind": ("类别", "环节类别"),
    "description": ("说明", "环节说明"),
}
COLUMN_TITLES = {"name": "环节", "upstream": "上游环节", "kind": "类别", "description": "说明"}

YAML_CHAIN_KEYS = ("name", "description", "segments")
YAML_SEGMENT_KEYS = ("name", "kind", "description", "children")


@dataclass
class _Entry:
    """A segment as read, before the tree is checked: where it was (`place`: 第 N 行) and the
    name each of its fields has in that file (a YAML path, a column header)."""

    name: str
    kind: str
    description: str
    place: str
    fields: dict[str, str]
    line: int = 0
    upstream: str = ""  # by name (workbook)
    parent: int | None = None  # by position in the entries (YAML)
    children: list[int] = field(default_factory=list)


class _Errors:
    def __init__(self) -> None:
        self.items: list[FieldError] = []

    def add(self, name: str, place: str, message: str) -> None:
        if len(self.items) < MAX_ERRORS:
            self.items.append(FieldError(name, f"{place}：{message}" if place else message))

    def raise_any(self) -> None:
        if self.items:
            raise ValidationFailed(self.items)


def _refuse(name: str, message: str) -> ValidationFailed:
    return ValidationFailed([FieldError(name, message)])


def _line(number: int) -> str:
    return f"第 {number:,} 行"


# ---------------------------------------------------------------------------------------------
# Reading


def read_template(filename: str, content: bytes) -> ChainTemplate:
    """The chain template in `content`, read by the suffix of `filename`; ValidationFailed naming
    every problem (up to MAX_ERRORS) by line or row and field."""
    if len(content) > MAX_TEMPLATE_BYTES:
        raise _refuse("file", f"模板文件超过上限 {MAX_TEMPLATE_BYTES // 1024:,} KB")
    suffix = Path(filename).suffix.lower()
    if suffix in YAML_SUFFIXES:
        return _read_yaml(content)
    if suffix in TABLE_SUFFIXES:
        return _read_table(filename, content)
    raise _refuse("file", f"不支持的文件类型“{suffix or filename}”：请使用 .yaml 或 .xlsx 模板")


def _text_of(value: Any) -> str:
    """A cell or scalar as text: 2023.0 (a number typed into Excel) as 2023."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


# --- YAML -------------------------------------------------------------------------------------

_NULL = "tag:yaml.org,2002:null"


def _read_yaml(content: bytes) -> ChainTemplate:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refuse("file", "YAML 模板须为 UTF-8 编码") from None
    try:
        # compose: the node tree with each node's line, built by the safe loader; nothing is
        # constructed from it but the texts read below.
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = _line(mark.line + 1) + "：" if mark else ""
        raise _refuse("file", f"{where}YAML 格式有误（{error.problem or error.context}）") from None
    except yaml.YAMLError as error:
        raise _refuse("file", f"YAML 格式有误（{error}）") from None
    except RecursionError:
        raise _refuse("file", "YAML 嵌套过深") from None
    if not isinstance(root, yaml.MappingNode):
        raise _refuse("file", "YAML 模板应以 name、description、segments 三项开头")
    reader = _YamlReader()
    chain = reader.mapping(root, "", YAML_CHAIN_KEYS)
    name_node = chain.get("name")
    name = reader.scalar(name_node, "name") if name_node is not None else ""
    description_node = chain.get("description")
    description = reader.scalar(description_node, "description") if description_node is not None else ""
    segments = chain.get("segments")
    if segments is None:
        reader.errors.add("segments", _line(root.start_mark.line + 1), "缺少 segments（环节列表）")
    else:
        reader.segments(segments, "segments", None, 1)
    place = _line(name_node.start_mark.line + 1) if name_node is not None else _line(root.start_mark.line + 1)
    return _template(name, description, reader.entries, reader.errors, name_field="name", name_place=place)


class _YamlReader:
    def __init__(self) -> None:
        self.errors = _Errors()
        self.entries: list[_Entry] = []
        self._seen: set[int] = set()
        self.stopped = False

    def _visit(self, node: yaml.Node, path: str) -> bool:
        # An alias is the node it names, met again: refused, so an alias bomb is one error.
        if id(node) in self._seen:
            self.errors.add(
                path, _line(node.start_mark.line + 1), "不支持 YAML 锚点和引用（&、*），请逐个写出"
            )
            return False
        self._seen.add(id(node))
        return True

    def mapping(self, node: yaml.MappingNode, path: str, keys: tuple[str, ...]) -> dict[str, yaml.Node]:
        found: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else ""
            where = f"{path}.{key}" if path else key
            if key not in keys:
                self.errors.add(
                    where or path,
                    _line(key_node.start_mark.line + 1),
                    f"不认识的字段“{_text_of(key)[:20]}”，可用：{'、'.join(keys)}",
                )
            elif key in found:
                self.errors.add(where, _line(key_node.start_mark.line + 1), f"“{key}”写了两次")
            else:
                found[key] = value_node
        return found

    def scalar(self, node: yaml.Node, path: str) -> str:
        if not isinstance(node, yaml.ScalarNode):
            self.errors.add(path, _line(node.start_mark.line + 1), "应为一段文字")
            return ""
        return "" if node.tag == _NULL else _text_of(node.value)

    def segments(self, node: yaml.Node, path: str, parent: int | None, level: int) -> None:
        if isinstance(node, yaml.ScalarNode) and node.tag == _NULL:
            return  # `children:` left empty
        if not isinstance(node, yaml.SequenceNode):
            self.errors.add(path, _line(node.start_mark.line + 1), "应为环节列表（每项以“- name:”开头）")
            return
        if not self._visit(node, path):
            return
        for index, item in enumerate(node.value):
            if self.stopped:
                return
            here = f"{path}[{index}]"
            place = _line(item.start_mark.line + 1)
            if not isinstance(item, yaml.MappingNode):
                self.errors.add(here, place, "每个环节应写成 name、kind、description、children")
                continue
            if not self._visit(item, here):
                continue
            if len(self.entries) >= MAX_SEGMENTS:
                self.errors.add(here, place, f"一条产业链最多 {MAX_SEGMENTS} 个环节")
                self.stopped = True
                return
            values = self.mapping(item, here, YAML_SEGMENT_KEYS)
            entry = _Entry(
                name=self.scalar(values["name"], f"{here}.name") if "name" in values else "",
                kind=self.scalar(values["kind"], f"{here}.kind") if "kind" in values else "",
                description=(
                    self.scalar(values["description"], f"{here}.description")
                    if "description" in values
                    else ""
                ),
                place=place,
                line=item.start_mark.line + 1,
                fields={
                    "name": f"{here}.name",
                    "kind": f"{here}.kind",
                    "description": f"{here}.description",
                    "upstream": here,
                },
                parent=parent,
            )
            if "name" in values:
                entry.place = _line(values["name"].start_mark.line + 1)
            if "kind" in values:
                entry.fields["kind_place"] = _line(values["kind"].start_mark.line + 1)
            position = len(self.entries)
            self.entries.append(entry)
            if parent is not None:
                self.entries[parent].children.append(position)
            children = values.get("children")
            if children is not None:
                if level >= MAX_DEPTH and isinstance(children, yaml.SequenceNode) and children.value:
                    self.errors.add(
                        f"{here}.children",
                        _line(children.start_mark.line + 1),
                        f"产业链最多 {MAX_DEPTH} 级，“{entry.name}”已在第 {level} 级，不能再有下游环节",
                    )
                    continue
                self.segments(children, f"{here}.children", position, level + 1)


# --- workbook ---------------------------------------------------------------------------------


def _which(header: Any) -> str:
    text = normalise_header(header)
    for key, names in SEGMENT_HEADERS.items():
        if text in names:
            return key
    return ""


def _read_table(filename: str, content: bytes) -> ChainTemplate:
    try:
        headers, rows = read_table(io.BytesIO(content), filename)
    except ImportFileError as error:
        raise _refuse("file", str(error)) from None
    errors = _Errors()
    name, description, name_place = "", "", _line(1)
    columns: dict[str, int] = {}
    try:
        first = normalise_header(headers[0] if headers else "")
        if first in NAME_LABELS:
            name = _text_of(headers[1] if len(headers) > 1 else "")
            for number, cells in rows:
                label = normalise_header(cells[0] if cells else "")
                if _which(label) == "name":
                    columns = _columns(cells)
                    break
                value = _text_of(cells[1] if len(cells) > 1 else "")
                if label in DESCRIPTION_LABELS:
                    description = value
                elif label in NAME_LABELS:
                    name, name_place = value, _line(number)
                else:
                    errors.add(
                        "file",
                        _line(number),
                        f"表头前只填“产业链名称”和“产业链简介”，"
                        f"不认识“{_text_of(cells[0] if cells else '')[:20]}”"
                        "（环节表的表头应为：环节、上游环节、类别、说明）",
                    )
            if not columns:
                errors.add("环节", "", "找不到环节表的表头（环节、上游环节、类别、说明）")
        elif _which(first) == "name":
            columns = _columns(headers)
            name = Path(filename).stem.strip()
        else:
            raise _refuse(
                "file",
                "第 1 行应为“产业链名称”（B 列填名称），或环节表的表头：环节、上游环节、类别、说明",
            )
        entries = _table_entries(rows, columns, errors) if columns else []
    finally:
        rows.close()  # type: ignore[attr-defined]  # a generator: closing it closes the workbook
    return _template(name, description, entries, errors, name_field="产业链名称", name_place=name_place)


def _columns(cells: list[Any]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        key = _which(cell)
        if key and key not in found:
            found[key] = index
    return found


def _table_entries(rows: Any, columns: dict[str, int], errors: _Errors) -> list[_Entry]:
    entries: list[_Entry] = []

    def cell(cells: list[Any], key: str) -> str:
        index = columns.get(key)
        return _text_of(cells[index]) if index is not None and index < len(cells) else ""

    for number, cells in rows:
        if len(entries) >= MAX_SEGMENTS:
            errors.add(COLUMN_TITLES["name"], _line(number), f"一条产业链最多 {MAX_SEGMENTS} 个环节")
            break
        entries.append(
            _Entry(
                name=cell(cells, "name"),
                kind=cell(cells, "kind"),
                description=cell(cells, "description"),
                upstream=cell(cells, "upstream"),
                place=_line(number),
                line=number,
                fields=dict(COLUMN_TITLES),
            )
        )
    # Upstream by name, in any order: each named upstream found, then the tree built.
    by_name: dict[str, int] = {}
    for position, entry in enumerate(entries):
        by_name.setdefault(entry.name, position)
    for position, entry in enumerate(entries):
        if not entry.upstream:
            continue
        parent = by_name.get(entry.upstream)
        if parent is None:
            errors.add(
                entry.fields["upstream"], entry.place, f"上游环节“{entry.upstream[:50]}”不在本表的环节中"
            )
        elif parent == position:
            errors.add(entry.fields["upstream"], entry.place, f"“{entry.name}”不能是自己的上游环节")
        else:
            entry.parent = parent
            entries[parent].children.append(position)
    return entries


# --- the checks both share, and the tree ------------------------------------------------------


def _template(
    name: str, description: str, entries: list[_Entry], errors: _Errors, *, name_field: str, name_place: str
) -> ChainTemplate:
    if not name:
        errors.add(name_field, name_place, "产业链名称必填")
    elif len(name) > limit(Chain, "name"):
        errors.add(name_field, name_place, f"产业链名称最多 {limit(Chain, 'name')} 个字")
    if len(description) > limit(Chain, "description"):
        errors.add("description", "", f"产业链简介最多 {limit(Chain, 'description'):,} 个字")
    if not entries and not errors.items:
        errors.add("segments", "", "模板中没有环节：至少填写一个环节")
    first_place: dict[str, str] = {}
    kinds: list[str] = []
    for entry in entries:
        fields = entry.fields
        if not entry.name:
            errors.add(fields["name"], entry.place, "环节名称必填")
        elif len(entry.name) > limit(Segment, "name"):
            errors.add(fields["name"], entry.place, f"环节名称最多 {limit(Segment, 'name')} 个字")
        elif entry.name in first_place:
            errors.add(fields["name"], entry.place, f"环节“{entry.name}”与{first_place[entry.name]}重名")
        else:
            first_place[entry.name] = entry.place
        kind = (
            KINDS.get(entry.kind.lower() if entry.kind.isascii() else entry.kind)
            if entry.kind
            else SegmentKind.MAIN
        )
        if kind is None:
            errors.add(
                fields["kind"],
                fields.get("kind_place", entry.place),
                f"类别“{entry.kind[:20]}”不是可选的值，可选：{KIND_LABELS}",
            )
            kind = SegmentKind.MAIN
        elif kind == SegmentKind.SUPPORTING and entry.parent is None and not entry.upstream:
            errors.add(fields["upstream"], entry.place, f"配套环节“{entry.name}”须指明它所配套的（上游）环节")
        kinds.append(kind)
        if len(entry.description) > limit(Segment, "description"):
            errors.add(
                fields["description"], entry.place, f"环节说明最多 {limit(Segment, 'description')} 个字"
            )
    _check_tree(entries, errors)
    errors.raise_any()

    def build(position: int) -> SegmentTemplate:
        entry = entries[position]
        return SegmentTemplate(
            name=entry.name,
            kind=kinds[position],
            description=entry.description,
            children=[build(child) for child in entry.children],
        )

    roots = [position for position, entry in enumerate(entries) if entry.parent is None]
    return ChainTemplate(name=name, description=description, segments=[build(root) for root in roots])


def _check_tree(entries: list[_Entry], errors: _Errors) -> None:
    """Every segment reached from a top segment (one without upstream) within MAX_DEPTH levels;
    what is not reached is on a cycle, or downstream of one, and is named."""
    level: dict[int, int] = {}
    frontier = [position for position, entry in enumerate(entries) if entry.parent is None]
    depth = 1
    while frontier:
        following = []
        for position in frontier:
            level[position] = depth
            if depth == MAX_DEPTH + 1:
                entry = entries[position]
                errors.add(
                    entry.fields["upstream"],
                    entry.place,
                    f"产业链最多 {MAX_DEPTH} 级，“{entry.name}”在第 {depth} 级",
                )
                continue
            following.extend(entries[position].children)
        frontier = [position for position in following if position not in level]
        depth += 1
    named: set[int] = set()
    for start in range(len(entries)):
        if start in level or start in named:
            continue
        # Walk up from an unreached segment until a segment repeats: that loop is the cycle.
        path: list[int] = []
        current: int | None = start
        while current is not None and current not in path and current not in level:
            path.append(current)
            current = entries[current].parent
        if current is None or current in level:
            continue  # below the depth already refused, not on a cycle
        loop = path[path.index(current) :]
        named.update(loop)
        names = "→".join(f"“{entries[position].name}”" for position in [*reversed(loop), loop[-1]])
        first = entries[min(loop, key=lambda position: entries[position].line)]
        errors.add(first.fields["upstream"], first.place, f"上游环节形成循环：{names}")


# ---------------------------------------------------------------------------------------------
# Writing: the workbook to fill, and a template as a workbook


INSTRUCTIONS = [
    "产业链模板填写说明",
    "1. 在“产业链”表第 1 行 B 列填写产业链名称（如：光伏装备产业链），第 2 行 B 列填写产业链简介（可不填）。",
    "2. 从第 4 行起，每行填写一个环节：环节名称、它的上游环节、类别和说明。",
    "3. 上游环节填写本表中另一个环节的名称；最上游的环节（如原材料）不填。各行顺序不限。",
    "4. 类别填“主链环节”或“配套环节”，不填视为主链环节。"
    "配套环节（如光伏玻璃、逆变器）的上游环节填它所配套的环节（如组件、光伏电站）。",
    f"5. 环节名称在本表中不能重复；一条产业链最多 {MAX_SEGMENTS} 个环节、{MAX_DEPTH} 级。",
    "6. 填好后在产业链页面导入，或由管理员运行 zhuqi load_chain 文件名 --region 行政区划代码。",
]
EXAMPLE = ChainTemplate(
    name="光伏装备产业链（示例）",
    segments=[
        SegmentTemplate(
            "工业硅",
            children=[
                SegmentTemplate(
                    "多晶硅",
                    children=[
                        SegmentTemplate(
                            "组件",
                            children=[
                                SegmentTemplate(
                                    "光伏玻璃", kind=SegmentKind.SUPPORTING, description="组件盖板玻璃"
                                ),
                                SegmentTemplate("光伏电站"),
                            ],
                        )
                    ],
                )
            ],
        )
    ],
)


def _rows(template: ChainTemplate) -> list[list[str]]:
    """The segments in tree order, each with its upstream's name."""
    rows: list[list[str]] = []

    def walk(nodes: list[SegmentTemplate], upstream: str) -> None:
        for node in nodes:
            kind = SegmentKind(node.kind).label if node.kind in SegmentKind.values else node.kind
            rows.append([node.name, upstream, str(kind), node.description])
            walk(node.children, node.name)

    walk(template.segments, "")
    return rows


def template_workbook(template: ChainTemplate | None = None) -> bytes:
    """The workbook a clerk fills (`template` None: empty), or a template written as one (a
    shipped chain to adapt); read back by `read_template` as the same template. A second sheet
    says how to fill it, a third shows an example: only the first is read."""
    workbook = Spreadsheet()
    chain = template or ChainTemplate(name="")
    sheet = workbook.sheet("产业链", widths=[24, 24, 14, 60], freeze="A5")
    sheet.append([Styled("产业链名称", bold=True), chain.name])
    sheet.append([Styled("产业链简介", bold=True), Styled(chain.description, wrap=True)])
    sheet.append([])
    sheet.append(Styled(COLUMN_TITLES[key], bold=True) for key in ("name", "upstream", "kind", "description"))
    for row in _rows(chain):
        sheet.append(row)
    notes = workbook.sheet("填写说明", widths=[120])
    for index, line in enumerate(INSTRUCTIONS):
        notes.append([Styled(line, bold=index == 0)])
    example = workbook.sheet("示例", widths=[24, 24, 14, 40])
    example.append([Styled("产业链名称", bold=True), EXAMPLE.name])
    example.append([Styled("产业链简介", bold=True), ""])
    example.append([])
    example.append(
        Styled(COLUMN_TITLES[key], bold=True) for key in ("name", "upstream", "kind", "description")
    )
    for row in _rows(EXAMPLE):
        example.append(row)
    return workbook.to_bytes()


# ---------------------------------------------------------------------------------------------
# The shipped templates


def shipped_templates() -> list[Path]:
    """The templates zhuqi ships, by file name."""
    return sorted(DATA.glob("*.yaml"))


def shipped_template(name: str) -> Path | None:
    """A shipped template by its file's stem or its chain's name with or without 产业链
    (光伏装备, 光伏装备产业链, photovoltaics)."""
    key = name.strip().removesuffix("产业链")
    for path in shipped_templates():
        if key in (path.stem, path.stem.removesuffix("产业链")):
            return path
        head = path.read_text(encoding="utf-8")
        for line in head.splitlines():
            if line.startswith("name:"):
                if line.removeprefix("name:").strip().removesuffix("产业链") == key:
                    return path
                break
    return None
