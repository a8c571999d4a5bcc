"""Readable public numbers (SUP-2026-000123) from a database sequence.

PostgreSQL: a real sequence per name (no row lock, no contention between writers). SQLite: a
small table, updated in the caller's transaction; SQLite serialises writers anyway.
"""

from __future__ import annotations

import re

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from govmall.core.models import NumberSequence

_NAME = re.compile(r"^[a-z][a-z0-9_]{0,30}$")

# Sequences made by migration core/0004 (PostgreSQL): used at once, without a CREATE per call.
KNOWN_SEQUENCES = ("ord", "con", "quo", "as", "rt", "lst", "sup")


def _ensure_sequence(cursor, name: str) -> None:
    """Create the sequence of a name the migration does not know. Two first users may race on
    CREATE SEQUENCE IF NOT EXISTS (PostgreSQL then raises a unique violation): the loser's
    savepoint rolls back and the winner's sequence serves both."""
    if name in KNOWN_SEQUENCES:
        return
    try:
        with transaction.atomic():
            cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS govmall_seq_{name}")
    except DatabaseError:
        pass


def next_value(name: str) -> int:
    if not _NAME.match(name):
        raise ValueError(f"bad sequence name {name!r}")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            _ensure_sequence(cursor, name)
            cursor.execute("SELECT nextval(%s)", [f"govmall_seq_{name}"])
            return int(cursor.fetchone()[0])
    NumberSequence.objects.get_or_create(name=name)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_numbersequence SET value = value + 1 WHERE name = %s RETURNING value",
            [name],
        )
        return int(cursor.fetchone()[0])


def next_number(prefix: str) -> str:
    """`PREFIX-YYYY-NNNNNN`, the year in Beijing time; numbers run on across years."""
    return format_number(prefix, next_value(prefix.lower()))


def format_number(prefix: str, value: int) -> str:
    """The number of a value drawn from sequence `govmall_seq_<prefix>` by the caller's own
    statement (`trading.order_place_sql.READ`)."""
    return f"{prefix}-{timezone.localtime().year}-{value:06d}"


def next_numbers(prefix: str, count: int) -> list[str]:
    """`count` consecutive-or-not numbers for a bulk insert, in one round trip per database."""
    if count <= 0:
        return []
    name = prefix.lower()
    if not _NAME.match(name):
        raise ValueError(f"bad sequence name {name!r}")
    year = timezone.localtime().year
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            _ensure_sequence(cursor, name)
            cursor.execute(
                "SELECT nextval(%s) FROM generate_series(1, %s)", [f"govmall_seq_{name}", count]
            )
            values = [int(row[0]) for row in cursor.fetchall()]
    else:
        NumberSequence.objects.get_or_create(name=name)
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE core_numbersequence SET value = value + %s WHERE name = %s RETURNING value",
                [count, name],
            )
            last = int(cursor.fetchone()[0])
        values = list(range(last - count + 1, last + 1))
    return [f"{prefix}-{year}-{v:06d}" for v in values]
