"""The process test_backups.py keeps writing while a backup is taken: enterprises registered one
per transaction through the service (each with its audit entry, in the same transaction), and
one line on stdout per commit, until it is stopped.

    python -m zhuqi.core.tests.backup_writer

Run as a script, so nothing imports Django before the settings read the environment the test
gives it (DATABASE_URL, ZHUQI_VAR_DIR)."""

from __future__ import annotations

import os

WRITER = "backup-writer"
NAME_PREFIX = "备份期间登记"
SERIAL_BASE = 8_000_000  # far from the factories' and other tests' codes


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhuqi.settings")
    import django

    django.setup()
    from zhuqi.core.roles import Role
    from zhuqi.core.validators import make_uscc
    from zhuqi.enterprises import services
    from zhuqi.testing.factories import make_user

    actor = make_user(WRITER, Role.ADMIN)
    number = 0
    while True:
        number += 1
        services.enterprise_create(
            actor=actor,
            data={
                "uscc": make_uscc("150581", SERIAL_BASE + number),
                "name": f"{NAME_PREFIX}{number}有限公司",
                "region": "150581",
                "industry": "3252",
            },
        )
        print("COMMITTED", number, flush=True)


if __name__ == "__main__":
    main()
