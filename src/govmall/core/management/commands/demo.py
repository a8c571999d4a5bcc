"""`govmall demo`: a fresh demo mall (migrate, reset, load demo data, print logins, serve)."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from govmall.core.demo import load_demo
from govmall.core.models import DemoMarker


def _database_label() -> str:
    settings = connection.settings_dict
    return f"{settings['ENGINE'].rsplit('.', 1)[-1]}:{settings['NAME']}"


def _holds_foreign_data() -> bool:
    """True when the database has data that `demo` did not put there."""
    from govmall.accounts.models import Organisation, User

    if DemoMarker.objects.exists():
        return False
    return User.objects.exists() or Organisation.objects.exists()


class Command(BaseCommand):
    help = "Reset the database to the deterministic demo data and serve the mall."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--no-serve", action="store_true", help="load the data and stop")
        parser.add_argument(
            "--force",
            action="store_true",
            help="reset even a database that `demo` did not create (destroys its data)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        say = self.stdout.write
        say(f"[1/4] migrating {_database_label()} …")
        call_command("migrate", interactive=False, verbosity=0)
        if _holds_foreign_data() and not options["force"]:
            raise CommandError(
                f"{_database_label()} holds data that `govmall demo` did not create; refusing "
                "to reset it. Use another DATABASE_URL, or --force to destroy that data."
            )
        say("[2/4] resetting demo data …")
        call_command("flush", interactive=False, verbosity=0)
        from govmall.accounts.models import Division
        from govmall.core.reference import ensure_reference_data

        ensure_reference_data()
        say(f"      reference data: {Division.objects.count()} divisions")
        say("[3/4] loading demo data …")
        logins = load_demo(progress=lambda msg: say(f"      {msg}"))
        say("[4/4] demo logins (username / password / role / organisation):")
        width = max(len(login.username) for login in logins)
        pw_width = max(len(login.password) for login in logins)
        for login in logins:
            say(
                f"      {login.username:<{width}}  {login.password:<{pw_width}}  {login.role:<18} "
                f"{login.organisation}"
            )
        if options["no_serve"]:
            return
        call_command("serve", port=options["port"], host=options["host"], skip_migrate=True)
