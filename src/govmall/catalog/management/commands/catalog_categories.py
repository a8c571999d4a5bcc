"""`govmall catalog_categories import FILE [--as USERNAME]` and
`govmall catalog_categories export`: the category tree as a file.

import: a JSON (the demo file's format) or CSV (one file, a `type` column) file, upserted by
code, all-or-nothing. Progress goes to stderr, the report to stdout. Exit status 1 when the
file is refused (nothing written), 2 for a usage error (unknown user, unreadable file).
export: the whole tree as JSON on stdout (the import format).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from govmall.accounts.models import User
from govmall.catalog.categories_import import (
    categories_import,
    export_json,
    import_items,
    parse_file,
)
from govmall.core.errors import DomainError

REPORT_LINES_SHOWN = 50


class Command(BaseCommand):
    help = "Import (JSON or CSV) or export (JSON) the category tree with its attribute templates."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="upsert categories from a .json or .csv file")
        imp.add_argument("file", help="path of the file")
        imp.add_argument(
            "--as",
            dest="username",
            default=None,
            help="import as this regional operator admin (default: the system)",
        )
        sub.add_parser("export", help="print the whole tree as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "export":
            self.stdout.write(export_json(), ending="")
            return
        actor = None
        if options["username"]:
            actor = User.objects.filter(username=options["username"]).first()
            if actor is None:
                raise CommandError(f"unknown user {options['username']!r}", returncode=2)
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file", returncode=2)

        def progress(message: str) -> None:
            sys.stderr.write(message + "\n")
            sys.stderr.flush()

        content = path.read_bytes()
        try:
            if actor is not None:
                report = categories_import(
                    actor=actor, content=content, file_name=path.name, progress=progress
                )
            else:
                items = parse_file(content, file_name=path.name)
                report = import_items(items, actor=None, progress=progress)
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}", returncode=1) from exc
        shown = [line for line in report.lines if not line.ok] or [
            line for line in report.lines if line.action != "unchanged"
        ]
        for line in shown[:REPORT_LINES_SHOWN]:
            detail = f"{line.error_code}: {line.message}" if not line.ok else line.action
            self.stdout.write(f"  {line.ref}: {detail}")
        if len(shown) > REPORT_LINES_SHOWN:
            self.stdout.write(f"  … {len(shown) - REPORT_LINES_SHOWN} more lines")
        summary = (
            f"{path.name}: {report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged, {report.attributes_added} attributes added, "
            f"{report.attributes_updated} attributes updated"
        )
        if not report.ok:
            for line in report.lines:
                if not line.ok:
                    self.stderr.write(f"{line.ref}: {line.error_code}: {line.message}")
            raise CommandError(
                f"{report.errors} categories refused: nothing was imported", returncode=1
            )
        self.stdout.write(summary)
