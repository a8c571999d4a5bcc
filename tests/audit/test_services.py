from __future__ import annotations

import pytest
from django.db import transaction

from govmall.accounts.models import Organisation
from govmall.audit.hashing import checkpoint_hash, merkle_root
from govmall.audit.models import GENESIS_HASH, Checkpoint, Event
from govmall.audit.services import checkpoint_create, checkpoint_job, record_event
from tests.audit.helpers import chain_of, rehash, touch
from tests.factories import make_org, make_user

pytestmark = pytest.mark.django_db


def test_record_event_chains_events_and_moves_the_head_on_the_row():
    org = make_org()
    first, second = touch(org, 2)
    assert (first.seq, first.prev_hash) == (2, chain_of(org)[0].hash)
    assert (second.seq, second.prev_hash) == (3, first.hash)
    assert second.before == {"n": 1} and second.after == {"n": 2}
    assert second.hash == rehash(second, first.hash)
    org.refresh_from_db()
    assert (org.audit_head, org.audit_length) == (second.hash, 3)


def test_first_event_links_to_genesis_and_records_actor_and_organisation():
    user = make_user()
    (created,) = chain_of(user)
    assert created.seq == 1
    assert created.prev_hash == GENESIS_HASH
    assert created.action == "user.created"
    assert created.actor_id is None and created.actor_label == "system"
    assert created.organisation_id == user.organisation_id
    with transaction.atomic():
        event = record_event(obj=user.organisation, action="test.by_user", actor=user)
    assert (event.actor_id, event.actor_label) == (user.pk, user.username)
    assert event.organisation_id == user.organisation_id


@pytest.mark.django_db(transaction=True)
def test_record_event_refuses_to_run_outside_a_transaction(divisions):
    org = make_org()
    with pytest.raises(RuntimeError, match="inside the service's transaction"):
        record_event(obj=org, action="test.outside")
    assert Event.objects.filter(object_id=str(org.pk), action="test.outside").count() == 0


def test_record_event_refuses_unsaved_objects_and_empty_actions():
    org = make_org()
    with transaction.atomic():
        with pytest.raises(ValueError, match="save the object"):
            record_event(obj=Organisation(name="x"), action="test.unsaved")
        with pytest.raises(ValueError, match="needs an action"):
            record_event(obj=org, action="")


def test_event_rolled_back_with_its_transaction_leaves_chain_and_head_unchanged():
    org = make_org()
    head = org.audit_head
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        record_event(obj=org, action="test.doomed")
        1 / 0  # noqa: B018
    org.refresh_from_db()
    assert (org.audit_head, org.audit_length) == (head, 1)
    assert [e.action for e in chain_of(org)] == ["organisation.created"]


def test_checkpoint_without_events_is_a_no_op():
    assert checkpoint_create() is None
    assert Checkpoint.objects.count() == 0
    assert checkpoint_job() == "no new events"


def test_checkpoint_folds_new_events_in_id_order_and_chains_to_the_previous():
    org = make_org()
    touch(org, 2)
    first = checkpoint_create()
    assert first is not None
    hashes = list(Event.objects.order_by("id").values_list("hash", flat=True))
    assert (first.seq, first.event_count, first.prev_hash) == (1, 3, GENESIS_HASH)
    assert first.merkle_root == merkle_root(hashes)
    assert first.hash == checkpoint_hash(
        seq=1, merkle_root=first.merkle_root, event_count=3, prev_hash=GENESIS_HASH
    )
    assert Event.objects.filter(checkpoint=first).count() == 3
    assert checkpoint_create() is None  # nothing new: no empty checkpoint

    new = touch(org, 1)
    second = checkpoint_create()
    assert second is not None
    assert (second.seq, second.event_count, second.prev_hash) == (2, 1, first.hash)
    assert second.merkle_root == merkle_root([new[0].hash])
    assert list(Event.objects.filter(checkpoint=second).values_list("id", flat=True)) == [new[0].id]
    assert Checkpoint.objects.count() == 2


def test_checkpoint_assigns_more_events_than_one_update_chunk(monkeypatch):
    from govmall.audit import services

    monkeypatch.setattr(services, "ASSIGN_CHUNK", 2)
    org = make_org()
    touch(org, 4)
    checkpoint = checkpoint_create()
    assert checkpoint is not None and checkpoint.event_count == 5
    assert Event.objects.filter(checkpoint__isnull=True).count() == 0


def test_checkpoint_job_summarises_what_it_did():
    make_org()
    summary = checkpoint_job()
    checkpoint = Checkpoint.objects.get()
    assert summary == f"checkpoint 1: 1 events, root {checkpoint.merkle_root[:16]}"
    assert checkpoint_job() == "no new events"


def test_tick_runs_the_checkpoint_job():
    from govmall.core.tick import run_tick

    make_org()
    results = dict((job, (ok, summary)) for job, ok, summary in run_tick())
    ok, summary = results["govmall.audit.services.checkpoint_job"]
    assert ok is True
    assert summary.startswith("checkpoint 1: 1 events, root ")
