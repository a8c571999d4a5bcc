"""`govmall audit checkpoint | roots | verify [--roots FILE]`.

`roots` writes JSON to stdout only, so `govmall audit roots > roots.json` gives a file to keep
outside the database; `verify` exits 1 with the first broken link on stderr.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from govmall.audit.selectors import roots_export
from govmall.audit.services import checkpoint_create
from govmall.audit.verify import RootsFileError, load_roots, verify


class Command(BaseCommand):
    help = "Audit trail: create a checkpoint, export the published roots, verify everything."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        sub.add_parser("checkpoint", help="fold events committed since the last checkpoint")
        sub.add_parser("roots", help="print every checkpoint as JSON (redirect to a file)")
        check = sub.add_parser("verify", help="recompute chains, heads and checkpoints")
        check.add_argument("--roots", dest="roots_file", help="a roots file exported earlier")
        check.add_argument(
            "--progress-every",
            type=int,
            default=10_000,
            help="print a progress line to stderr every N events (0: never)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        subcommand = options["subcommand"]
        if subcommand == "checkpoint":
            self._checkpoint()
        elif subcommand == "roots":
            self.stdout.write(json.dumps(roots_export(), indent=2, ensure_ascii=False))
        else:
            self._verify(options.get("roots_file"), options.get("progress_every") or 0)

    def _checkpoint(self) -> None:
        cp = checkpoint_create()
        if cp is None:
            self.stdout.write("No new events since the last checkpoint; nothing to do.")
            return
        self.stdout.write(
            f"Checkpoint {cp.seq} created: {cp.event_count} events, "
            f"root {cp.merkle_root}, hash {cp.hash}"
        )

    def _verify(self, roots_file: str | None, every: int) -> None:
        roots = None
        if roots_file:
            try:
                roots = load_roots(roots_file)
            except RootsFileError as exc:
                raise CommandError(str(exc), returncode=2) from exc

        def progress(stage: str, done: int, total: int) -> None:
            if every > 0 and (done % every == 0 or (done == total and done >= every)):
                self.stderr.write(f"verify: {done}/{total} {stage} checked")

        report = verify(roots=roots, progress=progress)
        if not report.ok:
            raise CommandError(report.summary(), returncode=1)
        self.stdout.write(report.summary())
