"""`govmall catalog_reindex`: rebuild the catalogue search table from the listings."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from govmall.catalog.search.index import rebuild_all


class Command(BaseCommand):
    help = "Rebuild the catalogue search table (one row per listed listing), with progress."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--chunk", type=int, default=1000, help="listings per batch")

    def handle(self, *args: Any, **options: Any) -> None:
        start = time.monotonic()
        last = [0.0]

        def progress(done: int, total: int) -> None:
            now = time.monotonic()
            if done in (0, total) or now - last[0] >= 1:
                last[0] = now
                self.stdout.write(f"  {done:,}/{total:,} listings indexed")

        with transaction.atomic():
            total = rebuild_all(progress, chunk=max(1, int(options["chunk"])))
        self.stdout.write(
            self.style.SUCCESS(
                f"Search table rebuilt: {total:,} listed listings "
                f"in {time.monotonic() - start:.1f} s"
            )
        )
