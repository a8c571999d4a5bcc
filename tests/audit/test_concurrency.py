"""Checkpoints against real concurrent transactions (PostgreSQL: SQLite serializes writers)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction

from govmall.audit.models import Checkpoint, Event
from govmall.audit.services import _lock_checkpoints, checkpoint_create, record_event
from govmall.audit.verify import verify
from tests.audit.helpers import touch
from tests.factories import make_org

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs concurrent writers; SQLite's IMMEDIATE transactions serialize them",
    ),
    pytest.mark.django_db(transaction=True),
]
WAIT = 20


class Worker(threading.Thread):
    """Runs `target` on its own database connection and always closes that connection."""

    def __init__(self, target: Callable[[], Any]) -> None:
        super().__init__(daemon=True)
        self._target_fn = target
        self.result: Any = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.result = self._target_fn()
        except BaseException as exc:  # reported by the test thread
            self.error = exc
        finally:
            connection.close()

    def outcome(self) -> Any:
        self.join(WAIT)
        assert not self.is_alive(), "worker did not finish"
        if self.error is not None:
            raise self.error
        return self.result


def assert_partition() -> None:
    """Every event in at most one checkpoint, counts add up, and the trail verifies."""
    sealed = list(Event.objects.filter(checkpoint__isnull=False).values_list("id", flat=True))
    assert len(sealed) == len(set(sealed))
    assert sum(Checkpoint.objects.values_list("event_count", flat=True)) == len(sealed)
    for cp in Checkpoint.objects.all():
        assert Event.objects.filter(checkpoint=cp).count() == cp.event_count
    report = verify()
    assert report.ok, report.summary()


def test_event_of_a_transaction_in_flight_goes_into_the_next_checkpoint_once(divisions):
    slow_org = make_org(name="Slow writer")
    fast_org = make_org(name="Fast writer")
    inserted, checkpointed = threading.Event(), threading.Event()

    def slow_writer() -> list[int]:
        with transaction.atomic():
            ids = [
                record_event(obj=slow_org, action="test.slow", after={"n": i}).id for i in range(3)
            ]
            inserted.set()
            assert checkpointed.wait(WAIT), "checkpoint did not run"
        return ids  # committed only now, after checkpoint 1

    writer = Worker(slow_writer)
    writer.start()
    assert inserted.wait(WAIT)
    # Events committed after the slow writer's (lower) ids were taken.
    fast_ids = [e.id for e in touch(fast_org, 2)]

    first = Worker(checkpoint_create)
    first.start()
    cp1 = first.outcome()  # must not wait for the slow writer
    checkpointed.set()
    slow_ids = writer.outcome()

    assert min(slow_ids) < min(fast_ids)
    sealed_first = set(Event.objects.filter(checkpoint=cp1).values_list("id", flat=True))
    assert cp1.seq == 1 and cp1.event_count == 4  # 2 organisation.created + 2 fast events
    assert sealed_first.isdisjoint(slow_ids)
    assert set(fast_ids) <= sealed_first

    cp2 = checkpoint_create()
    assert cp2 is not None
    assert (cp2.seq, cp2.event_count, cp2.prev_hash) == (2, 3, cp1.hash)
    assert sorted(Event.objects.filter(checkpoint=cp2).values_list("id", flat=True)) == sorted(
        slow_ids
    )
    assert checkpoint_create() is None
    assert Event.objects.filter(checkpoint__isnull=True).count() == 0
    assert sum(Checkpoint.objects.values_list("event_count", flat=True)) == Event.objects.count()
    assert_partition()


def test_checkpoint_creators_are_serialized(divisions):
    make_org()
    holding, release = threading.Event(), threading.Event()

    def holder() -> None:
        with transaction.atomic():
            _lock_checkpoints()
            holding.set()
            assert release.wait(WAIT)

    lock = Worker(holder)
    lock.start()
    assert holding.wait(WAIT)
    waiting = Worker(checkpoint_create)
    waiting.start()
    waiting.join(0.5)
    assert waiting.is_alive(), "a second checkpoint creator must wait for the lock"
    release.set()
    lock.outcome()
    cp = waiting.outcome()
    assert (cp.seq, cp.event_count) == (1, 1)


def test_many_writers_and_checkpoint_creators_lose_and_double_count_nothing(divisions):
    orgs = [make_org(name=f"Writer {i}") for i in range(4)]
    stop = threading.Event()

    def writer(org: Any) -> int:
        for i in range(15):
            with transaction.atomic():
                record_event(obj=org, action="test.stress", after={"i": i})
        return 15

    def checkpointer() -> int:
        made = 0
        while not stop.is_set():
            if checkpoint_create() is not None:
                made += 1
        return made

    checkpointers = [Worker(checkpointer) for _ in range(2)]
    writers = [Worker(lambda org=org: writer(org)) for org in orgs]
    for w in checkpointers + writers:
        w.start()
    assert [w.outcome() for w in writers] == [15] * 4
    stop.set()
    for c in checkpointers:
        c.outcome()
    checkpoint_create()

    total = Event.objects.count()
    assert total == 4 + 4 * 15
    assert Event.objects.filter(checkpoint__isnull=True).count() == 0
    assert sum(Checkpoint.objects.values_list("event_count", flat=True)) == total
    seqs = list(Checkpoint.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    assert_partition()
