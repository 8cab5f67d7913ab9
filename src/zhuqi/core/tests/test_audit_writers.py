"""The audit trail has one writer, core.audit: record (one entry), record_each and record_many (in
bulk), all building their entries the same way, so no writer can leave a field out (who acted, the
object's type, key and name, where the change came from). A source walk finds any other module
that builds an AuditEntry, writes one through its manager, or inserts into its table by SQL."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import zhuqi
from zhuqi.cases.models import Case
from zhuqi.core import audit
from zhuqi.core.models import AuditEntry
from zhuqi.testing.factories import Cast

PACKAGE = Path(zhuqi.__file__).parent
WRITER = PACKAGE / "core" / "audit.py"
MOVER = WRITER.parent / "moving.py"
# The scripts and benchmarks beside the package, when running from a checkout.
CHECKOUT = [PACKAGE.parents[1] / name for name in ("bench", "scripts")]
WRITING_METHODS = frozenset({"create", "bulk_create", "get_or_create", "update_or_create"})
TABLE = AuditEntry._meta.db_table


def _names_model(node: ast.expr) -> bool:
    """`AuditEntry`, or `<module>.AuditEntry`."""
    return (isinstance(node, ast.Name) and node.id == "AuditEntry") or (
        isinstance(node, ast.Attribute) and node.attr == "AuditEntry"
    )


def _aliases(tree: ast.AST) -> set[str]:
    """Names a module gave the model on import (`from zhuqi.core.models import AuditEntry as Entry`)."""
    return {
        alias.asname
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
        if alias.name == "AuditEntry" and alias.asname
    }


def _writers_in(path: Path, label: str) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    aliases = _aliases(tree)

    def is_model(node: ast.expr) -> bool:
        return _names_model(node) or (isinstance(node, ast.Name) and node.id in aliases)

    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if is_model(func):
                found.append(f"{label}:{node.lineno} builds an AuditEntry")
            # AuditEntry.objects.create(…), AuditEntry._default_manager.bulk_create(…)
            elif (
                isinstance(func, ast.Attribute)
                and func.attr in WRITING_METHODS
                and isinstance(func.value, ast.Attribute)
                and is_model(func.value.value)
            ):
                found.append(f"{label}:{node.lineno} AuditEntry.{func.value.attr}.{func.attr}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value.lower()
            if TABLE in text and "insert" in text:
                found.append(f"{label}:{node.lineno} inserts into {TABLE} by SQL")
    return found


def _sources() -> list[tuple[Path, str]]:
    roots = [(PACKAGE, PACKAGE)] + [(root, root.parent) for root in CHECKOUT if root.is_dir()]
    return [
        (path, str(path.relative_to(base)))
        for root, base in roots
        for path in root.rglob("*.py")
        # core/moving.py copies a trail that exists, row for row, into a new database: it writes
        # no entry of its own (test_moving checks the copy equals the source).
        if path not in (WRITER, MOVER) and "migrations" not in path.relative_to(root).parts
    ]


def test_no_module_writes_the_audit_trail_other_than_through_core_audit() -> None:
    offenders = [found for path, label in _sources() for found in _writers_in(path, label)]
    assert offenders == [], "write audit entries with zhuqi.core.audit (record, record_each): " + "; ".join(
        offenders
    )


def test_the_source_walk_catches_a_writer(tmp_path: Path) -> None:
    sneaky = tmp_path / "sneaky.py"
    insert = f"cursor.execute('INSERT INTO {TABLE} (action) VALUES (%s)', ['update'])"  # noqa: S608 (never run)
    sneaky.write_text(
        "from zhuqi.core import models\n"
        "from zhuqi.core.models import AuditEntry\n"
        "from zhuqi.core.models import AuditEntry as Entry\n\n\n"
        "def write(cursor):\n"
        "    AuditEntry.objects.create(action='update')\n"
        "    AuditEntry.objects.bulk_create([AuditEntry(action='update')])\n"
        "    models.AuditEntry._default_manager.create(action='update')\n"
        "    Entry(action='update').save()\n"
        f"    {insert}\n"
        "    return AuditEntry.objects.filter(action='update'), AuditEntry.Action.UPDATE\n",
        encoding="utf-8",
    )
    found = _writers_in(sneaky, "sneaky.py")
    assert len(found) == 6, found


@pytest.mark.django_db
def test_every_writer_sets_every_field(cast: Cast) -> None:
    """One entry, many entries, an object named by its key, a login event: the same fields."""
    audit.record(actor=cast.admin, instance=cast.home, action=AuditEntry.Action.UPDATE, changes={"a": [1, 2]})
    audit.record_each(
        actor=None,
        action=AuditEntry.Action.UPDATE,
        changes=[(audit.Ref(Case, 42, "#42"), {"timeliness": ["", "red"]})],
        source="sweep",
    )
    audit.record(
        actor=None,
        actor_name="10.0.0.1",
        instance=audit.Ref(type(cast.admin), "", "no-such-user"),
        action=AuditEntry.Action.LOGIN_FAILED,
        changes={"failures": [None, 1]},
        source="web",
    )
    login, swept, home = AuditEntry.objects.order_by("-id")[:3]
    assert (home.actor_id, home.actor_name, home.object_id, home.object_repr) == (
        cast.admin.pk,
        cast.admin.username,
        str(cast.home.pk),
        str(cast.home),
    )
    assert home.content_type.model_class() is type(cast.home) and home.at is not None
    assert (
        swept.actor_id,
        swept.actor_name,
        swept.content_type.model,
        swept.object_id,
        swept.object_repr,
    ) == (
        None,
        "system",
        "case",
        "42",
        "#42",
    )
    assert (swept.source, swept.changes) == ("sweep", {"timeliness": ["", "red"]})
    assert (login.actor_name, login.object_id, login.object_repr, login.action) == (
        "10.0.0.1",
        "",
        "no-such-user",
        AuditEntry.Action.LOGIN_FAILED,
    )
    with pytest.raises(TypeError):
        audit.record(actor=None, instance=audit.Ref(Case, 1, "#1"), action=AuditEntry.Action.UPDATE)
