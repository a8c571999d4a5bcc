"""`govmall import_shared_suppliers FILE --as USERNAME`: shared recruitment from the shell.

Prints a line per row; for each imported row its admin username and one-time activation code
(shown only here: hand it over, it is stored as a SHA-256 only).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from govmall.accounts.models import User
from govmall.core.errors import DomainError
from govmall.suppliers.services_shared import MAX_FILE_BYTES, shared_suppliers_import


class Command(BaseCommand):
    help = "Import suppliers admitted by another mall of the region (CSV or JSON, UTF-8)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV (header row) or JSON (array of objects)")
        parser.add_argument(
            "--as",
            dest="username",
            required=True,
            help="an operator admin of the regional centre, who is recorded as the actor",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        actor = User.objects.filter(username=options["username"]).first()
        if actor is None:
            raise CommandError(f"no user {options['username']!r}")
        try:
            with path.open("rb") as handle:
                data = handle.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc}") from exc

        def progress(done: int, total: int) -> None:
            if done % 100 == 0 or done == total:
                self.stderr.write(f"  {done}/{total} rows checked")

        try:
            report = shared_suppliers_import(
                actor=actor, data=data, file_name=path.name, progress=progress
            )
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message} {exc.details or ''}".strip()) from exc
        for row in report.rows:
            if row.ok:
                self.stdout.write(
                    f"row {row.row}: imported {row.name} ({row.credit_code}); admin "
                    f"{row.admin_username}, activation code {row.activation_code}"
                )
            else:
                self.stdout.write(f"row {row.row}: refused ({row.code}) {row.message}")
        self.stdout.write(
            f"{report.rows_imported} of {report.rows_total} rows imported from {report.file_name}"
        )
