from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhuqi.core import services
from zhuqi.directory.models import User


class Command(BaseCommand):
    help = "Revoke every API token of a user."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"用户“{options['username']}”不存在")
        revoked = services.tokens_revoke_all(actor=None, user=user, source="command")
        self.stdout.write(f"{revoked} API token(s) of {user.username} revoked")
