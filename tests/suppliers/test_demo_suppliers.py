"""The demo data reproduces the article's figures exactly, and its audit trail verifies."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Count
from pypdf import PdfReader

from govmall.core.demo import load_demo
from govmall.suppliers.documents import document_path
from govmall.suppliers.gate import trading_blockers
from govmall.suppliers.models import Application, Document, Supplier

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(tmp_path, settings):
    settings.GOVMALL_PRIVATE_MEDIA = tmp_path / "private"
    return load_demo()


def test_statistics_give_the_articles_figures(client, demo):
    body = client.get("/api/v1/stats/suppliers").json()
    assert {k: body[k] for k in ("total", "in_region", "in_region_share")} == {
        "total": 2823,
        "in_region": 2348,
        "in_region_share": "83.17",
    }
    assert (body["individual_businesses"], body["individual_business_share"]) == (475, "16.83")
    individuals = Supplier.objects.filter(status="active", supplier_type="individual")
    inside = individuals.filter(organisation__division__code__startswith="15").count()
    assert (inside, individuals.count() - inside) == (400, 75)
    verification = body["verification"]
    assert verification["completed"] > 2500
    assert 90 < float(verification["within_deadline_share"]) < 100
    assert 5 < float(verification["median_hours"]) < 48


def test_pending_returned_and_rejected_are_not_active(demo):
    statuses = dict(
        Supplier.objects.exclude(status="active").values_list("status").annotate(n=Count("id"))
    )
    assert statuses == {"pending": 15, "returned": 7, "rejected": 5}
    pending = Application.objects.filter(status="pending")
    assert pending.count() == 15 and all(a.decided_at is None for a in pending)
    assert Application.objects.filter(status="returned", supplier__status="active").exists()


def test_showcase_supplier_trades_with_real_documents(demo):
    supplier = Supplier.objects.get(organisation__name="包头市鹿城办公设备有限公司")
    assert supplier.status == "active" and trading_blockers(supplier) == []
    for document in Document.objects.filter(supplier=supplier):
        path = document_path(document)
        assert path is not None and path.read_bytes().startswith(b"%PDF-")
        assert len(PdfReader(path).pages) == 1
    assert {login.username for login in demo} >= {"shop-admin", "applicant", "applicant-returned"}


def test_credit_codes_are_valid_and_match_type_and_division(demo):
    from govmall.suppliers.codes import validate_credit_code

    for code, kind, division in Supplier.objects.values_list(
        "credit_code", "supplier_type", "organisation__division__code"
    ):
        assert validate_credit_code(code, kind) == code
        assert code[2:8] == division


def test_background_suppliers_are_deterministic():
    from django.utils import timezone

    from govmall.suppliers.demo import background_specs

    now = timezone.now()
    first = [(s.name, s.credit_code, s.size, s.history) for s in background_specs(now)]
    assert len(first) == 2846
    assert first == [(s.name, s.credit_code, s.size, s.history) for s in background_specs(now)]


def test_audit_verify_passes_on_the_demo_database(demo):
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    assert out.getvalue().startswith("intact")
