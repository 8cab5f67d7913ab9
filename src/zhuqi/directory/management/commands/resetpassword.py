from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhuqi.directory import services
from zhuqi.directory.models import User


class Command(BaseCommand):
    help = (
        "Make a user choose a new password at their next page (the API refuses them until then); "
        "their API tokens are revoked now."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"用户“{options['username']}”不存在")
        revoked = services.password_reset_force(actor=None, user=user, source="command")
        self.stdout.write(
            f"{user.username} must set a new password at the next login; {revoked} API token(s) revoked"
        )
