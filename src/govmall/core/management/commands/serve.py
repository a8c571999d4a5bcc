"""`govmall serve`: migrate if needed, run `tick` in the background, serve the mall.

For a single machine or the demo. Production runs gunicorn (`gunicorn govmall.wsgi`) behind a
reverse proxy and `govmall tick` from cron or a systemd timer every minute.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connections

from govmall.core.tick import run_tick

log = logging.getLogger(__name__)


def _tick_loop(stop: threading.Event, interval: int) -> None:
    while not stop.wait(interval):
        try:
            for job, ok, summary in run_tick():
                if not ok:
                    log.error("tick job %s failed: %s", job, summary)
        finally:
            connections.close_all()


class Command(BaseCommand):
    help = "Migrate if needed, run tick in the background and serve on http://HOST:PORT."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--skip-migrate", action="store_true", help="the database is current")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["skip_migrate"]:
            self.stdout.write("migrating …")
            call_command("migrate", interactive=False, verbosity=0)
        stop = threading.Event()
        interval = settings.GOVMALL_TICK_INTERVAL_SECONDS
        threading.Thread(target=_tick_loop, args=(stop, interval), daemon=True).start()
        self.stdout.write(
            f"GovMall on http://{options['host']}:{options['port']}/ "
            f"(tick every {interval}s; Ctrl-C stops)"
        )
        try:
            call_command(
                "runserver",
                f"{options['host']}:{options['port']}",
                use_reloader=False,
                use_threading=True,
            )
        finally:
            stop.set()
