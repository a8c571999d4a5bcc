"""`govmall pricing_import FILE [--batch-size N] [--max-rows N]`: import a reference-price CSV
file as the system.

The file is streamed (never held in memory as a whole): one pass checks the encoding, one
counts the rows, one imports them in batches of N. Progress (rows done / total, rows per
second) goes to stdout, then a summary and every failing row. Exit status: 0 when every row
was imported or skipped as a duplicate, 1 when a row failed or the file was refused (nothing
imported), 2 for a usage error (no such file).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from govmall.core.errors import DomainError
from govmall.core.progress import row_progress
from govmall.pricing.csvimport import count_rows, detect_encoding, iter_rows
from govmall.pricing.services import BATCH, LIMITS, reference_import, rows_duplicate


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Import reference prices from a CSV file (source, brand, model, price, captured_at, "
        "url or 来源, 品牌, 型号, 价格, 采集时间, 链接), UTF-8 or GB18030."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="path of the CSV file")
        parser.add_argument(
            "--batch-size",
            type=_positive,
            default=BATCH,
            help=f"rows per database batch (default {BATCH})",
        )
        parser.add_argument(
            "--max-rows",
            type=_positive,
            default=LIMITS["csv"],
            help=f"refuse a file with more rows (default {LIMITS['csv']:,})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file", returncode=2)
        started = time.monotonic()
        try:
            with path.open("rb") as stream:
                encoding = detect_encoding(stream)
                total = count_rows(stream, encoding)
                self.stdout.write(f"{path.name}: {total:,} rows ({encoding})")

                progress = row_progress(self.stdout.write, total)

                rows = iter_rows(stream, encoding)
                try:
                    imp = reference_import(
                        actor=None,
                        rows=rows,
                        channel="csv",
                        file_name=path.name,
                        batch_size=options["batch_size"],
                        max_rows=options["max_rows"],
                        progress=progress,
                    )
                finally:
                    rows.close()
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}", returncode=1) from exc
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"import {imp.pk}: {imp.rows_total:,} rows, {imp.rows_imported:,} imported, "
            f"{rows_duplicate(imp):,} duplicates skipped, {imp.rows_failed:,} failed "
            f"({elapsed:.1f} s)"
        )
        failing = [line for line in imp.report if line["failed"] or line["row"] is None]
        for line in failing:
            where = f"line {line['row']}" if line["row"] is not None else "…"
            field = f" [{line['field']}]" if line["field"] else ""
            self.stdout.write(f"  {where}: {line['code']}{field}: {line['message']}")
        if imp.rows_failed:
            raise CommandError(f"rows failed: {imp.rows_failed:,}", returncode=1)
