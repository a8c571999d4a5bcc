"""The embedded default: a SQLite file under var/ in WAL mode with a busy timeout and
IMMEDIATE transactions, so concurrent requests wait instead of failing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PROBE = """
import json
from django.db import connection
with connection.cursor() as c:
    c.execute("PRAGMA journal_mode"); mode = c.fetchone()[0]
    c.execute("PRAGMA busy_timeout"); busy = c.fetchone()[0]
print(json.dumps({"name": str(connection.settings_dict["NAME"]), "mode": mode, "busy": busy,
                  "tx": connection.settings_dict["OPTIONS"]["transaction_mode"]}))
"""


def probe(env_overrides: dict[str, str]) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(DJANGO_DEBUG="1", **env_overrides)
    result = subprocess.run(
        [sys.executable, "-m", "govmall.cli", "shell", "-c", PROBE],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_default_is_a_wal_sqlite_file_under_var(tmp_path: Path):
    info = probe({"GOVMALL_VAR": str(tmp_path / "var")})
    assert info == {
        "name": str(tmp_path / "var" / "govmall.sqlite3"),
        "mode": "wal",
        "busy": 20000,
        "tx": "IMMEDIATE",
    }


def test_database_url_selects_another_sqlite_file(tmp_path: Path):
    info = probe({"DATABASE_URL": f"sqlite:///{tmp_path}/other.sqlite3"})
    assert info["name"] == f"{tmp_path}/other.sqlite3" and info["mode"] == "wal"
