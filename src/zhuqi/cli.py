"""The `zhuqi` command: the management commands a user needs, under names they can guess.

    zhuqi run                          migrate, load reference and demo data if empty, serve
    zhuqi import enterprises FILE      import an .xlsx/.csv enterprise list
    zhuqi import projects FILE         import an .xlsx/.csv key-project list
    zhuqi import calendar YEAR FILE    enter a year's holidays and adjusted working days
    zhuqi load regions|industries|demo load reference data or the demo dataset
    zhuqi createuser USERNAME --role … create an account
    zhuqi unlock USERNAME              lift a login lockout (or --address IP)
    zhuqi resetpassword USERNAME       make a user set a new password at the next login
    zhuqi revoketokens USERNAME        revoke every API token of a user
    zhuqi rebuild_search [MODEL …]     recompute the word-search index (cases, enterprises, …)
    zhuqi rebuild_figures [--check]    count the figures' day tallies again from the cases
    zhuqi backup [PATH] [--keep N]     one checked file: database and uploads, while the server runs
    zhuqi restore PATH [--force]       put a backup back (refuses a database holding data unless --force)
    zhuqi upgrade                      back up, check no migration loses data, migrate, say what changed
    zhuqi migrate-to DATABASE_URL      move the SQLite database into an empty PostgreSQL, verified

Anything else is passed to Django's manage.py (`zhuqi migrate`, `zhuqi shell`, …).
"""

from __future__ import annotations

import os
import sys

# Subcommands whose second word picks the management command.
TWO_WORD = {
    ("import", "enterprises"): "import_enterprises",
    ("import", "projects"): "import_projects",
    ("import", "calendar"): "import_calendar",
}


def translate(argv: list[str]) -> list[str]:
    if len(argv) >= 2 and (argv[0], argv[1]) in TWO_WORD:
        return [TWO_WORD[(argv[0], argv[1])], *argv[2:]]
    if argv and argv[0] == "import":
        raise SystemExit(
            "用法：zhuqi import enterprises FILE [--skip-invalid]、"
            "zhuqi import projects FILE [--skip-invalid] 或 zhuqi import calendar YEAR FILE"
        )
    if argv and argv[0] == "load" and len(argv) >= 2 and argv[1] == "demo":
        return ["load_demo", *argv[2:]]
    if argv and argv[0] == "migrate-to":
        return ["migrate_to", *argv[1:]]
    return argv


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhuqi.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        print(__doc__)
        return
    try:
        from django.conf import settings

        settings.INSTALLED_APPS  # noqa: B018 - reading a setting loads them all, and checks them
    except ImproperlyConfigured as error:
        # A configuration mistake is the operator's to fix: say what, without a traceback.
        raise SystemExit(f"zhuqi: {error}") from None
    execute_from_command_line(["zhuqi", *translate(args)])


if __name__ == "__main__":
    main()
