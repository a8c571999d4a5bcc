"""Submitting for verification: refusals (each its own code, nothing written), the application
created (number, snapshot, documents, owner, deadline), screening, audit and notification."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
import time_machine

from govmall.accounts.roles import Role
from govmall.audit.models import Event
from govmall.core.errors import DomainError
from govmall.core.models import Notification
from govmall.suppliers.models import Application, CommitmentSignature, Document
from govmall.suppliers.services_verification import application_submit
from tests.factories import make_supplier, make_user
from tests.permissions import database_fingerprint
from tests.suppliers.verification_helpers import (
    list_entry,
    operator,
    reviewer,
    setup_operators,
    submitted,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
CST = dt_timezone(timedelta(hours=8))


def refused(actor, supplier) -> DomainError:
    before = database_fingerprint()
    with pytest.raises(DomainError) as exc:
        application_submit(actor=actor, supplier=supplier)
    assert database_fingerprint() == before
    return exc.value


def test_submission_needs_the_current_commitment_signed():
    setup_operators()
    supplier, admin = make_supplier(status="draft", signed=False)
    error = refused(admin, supplier)
    assert (error.code, error.status) == ("commitment_not_signed", 400)


def test_submission_needs_every_required_document():
    setup_operators()
    supplier, admin = make_supplier(status="draft", documents=False)
    error = refused(admin, supplier)
    assert error.code == "documents_missing"
    assert error.details["types"] == ["business_license", "authorization_letter"]
    assert "营业执照" in error.message and "授权委托书" in error.message


def test_submission_refused_while_one_is_pending():
    setup_operators()
    supplier, admin, _application = submitted()
    error = refused(admin, supplier)
    assert (error.code, error.status) == ("already_pending", 409)
    assert Application.objects.filter(supplier=supplier).count() == 1


def test_only_the_supplier_admin_of_that_supplier_submits():
    setup_operators()
    supplier, _admin = make_supplier(status="draft")
    staff = make_user(Role.SUPPLIER_STAFF, org=supplier.organisation)
    assert refused(staff, supplier).code == "forbidden"
    _other_supplier, other_admin = make_supplier(status="draft")
    assert refused(other_admin, supplier).code == "not_found"
    assert refused(None, supplier).code == "not_found"


def test_created_application_carries_snapshot_owner_and_deadline():
    centre, city = setup_operators()
    city_reviewer = reviewer(city)
    city_admin = make_user(Role.OPERATOR_ADMIN, org=city)
    centre_reviewer = reviewer(centre)
    supplier, admin = make_supplier(status="draft", name="包头市测试科技有限公司")
    start = datetime(2026, 9, 30, 10, 0, tzinfo=CST)
    with time_machine.travel(start, tick=False):
        application = application_submit(actor=admin, supplier=supplier)
    application.refresh_from_db()
    supplier.refresh_from_db()
    # Numbers come from a database sequence that other tests advance too (PostgreSQL sequences
    # are not rolled back): the format is what is fixed.
    assert re.fullmatch(r"SUP-2026-\d{6}", application.number)
    assert application.kind == "onboarding" and application.status == "pending"
    assert application.deadline == datetime(2026, 10, 9, 23, 59, 59, tzinfo=CST)
    assert application.deadline.astimezone(CST).isoformat() == "2026-10-09T23:59:59+08:00"
    assert application.deadline_calendar_known is True
    assert application.submitted_at == start
    assert application.owner == city
    assert application.submitted_by == admin
    assert application.previous is None
    docs = Document.objects.filter(supplier=supplier).order_by("pk")
    assert application.document_ids == [d.pk for d in docs]
    assert application.data == {
        "name": "包头市测试科技有限公司",
        "division": "150202",
        "credit_code": supplier.credit_code,
        "supplier_type": "enterprise",
        "size": "small",
        "legal_representative": "张三",
        "contact_name": "李四",
        "contact_phone": "0472-1234567",
        "contact_email": "",
        "address": "",
        "business_scope": "办公设备销售",
        "intended_categories": [],
        "service_outlets": "",
        "hotline_hours": "",
        "screening": [],
    }
    assert supplier.status == "pending"
    app_events = Event.objects.filter(
        object_type="suppliers.application", object_id=str(application.pk)
    )
    assert [e.action for e in app_events] == ["application.submitted"]
    supplier_events = Event.objects.filter(
        object_type="suppliers.supplier", object_id=str(supplier.pk)
    ).order_by("seq")
    assert [e.action for e in supplier_events] == ["supplier.created", "supplier.submitted"]
    assert supplier_events.last().before == {"status": "draft"}
    notified = Notification.objects.filter(verb="application.submitted")
    assert sorted(n.recipient_id for n in notified) == sorted([city_reviewer.pk, city_admin.pk])
    assert centre_reviewer.pk not in [n.recipient_id for n in notified]
    assert notified[0].link == f"/suppliers/applications/{application.number}/"


def test_owner_is_the_nearest_ancestor_operator():
    centre, city = setup_operators()
    _s, _a, in_city = submitted(division="150202")
    assert in_city.owner == city
    county_operator = operator("150203")
    _s, _a, in_county = submitted(division="150203")
    assert in_county.owner == county_operator
    _s, _a, other_city = submitted(division="150102")  # 呼和浩特: no operator of its own
    assert other_city.owner == centre


def test_out_of_region_supplier_is_owned_by_the_regional_centre():
    centre, _city = setup_operators()
    _s, _a, application = submitted(division="440305")  # 深圳市南山区
    assert application.owner == centre


def test_screening_hit_is_recorded_and_does_not_stop_submission():
    setup_operators()
    supplier, admin = make_supplier(status="draft")
    entry = list_entry(supplier.credit_code)
    list_entry(supplier.credit_code, expiry=datetime(2025, 6, 30).date())  # expired: ignored
    application = application_submit(actor=admin, supplier=supplier)
    assert application.data["screening"] == [
        {
            "entry_id": entry.pk,
            "list_type": "dishonest_judgment",
            "credit_code": supplier.credit_code,
            "name": "失信企业",
            "reason": "未履行生效判决",
            "source": "最高人民法院",
            "listed_date": "2025-01-01",
            "expiry_date": None,
        }
    ]


def test_active_supplier_without_new_documents_has_nothing_to_submit():
    setup_operators()
    supplier, admin = make_supplier(status="active")
    error = refused(admin, supplier)
    assert error.code == "no_changes"


def test_resigning_is_needed_after_a_new_commitment_version():
    setup_operators()
    supplier, admin = make_supplier(status="draft")
    CommitmentSignature.objects.filter(supplier=supplier).delete()
    assert refused(admin, supplier).code == "commitment_not_signed"
