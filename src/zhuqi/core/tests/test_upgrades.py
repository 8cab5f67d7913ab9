"""`zhuqi upgrade`: the pending migrations said in plain words, a backup first, a migration that
would lose data refused (judged against the rows there are), what changed said afterwards; and
the first landed release's database, with its demo, upgraded to today's schema with nothing lost
and its records readable through today's pages."""

from __future__ import annotations

import json
import lzma
import sqlite3
import subprocess
import sys
import tarfile
import textwrap
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, migrations, models
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.migration import Migration

from zhuqi.core import backups, upgrades
from zhuqi.core.tests.backup_places import Place, source_fixture, template_fixture  # noqa: F401 (fixtures)
from zhuqi.testing.factories import AssignmentFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db

RELEASE = Path(__file__).parent / "fixtures" / "release-1.tar.xz"
ON_SQLITE = connection.vendor == "sqlite"


def losses(*operations: Any, keeps_data: str | None = None, app: str = "enterprises") -> list[str]:
    """What a migration made of `operations`, pending after today's, would take from the test
    database."""
    migration = Migration("0999_probe", app)
    migration.operations = list(operations)
    if keeps_data is not None:
        migration.keeps_data = keeps_data
    return [str(loss) for loss in upgrades.data_losses(connection, plan=[migration])]


def test_removing_a_column_or_a_table_is_a_loss_only_where_there_is_data() -> None:
    remove_address = migrations.RemoveField("enterprise", "address")
    remove_employees = migrations.RemoveField("enterprise", "employees")
    delete_assignments = migrations.DeleteModel("Assignment")
    assert losses(remove_address, delete_assignments) == []  # no enterprise, no assignment yet
    EnterpriseFactory(address="霍林郭勒市工业园区", employees=None)
    assert losses(remove_address) == [
        "enterprises.0999_probe：删除字段 enterprises.Enterprise.address"
        "（enterprises_enterprise.address 中有 1 行有值）"
    ]
    assert losses(remove_employees) == []  # every value NULL: nothing to lose
    AssignmentFactory()
    assert losses(delete_assignments) == [
        "enterprises.0999_probe：删除模型 enterprises.Assignment（表 enterprises_assignment 中有 1 行）"
    ]


def test_narrowing_a_field_is_a_loss_where_a_value_does_not_fit() -> None:
    EnterpriseFactory(name="内蒙古霍林郭勒市联晟新材料有限公司", address="工业园区", employees=None)

    def alter(name: str, field: Any) -> list[str]:
        return losses(migrations.AlterField("enterprise", name, field))

    assert alter("name", models.CharField(max_length=100)) == []  # shorter, but every name fits
    assert alter("name", models.CharField(max_length=10)) == [
        "enterprises.0999_probe：修改字段 enterprises.Enterprise.name：长度上限改为 10"
        "（enterprises_enterprise.name 中有 1 行受影响）"
    ]
    assert alter("address", models.TextField(blank=True)) == []  # a widening
    assert alter("address", models.IntegerField(default=0)) == [
        "enterprises.0999_probe：修改字段 enterprises.Enterprise.address：类型由 CharField 改为 IntegerField"
        "（enterprises_enterprise.address 中有 1 行受影响）"
    ]
    assert alter("employees", models.PositiveIntegerField()) == [
        "enterprises.0999_probe：修改字段 enterprises.Enterprise.employees：不再允许空值且没有默认值"
        "（enterprises_enterprise.employees 中有 1 行受影响）"
    ]
    assert alter("employees", models.PositiveIntegerField(default=0)) == []


def test_code_is_a_loss_unless_its_migration_says_it_keeps_the_data() -> None:
    def fill(apps: Any, schema_editor: Any) -> None:
        return None

    code = migrations.RunPython(fill, migrations.RunPython.noop)
    assert losses(code) == [
        "enterprises.0999_probe：运行代码 RunPython"
        "（test_code_is_a_loss_unless_its_migration_says_it_keeps_the_data.<locals>.fill）（迁移未标明会保留数据）"
    ]
    assert losses(migrations.RunSQL("UPDATE enterprises_enterprise SET address = ''"))[0].startswith(
        "enterprises.0999_probe：运行代码 RunSQL"
    )
    assert losses(code, keeps_data="fills the new column from the old") == []
    assert losses(migrations.RunPython(migrations.RunPython.noop), migrations.RunSQL("")) == []


def test_renames_are_followed_to_the_data_they_came_from() -> None:
    EnterpriseFactory(address="工业园区")
    AssignmentFactory()
    assert losses(
        migrations.RenameField("enterprise", "address", "place"),
        migrations.RemoveField("enterprise", "place"),
    ) == [
        "enterprises.0999_probe：删除字段 enterprises.Enterprise.place"
        "（enterprises_enterprise.address 中有 2 行有值）"
    ]
    assert losses(migrations.RenameModel("Assignment", "Pairing"), migrations.DeleteModel("Pairing")) == [
        "enterprises.0999_probe：删除模型 enterprises.Pairing（表 enterprises_assignment 中有 1 行）"
    ]
    # A column or a table the upgrade itself makes holds nothing of the operator's.
    new_column = migrations.AddField("enterprise", "note", models.CharField(max_length=10, default="x"))
    assert losses(new_column, migrations.RemoveField("enterprise", "note")) == []
    new_table = migrations.CreateModel("Scratch", [("id", models.BigAutoField(primary_key=True))])
    assert losses(new_table, migrations.DeleteModel("Scratch")) == []


def test_every_migration_with_code_says_why_it_keeps_the_data() -> None:
    """An upgrade in the field must not stop on a migration of ours: each one with code carries
    `keeps_data` or a reviewer's reason in upgrades.REVIEWED (and nothing there is stale)."""
    on_disk = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    unexplained = [
        f"{app}.{name}"
        for (app, name), migration in sorted(on_disk.items())
        if any(upgrades.has_code(operation) for operation in migration.operations)
        and upgrades.keeps_data_reason(migration) is None
    ]
    assert unexplained == []
    assert [key for key in upgrades.REVIEWED if key not in on_disk] == []


def test_the_plan_in_plain_words() -> None:
    loader = MigrationLoader(None, ignore_no_migrations=True)

    def of(app_label: str) -> list[Migration]:
        return [migration for key, migration in sorted(loader.disk_migrations.items()) if key[0] == app_label]

    cases = [migration.name for migration in of("cases")]
    plan = [*of("cases"), of("visits")[0], *of("axes")[:2]]
    assert upgrades.describe_plan(plan) == [
        f"cases（事项办理）：{len(cases)} 个 — {cases[0]}, {cases[1]}, …, {cases[-2]}, {cases[-1]}",
        "visits（调研走访）：1 个 — 0001_initial",
        "axes：2 个 — 0001_initial, 0002_auto_20151217_2044",
    ]
    assert upgrades.describe_plan(plan, every_name=True)[0].endswith(", ".join(cases))
    assert upgrades.pending(connection) == []  # the test database is today's


# --- the command, on a throwaway app's migrations ------------------------------------------


PROBE_MIGRATIONS = {
    "0001_initial": """
        from django.db import migrations, models

        class Migration(migrations.Migration):
            initial = True
            operations = [
                migrations.CreateModel(
                    "Note",
                    [
                        ("id", models.BigAutoField(primary_key=True)),
                        ("text", models.CharField(max_length=100)),
                    ],
                )
            ]
    """,
    "0002_kept": """
        from django.db import migrations, models

        def keep_all(apps, schema_editor):
            apps.get_model("upgrade_probe", "Note").objects.update(kept=True)

        class Migration(migrations.Migration):
            keeps_data = "only sets the new column"
            dependencies = [("upgrade_probe", "0001_initial")]
            operations = [
                migrations.AddField("note", "kept", models.BooleanField(default=False)),
                migrations.RunPython(keep_all, migrations.RunPython.noop),
            ]
    """,
    "0003_remove_text": """
        from django.db import migrations

        class Migration(migrations.Migration):
            dependencies = [("upgrade_probe", "0002_kept")]
            operations = [migrations.RemoveField("note", "text")]
    """,
}


def probe_app(root: Path, *names: str) -> None:
    """A throwaway app `upgrade_probe` with the named migrations, and settings installing it."""
    package = root / "upgrade_probe"
    (package / "migrations").mkdir(parents=True, exist_ok=True)
    (package / "__init__.py").touch()
    (package / "migrations" / "__init__.py").touch()
    for name in names:
        (package / "migrations" / f"{name}.py").write_text(
            textwrap.dedent(PROBE_MIGRATIONS[name]), encoding="utf-8"
        )
    (root / "probe_settings.py").write_text(
        "from zhuqi.settings import *  # noqa: F403\n\n"
        "INSTALLED_APPS = [*INSTALLED_APPS, 'upgrade_probe']  # noqa: F405\n",
        encoding="utf-8",
    )


def columns(place: Place, table: str) -> set[str]:
    if not place.database_url:
        return {row[1] for row in place.query(f"PRAGMA table_info({table})")}
    return {
        row[0]
        for row in place.query(
            f"SELECT column_name FROM information_schema.columns WHERE table_name = '{table}'"  # noqa: S608
        )
    }


def test_upgrade_applies_what_keeps_data_and_refuses_what_would_lose_it(
    source: Place, tmp_path: Path
) -> None:
    probe = tmp_path / "probe"
    probe_app(probe, "0001_initial", "0002_kept")
    environment = {**source.environment, "DJANGO_SETTINGS_MODULE": "probe_settings", "PYTHONPATH": str(probe)}
    backups_folder = source.var_dir / "backups"

    def upgrade(*args: str) -> subprocess.CompletedProcess[str]:
        return source.zhuqi("upgrade", *args, environment=environment)

    plan = upgrade("--plan")
    assert plan.returncode == 0, plan.stderr
    assert (
        "待应用的迁移共 2 个" in plan.stdout
        and "upgrade_probe：2 个 — 0001_initial, 0002_kept" in plan.stdout
    )
    assert "没有会丢失数据的迁移" in plan.stdout
    assert not backups_folder.exists() and "upgrade_probe_note" not in source.counts()

    applied = upgrade()
    assert applied.returncode == 0, applied.stderr
    assert "升级完成：应用了 2 个迁移" in applied.stdout and "新建 1 张表" in applied.stdout
    (first,) = backups_folder.iterdir()
    assert str(first) in applied.stdout
    assert not any(
        app == "upgrade_probe" for app, _ in backups.read_manifest(first).migrations
    )  # taken before
    source.query("INSERT INTO upgrade_probe_note (text, kept) VALUES ('甲', true), ('乙', false)")

    probe_app(probe, "0003_remove_text")
    refused = upgrade()
    assert refused.returncode == 1
    assert (
        "upgrade_probe.0003_remove_text：删除字段 upgrade_probe.Note.text"
        "（upgrade_probe_note.text 中有 2 行有值）" in refused.stderr
    )
    assert "升级没有进行" in refused.stderr and "--allow-data-loss" in refused.stderr
    assert "text" in columns(source, "upgrade_probe_note") and list(backups_folder.iterdir()) == [first]

    no_backup = upgrade("--allow-data-loss", "--no-backup")
    assert no_backup.returncode != 0 and "必须先备份" in no_backup.stderr
    assert "text" in columns(source, "upgrade_probe_note")

    allowed = upgrade("--allow-data-loss")
    assert allowed.returncode == 0, allowed.stderr
    assert "应用了 1 个迁移" in allowed.stdout and "upgrade_probe_note.text 中有 2 行有值" in allowed.stdout
    assert len(list(backups_folder.iterdir())) == 2
    assert "text" not in columns(source, "upgrade_probe_note")
    assert source.one("SELECT count(*) FROM upgrade_probe_note") == 2
    assert "数据库已是最新" in upgrade().stdout


# --- the first landed release ---------------------------------------------------------------

# Pages read with today's code from the upgraded database (as the release's demo people logged in).
READ_PAGES = """
import django, json
django.setup()
from django.http import HttpRequest
from django.test import Client
from zhuqi.enterprises import selectors
from zhuqi.directory.models import User
client = Client()
# The release's demo password; the login throttle judges a login only with its request.
assert client.login(username="demo-coordinator", password="demo", request=HttpRequest())
coordinator = User.objects.get(username="demo-coordinator")
enterprise = selectors.enterprise_queryset(user=coordinator).get(name__startswith="联晟新材料")
paths = ("/", "/enterprises/", "/enterprises/?q=lsxcl", "/cases/", f"/enterprises/{enterprise.pk}/")
pages = {path: client.get(path) for path in (*paths, f"/enterprises/{enterprise.pk}/history")}
print(json.dumps({
    "status": {path: response.status_code for path, response in pages.items()},
    "search_finds": "联晟新材料" in pages["/enterprises/?q=lsxcl"].content.decode(),
    "detail_names": "联晟新材料" in pages[f"/enterprises/{enterprise.pk}/"].content.decode(),
    "in_scope": selectors.enterprise_queryset(user=coordinator).count(),
}))
"""


@pytest.mark.skipif(
    not ON_SQLITE,
    reason="the first release's database is SQLite, as its `make run` made it; moving it to PostgreSQL is "
    "`zhuqi migrate-to`'s (tested there)",
)
def test_the_first_release_with_its_demo_upgrades_to_today_losing_nothing(tmp_path: Path) -> None:
    var = tmp_path / "var"
    with lzma.open(RELEASE) as unpacked, tarfile.open(fileobj=unpacked) as archive:
        archive.extractall(var, filter="data")
    release = json.loads((var / "release.json").read_text(encoding="utf-8"))
    assert release["commit"].startswith("0c6e539")
    old = sqlite3.connect(var / "zhuqi.sqlite3")
    try:
        before = backups.table_counts(old)
    finally:
        old.close()
    assert before == release["tables"] and before["enterprises_enterprise"] > 800

    place = Place(var, "")
    upgraded = place.zhuqi("upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    assert "没有会丢失数据的迁移" in upgraded.stdout and "升级完成" in upgraded.stdout

    on_disk = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    assert set(place.query("SELECT app, name FROM django_migrations")) >= on_disk  # every migration applied
    after = place.counts()
    assert {name: rows for name, rows in before.items() if after.get(name, -1) < rows} == {}
    (backup,) = (var / "backups").iterdir()
    assert backups.read_manifest(backup).tables == before  # the backup taken first is the release's

    again = place.zhuqi("upgrade")
    assert again.returncode == 0 and "数据库已是最新" in again.stdout

    environment = {
        **place.environment,
        "ZHUQI_ALLOWED_HOSTS": "testserver",
        "DJANGO_SETTINGS_MODULE": "zhuqi.settings",
    }
    read = subprocess.run(
        [sys.executable, "-c", READ_PAGES],
        env=environment,
        cwd=var,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert read.returncode == 0, read.stderr
    pages = json.loads(read.stdout.strip().splitlines()[-1])
    assert set(pages["status"].values()) == {200}, pages
    assert pages["search_finds"] and pages["detail_names"]
    assert pages["in_scope"] > 200  # the coordinator's county, as the release's demo had it
