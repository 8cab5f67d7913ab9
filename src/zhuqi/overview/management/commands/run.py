from __future__ import annotations

import errno
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError, CommandParser

from zhuqi.core.background import start_embedded
from zhuqi.core.management.base import ZhuqiCommand
from zhuqi.demo import dataset
from zhuqi.directory import services as directory_services
from zhuqi.directory.models import Industry, Region


class Command(ZhuqiCommand):
    help = (
        "Set up and serve: migrate, load reference data if missing, load the demo dataset if the "
        "database is empty, then serve the web UI and the API. Running it again keeps the data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-demo", action="store_true", help="do not load the demo dataset")
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument("--setup-only", action="store_true", help="prepare the database, do not serve")
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="do not run background tasks in this process (run `zhuqi worker` separately)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not 0 < options["port"] < 65536:
            raise CommandError(f"--port {options['port']}: 端口应在 1 到 65535 之间")
        if options["threads"] < 1:
            raise CommandError(f"--threads {options['threads']}: 至少要 1 个线程")
        # Take the port before the minutes of setup, so a busy one is said at once.
        server = None
        if not options["setup_only"]:
            server = listen(options["host"], options["port"], options["threads"])
        call_command("migrate", interactive=False, verbosity=0)
        if not Region.objects.exists():
            self.stdout.write("loading regions (GB/T 2260) …")
            directory_services.load_regions()
        if not Industry.objects.exists():
            self.stdout.write("loading industries (GB/T 4754-2017) …")
            directory_services.load_industries()
        if not options["no_demo"] and dataset.database_is_empty():
            self.stdout.write("empty database: loading the demo dataset …")
            dataset.load()
        url = f"http://{options['host']}:{options['port']}/"
        self.stdout.write(f"\nzhuqi 助企 — database: {settings.DATABASES['default']['NAME']}")
        if dataset.is_loaded() and (moved := dataset.replace_old_demo_password()):
            self.stdout.write(f"{moved} demo accounts had the old password: now {dataset.DEMO_PASSWORD}")
        if dataset.is_loaded():
            self.stdout.write(
                f"demo dataset loaded; demo accounts (password: {dataset.DEMO_PASSWORD}): "
                + ", ".join(dataset.DEMO_USERNAMES)
            )
        else:
            self.stdout.write("no demo dataset; create an account with: zhuqi createuser NAME --role admin")
        if server is None:
            return
        if not options["no_worker"]:
            start_embedded()
        self.stdout.write(f"serving on {url}  (API: {url}api/v1/docs)  Ctrl-C to stop\n")
        server.run()


def listen(host: str, port: int, threads: int) -> Any:
    """The web server bound to host:port, not yet serving; a port that cannot be had ends the
    command with one line saying which and how to pick another (no traceback: it is the
    operator's to fix, not a bug)."""
    from waitress import create_server  # type: ignore[import-untyped,unused-ignore]

    # Only when serving: importing zhuqi.wsgi builds the WSGI application.
    from zhuqi.wsgi import application

    try:
        return create_server(application, host=host, port=port, threads=threads)
    except ValueError as error:
        # waitress's word for a host name that does not resolve.
        raise SystemExit(f"zhuqi: 无法在 {host}:{port} 上监听（{error}）：请检查 --host") from None
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            reason = f"port {port} is already in use on {host}"
        elif error.errno == errno.EACCES:
            reason = f"port {port} on {host} needs privileges this user does not have"
        else:
            reason = f"cannot listen on {host}:{port} ({error.strerror or error})"
        other = port + 1 if 0 < port < 65535 else 8000
        raise SystemExit(
            f"zhuqi: {reason}; choose another port: zhuqi run --port {other} (or PORT={other} make run)"
        ) from None
