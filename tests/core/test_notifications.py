import pytest

from govmall.core.models import Notification
from govmall.core.notify import notifications_mark_read, notify
from tests.factories import make_user
from tests.permissions import client_for

pytestmark = pytest.mark.django_db


def test_notify_sends_once_per_recipient_and_the_page_lists_only_ones_own():
    alice, bob = make_user(), make_user()
    assert notify([alice, alice, bob], verb="test", message="核验已通过", link="/home/") == 2
    notify([bob], verb="test", message="别人的通知")
    page = client_for(alice).get("/notifications/").content.decode()
    assert "核验已通过" in page and "别人的通知" not in page
    assert 'class="badge"' in page


def test_marking_read_affects_only_the_actor():
    alice, bob = make_user(), make_user()
    notify([alice, bob], verb="test", message="m")
    assert notifications_mark_read(actor=alice) == 1
    assert Notification.objects.get(recipient=alice).read_at is not None
    assert Notification.objects.get(recipient=bob).read_at is None
    client = client_for(bob)
    assert client.post("/notifications/").status_code == 302
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    assert 'class="badge"' not in client.get("/notifications/").content.decode()


def test_notifications_need_login(client):
    assert client.get("/notifications/").status_code == 302


def test_notifications_api_lists_and_marks_only_ones_own():
    alice, bob = make_user(), make_user()
    notify([alice], verb="a", message="one")
    notify([alice, bob], verb="b", message="two")
    client = client_for(alice)
    assert [n["message"] for n in client.get("/api/v1/notifications").json()] == ["two", "one"]
    bobs = Notification.objects.get(recipient=bob).pk
    marked = client.post(
        "/api/v1/notifications/read", {"ids": [bobs]}, content_type="application/json"
    )
    assert marked.json() == {"marked": 0}
    assert client.post(
        "/api/v1/notifications/read", {}, content_type="application/json"
    ).json() == {"marked": 2}
    assert client.get("/api/v1/notifications?unread=true").json() == []
    assert client_for(None).get("/api/v1/notifications").status_code == 401


def test_marking_read_refuses_ids_beyond_the_database_range():
    response = client_for(make_user()).post(
        "/api/v1/notifications/read", {"ids": [2**70]}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"
