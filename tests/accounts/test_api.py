import pytest

from govmall.accounts.models import Organisation, User
from govmall.accounts.roles import OrgKind, Role
from govmall.audit.models import Event
from tests.factories import make_org, make_user
from tests.permissions import check_matrix, client_for, database_fingerprint

pytestmark = pytest.mark.django_db

STRONG = "Unit-admin-pass-2026"


def unit_payload(**overrides):
    return {
        "name": "包头市第九中学",
        "division_code": "150203",
        "admin_username": "no9-admin",
        "admin_password": STRONG,
        "admin_display_name": "九中管理员",
        **overrides,
    }


def test_me_describes_the_user_and_organisation():
    user = make_user(Role.BUYER, division="150203")
    body = client_for(user).get("/api/v1/me").json()
    assert body["username"] == user.username and body["roles"] == ["buyer"]
    assert body["organisation"]["kind"] == "purchaser"
    assert body["organisation"]["division"] == {
        "code": "150203",
        "name_zh": "昆都仑区",
        "level": "county",
        "parent": "150200",
    }


def test_purchasing_unit_creation_matrix():
    city_admin = make_user(Role.OPERATOR_ADMIN, division="150200")
    actors = {
        "anonymous": None,
        "buyer": make_user(Role.BUYER),
        "purchaser admin": make_user(Role.PURCHASER_ADMIN),
        "supplier admin": make_user(Role.SUPPLIER_ADMIN),
        "regulator": make_user(Role.REGULATOR),
        "operator reviewer": make_user(Role.OPERATOR_REVIEWER),
        "operator admin of another city": make_user(Role.OPERATOR_ADMIN, division="150100"),
        "operator admin with jurisdiction": city_admin,
    }
    expected = {label: 403 for label in actors}
    expected["anonymous"] = 401
    expected["operator admin with jurisdiction"] = 201
    responses = check_matrix(
        lambda c: c.post(
            "/api/v1/purchasing-units", unit_payload(), content_type="application/json"
        ),
        actors,
        expected,
    )
    assert responses["operator admin of another city"].json()["error"]["code"] == (
        "outside_jurisdiction"
    )
    org = Organisation.objects.get(name="包头市第九中学")
    assert (org.kind, org.division_id) == (OrgKind.PURCHASER, "150203")
    admin = User.objects.get(username="no9-admin")
    assert admin.organisation == org and admin.role_set == {Role.PURCHASER_ADMIN}
    actions = list(Event.objects.filter(organisation=org).values_list("action", "actor"))
    assert actions == [("organisation.created", city_admin.pk), ("user.created", city_admin.pk)]


@pytest.mark.parametrize(
    ("overrides", "status", "code", "field"),
    [
        ({"division_code": "159999"}, 400, "unknown_division", "division_code"),
        ({"division_code": "15020"}, 422, "validation_error", "division_code"),
        ({"name": "x" * 201}, 422, "validation_error", "name"),
        ({"name": ""}, 422, "validation_error", "name"),
        ({"admin_password": "123"}, 400, "weak_password", "admin_password"),
        ({"admin_username": "u" * 151}, 422, "validation_error", "admin_username"),
    ],
)
def test_bad_purchasing_unit_input_is_refused_at_the_field(overrides, status, code, field):
    admin = make_user(Role.OPERATOR_ADMIN, division="150200")
    client = client_for(admin)
    before = database_fingerprint()
    response = client.post(
        "/api/v1/purchasing-units", unit_payload(**overrides), content_type="application/json"
    )
    assert response.status_code == status
    error = response.json()["error"]
    assert error["code"] == code
    named = error["details"].get("field") or next(iter(error["details"]["fields"]))
    assert named == field
    assert database_fingerprint() == before


def test_duplicate_username_leaves_no_half_made_unit():
    admin = make_user(Role.OPERATOR_ADMIN, division="150200")
    make_user(Role.BUYER, username="taken")
    client = client_for(admin)
    before = database_fingerprint()
    response = client.post(
        "/api/v1/purchasing-units",
        unit_payload(admin_username="TAKEN"),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": "duplicate",
        "message": response.json()["error"]["message"],
        "details": {"field": "admin_username"},
    }
    assert database_fingerprint() == before


def test_organisation_users_visibility_matrix():
    unit = make_org(OrgKind.PURCHASER, division="150203")
    unit_admin = make_user(Role.PURCHASER_ADMIN, org=unit)
    actors = {
        "anonymous": None,
        "same organisation": unit_admin,
        "other organisation": make_user(Role.PURCHASER_ADMIN),
        "operator with jurisdiction": make_user(Role.OPERATOR_REVIEWER, division="150200"),
        "operator of another city": make_user(Role.OPERATOR_REVIEWER, division="150100"),
        "regional regulator": make_user(Role.REGULATOR, division="150000"),
        "supplier": make_user(Role.SUPPLIER_STAFF),
    }
    expected = {
        "anonymous": 401,
        "same organisation": 200,
        "other organisation": 404,
        "operator with jurisdiction": 200,
        "operator of another city": 404,
        "regional regulator": 200,
        "supplier": 404,
    }
    responses = check_matrix(
        lambda c: c.get(f"/api/v1/organisations/{unit.pk}/users"), actors, expected
    )
    assert [u["username"] for u in responses["same organisation"].json()] == [unit_admin.username]


def test_adding_users_matrix_and_role_kind_check():
    unit = make_org(OrgKind.PURCHASER)
    unit_admin = make_user(Role.PURCHASER_ADMIN, org=unit)
    payload = {"username": "new-buyer", "password": STRONG, "roles": ["buyer", "approver"]}
    actors = {
        "anonymous": None,
        "buyer of the unit": make_user(Role.BUYER, org=unit),
        "admin of another unit": make_user(Role.PURCHASER_ADMIN),
        "operator with jurisdiction": make_user(Role.OPERATOR_ADMIN, division="150200"),
        "unit admin": unit_admin,
    }
    expected = {
        "anonymous": 401,
        "buyer of the unit": 403,
        "admin of another unit": 404,
        "operator with jurisdiction": 403,
        "unit admin": 201,
    }
    check_matrix(
        lambda c: c.post(
            f"/api/v1/organisations/{unit.pk}/users", payload, content_type="application/json"
        ),
        actors,
        expected,
    )
    assert User.objects.get(username="new-buyer").role_set == {"buyer", "approver"}

    client = client_for(unit_admin)
    before = database_fingerprint()
    response = client.post(
        f"/api/v1/organisations/{unit.pk}/users",
        {**payload, "username": "sneaky", "roles": ["operator_admin"]},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "role_not_allowed"
    assert database_fingerprint() == before


def test_divisions_are_public_and_unknown_codes_are_404():
    client = client_for(None)
    assert client.get("/api/v1/divisions/150200").json()["name_zh"] == "包头市"
    children = client.get("/api/v1/divisions/150200/children").json()
    assert "150271" in {c["code"] for c in children} and len(children) == 10
    for bad in ["999999", "15", "abcdef", "1502001"]:
        response = client.get(f"/api/v1/divisions/{bad}")
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
