"""Run the timed work once (production: every minute from cron or a systemd timer)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from govmall.core.tick import run_tick


class Command(BaseCommand):
    help = "Do everything time causes: auto-cancels, closings, notifications, audit checkpoints."

    def handle(self, *args: Any, **options: Any) -> None:
        failed = False
        for job, ok, summary in run_tick():
            self.stdout.write(f"{'ok ' if ok else 'ERR'} {job}: {summary}")
            failed = failed or not ok
        if failed:
            raise CommandError("one or more tick jobs failed")
