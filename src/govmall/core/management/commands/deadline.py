"""`govmall deadline <start> <N>`: the deadline N working days after start, as the API says it."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from govmall.core.calendar import deadline_for
from govmall.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Print the deadline N working days after START (ISO 8601; without a zone it means "
        'Asia/Shanghai) as JSON: {"deadline": ..., "calendar_known": ...}.'
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("start", help="ISO 8601 date and time, e.g. 2026-09-30T10:00")
        parser.add_argument("working_days", help="number of working days, 1 to 365")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = deadline_for(options["start"], options["working_days"])
        except DomainError as exc:
            raise CommandError(f"{exc.field or exc.code}: {exc.message}", returncode=2) from exc
        self.stdout.write(json.dumps(result.as_json()))
