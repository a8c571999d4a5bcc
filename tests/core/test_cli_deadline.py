"""`govmall deadline <start> <N>`: the endpoint's JSON on stdout; bad input exits 2."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from govmall.cli import main
from govmall.core.models import CalendarYear

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("deadline", *args, stdout=out)
    return out.getvalue()


def test_prints_the_same_json_as_the_endpoint(client):
    out = run("2026-09-30T10:00:00+08:00", "2")
    assert out == '{"deadline": "2026-10-09T23:59:59+08:00", "calendar_known": true}\n'
    api = client.get("/api/v1/calendar/deadline?start=2026-09-30T10:00:00%2B08:00&working_days=2")
    assert json.loads(out) == api.json()


def test_unknown_years_and_completion():
    assert json.loads(run("2026-12-20T10:00", "30")) == {
        "deadline": "2027-01-29T23:59:59+08:00",
        "calendar_known": False,
    }
    CalendarYear.objects.create(year=2027, complete=True)
    assert json.loads(run("2026-12-20T10:00", "30"))["calendar_known"] is True


def test_utc_and_naive_starts():
    assert json.loads(run("2026-09-29T17:00:00Z", "2"))["deadline"] == "2026-10-09T23:59:59+08:00"
    assert json.loads(run("2026-09-29T20:00", "1"))["deadline"] == "2026-09-30T23:59:59+08:00"


@pytest.mark.parametrize(
    ("start", "n", "field"),
    [
        ("2026-09-30", "0", "working_days"),
        ("2026-09-30", "-1", "working_days"),
        ("2026-09-30", "366", "working_days"),
        ("2026-09-30", "two", "working_days"),
        ("2026-09-31", "2", "start"),
        ("", "2", "start"),
        ("9999-12-31", "1", "start"),
    ],
)
def test_bad_input_is_a_command_error_with_exit_code_2(start, n, field):
    with pytest.raises(CommandError) as exc:
        run(start, n)
    assert exc.value.returncode == 2
    assert str(exc.value).startswith(f"{field}: ")


def test_the_console_script_writes_stderr_and_exits_2(capsys):
    with translation.override("en"), pytest.raises(SystemExit) as exc:
        main(["deadline", "2026-09-30", "-1"])
    assert exc.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert (
        "CommandError: working_days: Enter a whole number of working days from 1 to 365."
        in captured.err
    )


def test_the_console_script_prints_the_json(capsys):
    main(["deadline", "2026-09-30", "3"])
    assert json.loads(capsys.readouterr().out) == {
        "deadline": "2026-10-10T23:59:59+08:00",
        "calendar_known": True,
    }
