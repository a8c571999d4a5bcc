"""The `govmall` console script: Django's management commands under the project's name.

`govmall demo`, `govmall serve`, `govmall tick`, `govmall audit verify`, `govmall deadline` and
every stock command (`govmall migrate`, `govmall check --deploy`) go through here.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govmall.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["govmall", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
