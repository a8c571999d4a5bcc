"""`govmall import_credit_list FILE [--as USERNAME]`: import a credit-list CSV file.

Progress goes to stderr, the per-row report summary to stdout. Exit status 1 when the file is
structurally bad (nothing imported), 2 for a usage error (unknown user, unreadable file).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from govmall.accounts.models import User
from govmall.core.errors import DomainError
from govmall.suppliers.credit import import_summary
from govmall.suppliers.services_credit import credit_list_import

REPORT_LINES_SHOWN = 20


class Command(BaseCommand):
    help = (
        "Import a credit-list CSV file (list_type, credit_code, name, reason, source, "
        "listed_date, expiry_date) and re-screen every active supplier."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="path of the UTF-8 CSV file")
        parser.add_argument(
            "--as",
            dest="username",
            default=None,
            help="import as this operator admin or regulator (default: the system)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = None
        if options["username"]:
            actor = User.objects.filter(username=options["username"]).first()
            if actor is None:
                raise CommandError(f"unknown user {options['username']!r}", returncode=2)
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file", returncode=2)

        def progress(rows: int) -> None:
            sys.stderr.write(f"\r{rows:,} rows read")
            sys.stderr.flush()

        try:
            with path.open("rb") as stream:
                imp = credit_list_import(
                    actor=actor, data=stream, file_name=path.name, progress=progress
                )
        except DomainError as exc:
            sys.stderr.write("\n")
            raise CommandError(f"{exc.code}: {exc.message}", returncode=1) from exc
        sys.stderr.write("\n")
        summary = import_summary(imp)
        self.stdout.write(
            f"{imp.file_name}: {imp.rows_total} rows, {imp.rows_imported} imported "
            f"({summary['created']} new, {summary['updated']} updated, "
            f"{summary['unchanged']} unchanged), {summary['faults']} with faults; "
            f"{summary['flags_raised']} new flags"
        )
        for line in imp.report[:REPORT_LINES_SHOWN]:
            where = f"line {line['row']}" if line["row"] is not None else "…"
            mark = "ok" if line["ok"] else "skipped"
            self.stdout.write(f"  {where}: {mark}: {line['message']}")
        if len(imp.report) > REPORT_LINES_SHOWN:
            self.stdout.write(
                f"  … {len(imp.report) - REPORT_LINES_SHOWN} more lines: see the import page"
            )
