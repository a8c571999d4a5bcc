"""Readable numbers from database sequences: known names exist after migrating; a new name is
created on first use, also when several connections use it first at the same time."""

from __future__ import annotations

import re
import threading
import uuid

import pytest
from django.db import connection, connections

from govmall.core.numbers import next_number, next_numbers, next_value


@pytest.mark.django_db
def test_numbers_are_readable_and_increase():
    first = next_number("ORD")
    second = next_number("ORD")
    assert re.fullmatch(r"ORD-\d{4}-\d{6}", first)
    assert int(second[-6:]) > int(first[-6:])
    block = next_numbers("LST", 3)
    assert len(set(block)) == 3 and all(re.fullmatch(r"LST-\d{4}-\d{6}", n) for n in block)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_new_sequence_used_first_by_many_connections_at_once():
    name = f"t{uuid.uuid4().hex[:12]}"
    barrier = threading.Barrier(8)
    values: list[int] = []
    errors: list[BaseException] = []

    def work():
        try:
            barrier.wait(timeout=30)
            values.append(next_value(name))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert errors == []
        assert sorted(values) == list(range(1, 9))
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP SEQUENCE IF EXISTS govmall_seq_{name}")
