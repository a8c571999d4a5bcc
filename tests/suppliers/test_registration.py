"""supplier_register and supplier_profile_update: every rule, and nothing written on a refusal."""

from __future__ import annotations

import pytest
from django.utils import timezone, translation

from govmall.accounts.models import Organisation, User
from govmall.accounts.roles import OrgKind, Role
from govmall.audit.models import Event
from govmall.core.errors import DomainError
from govmall.suppliers.codes import make_credit_code
from govmall.suppliers.models import Supplier
from govmall.suppliers.services_registration import (
    supplier_profile_update,
    supplier_register,
)
from tests.factories import make_supplier, make_user
from tests.permissions import database_fingerprint

pytestmark = pytest.mark.django_db

STRONG = "Reg-admin-pass-2026"
CODE = make_credit_code("91", "150202", 777001)


def registration(**overrides):
    data = {
        "username": "bt-office",
        "password": STRONG,
        "display_name": "王经理",
        "email": "wang@example.cn",
        "org_name": "包头市办公设备有限公司",
        "credit_code": CODE,
        "supplier_type": "enterprise",
        "size": "small",
        "division_code": "150202",
        "legal_representative": "王大力",
        "contact_name": "王经理",
        "contact_phone": "0472-5123456",
        "contact_email": "sales@example.cn",
        "address": "包头市东河区巴彦塔拉大街1号",
        "business_scope": "办公设备、计算机及耗材销售",
        "intended_categories": ["办公设备", "计算机"],
        "service_outlets": "包头市东河区服务网点",
        "hotline_hours": "周一至周五 8:30-17:30",
    }
    data.update(overrides)
    return data


def refused(**overrides) -> DomainError:
    before = database_fingerprint()
    with pytest.raises(DomainError) as exc:
        supplier_register(**registration(**overrides))
    assert database_fingerprint() == before, "a refused registration wrote something"
    return exc.value


# ---- registration ---------------------------------------------------------------------------


def test_registration_creates_organisation_admin_and_draft_supplier():
    before = timezone.now()
    result = supplier_register(**registration(credit_code=CODE.lower()))
    supplier = result.supplier
    assert result.warnings == []
    org = supplier.organisation
    assert (org.kind, org.name, org.division_id) == (
        OrgKind.SUPPLIER,
        "包头市办公设备有限公司",
        "150202",
    )
    assert supplier.credit_code == CODE  # normalised to capitals
    assert (supplier.status, supplier.source, supplier.supplier_type, supplier.size) == (
        "draft",
        "self",
        "enterprise",
        "small",
    )
    assert supplier.registered_at >= before
    assert supplier.intended_categories == ["办公设备", "计算机"]
    assert (supplier.legal_representative, supplier.contact_phone) == ("王大力", "0472-5123456")
    admin = result.admin_user
    assert admin.organisation == org and admin.role_set == {Role.SUPPLIER_ADMIN}
    assert (admin.username, admin.display_name, admin.email) == (
        "bt-office",
        "王经理",
        "wang@example.cn",
    )
    assert admin.check_password(STRONG)
    events = list(
        Event.objects.filter(organisation=org).order_by("id").values_list("object_type", "action")
    )
    assert events == [
        ("accounts.organisation", "organisation.created"),
        ("accounts.user", "user.created"),
        ("suppliers.supplier", "supplier.registered"),
    ]
    registered = Event.objects.get(action="supplier.registered")
    assert registered.actor_id == admin.pk
    assert registered.after["credit_code"] == CODE
    assert registered.after["status"] == "draft"


def test_no_fee_field_exists_anywhere():
    names = {f.name for f in Supplier._meta.get_fields()} | {
        f.name for f in Organisation._meta.get_fields()
    }
    assert not [n for n in names if "fee" in n or "price" in n or "charge" in n]


def test_division_difference_is_a_warning_not_an_error():
    code = make_credit_code("91", "150203", 777002)
    result = supplier_register(**registration(credit_code=code, division_code="150202"))
    assert result.supplier.status == "draft"
    assert len(result.warnings) == 1
    assert "150203" in result.warnings[0] and "150202" in result.warnings[0]


def test_a_supplier_from_outside_the_region_registers():
    code = make_credit_code("91", "440305", 777003)
    result = supplier_register(**registration(credit_code=code, division_code="440305"))
    assert result.warnings == []
    assert result.supplier.in_region is False


def test_individual_business_registers_with_a_92_code():
    code = make_credit_code("92", "150202", 777004)
    result = supplier_register(
        **registration(credit_code=code, supplier_type="individual", size="micro")
    )
    assert result.supplier.supplier_type == "individual"


@pytest.mark.parametrize(
    ("code", "supplier_type", "error"),
    [
        ("91350100M000100Y4", "enterprise", "credit_code_format"),
        ("91350100M000100Y4O", "enterprise", "credit_code_format"),
        ("91350100M000100Y431", "enterprise", "credit_code_format"),
        ("94350100M000100Y4X", "enterprise", "credit_code_authority"),
        ("91350100M000100Y44", "enterprise", "credit_code_check_digit"),
        (make_credit_code("92", "150202", 777005), "enterprise", "credit_code_type_mismatch"),
        (make_credit_code("91", "150202", 777006), "individual", "credit_code_type_mismatch"),
        (make_credit_code("91", "150202", 777007), "other", "credit_code_type_mismatch"),
    ],
)
def test_each_credit_code_fault_has_its_own_error(code, supplier_type, error):
    exc = refused(credit_code=code, supplier_type=supplier_type)
    assert (exc.code, exc.field) == (error, "credit_code")


def test_duplicate_credit_code_is_refused_case_insensitively():
    existing, _admin = make_supplier()
    exc = refused(credit_code=existing.credit_code.lower())
    assert (exc.code, exc.field, exc.status) == ("credit_code_taken", "credit_code", 409)


def test_duplicate_credit_code_stored_in_lower_case_is_still_found():
    existing, _admin = make_supplier()
    Supplier.objects.filter(pk=existing.pk).update(credit_code=existing.credit_code.lower())
    exc = refused(credit_code=existing.credit_code)
    assert exc.code == "credit_code_taken"


def test_duplicate_name_and_username_are_refused_at_their_fields():
    make_supplier(name="同名公司")
    exc = refused(org_name="同名公司")
    assert (exc.code, exc.field) == ("org_name_taken", "org_name")
    make_user(Role.BUYER, username="taken-name")
    exc = refused(username="TAKEN-NAME")
    assert (exc.code, exc.field) == ("duplicate", "username")


def test_unknown_division_is_an_error_at_division_code():
    code = make_credit_code("91", "159999", 1)
    exc = refused(division_code="159999", credit_code=code)
    assert (exc.code, exc.field) == ("unknown_division", "division_code")
    exc = refused(division_code="15020x")
    assert (exc.code, exc.field) == ("unknown_division", "division_code")


@pytest.mark.parametrize(
    ("password", "fragment"),
    [
        ("short", "too short"),
        ("12345678901234", "entirely numeric"),
        ("password123", "too common"),
        ("bt-office-1", "too similar"),
    ],
)
def test_weak_password_is_refused(password, fragment):
    with translation.override("en"):
        exc = refused(password=password)
    assert (exc.code, exc.field) == ("weak_password", "password")
    assert fragment in exc.message


@pytest.mark.parametrize(
    "field",
    [
        "username",
        "password",
        "org_name",
        "credit_code",
        "supplier_type",
        "size",
        "division_code",
        "legal_representative",
        "contact_name",
        "contact_phone",
        "business_scope",
    ],
)
def test_each_required_field_has_its_own_error(field):
    exc = refused(**{field: "   "})
    assert (exc.code, exc.field) == ("required", field)


@pytest.mark.parametrize(
    ("field", "limit"),
    [
        ("username", 150),
        ("display_name", 100),
        ("org_name", 200),
        ("legal_representative", 100),
        ("contact_name", 100),
        ("address", 200),
        ("business_scope", 2000),
        ("service_outlets", 1000),
        ("hotline_hours", 100),
    ],
)
def test_over_long_fields_are_refused(field, limit):
    exc = refused(**{field: "长" * (limit + 1)})
    assert (exc.code, exc.field, exc.details["limit"]) == ("too_long", field, limit)


def test_other_bad_values_are_refused_at_their_fields():
    cases = [
        ({"supplier_type": "company"}, "invalid_choice", "supplier_type"),
        ({"size": "huge"}, "invalid_choice", "size"),
        ({"contact_phone": "call me"}, "invalid_phone", "contact_phone"),
        ({"contact_email": "not-an-email"}, "invalid_email", "contact_email"),
        ({"email": "nope@"}, "invalid_email", "email"),
        ({"intended_categories": ["x" * 101]}, "too_long", "intended_categories"),
        ({"intended_categories": [f"c{i}" for i in range(31)]}, "too_many", "intended_categories"),
        ({"password": "p" * 129}, "too_long", "password"),
    ]
    for overrides, code, field in cases:
        exc = refused(**overrides)
        assert (exc.code, exc.field) == (code, field), overrides


def test_categories_are_trimmed_and_deduplicated():
    result = supplier_register(**registration(intended_categories=[" 家具 ", "家具", "", "纸张"]))
    assert result.supplier.intended_categories == ["家具", "纸张"]


# ---- profile update -------------------------------------------------------------------------


def registered():
    result = supplier_register(**registration())
    return result.supplier, result.admin_user


def test_draft_profile_including_key_data_is_edited_directly_and_audited():
    supplier, admin = registered()
    new_code = make_credit_code("91", "150203", 777010)
    updated = supplier_profile_update(
        actor=admin,
        supplier=supplier,
        org_name="包头市新办公设备有限公司",
        credit_code=new_code,
        legal_representative="李新",
        division_code="150203",
        contact_phone="0472-7654321",
    )
    assert updated.organisation.name == "包头市新办公设备有限公司"
    assert updated.organisation.division_id == "150203"
    assert (updated.credit_code, updated.legal_representative, updated.contact_phone) == (
        new_code,
        "李新",
        "0472-7654321",
    )
    event = Event.objects.filter(action="supplier.profile_updated").get()
    assert event.before == {
        "org_name": "包头市办公设备有限公司",
        "credit_code": CODE,
        "legal_representative": "王大力",
        "division_code": "150202",
        "contact_phone": "0472-5123456",
    }
    assert event.after["credit_code"] == new_code and event.actor_id == admin.pk
    org_event = Event.objects.filter(action="organisation.updated").get()
    assert org_event.before == {"name": "包头市办公设备有限公司", "division_id": "150202"}
    assert org_event.after == {"name": "包头市新办公设备有限公司", "division_id": "150203"}


@pytest.mark.parametrize("status", ["returned", "rejected"])
def test_returned_and_rejected_profiles_are_edited_directly(status):
    supplier, admin = registered()
    Supplier.objects.filter(pk=supplier.pk).update(status=status)
    supplier.refresh_from_db()
    updated = supplier_profile_update(actor=admin, supplier=supplier, legal_representative="赵六")
    assert updated.legal_representative == "赵六"


def test_an_unchanged_value_writes_nothing():
    supplier, admin = registered()
    before = database_fingerprint()
    supplier_profile_update(actor=admin, supplier=supplier, contact_name="王经理")
    assert database_fingerprint() == before


def test_active_supplier_non_key_fields_apply_directly():
    supplier, admin = make_supplier()
    updated = supplier_profile_update(
        actor=admin,
        supplier=supplier,
        contact_name="新联系人",
        address="呼和浩特市新城区",
        intended_categories=["家具"],
        hotline_hours="7x24",
        size="medium",
    )
    assert (updated.contact_name, updated.address, updated.intended_categories) == (
        "新联系人",
        "呼和浩特市新城区",
        ["家具"],
    )
    assert (updated.hotline_hours, updated.size, updated.status) == ("7x24", "medium", "active")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("org_name", "改名公司"),
        ("legal_representative", "新法人"),
        ("credit_code", make_credit_code("91", "150202", 777020)),
        ("division_code", "150203"),
        ("supplier_type", "other"),
    ],
)
def test_active_supplier_key_fields_need_verification(field, value):
    supplier, admin = make_supplier()
    before = database_fingerprint()
    with pytest.raises(DomainError) as exc:
        supplier_profile_update(actor=admin, supplier=supplier, contact_name="X", **{field: value})
    assert (exc.value.code, exc.value.field, exc.value.status) == (
        "key_change_needs_verification",
        field,
        409,
    )
    assert database_fingerprint() == before


def test_pending_profile_is_locked():
    supplier, admin = registered()
    Supplier.objects.filter(pk=supplier.pk).update(status="pending")
    supplier.refresh_from_db()
    with pytest.raises(DomainError) as exc:
        supplier_profile_update(actor=admin, supplier=supplier, contact_name="X")
    assert exc.value.code == "profile_pending_verification"


def test_profile_update_credit_code_is_validated_and_unique():
    supplier, admin = registered()
    other, _ = make_supplier()
    for value, code in [
        ("91350100M000100Y44", "credit_code_check_digit"),
        (other.credit_code, "credit_code_taken"),
        (make_credit_code("92", "150202", 777030), "credit_code_type_mismatch"),
    ]:
        with pytest.raises(DomainError) as exc:
            supplier_profile_update(actor=admin, supplier=supplier, credit_code=value)
        assert exc.value.code == code
    with pytest.raises(DomainError) as exc:  # changing the type alone re-checks the code
        supplier_profile_update(actor=admin, supplier=supplier, supplier_type="individual")
    assert exc.value.code == "credit_code_type_mismatch"


def test_profile_update_refuses_unknown_and_empty_required_fields():
    supplier, admin = registered()
    with pytest.raises(DomainError) as exc:
        supplier_profile_update(actor=admin, supplier=supplier, status="active")
    assert (exc.value.code, exc.value.field) == ("unknown_field", "status")
    with pytest.raises(DomainError) as exc:
        supplier_profile_update(actor=admin, supplier=supplier, contact_name="")
    assert (exc.value.code, exc.value.field) == ("required", "contact_name")


def test_only_the_suppliers_own_admin_updates_the_profile():
    supplier, _admin = registered()
    staff = make_user(Role.SUPPLIER_STAFF, org=supplier.organisation)
    _other, other_admin = make_supplier()
    operator = make_user(Role.OPERATOR_ADMIN)
    before = database_fingerprint()
    for actor, code in [
        (None, "unauthenticated"),
        (staff, "forbidden"),
        (other_admin, "not_found"),
        (operator, "not_found"),
    ]:
        with pytest.raises(DomainError) as exc:
            supplier_profile_update(actor=actor, supplier=supplier, contact_name="X")
        assert exc.value.code == code
    assert database_fingerprint() == before
    assert User.objects.filter(organisation=supplier.organisation).count() == 2
