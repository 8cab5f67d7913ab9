from __future__ import annotations

import getpass
import os
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from django.utils import translation

from zhuqi.core.errors import ValidationFailed
from zhuqi.core.management.base import ZhuqiCommand
from zhuqi.core.roles import Role
from zhuqi.directory import services
from zhuqi.directory.models import Department, Official, Region, User


class Command(ZhuqiCommand):
    help = "Create an account with a role and the scope that role needs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--display-name", default="")
        parser.add_argument("--region", help="GB/T 2260 code of the jurisdiction (leader, coordinator)")
        parser.add_argument("--department", type=int, help="department id (handler)")
        parser.add_argument("--official", type=int, help="official id (liaison)")
        parser.add_argument("--enterprise", help="USCC of the enterprise (enterprise accounts)")
        parser.add_argument(
            "--password", help="the password; default: ZHUQI_NEW_PASSWORD, else asked for at the prompt"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        password = options["password"] or os.environ.get("ZHUQI_NEW_PASSWORD") or ""
        if not password:
            password = getpass.getpass("密码 Password: ")

        def lookup(model: Any, label: str, **query: Any) -> Any:
            try:
                return model.objects.get(**query)
            except model.DoesNotExist:
                raise CommandError(f"--{label}: {next(iter(query.values()))} 不存在") from None

        scope: dict[str, Any] = {}
        if options["region"]:
            scope["region"] = lookup(Region, "region", code=options["region"])
        if options["department"]:
            scope["department"] = lookup(Department, "department", pk=options["department"])
        if options["official"]:
            scope["official"] = lookup(Official, "official", pk=options["official"])
        if options["enterprise"]:
            # The enterprises app stands above directory: its model through the account's link.
            enterprise_model = User._meta.get_field("enterprise").related_model
            scope["enterprise"] = lookup(enterprise_model, "enterprise", uscc=options["enterprise"].upper())
        try:
            # The password rules speak Chinese like the rest of the command's messages (a
            # management command otherwise runs with translations off).
            with translation.override(settings.LANGUAGE_CODE):
                user = services.user_create(
                    actor=None,
                    username=options["username"],
                    password=password,
                    role=options["role"],
                    display_name=options["display_name"],
                    source="command",
                    **scope,
                )
        except ValidationFailed as error:
            raise CommandError("\n".join(f"{e.field}: {e.message}" for e in error.errors)) from None
        self.stdout.write(f"created {user.username} ({user.get_role_display()})")
