from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser

from zhuqi.core import backups
from zhuqi.core.management.base import ZhuqiCommand


class Command(ZhuqiCommand):
    help = (
        "Restore a backup made by `zhuqi backup` into the database and media folder this "
        "installation is set up with (stop the server and workers first)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the backup file (zhuqi-….zip)")
        parser.add_argument("--force", action="store_true", help="replace a database that already holds data")
        parser.add_argument("--check", action="store_true", help="only check the backup file; change nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"]).expanduser()
        try:
            if options["check"]:
                manifest = backups.check_backup(path, say=self.stdout.write)
                self.stdout.write(f"备份完好：{manifest.summary()}")
                return
            result = backups.restore_backup(path, force=options["force"], say=self.stdout.write)
        except backups.BackupRefused as refused:
            raise CommandError(f"没有恢复：{refused.message}") from None
        manifest = result.manifest
        self.stdout.write(
            f"恢复完成（用时 {result.seconds:,.0f} 秒）：{len(manifest.tables)} 张表 "
            f"{sum(manifest.tables.values()):,} 行与备份一致，{len(manifest.data['media'])} 个文件已放回 "
            f"{settings.MEDIA_ROOT}"
        )
        for path_aside in result.set_aside:
            self.stdout.write(f"原有数据另存在 {path_aside}（确认无误后可以删除）")
        self.stdout.write("如果备份来自较旧的版本，请再运行 zhuqi upgrade；然后启动服务。")
