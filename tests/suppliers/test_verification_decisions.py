"""The owning operator's decisions: approve, return with reasons per field, reject; deciding
twice; credit hits; resubmission; who may decide."""

from __future__ import annotations

from datetime import date

import pytest

from govmall.accounts.roles import Role
from govmall.audit.models import Event
from govmall.core.errors import DomainError
from govmall.core.models import Notification
from govmall.suppliers.models import Application, Document
from govmall.suppliers.services_verification import (
    application_approve,
    application_reject,
    application_return,
    application_submit,
)
from tests.factories import make_user
from tests.permissions import database_fingerprint
from tests.suppliers.verification_helpers import (
    list_entry,
    reviewer,
    setup_operators,
    submitted,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def actions(obj_type: str, pk: int) -> list[str]:
    return list(
        Event.objects.filter(object_type=obj_type, object_id=str(pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


def refused(fn, **kwargs) -> DomainError:
    before = database_fingerprint()
    with pytest.raises(DomainError) as exc:
        fn(**kwargs)
    assert database_fingerprint() == before
    return exc.value


def test_approve_activates_the_supplier_and_accepts_its_documents():
    _centre, city = setup_operators()
    decider = reviewer(city)
    supplier, admin, application = submitted()
    application_approve(actor=decider, number=application.number, note="资料齐全")
    application.refresh_from_db()
    supplier.refresh_from_db()
    assert application.status == "approved"
    assert application.decided_by == decider and application.decided_at is not None
    assert application.reasons == {"_general": "资料齐全"}
    assert supplier.status == "active" and supplier.activated_at == application.decided_at
    docs = Document.objects.filter(supplier=supplier)
    assert {d.accepted_at for d in docs} == {application.decided_at}
    assert actions("suppliers.application", application.pk) == [
        "application.submitted",
        "application.approved",
    ]
    assert actions("suppliers.supplier", supplier.pk)[-1] == "supplier.approved"
    assert actions("suppliers.document", docs[0].pk) == ["document.accepted"]
    note = Notification.objects.get(recipient=admin)
    assert note.verb == "application.approved"
    assert note.message == f"Application {application.number} has been approved."
    assert note.link in ("/suppliers/home/", "/suppliers/")


def test_return_needs_reasons_per_known_field():
    _centre, city = setup_operators()
    decider = reviewer(city)
    _supplier, _admin, application = submitted()
    number = application.number
    assert refused(application_return, actor=decider, number=number, reasons={}).code == (
        "reasons_required"
    )
    error = refused(application_return, actor=decider, number=number, reasons={"colour": "x"})
    assert (error.code, error.field) == ("invalid_reason_field", "reasons")
    error = refused(application_return, actor=decider, number=number, reasons={"credit_code": "  "})
    assert (error.code, error.field) == ("reason_required", "credit_code")


def test_return_then_resubmission_gets_a_new_deadline_and_links_previous():
    _centre, city = setup_operators()
    decider = reviewer(city)
    supplier, admin, first = submitted()
    application_return(
        actor=decider,
        number=first.number,
        reasons={"legal_representative": "与营业执照不符", "documents": "授权委托书未盖章"},
    )
    first.refresh_from_db()
    supplier.refresh_from_db()
    assert first.status == "returned"
    assert first.reasons == {
        "legal_representative": "与营业执照不符",
        "documents": "授权委托书未盖章",
    }
    assert supplier.status == "returned"
    assert Notification.objects.get(recipient=admin).verb == "application.returned"
    event = Event.objects.get(object_type="suppliers.application", action="application.returned")
    assert event.after["reasons"] == first.reasons
    second = application_submit(actor=admin, supplier=supplier)
    assert second.previous == first
    assert second.number != first.number
    assert second.submitted_at > first.submitted_at
    assert second.deadline >= first.deadline
    supplier.refresh_from_db()
    assert supplier.status == "pending"


def test_reject_and_apply_again():
    _centre, city = setup_operators()
    decider = reviewer(city)
    supplier, admin, first = submitted()
    error = refused(application_reject, actor=decider, number=first.number, reason=" ")
    assert (error.code, error.field) == ("reason_required", "reason")
    application_reject(actor=decider, number=first.number, reason="虚假材料")
    first.refresh_from_db()
    supplier.refresh_from_db()
    assert (first.status, first.reasons, supplier.status) == (
        "rejected",
        {"_general": "虚假材料"},
        "rejected",
    )
    note = Notification.objects.get(recipient=admin)
    assert note.message == f"Application {first.number} has been rejected: 虚假材料"
    again = application_submit(actor=admin, supplier=supplier)
    assert again.previous == first and again.status == "pending"


@pytest.mark.parametrize("decide_first", ["approve", "return", "reject"])
def test_deciding_a_decided_application_is_an_invalid_transition(decide_first):
    _centre, city = setup_operators()
    decider = reviewer(city)
    _supplier, _admin, application = submitted()
    number = application.number
    calls = {
        "approve": (application_approve, {}),
        "return": (application_return, {"reasons": {"name": "名称有误"}}),
        "reject": (application_reject, {"reason": "不符合条件"}),
    }
    fn, extra = calls[decide_first]
    fn(actor=decider, number=number, **extra)
    for fn, extra in calls.values():
        error = refused(fn, actor=decider, number=number, **extra)
        assert (error.code, error.status) == ("invalid_transition", 409)


def test_credit_hit_blocks_approval_found_at_submission_or_decision():
    _centre, city = setup_operators()
    decider = reviewer(city)
    supplier, _admin, application = submitted()
    list_entry(supplier.credit_code)  # listed after submission: re-checked at decision time
    error = refused(application_approve, actor=decider, number=application.number)
    assert (error.code, error.status) == ("credit_list_hit", 409)
    assert error.details["hits"] == [
        {"list_type": "dishonest_judgment", "credit_code": supplier.credit_code}
    ]
    # returning or rejecting is still possible
    application_reject(actor=decider, number=application.number, reason="列入失信名单")


def test_expired_entry_does_not_block():
    _centre, city = setup_operators()
    supplier, _admin, application = submitted()
    list_entry(supplier.credit_code, expiry=date(2025, 12, 31))
    application_approve(actor=reviewer(city), number=application.number)
    application.refresh_from_db()
    assert application.status == "approved"


def test_who_decides():
    centre, city = setup_operators()
    _supplier, admin, application = submitted()
    number = application.number
    cases = {
        "regional centre reviewer": (reviewer(centre), "forbidden"),
        "other city reviewer": (make_user(Role.OPERATOR_REVIEWER, division="150100"), "not_found"),
        "buyer": (make_user(Role.BUYER), "not_found"),
        "the supplier itself": (admin, "forbidden"),
        "anonymous": (None, "not_found"),
    }
    for label, (actor, code) in cases.items():
        error = refused(application_approve, actor=actor, number=number)
        assert error.code == code, label
    assert refused(application_approve, actor=reviewer(city), number="SUP-2026-999999").code == (
        "not_found"
    )
    admin_of_city = make_user(Role.OPERATOR_ADMIN, org=city)
    application_approve(actor=admin_of_city, number=number)
    assert Application.objects.get(number=number).status == "approved"
