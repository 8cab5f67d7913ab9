"""`zhuqi migrate-to DATABASE_URL`: this installation's SQLite database copied, everything in it,
into an empty PostgreSQL database, and verified table by table (core/moving.py says how). Prints
each table's rows on both sides, then the DATABASE_URL to set; the SQLite file is not changed."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TextIO

from django.core.management.base import CommandError, CommandParser

from zhuqi.core import moving
from zhuqi.core.management.base import ZhuqiCommand

try:  # a dependency of zhuqi; plain lines stand in if an install lacks it
    from tqdm import tqdm
except ImportError:  # pragma: no cover - tqdm is installed with zhuqi
    tqdm = None


class Command(ZhuqiCommand):
    help = (
        "Copy this installation's SQLite database (everything: the audit trail, sessions, tasks) "
        "into an empty PostgreSQL database, in one transaction, and verify every table's rows. "
        "Stop the app first; the SQLite file is left as it is."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "url",
            metavar="DATABASE_URL",
            help="the empty PostgreSQL database, postgres://USER@HOST:5432/NAME",
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        stream: TextIO = getattr(self.stderr, "_out", sys.stderr)
        progress: Any = None

        def on_start(total: int) -> Callable[[int], None]:
            nonlocal progress
            if options["no_progress"] or tqdm is None:
                self.stdout.write(f"复制 {total:,} 行…")
                return lambda rows: None
            progress = tqdm(total=total, unit="行", unit_scale=True, file=stream, dynamic_ncols=True)
            return progress.update

        def on_table(table: str) -> None:
            if progress is not None:
                progress.set_description_str(table, refresh=False)

        def on_step(message: str) -> None:
            if progress is not None:
                progress.close()
            self.stdout.write(message)

        try:
            report = moving.move(options["url"], on_step=on_step, on_start=on_start, on_table=on_table)
        except moving.MoveRefused as refusal:
            if progress is not None:
                progress.close()
            if refusal.report is not None:
                self._counts(refusal.report)
            raise CommandError(refusal.message) from None
        self._counts(report)
        self._summary(report, options["url"])

    def _counts(self, report: moving.MoveReport) -> None:
        width = max(len(result.table) for result in report.tables)
        self.stdout.write(f"\n{'表':<{width - 1}} {'SQLite':>12} {'PostgreSQL':>12}  核对")
        for result in report.tables:
            target = result.target.rows if result.target is not None else None
            shown = f"{target:>12,}" if target is not None else f"{'—':>12}"
            verdict = "一致" if result.matches else "不一致"
            if result.target is not None and result.target.rows == result.source.rows and not result.matches:
                verdict = "不一致（键之和）"
            self.stdout.write(f"{result.table:<{width}} {result.source.rows:>12,} {shown}  {verdict}")
        target_rows = sum(result.target.rows for result in report.tables if result.target is not None)
        self.stdout.write(
            f"{f'合计 {len(report.tables)} 张表':<{width - 3}} {report.rows:>12,} {target_rows:>12,}"
        )

    def _summary(self, report: moving.MoveReport, url: str) -> None:
        rate = report.rows / report.copy_seconds if report.copy_seconds else 0
        lines = [
            "",
            f"搬迁完成：{len(report.tables)} 张表、{report.rows:,} 行，共用时 {report.seconds:.1f} 秒"
            f"（建表 {report.migrate_seconds:.1f} 秒，复制 {report.copy_seconds:.1f} 秒、"
            f"每秒 {rate:,.0f} 行，重建索引 {report.index_seconds:.1f} 秒）。",
            "核对：每张表的行数及主键、外键之和两边相同；每个外键引用都已由 PostgreSQL 逐一核查。",
            f"迁移：目标库已应用 {report.migrations} 个，与 SQLite 相同。",
            f"序列：{report.sequences} 个已设到各表最大 id 之后，新记录不会重号。",
            "审计记录：只可追加，修改、删除在目标库同样被拒绝（触发器已生效）。",
            "全文检索：PostgreSQL 的检索列由复制过去的检索词自动生成（SQLite 的 *_fts 索引表无需复制）。",
        ]
        if report.replaced_migration_rows:
            replaced = "、".join(
                f"{table} {rows} 行" for table, rows in sorted(report.replaced_migration_rows.items())
            )
            lines.append(f"迁移自动写入的初始数据已换成 SQLite 中的：{replaced}。")
        if report.analyze_error:
            lines.append(
                f"统计信息未能更新（{report.analyze_error}）：数据已完整提交；请稍后在目标库运行 ANALYZE。"
            )
        if report.not_copied:
            lines.append(f"未复制（SQLite 中不属于 zhuqi 的表）：{'、'.join(report.not_copied)}。")
        lines += [
            "",
            "下一步：确认 zhuqi 已停止，把下面这行设为 zhuqi 的环境变量（密码处填实际密码），再启动 zhuqi：",
            f"    DATABASE_URL={moving.masked(url)}",
            f"SQLite 文件 {report.source_name} 未作任何改动，可留作搬迁这一刻的备份。",
        ]
        self.stdout.write("\n".join(lines))
