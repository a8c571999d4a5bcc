import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from govmall.accounts.models import Organisation, User
from govmall.core.demo import ORGANISATIONS, USERS, demo_password
from govmall.core.models import DemoMarker
from tests.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)


def run_demo(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("demo", "--no-serve", *args, stdout=out)
    return out.getvalue()


def test_demo_loads_one_user_per_role_and_prints_working_logins(client):
    output = run_demo()
    assert DemoMarker.objects.count() == 1
    names = {name for _kind, name, _division in ORGANISATIONS}
    assert Organisation.objects.filter(name__in=names).count() == len(ORGANISATIONS)
    usable = [u.username for u in User.objects.all() if u.has_usable_password()]
    assert set(usable) >= {u[0] for u in USERS}
    for username, role, _org, _name in USERS:
        assert f"{username}" in output and demo_password(username) in output
        assert User.objects.get(username=username).role_set == {role}
        assert client.login(username=username, password=demo_password(username))
    assert "[4/4]" in output  # progress steps are shown


def test_demo_resets_its_own_database_deterministically():
    run_demo()
    users = User.objects.count()
    make_user(username="played-with")  # something added while playing with the demo
    run_demo()
    assert User.objects.count() == users
    assert not User.objects.filter(username="played-with").exists()


def test_demo_refuses_a_database_it_did_not_create_unless_forced():
    make_user(username="real-person")
    with pytest.raises(CommandError, match="did not create"):
        run_demo()
    assert User.objects.filter(username="real-person").exists()
    run_demo("--force")
    assert not User.objects.filter(username="real-person").exists()
    assert DemoMarker.objects.exists()
