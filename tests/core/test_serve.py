"""`govmall demo` end to end in a real process: fresh SQLite file, logins printed, the mall
answering over HTTP, and the background tick writing audit checkpoints."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback only)
        return json.loads(response.read())


def test_demo_serves_the_mall_and_ticks(tmp_path: Path):
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL"}},
        "DJANGO_DEBUG": "1",
        "GOVMALL_VAR": str(tmp_path),
        "GOVMALL_TICK_INTERVAL_SECONDS": "1",
        "PYTHONUNBUFFERED": "1",
    }
    log = (tmp_path / "demo.log").open("w+")
    process = subprocess.Popen(
        [sys.executable, "-m", "govmall.cli", "demo", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240  # the demo loads ~3,000 suppliers and a catalogue
        checkpoints: list = []
        while time.monotonic() < deadline:
            try:
                assert get_json(f"{base}/healthz") == {"status": "ok", "database": "ok"}
                checkpoints = get_json(f"{base}/api/v1/audit/checkpoints")
                if checkpoints:
                    break
            except OSError:
                pass
            assert process.poll() is None, (tmp_path / "demo.log").read_text()
            time.sleep(0.5)
        assert checkpoints, "the background tick wrote no checkpoint"
        assert checkpoints[0]["event_count"] >= 13  # 5 organisations + 8 users
        with urllib.request.urlopen(f"{base}/accounts/login/", timeout=5) as response:  # noqa: S310
            assert response.status == 200
    finally:
        process.terminate()
        process.wait(timeout=20)
    output = (tmp_path / "demo.log").read_text()
    assert "Demo-buyer-2026" in output and f"http://127.0.0.1:{port}/" in output
    assert (tmp_path / "govmall.sqlite3").exists()
