"""Production settings pass Django's deployment checklist with no warning."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def run_check(env_overrides: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_DEBUG", "GOVMALL_HTTPS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(DJANGO_SETTINGS_MODULE="govmall.settings", **env_overrides)
    return subprocess.run(
        [sys.executable, "-m", "govmall.cli", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_check_deploy():
    result = run_check(
        {
            "SECRET_KEY": "p" * 20 + "-production-secret-" + "q7Z" * 12,
            "ALLOWED_HOSTS": "mall.example.gov.cn",
        }
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_secret_or_hosts(missing):
    env = {"SECRET_KEY": "s" * 60, "ALLOWED_HOSTS": "mall.example.gov.cn"}
    del env[missing]
    result = run_check(env)
    assert result.returncode != 0
    assert f"{missing} must be set" in result.stderr
