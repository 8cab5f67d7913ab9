from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandError, CommandParser

from zhuqi.core import backups, upgrades
from zhuqi.core.management.base import ZhuqiCommand


class Command(ZhuqiCommand):
    help = (
        "Upgrade the database to this version of zhuqi: take a backup, check that no pending "
        "migration would lose data, apply them, and say what changed. Stop the server first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--plan", action="store_true", help="only show the plan and the check; change nothing"
        )
        parser.add_argument("--backup-to", metavar="PATH", help="where to write the backup taken first")
        parser.add_argument(
            "--no-backup", action="store_true", help="do not take a backup first (you took one yourself)"
        )
        parser.add_argument(
            "--allow-data-loss",
            action="store_true",
            help="apply migrations that would remove data (only with the backup taken first)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["allow_data_loss"] and options["no_backup"]:
            raise CommandError("--allow-data-loss 必须先备份，不能与 --no-backup 一起用")
        plan = upgrades.pending()
        if not plan:
            self.stdout.write("数据库已是最新：没有待应用的迁移，什么都没有改。")
            return
        self.stdout.write(f"待应用的迁移共 {len(plan)} 个：")
        for line in upgrades.describe_plan(plan, every_name=options["plan"]):
            self.stdout.write(f"  {line}")
        losses = upgrades.data_losses(plan=plan)
        if losses:
            # Each loss on its own line: the operator has to read every one before deciding.
            stream = self.stdout if options["allow_data_loss"] else sys.stderr
            stream.write("以下迁移会删除数据库中现有的数据：\n")
            for loss in losses:
                stream.write(f"  {loss}\n")
            if not options["allow_data_loss"]:
                raise CommandError(
                    f"{len(losses)} 处迁移会丢失数据，升级没有进行，什么都没有改。确认这些数据不再需要时："
                    "zhuqi upgrade --allow-data-loss（会先备份）"
                )
        else:
            self.stdout.write("检查：没有会丢失数据的迁移。")
        if options["plan"]:
            return
        if not backups.applied_migrations():
            self.stdout.write("数据库是空的（还没有应用过迁移）：不需要备份。")
        elif not options["no_backup"]:
            target = Path(options["backup_to"]).expanduser() if options["backup_to"] else None
            try:
                backup = backups.take_backup(target, say=self.stdout.write)
            except backups.BackupRefused as refused:
                raise CommandError(f"升级前的备份失败，升级没有进行：{refused.message}") from None
            self.stdout.write(f"已备份到 {backup.path}（{backup.size / 2**20:,.1f} MiB，已校验）")
        before = backups.table_counts()
        call_command("migrate", interactive=False, verbosity=1, stdout=self.stdout)
        after = backups.table_counts()
        left = upgrades.pending()
        self.stdout.write(f"升级完成：应用了 {len(plan) - len(left)} 个迁移。")
        self._changes(before, after)

    def _changes(self, before: dict[str, int], after: dict[str, int]) -> None:
        created = {name: rows for name, rows in after.items() if name not in before}
        removed = {name: rows for name, rows in before.items() if name not in after}
        changed = {
            name: (before[name], rows)
            for name, rows in after.items()
            if name in before and before[name] != rows
        }
        if created:
            filled = {name: rows for name, rows in created.items() if rows}
            self.stdout.write(
                f"新建 {len(created)} 张表"
                + (f"，其中有数据的：{backups.describe_rows(filled, limit=10)}" if filled else "")
            )
        if removed:
            self.stdout.write(f"删除 {len(removed)} 张表：{backups.describe_rows(removed, limit=20)}")
        if changed:
            self.stdout.write("行数有变化的表：")
            for name, (rows_before, rows_after) in sorted(changed.items()):
                self.stdout.write(f"  {name}：{rows_before:,} → {rows_after:,}")
        if not (created or removed or changed):
            self.stdout.write("各表行数没有变化。")
