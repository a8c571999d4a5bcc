"""Changes of an active supplier's key data: verified while it stays active on its old data."""

from __future__ import annotations

import pytest
from django.utils import timezone

from govmall.audit.models import Event
from govmall.core.errors import DomainError
from govmall.suppliers.gate import may_trade
from govmall.suppliers.models import Document, Supplier
from govmall.suppliers.services_verification import (
    application_approve,
    application_reject,
    application_submit,
    application_submit_change,
)
from tests.factories import credit_code_for, make_supplier
from tests.permissions import database_fingerprint
from tests.suppliers.verification_helpers import (
    list_entry,
    reviewer,
    setup_operators,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def refused(**kwargs) -> DomainError:
    before = database_fingerprint()
    with pytest.raises(DomainError) as exc:
        application_submit_change(**kwargs)
    assert database_fingerprint() == before
    return exc.value


def test_change_keeps_the_supplier_active_on_old_data_until_approval():
    _centre, city = setup_operators()
    supplier, admin = make_supplier(status="active", name="旧名称有限公司")
    old_code = supplier.credit_code
    new_code = credit_code_for("enterprise", "150202")
    application = application_submit_change(
        actor=admin,
        supplier=supplier,
        data={
            "name": "新名称有限公司",
            "credit_code": new_code.lower(),
            "legal_representative": "王五",
        },
    )
    assert application.kind == "change"
    assert application.data["changes"] == {
        "name": {"old": "旧名称有限公司", "new": "新名称有限公司"},
        "credit_code": {"old": old_code, "new": new_code},
        "legal_representative": {"old": "张三", "new": "王五"},
    }
    assert application.data["name"] == "新名称有限公司"
    supplier.refresh_from_db()
    assert (supplier.status, supplier.credit_code, supplier.organisation.name) == (
        "active",
        old_code,
        "旧名称有限公司",
    )
    assert may_trade(supplier)
    application_approve(actor=reviewer(city), number=application.number)
    supplier = Supplier.objects.select_related("organisation").get(pk=supplier.pk)
    assert (supplier.status, supplier.credit_code, supplier.legal_representative) == (
        "active",
        new_code,
        "王五",
    )
    assert supplier.organisation.name == "新名称有限公司"
    changed = Event.objects.get(object_type="suppliers.supplier", action="supplier.changed")
    assert changed.before == {
        "name": "旧名称有限公司",
        "credit_code": old_code,
        "legal_representative": "张三",
    }
    assert Event.objects.filter(
        object_type="accounts.organisation", action="organisation.renamed"
    ).exists()


def test_rejected_change_leaves_the_supplier_as_it_was():
    _centre, city = setup_operators()
    supplier, admin = make_supplier(status="active")
    application = application_submit_change(
        actor=admin, supplier=supplier, data={"legal_representative": "赵六"}
    )
    application_reject(actor=reviewer(city), number=application.number, reason="无变更证明")
    supplier.refresh_from_db()
    assert (supplier.status, supplier.legal_representative) == ("active", "张三")


def test_new_document_version_is_a_change_and_accepted_on_approval():
    _centre, city = setup_operators()
    supplier, admin = make_supplier(status="active")
    old = Document.objects.get(supplier=supplier, doc_type_id="business_license")
    new = Document.objects.create(
        supplier=supplier,
        doc_type_id="business_license",
        version=2,
        storage_name="x",
        content_type="application/pdf",
        size=1,
        sha256="1" * 64,
        original_name="licence-2026.pdf",
        uploaded_by=admin,
        uploaded_at=timezone.now(),
    )
    application = application_submit(actor=admin, supplier=supplier)
    assert application.kind == "change"
    assert application.data["changed_documents"] == ["business_license"]
    assert new.pk in application.document_ids and old.pk not in application.document_ids
    application_approve(actor=reviewer(city), number=application.number)
    new.refresh_from_db()
    assert new.accepted_at == application.__class__.objects.get(pk=application.pk).decided_at


def test_change_refusals():
    setup_operators()
    supplier, admin = make_supplier(status="active")
    other, _ = make_supplier(status="active", name="已存在的公司")
    assert refused(actor=admin, supplier=supplier, data={}).code == "no_changes"
    assert refused(actor=admin, supplier=supplier, data={"size": "large"}).code == "invalid_field"
    assert refused(actor=admin, supplier=supplier, data={"name": " "}).code == "required"
    error = refused(actor=admin, supplier=supplier, data={"credit_code": "91150202000000000X"})
    assert error.field == "credit_code" and error.code.startswith("credit_code_")
    assert (
        refused(actor=admin, supplier=supplier, data={"credit_code": other.credit_code}).code
        == "credit_code_taken"
    )
    assert (
        refused(actor=admin, supplier=supplier, data={"name": "已存在的公司"}).code == "name_taken"
    )
    draft, draft_admin = make_supplier(status="draft")
    assert (
        refused(actor=draft_admin, supplier=draft, data={"legal_representative": "x"}).code
        == "invalid_transition"
    )


def test_only_one_pending_application_at_a_time():
    setup_operators()
    supplier, admin = make_supplier(status="active")
    application_submit_change(actor=admin, supplier=supplier, data={"legal_representative": "甲"})
    error = refused(actor=admin, supplier=supplier, data={"legal_representative": "乙"})
    assert (error.code, error.status) == ("already_pending", 409)


def test_hit_on_the_new_code_blocks_approval():
    _centre, city = setup_operators()
    supplier, admin = make_supplier(status="active")
    new_code = credit_code_for("enterprise", "150202")
    list_entry(new_code)
    application = application_submit_change(
        actor=admin, supplier=supplier, data={"credit_code": new_code}
    )
    assert [h["credit_code"] for h in application.data["screening"]] == [new_code]
    with pytest.raises(DomainError) as exc:
        application_approve(actor=reviewer(city), number=application.number)
    assert exc.value.code == "credit_list_hit"
