"""Progress lines of long-running commands (imports): done / total, share, rate."""

from __future__ import annotations

import time
from collections.abc import Callable


def row_progress(write: Callable[[str], object], total: int) -> Callable[[int], None]:
    """A callback `progress(done)` that writes one line per call; the clock starts now."""
    started = time.monotonic()

    def progress(done: int) -> None:
        elapsed = max(time.monotonic() - started, 1e-6)
        share = done * 100 // total if total else 100
        write(f"  {done:,} / {total:,} rows ({share}%), {done / elapsed:,.0f} rows/s")

    return progress
