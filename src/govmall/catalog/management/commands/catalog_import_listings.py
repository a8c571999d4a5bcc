"""`govmall catalog_import_listings --supplier <credit code> --user <username> FILE`: import a
CSV/XLSX listing file for a supplier, acting as one of its users, through the same import job
as the upload page (chunks through the bulk upsert, audited). Prints progress and a summary;
exits with status 1 when any row failed (an error, or a listing or change the rules rejected).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from govmall.catalog import services_bulk
from govmall.catalog.models import ImportState
from govmall.core.errors import DomainError


class Command(BaseCommand):
    help = "Import listings from a CSV or XLSX file for a supplier (idempotent by SKU)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV (UTF-8/GB18030) or XLSX file")
        parser.add_argument(
            "--supplier", required=True, help="the supplier's unified social credit code"
        )
        parser.add_argument(
            "--user", required=True, help="username of the supplier's admin or staff user"
        )
        parser.add_argument(
            "--chunk",
            type=int,
            default=services_bulk.BULK_LIMIT,
            help="rows per transaction (at most 1,000)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from govmall.accounts.models import User
        from govmall.suppliers.models import Supplier

        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        supplier = Supplier.objects.filter(credit_code=options["supplier"].strip()).first()
        if supplier is None:
            raise CommandError(f"no supplier with credit code {options['supplier']}")
        user = User.objects.filter(username=options["user"]).first()
        if user is None or user.organisation_id != supplier.organisation_id:
            raise CommandError(f"{options['user']} is not a user of {supplier.organisation.name}")
        try:
            job = services_bulk.import_job_create(
                actor=user, data=path.read_bytes(), file_name=path.name
            )
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        self.stdout.write(f"import {job.pk}: {job.total} rows from {job.file_name}")
        start = time.perf_counter()
        while job.state == ImportState.RUNNING:
            job = services_bulk.import_job_step(actor=user, job_id=job.pk, chunk=options["chunk"])
            elapsed = max(time.perf_counter() - start, 1e-6)
            self.stdout.write(f"  {job.done}/{job.total} rows ({job.done / elapsed:,.0f} rows/s)")
        summary = services_bulk.summary_of(job.report)
        failed = services_bulk.job_failed_rows(job)
        self.stdout.write(
            "summary: "
            + ", ".join(f"{k} {v}" for k, v in summary.items() if v)
            + f"; failed {failed}"
        )
        for line in job.report:
            if (
                line["outcome"] == "error"
                or line.get("review") == "rejected"
                or (line["outcome"] == "revision_rejected")
            ):
                reasons = [e["message"] for e in line["errors"]] + [
                    f["message_en"] for f in line["failures"]
                ]
                self.stdout.write(f"  row {line['line']} {line['sku']}: " + "; ".join(reasons))
        if job.state == ImportState.FAILED:
            raise CommandError("the import stopped: the supplier may not list products now")
        if failed:
            raise SystemExit(1)
