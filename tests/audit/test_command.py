from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from govmall.audit.models import Checkpoint, Event
from tests.audit.helpers import rewrite_chain, touch
from tests.factories import make_org


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("audit", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
class TestCallCommand:
    def test_checkpoint_prints_what_it_did(self):
        assert run("checkpoint")[0] == "No new events since the last checkpoint; nothing to do.\n"
        make_org()
        out, _err = run("checkpoint")
        cp = Checkpoint.objects.get()
        assert out == (f"Checkpoint 1 created: 1 events, root {cp.merkle_root}, hash {cp.hash}\n")

    def test_roots_prints_every_checkpoint_as_json(self):
        make_org()
        run("checkpoint")
        out, _err = run("roots")
        data = json.loads(out)
        cp = Checkpoint.objects.get()
        assert data["format"] == "govmall-audit-roots/1"
        assert data["checkpoints"] == [
            {
                "seq": 1,
                "created_at": cp.created_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                "event_count": 1,
                "merkle_root": cp.merkle_root,
                "prev_hash": "0" * 64,
                "hash": cp.hash,
            }
        ]

    def test_verify_intact_with_roots_and_progress(self, tmp_path):
        org = make_org()
        touch(org, 2)
        run("checkpoint")
        roots = tmp_path / "roots.json"
        roots.write_text(run("roots")[0], encoding="utf-8")
        out, err = run("verify", "--roots", str(roots), "--progress-every", "2")
        assert out == (
            "intact: 3 events in 1 object chains, 1 checkpoints, 0 events awaiting a "
            "checkpoint, 1 checkpoints match the roots file\n"
        )
        assert err == "verify: 2/3 events checked\nverify: 3/3 events checked\n"

    def test_verify_broken_raises_with_the_first_broken_link(self):
        org = make_org()
        event = Event.objects.get()
        Event.objects.filter(pk=event.pk).update(action="organisation.deleted")
        with pytest.raises(CommandError) as exc:
            run("verify")
        assert exc.value.returncode == 1
        assert str(exc.value) == (
            f"BROKEN: accounts.organisation {org.pk} seq 1 (event id {event.pk}): "
            "stored fields do not match its hash"
        )

    def test_verify_rewrite_caught_only_with_the_roots_file(self, tmp_path):
        org = make_org()
        touch(org, 2)
        run("checkpoint")
        roots = tmp_path / "roots.json"
        roots.write_text(run("roots")[0], encoding="utf-8")
        rewrite_chain(org, 2, {"n": 7})
        assert run("verify")[0].startswith("intact: 3 events")
        with pytest.raises(CommandError, match="checkpoint 1: merkle_root differs") as exc:
            run("verify", "--roots", str(roots))
        assert exc.value.returncode == 1

    def test_verify_with_unreadable_roots_file_exits_2(self, tmp_path):
        with pytest.raises(CommandError, match="cannot read roots file") as exc:
            run("verify", "--roots", str(tmp_path / "missing.json"))
        assert exc.value.returncode == 2

    def test_a_subcommand_is_required(self):
        with pytest.raises(CommandError, match="the following arguments are required: SUBCOMMAND"):
            run()


def _govmall(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(DJANGO_DEBUG="1", GOVMALL_VAR=str(home), GOVMALL_HOME=str(home))
    return subprocess.run(
        [sys.executable, "-m", "govmall.cli", *args],
        env=env,
        cwd=home,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_cli_exit_codes_and_roots_round_trip(tmp_path):
    """The real console script on its own SQLite file: `roots > file`, verify 0, tamper, 1."""
    assert _govmall(tmp_path, "migrate", "-v", "0").returncode == 0
    make = (
        "from govmall.accounts.services import organisation_create as c; "
        "c(actor=None, kind='purchaser', name='CLI unit', division_code='150202')"
    )
    assert _govmall(tmp_path, "shell", "-c", make).returncode == 0
    done = _govmall(tmp_path, "audit", "checkpoint")
    assert done.returncode == 0 and done.stdout.startswith("Checkpoint 1 created: 1 events, root ")

    roots = _govmall(tmp_path, "audit", "roots")
    assert roots.returncode == 0
    (tmp_path / "roots.json").write_text(roots.stdout, encoding="utf-8")
    assert [c["seq"] for c in json.loads(roots.stdout)["checkpoints"]] == [1]

    ok = _govmall(tmp_path, "audit", "verify", "--roots", "roots.json", "--progress-every", "1")
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout == (
        "intact: 1 events in 1 object chains, 1 checkpoints, 0 events awaiting a checkpoint, "
        "1 checkpoints match the roots file\n"
    )
    assert "verify: 1/1 events checked" in ok.stderr

    with sqlite3.connect(tmp_path / "govmall.sqlite3") as db:
        db.execute("""UPDATE audit_event SET "after" = '{"name": "Tampered"}'""")
    broken = _govmall(tmp_path, "audit", "verify", "--roots", "roots.json")
    assert broken.returncode == 1
    assert broken.stdout == ""
    assert "BROKEN: accounts.organisation 1 seq 1 (event id 1): stored fields do not match" in (
        broken.stderr
    )
