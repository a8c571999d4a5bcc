from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from govmall.accounts.models import LoginFailure, User
from govmall.accounts.services import login_authenticate
from govmall.audit.models import Event
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

T0 = timezone.datetime(2026, 11, 2, 9, 0, tzinfo=timezone.get_fixed_timezone(480))


def fail(username: str, n: int = 1) -> None:
    for _ in range(n):
        assert login_authenticate(username=username, password="wrong", ip="10.0.0.1") is None


def test_right_password_logs_in_and_records_nothing():
    user = make_user()
    assert login_authenticate(username=user.username, password=PASSWORD, ip=None) == user
    assert LoginFailure.objects.count() == 0


def test_wrong_password_is_recorded_and_changes_nothing_else():
    user = make_user()
    events = Event.objects.count()
    fail(user.username)
    failure = LoginFailure.objects.get()
    assert (failure.user, failure.reason, failure.ip) == (user, "bad_password", "10.0.0.1")
    user.refresh_from_db()
    assert user.locked_until is None
    assert Event.objects.count() == events


def test_unknown_user_is_recorded():
    fail("nobody-here")
    assert LoginFailure.objects.get().reason == "unknown_user"


def test_five_failures_within_15_minutes_lock_for_15_minutes_even_the_right_password():
    user = make_user()
    with time_machine.travel(T0, tick=False) as traveller:
        fail(user.username, 4)
        traveller.shift(timedelta(minutes=14))
        fail(user.username)  # 5th within the window
        user.refresh_from_db()
        assert user.locked_until == T0 + timedelta(minutes=14 + 15)
        lock_event = Event.objects.filter(object_id=str(user.pk), action="user.locked").get()
        assert lock_event.after["failures"] == 5

        traveller.shift(timedelta(minutes=10))
        assert login_authenticate(username=user.username, password=PASSWORD, ip=None) is None
        assert LoginFailure.objects.filter(user=user, reason="locked").count() == 1

        traveller.shift(timedelta(minutes=5, seconds=1))  # lock over
        assert login_authenticate(username=user.username, password=PASSWORD, ip=None) == user
    assert LoginFailure.objects.filter(user=user).count() == 6


def test_failures_spread_beyond_15_minutes_do_not_lock():
    user = make_user()
    with time_machine.travel(T0, tick=False) as traveller:
        fail(user.username, 4)
        traveller.shift(timedelta(minutes=15, seconds=1))
        fail(user.username)
        user.refresh_from_db()
        assert user.locked_until is None
        assert login_authenticate(username=user.username, password=PASSWORD, ip=None) == user


def test_failures_before_a_lock_do_not_count_again_after_it():
    user = make_user()
    with time_machine.travel(T0, tick=False) as traveller:
        fail(user.username, 5)
        traveller.shift(timedelta(minutes=15, seconds=1))
        fail(user.username)  # one fresh failure after the lock
        assert User.objects.get(pk=user.pk).locked_until == T0 + timedelta(minutes=15)
        assert login_authenticate(username=user.username, password=PASSWORD, ip=None) == user


def test_login_page_says_locked(client):
    user = make_user()
    fail(user.username, 5)
    response = client.post(
        "/accounts/login/",
        {"username": user.username, "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "locked" in response.content.decode()
    assert "_auth_user_id" not in client.session
