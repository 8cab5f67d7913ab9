"""The process test_crash.py kills with SIGKILL: it writes to a database of its own (a file
SQLite database, or a PostgreSQL database) and says on stdout how far it got.

    python -m zhuqi.core.tests.crash_worker import FILE     the command-line enterprise import
    python -m zhuqi.core.tests.crash_worker loop -          enterprise updates, one per transaction
    python -m zhuqi.core.tests.crash_worker resume -        the sweep and the worker, after a kill

Each writer stops where the test wants it killed: inside its write transaction, after some of
it is written and before it commits, and prints STOPPED there. The stop is put at the writer's
own step (STOP_AT below), so when the import is rewritten (staging, background batches) only
that line needs to follow it.

Run as a script, so nothing here imports Django at module level before the settings are read
from the environment the test gives it (DATABASE_URL, ZHUQI_VAR_DIR)."""

from __future__ import annotations

import os
import sys
import time
from typing import Any

# Where each writer stops: the function wrapped, and after how many calls of it.
STOP_AT = {
    # The import checks every row into the staging table, then writes the staged rows in
    # batches of importing.BATCH, each in its own transaction: stopped inside the second
    # batch's transaction, after the first batch and its audit entries were committed.
    "import": ("zhuqi.enterprises.importing", "_write_batch", 2),
    # Each update records its audit entry last, inside the transaction that changed the row: the
    # 26th is stopped with its row changed and its entry not yet written.
    "loop": ("zhuqi.core.audit", "record", 26),
}
LOOP_ENTERPRISE = "崩溃测试有限公司"
LOOP_WRITES = 1000  # more than the test waits for: the loop is always killed, never finishes


def stop_inside(writer: str) -> None:
    """Wrap the writer's step so that its n-th call, before doing anything, prints STOPPED and
    waits to be killed."""
    import importlib

    module_name, function_name, at = STOP_AT[writer]
    module = importlib.import_module(module_name)
    original = getattr(module, function_name)
    calls = 0

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == at:
            print("STOPPED", flush=True)
            time.sleep(120)
        return original(*args, **kwargs)

    setattr(module, function_name, wrapped)


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhuqi.settings")
    import django

    django.setup()
    writer, argument = argv
    if writer == "resume":
        # What the server does for an import whose writer died: the sweep queues the rest of
        # the write, the worker runs it. Not stopped, not killed.
        import datetime

        from zhuqi.core.background import make_worker
        from zhuqi.imports import jobs

        print("RESUMED", jobs.resume_stalled(idle=datetime.timedelta(0)), flush=True)
        make_worker("resume", batch=True).run()
        return
    stop_inside(writer)
    if writer == "import":
        from django.core.management import call_command

        call_command("import_enterprises", argument, verbosity=0)
    else:
        from zhuqi.core.roles import Role
        from zhuqi.enterprises import services
        from zhuqi.testing.factories import EnterpriseFactory, make_user

        actor = make_user("crash-writer", Role.ADMIN)
        enterprise = EnterpriseFactory(name=LOOP_ENTERPRISE)
        for number in range(1, LOOP_WRITES):
            services.enterprise_update(
                actor=actor,
                enterprise_id=enterprise.pk,
                data={"address": f"地址{number}"},
                expected_version=number,
            )
            print("COMMITTED", number, flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
