"""`govmall trading_funds_import FILE --actor USERNAME [--max-rows N]`: import funding sources
from a budget-system CSV export as a regulator user (the jurisdiction is the actor's).

The file is read twice (the encoding check and a row count) and then applied in one
transaction, with progress on stdout, then a summary and every faulty row. Exit status: 0 when
no row failed, 1 when a row failed or the file was refused (nothing imported), 2 for a usage
error (no such file, no such user).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from govmall.accounts.models import User
from govmall.core.errors import DomainError
from govmall.core.progress import row_progress
from govmall.pricing.csvimport import detect_encoding
from govmall.trading.funds_import import count_rows, iter_rows
from govmall.trading.services_funds import MAX_IMPORT_ROWS, funding_source_import


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Import funding sources of purchasing units from a CSV file (unit, fiscal_year, "
        "budget_line, name, amount or 单位, 年度, 预算项目编码, 名称, 金额) as a regulator user."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="path of the CSV file")
        parser.add_argument("--actor", required=True, help="username of a regulator user")
        parser.add_argument(
            "--max-rows",
            type=_positive,
            default=MAX_IMPORT_ROWS * 10,
            help=f"refuse a file with more rows (default {MAX_IMPORT_ROWS * 10:,})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file", returncode=2)
        actor = (
            User.objects.select_related("organisation__division")
            .filter(username=options["actor"])
            .first()
        )
        if actor is None:
            raise CommandError(f"{options['actor']}: no such user", returncode=2)
        started = time.monotonic()
        try:
            with path.open("rb") as stream:
                encoding = detect_encoding(stream)
                total = count_rows(stream, encoding)
                self.stdout.write(f"{path.name}: {total:,} rows ({encoding})")

                progress = row_progress(self.stdout.write, total)

                rows = iter_rows(stream, encoding)
                try:
                    report = funding_source_import(
                        actor=actor,
                        rows=rows,
                        file_name=path.name,
                        max_rows=options["max_rows"],
                        progress=progress,
                    )
                finally:
                    rows.close()
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}", returncode=1) from exc
        summary = report.summary
        self.stdout.write(
            f"{summary['rows']:,} rows: {summary['created']:,} created, "
            f"{summary['updated']:,} updated, {summary['unchanged']:,} unchanged, "
            f"{summary['errors']:,} errors ({time.monotonic() - started:.1f} s)"
        )
        for row in report.rows:
            if row.outcome == "error":
                field = f" [{row.field}]" if row.field else ""
                self.stdout.write(f"  line {row.row}: {row.code}{field}: {row.message}")
        if summary["errors"]:
            raise CommandError(f"rows failed: {summary['errors']:,}", returncode=1)
