from __future__ import annotations

import os
import socket
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import CommandParser

from zhuqi.core.background import make_worker, scheduler_loop
from zhuqi.core.management.base import ZhuqiCommand


class Command(ZhuqiCommand):
    help = (
        "Run background tasks (deadline sweeps, sending notices) in this process, and queue the "
        "periodic ones. For deployments that serve with several app servers and `zhuqi run --no-worker`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-scheduler", action="store_true", help="only run tasks, queue none")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_scheduler"]:
            stop = threading.Event()
            threading.Thread(
                target=scheduler_loop, args=(settings.ZHUQI_SWEEP_INTERVAL, stop), daemon=True
            ).start()
        worker = make_worker(f"{socket.gethostname()}-{os.getpid()}")
        worker.configure_signals()
        self.stdout.write("zhuqi worker: running background tasks, Ctrl-C to stop")
        worker.run()
