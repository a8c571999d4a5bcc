"""Statements run so often that planning them each time costs more than running them: the API
token look-up (every API call) and the order placement's read (ADR 0009).

On PostgreSQL the statement is prepared on the connection the first time it runs there
(psycopg's server-side binding with `prepare=True`), and the connection's
`plan_cache_mode = force_generic_plan` (settings.py) has the server keep one generic plan
instead of planning a custom one for every execution, which it otherwise keeps doing for
statements whose generic plan it estimates dearer. Measured on the placement's read: 1.96 →
0.46 ms of server CPU (planning was 1.2 ms of it). Elsewhere it is a plain cursor.

Every statement given here must be one whose plan does not depend on its values (look-ups by
key): a generic plan is then as good as a custom one.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connection


def fetchall(sql: str, params: Sequence[Any] | Mapping[str, Any]) -> list[tuple[Any, ...]]:
    """The rows of `sql`, a statement that returns rows (`%s` or `%(name)s` placeholders),
    through a prepared statement on PostgreSQL; visible to Django's query capture (tests count
    it like any query)."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    import psycopg

    connection.ensure_connection()
    connection.validate_no_broken_transaction()
    start = time.monotonic()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params, prepare=True)
        rows = cursor.fetchall()  # (not `description`: it builds a Column per column)
    if connection.queries_logged:
        connection.queries_log.append(
            {"sql": f"{sql} -- prepared, {params!r}", "time": f"{time.monotonic() - start:.3f}"}
        )
    return rows
