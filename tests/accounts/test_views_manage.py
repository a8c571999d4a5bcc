import pytest

from govmall.accounts.models import Organisation, User
from govmall.accounts.roles import OrgKind, Role
from govmall.audit.models import Event
from tests.factories import make_org, make_user
from tests.permissions import client_for, database_fingerprint

pytestmark = pytest.mark.django_db
STRONG = "Strong-pass-2026!"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_users_page_is_for_the_organisation_admin_only():
    unit = make_org(OrgKind.PURCHASER)
    admin = make_user(Role.PURCHASER_ADMIN, org=unit)
    buyer = make_user(Role.BUYER, org=unit)
    assert client_for(None).get("/accounts/users/").status_code == 302
    assert client_for(buyer).get("/accounts/users/").status_code == 403
    page = client_for(admin).get("/accounts/users/", **EN).content.decode()
    assert buyer.username in page and admin.username in page
    # only the roles of a purchasing unit are offered
    assert 'value="buyer"' in page and 'value="approver"' in page
    assert 'value="operator_admin"' not in page and 'value="supplier_staff"' not in page


def test_admin_adds_a_user_with_roles_and_the_event_is_recorded():
    unit = make_org(OrgKind.PURCHASER)
    admin = make_user(Role.PURCHASER_ADMIN, org=unit)
    response = client_for(admin).post(
        "/accounts/users/",
        {
            "username": "li.si",
            "display_name": "李四",
            "password": STRONG,
            "roles": ["buyer", "approver"],
        },
    )
    assert response.status_code == 302
    added = User.objects.get(username="li.si")
    assert added.organisation == unit and added.role_set == {"buyer", "approver"}
    event = Event.objects.get(object_type="accounts.user", object_id=str(added.pk))
    assert (event.action, event.actor) == ("user.created", admin)


@pytest.mark.parametrize(
    ("data", "field", "text"),
    [
        ({"username": "", "password": STRONG, "roles": ["buyer"]}, "username", "required"),
        ({"username": "a", "password": "123", "roles": ["buyer"]}, "password", "too short"),
        ({"username": "b", "password": STRONG, "roles": []}, "roles", "required"),
        (
            {"username": "c", "password": STRONG, "roles": ["regulator"]},
            "roles",
            "not one of the available",
        ),
    ],
)
def test_bad_user_input_is_shown_at_the_field_and_nothing_is_written(data, field, text):
    unit = make_org(OrgKind.PURCHASER)
    client = client_for(make_user(Role.PURCHASER_ADMIN, org=unit))
    before = database_fingerprint()
    response = client.post("/accounts/users/", data, **EN)
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == [field]
    assert text in " ".join(form.errors[field])
    assert f'id="error-{field}"' in response.content.decode()
    assert database_fingerprint() == before


def test_duplicate_username_is_reported_at_the_username_field():
    make_user(username="taken")
    unit = make_org(OrgKind.PURCHASER)
    client = client_for(make_user(Role.PURCHASER_ADMIN, org=unit))
    response = client.post(
        "/accounts/users/", {"username": "TAKEN", "password": STRONG, "roles": ["buyer"]}, **EN
    )
    assert response.context["form"].errors == {"username": ["This username is taken."]}


def test_operator_admin_opens_a_unit_in_its_jurisdiction_only():
    admin = make_user(Role.OPERATOR_ADMIN, division="150200")
    client = client_for(admin)
    assert (
        client_for(make_user(Role.OPERATOR_REVIEWER)).get("/accounts/purchasing-units/").status_code
        == 403
    )
    ok = client.post(
        "/accounts/purchasing-units/",
        {
            "name": "包头市第二中学",
            "division_code": "150203",
            "admin_username": "no2",
            "admin_password": STRONG,
        },
    )
    assert ok.status_code == 302
    unit = Organisation.objects.get(name="包头市第二中学")
    assert User.objects.get(username="no2").organisation == unit

    before = database_fingerprint()
    outside = client.post(
        "/accounts/purchasing-units/",
        {
            "name": "呼和浩特某单位",
            "division_code": "150102",
            "admin_username": "hh",
            "admin_password": STRONG,
        },
        **EN,
    )
    assert outside.context["form"].errors == {
        "division_code": ["Division 150102 is outside your jurisdiction."]
    }
    unknown = client.post(
        "/accounts/purchasing-units/",
        {
            "name": "某单位",
            "division_code": "159999",
            "admin_username": "x",
            "admin_password": STRONG,
        },
        **EN,
    )
    assert unknown.context["form"].errors == {"division_code": ["Unknown division code 159999."]}
    assert database_fingerprint() == before
    listing = client.get("/accounts/purchasing-units/").content.decode()
    assert "包头市第二中学" in listing
