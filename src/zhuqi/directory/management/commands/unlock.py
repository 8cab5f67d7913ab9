from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhuqi.core import throttling


class Command(BaseCommand):
    help = "Lift a login lockout: of an account (its failures from every address) or of an address."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", nargs="?", default="")
        parser.add_argument(
            "--address", default="", help="a client address locked out for trying many accounts"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["username"] and not options["address"]:
            raise CommandError("用法：zhuqi unlock USERNAME 或 zhuqi unlock --address 地址")
        removed = throttling.login_unlock(
            actor=None, username=options["username"], address=options["address"], source="command"
        )
        who = " ".join(part for part in (options["username"], options["address"]) if part)
        self.stdout.write(f"unlocked {who}: {removed} failed-attempt record(s) removed")
