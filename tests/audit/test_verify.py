from __future__ import annotations

import json

import pytest
from django.db import transaction

from govmall.accounts.models import Organisation
from govmall.audit.models import Checkpoint, Event
from govmall.audit.selectors import roots_export
from govmall.audit.services import checkpoint_create
from govmall.audit.verify import BrokenLink, RootsFileError, load_roots, verify
from tests.audit.helpers import chain_of, recompute_checkpoints, rehash, rewrite_chain, touch
from tests.factories import make_org, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def trail():
    """Two organisations and a user; org a has 4 events, sealed in checkpoint 1, then 1 more."""
    a = make_org(name="Org A")
    touch(a, 3)
    user = make_user(org=make_org(name="Org B"))
    checkpoint_create()
    touch(a, 1)
    return a, user


def test_intact_trail_verifies_with_counts(trail):
    report = verify()
    assert report.ok and report.broken is None
    assert (report.events, report.objects, report.checkpoints, report.pending_events) == (
        7,
        3,
        1,
        1,
    )
    assert report.summary() == (
        "intact: 7 events in 3 object chains, 1 checkpoints, 1 events awaiting a checkpoint"
    )


def test_empty_trail_verifies():
    report = verify()
    assert report.ok
    assert (report.events, report.objects, report.checkpoints) == (0, 0, 0)


def test_edited_event_fields_are_caught_by_the_event_hash(trail):
    a, _user = trail
    target = chain_of(a)[1]
    Event.objects.filter(pk=target.pk).update(after={"n": 99})
    report = verify()
    assert report.broken == BrokenLink(
        kind="event_hash",
        message=f"accounts.organisation {a.pk} seq 2 (event id {target.pk}): "
        "stored fields do not match its hash",
        object_type="accounts.organisation",
        object_id=str(a.pk),
        seq=2,
    )


def test_event_deleted_from_the_middle_is_caught_as_a_gap(trail):
    a, _user = trail
    chain = chain_of(a)
    Event.objects.filter(pk=chain[2].pk).delete()
    report = verify()
    assert report.broken is not None
    assert report.broken.kind == "chain_gap"
    assert report.broken.message == (
        f"accounts.organisation {a.pk}: seq 3 missing (found seq 4, event id {chain[3].pk})"
    )
    assert (report.broken.object_id, report.broken.seq) == (str(a.pk), 4)


def test_newest_event_deleted_before_any_checkpoint_is_caught_by_the_head(trail):
    a, _user = trail
    newest = chain_of(a)[-1]
    assert newest.seq == 5 and newest.checkpoint_id is None
    Event.objects.filter(pk=newest.pk).delete()
    report = verify()
    assert report.broken is not None
    assert report.broken.kind == "head"
    assert report.broken.message == (
        f"accounts.organisation {a.pk}: the row's chain head is seq 5 {newest.hash[:12]}, "
        f"its events end at seq 4 {chain_of(a)[-1].hash[:12]}"
    )


def test_whole_chain_deleted_is_caught_by_the_head(trail):
    _a, user = trail
    Event.objects.filter(object_type="accounts.user", checkpoint__isnull=False).update(
        checkpoint=None
    )
    Event.objects.filter(object_type="accounts.user", object_id=str(user.pk)).delete()
    report = verify()
    assert report.broken is not None
    assert report.broken.kind == "head"
    assert report.broken.object_type == "accounts.user"
    assert report.broken.message.startswith(
        f"accounts.user {user.pk}: the row's chain head is seq 1 "
    )


def test_inserted_event_is_caught_by_the_head(trail):
    """A forged event appended with a correct hash and link: the row's head does not move."""
    a, _user = trail
    last = chain_of(a)[-1]
    forged = Event(
        object_type=last.object_type,
        object_id=last.object_id,
        seq=6,
        action="organisation.renamed",
        actor_label="system",
        before={"name": "Org A"},
        after={"name": "Forged"},
        at=last.at,
        prev_hash=last.hash,
    )
    forged.hash = rehash(forged, last.hash)
    forged.save()
    report = verify()
    assert report.broken is not None
    assert report.broken.kind == "head"
    assert report.broken.message == (
        f"accounts.organisation {a.pk}: the row's chain head is seq 5 {last.hash[:12]}, "
        f"its events end at seq 6 {forged.hash[:12]}"
    )


def test_inserted_event_with_the_head_moved_too_is_caught_by_its_checkpoint(trail):
    """Forging the head as well: the event claims a sealed checkpoint, whose root then fails."""
    a, _user = trail
    last = chain_of(a)[-1]
    forged = Event(
        object_type=last.object_type,
        object_id=last.object_id,
        seq=6,
        action="organisation.renamed",
        actor_label="system",
        at=last.at,
        prev_hash=last.hash,
        checkpoint=Checkpoint.objects.get(seq=1),
    )
    forged.hash = rehash(forged, last.hash)
    forged.save()
    Organisation.objects.filter(pk=a.pk).update(audit_head=forged.hash, audit_length=6)
    report = verify()
    assert report.broken == BrokenLink(
        kind="checkpoint_count",
        message="checkpoint 1: holds 7 events, sealed with 6",
        checkpoint_seq=1,
    )


def test_event_moved_out_of_its_checkpoint_is_caught_by_the_root(trail):
    a, _user = trail
    sealed = chain_of(a)[0]
    Event.objects.filter(pk=sealed.pk).update(checkpoint=None)
    Checkpoint.objects.filter(seq=1).update(event_count=5)
    report = verify()
    assert report.broken is not None
    assert report.broken.kind == "checkpoint_root"
    assert report.broken.message == (
        "checkpoint 1: Merkle root of its events differs from the stored root"
    )


def test_deleted_checkpoint_is_caught_by_the_checkpoint_chain(trail):
    checkpoint_create()
    Event.objects.filter(checkpoint__seq=1).update(checkpoint=None)
    Checkpoint.objects.filter(seq=1).delete()
    report = verify()
    assert report.broken is not None
    assert report.broken.kind == "checkpoint_gap"
    assert report.broken.message == "checkpoint 1 missing (found 2)"


def test_rewritten_chain_with_recomputed_hashes_passes_inside_the_database_only(trail):
    a, _user = trail
    checkpoint_create()
    exported = roots_export()["checkpoints"]
    rewrite_chain(a, 2, {"n": 1000})

    assert chain_of(a)[1].after == {"n": 1000}
    assert verify().ok  # every hash, head and checkpoint inside the database adds up

    report = verify(roots=exported)
    assert report.broken is not None
    assert report.broken.kind == "roots_mismatch"
    assert report.broken.checkpoint_seq == 1
    assert report.broken.message.startswith(
        "checkpoint 1: merkle_root differs from the roots file (database "
    )


def test_roots_file_checkpoint_missing_from_the_database(trail):
    checkpoint_create()
    exported = roots_export()["checkpoints"]
    Event.objects.filter(checkpoint__seq=2).update(checkpoint=None)
    Checkpoint.objects.filter(seq=2).delete()
    report = verify(roots=exported)
    assert report.broken == BrokenLink(
        kind="roots_missing",
        message="checkpoint 2 of the roots file is not in the database",
        checkpoint_seq=2,
    )


def test_roots_round_trip_through_a_file(trail, tmp_path):
    checkpoint_create()
    path = tmp_path / "roots.json"
    path.write_text(json.dumps(roots_export()), encoding="utf-8")
    roots = load_roots(path)
    assert [(r["seq"], r["event_count"]) for r in roots] == [(1, 6), (2, 1)]
    stored = list(Checkpoint.objects.order_by("seq").values_list("merkle_root", "hash"))
    assert [(r["merkle_root"], r["hash"]) for r in roots] == stored
    report = verify(roots=roots)
    assert report.ok and report.roots_checked == 2
    assert report.summary().endswith(", 2 checkpoints match the roots file")


def test_roots_file_may_be_a_bare_list(tmp_path, trail):
    path = tmp_path / "roots.json"
    path.write_text(json.dumps(roots_export()["checkpoints"]), encoding="utf-8")
    assert [r["seq"] for r in load_roots(path)] == [1]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "cannot read roots file"),
        ('{"checkpoints": 3}', "no list of checkpoints"),
        ('[{"seq": 1}]', "entry 0 lacks one of seq, merkle_root, event_count, hash"),
    ],
)
def test_bad_roots_file_is_refused(tmp_path, content, message):
    path = tmp_path / "roots.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(RootsFileError, match=message):
        load_roots(path)


def test_orphan_chain_of_a_deleted_row_is_caught(trail):
    with transaction.atomic():
        token_user = make_user()
    from govmall.accounts.services import api_token_create

    token, _secret = api_token_create(actor=token_user, name="t")
    from govmall.accounts.models import ApiToken

    ApiToken.objects.filter(pk=token.pk).delete()
    report = verify()
    assert report.broken == BrokenLink(
        kind="orphan_chain",
        message=f"accounts.apitoken {token.pk}: 1 events but its object row is missing",
        object_type="accounts.apitoken",
        object_id=str(token.pk),
        seq=1,
    )


def test_progress_is_reported_per_event_and_checkpoint(trail):
    seen: list[tuple[str, int, int]] = []
    verify(progress=lambda stage, done, total: seen.append((stage, done, total)))
    assert seen[:7] == [("events", n, 7) for n in range(1, 8)]
    assert seen[7:] == [("checkpoints", 1, 1)]


def test_recompute_helper_alone_keeps_an_intact_trail_intact(trail):
    recompute_checkpoints()
    assert verify().ok
