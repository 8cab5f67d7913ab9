from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from zhuqi.core import backups
from zhuqi.core.management.base import ZhuqiCommand


class Command(ZhuqiCommand):
    help = (
        "Back up the database and the uploaded files into one checked file while the server runs "
        "(default $ZHUQI_VAR_DIR/backups/zhuqi-YYYYMMDD-HHMMSS.zip, Beijing time)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", help="the backup file to write, or a folder to write it into")
        parser.add_argument(
            "--keep",
            type=int,
            metavar="N",
            help="after a backup that checked out, keep only the N newest zhuqi-*.zip in its folder",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        keep = options["keep"]
        if keep is not None and keep < 1:
            raise CommandError("--keep 至少为 1（刚写好的这份总要留下）")
        path = Path(options["path"]).expanduser() if options["path"] else None
        try:
            result = backups.take_backup(path, say=self.stdout.write)
        except backups.BackupRefused as refused:
            raise CommandError(f"备份失败：{refused.message}") from None
        manifest = result.manifest
        self.stdout.write(
            f"备份完成：{result.path}（{result.size / 2**20:,.1f} MiB，用时 {result.seconds:,.0f} 秒）"
            f"：{len(manifest.tables)} 张表 {sum(manifest.tables.values()):,} 行，"
            f"{len(manifest.data['media'])} 个文件，已校验"
        )
        if keep is not None:
            backups.prune(result.path.parent, keep, say=self.stdout.write)
