#!/usr/bin/env python
"""Django's manage.py for developers; `govmall` (the console script) is the same thing."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))

from govmall.cli import main  # noqa: E402

if __name__ == "__main__":
    main()
