"""What every `zhuqi` command shares: a mistake in what the person typed or gave it (a missing
file, a file of the wrong kind, a database not set up yet, an argument that is not a number) ends
the command with one line in Chinese on stderr and a non-zero exit, never a traceback. A traceback
is left for what is a bug (and for --traceback)."""

from __future__ import annotations

import re
import sys
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from zhuqi.core.errors import ServiceError

# The names a person types (cli.py turns them into the management commands' names).
TYPED_NAMES = {
    "import_enterprises": "import enterprises",
    "import_projects": "import projects",
    "import_calendar": "import calendar",
    "load_demo": "load demo",
    "migrate_to": "migrate-to",
}

# argparse's messages (Python 3.11–3.13) in Chinese; anything else keeps argparse's words.
_ARGPARSE = (
    (re.compile(r"the following arguments are required: (?P<names>.+)"), "缺少参数：{names}"),
    (
        re.compile(r"argument (?P<name>\S+): invalid choice: (?P<value>.+?) \(choose from (?P<choices>.+)\)"),
        "参数 {name} 不能是 {value}，可选：{choices}",
    ),
    (
        re.compile(r"argument (?P<name>\S+): invalid int value: (?P<value>.+)"),
        "参数 {name} 应为整数，而不是 {value}",
    ),
    (
        re.compile(r"argument (?P<name>\S+): invalid \w+ value: (?P<value>.+)"),
        "参数 {name} 的值 {value} 无效",
    ),
    (re.compile(r"argument (?P<name>\S+): expected one argument"), "参数 {name} 后面应有一个值"),
    (re.compile(r"unrecognized arguments: (?P<names>.+)"), "不认识的参数：{names}"),
    (
        re.compile(r"ambiguous option: (?P<name>\S+) could match (?P<choices>.+)"),
        "参数 {name} 不明确，可能是：{choices}",
    ),
)


def argument_message(message: str) -> str:
    for pattern, chinese in _ARGPARSE:
        matched = pattern.fullmatch(message)
        if matched:
            return chinese.format(**matched.groupdict())
    return f"参数有误：{message}"


def database_message(error: DatabaseError) -> str:
    text = str(error)
    if "no such table" in text or ("relation" in text and "does not exist" in text):
        return "数据库还没有建好：请先运行 zhuqi run --setup-only（或 zhuqi migrate）"
    if "locked" in text:
        return "数据库正忙（另一个程序正在写入）：请稍后再试"
    return f"数据库出错：{text}"


def file_message(error: OSError) -> str:
    where = f"{error.filename}：" if error.filename else ""
    reason = {
        "PermissionError": "没有读写权限",
        "IsADirectoryError": "这是一个文件夹，不是文件",
        "FileNotFoundError": "文件不存在",
    }.get(type(error).__name__, error.strerror or str(error))
    return f"{where}{reason}"


class ZhuqiCommand(BaseCommand):
    """The base of zhuqi's commands: see the module's note."""

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        typed = f"zhuqi {TYPED_NAMES.get(subcommand, subcommand)}"

        def one_line(message: str) -> NoReturn:
            if not parser.called_from_command_line:
                raise CommandError(f"Error: {message}")
            sys.stderr.write(f"{typed}: {argument_message(message)}（用法见 {typed} --help）\n")
            sys.exit(2)

        parser.error = one_line  # type: ignore[method-assign]
        return parser

    def execute(self, *args: Any, **options: Any) -> Any:
        if not getattr(self, "_called_from_command_line", False) or options.get("traceback"):
            return super().execute(*args, **options)
        try:
            return super().execute(*args, **options)
        except CommandError as error:
            self._refuse(str(error), error.returncode)
        except ServiceError as error:
            self._refuse(error.message)
        except DatabaseError as error:
            self._refuse(database_message(error))
        except OSError as error:
            self._refuse(file_message(error))
        except (KeyboardInterrupt, EOFError):
            # Ctrl-C, or Ctrl-D (or no terminal) at a prompt.
            self._refuse("已取消", 130)

    def _refuse(self, message: str, code: int = 1) -> NoReturn:
        sys.stderr.write(f"zhuqi: {message}\n")
        sys.exit(code)
