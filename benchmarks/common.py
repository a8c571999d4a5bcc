"""Shared benchmark helpers: Django set-up, a throw-away database, fast bulk loading, timers.

A benchmark never touches the database DATABASE_URL names: it creates its own (Django's test
database machinery, under a name of its own), fills it with raw COPY (PostgreSQL) or batched
INSERTs (SQLite), and drops it at the end, also when it fails.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def setup_django() -> None:
    """Development settings (no SECRET_KEY needed), queries not kept in memory."""
    sys.path.insert(0, os.path.join(ROOT, "src"))
    sys.path.insert(0, ROOT)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govmall.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    import django
    from django.conf import settings

    django.setup()
    settings.DEBUG = False  # no query log: the loaders send millions of rows


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


_shown: dict[str, int] = {}


def progress(label: str, done: int, total: int) -> None:
    """One line per label, rewritten in place on a terminal."""
    if done == 0 or _shown.get(label) == done:
        return
    _shown[label] = done
    end = "\n" if done >= total else ""
    sys.stderr.write(f"\r  {label}: {done:,}/{total:,}{end}")
    sys.stderr.flush()


@contextmanager
def timed(label: str, results: dict[str, float] | None = None) -> Iterator[None]:
    start = time.perf_counter()
    yield
    seconds = time.perf_counter() - start
    if results is not None:
        results[label] = seconds
    say(f"  {label}: {seconds:.2f} s")


@contextmanager
def bench_database(suffix: str) -> Iterator[str]:
    """A fresh, migrated database of its own (`<name>_<suffix>` on PostgreSQL, in memory on
    SQLite), dropped afterwards. Yields the vendor."""
    from django.db import connection

    settings_dict = connection.settings_dict
    original = settings_dict["NAME"]
    if connection.vendor == "postgresql":
        settings_dict.setdefault("TEST", {})["NAME"] = f"{original}_{suffix}"
    say(f"creating and migrating a throw-away {connection.vendor} database …")
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        yield connection.vendor
    finally:
        say("dropping the throw-away database …")
        connection.creation.destroy_test_db(original, verbosity=0)


def _copy_value(value: Any) -> str:
    if value is None:
        return "\\N"
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def load_rows(
    table: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    total: int,
    label: str,
    chunk: int = 50_000,
) -> None:
    """Bulk-load `rows` into `table`: COPY on PostgreSQL, batched INSERTs elsewhere."""
    from django.db import connection

    done = 0
    progress(label, 0, total)
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        raw = connection.connection
        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with raw.cursor() as cursor, cursor.copy(sql) as copy:
            buffer: list[str] = []
            for row in rows:
                buffer.append("\t".join(_copy_value(v) for v in row))
                done += 1
                if len(buffer) >= chunk:
                    copy.write("\n".join(buffer) + "\n")
                    buffer = []
                    progress(label, done, total)
            if buffer:
                copy.write("\n".join(buffer) + "\n")
        progress(label, done, total)
        return
    marks = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608 - our names
    batch: list[Sequence[Any]] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(row)
            done += 1
            if len(batch) >= chunk:
                cursor.executemany(sql, batch)
                batch = []
                progress(label, done, total)
        if batch:
            cursor.executemany(sql, batch)
    progress(label, done, total)


def analyze(*tables: str) -> None:
    """Fresh planner statistics after a bulk load (PostgreSQL's autovacuum may lag)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in tables:
                cursor.execute(f"ANALYZE {table}")
        else:
            cursor.execute("ANALYZE")
