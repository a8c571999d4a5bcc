"""Importing credit lists, the set-based re-screen of active suppliers, resolving flags."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from govmall.accounts.roles import OrgKind, Role
from govmall.audit.models import Event
from govmall.audit.verify import verify
from govmall.core.errors import DomainError
from govmall.core.models import Notification
from govmall.suppliers import services_credit
from govmall.suppliers.credit import has_open_flag, import_summary
from govmall.suppliers.gate import trading_blockers
from govmall.suppliers.models import CreditFlag, CreditListEntry, CreditListImport
from govmall.suppliers.services_credit import (
    credit_flag_resolve,
    credit_list_import,
    rescreen_active_suppliers,
)
from tests.factories import make_org, make_supplier, make_user
from tests.permissions import database_fingerprint
from tests.suppliers.credit_helpers import code, csv_bytes, row

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


@pytest.fixture(autouse=True)
def _frozen_day():
    with time_machine.travel(NOW, tick=True), translation.override("en"):
        yield


@pytest.fixture
def city():
    """The 包头 operator (owner of suppliers in 150202) with an admin and a reviewer."""
    org = make_org(OrgKind.OPERATOR, division="150200", name="包头市公共资源交易中心")
    return {
        "admin": make_user(Role.OPERATOR_ADMIN, org=org),
        "reviewer": make_user(Role.OPERATOR_REVIEWER, org=org),
    }


def test_good_rows_are_imported_and_bad_rows_reported(city):
    c1, c2 = code(), code()
    data = csv_bytes(
        row(c1),
        row("91150202ABC"),
        row(c2, list_type="重大税收违法失信主体", expiry="2027-01-31"),
        row(c2, list_type="重大税收违法失信主体", expiry="2027-01-31"),
    )
    imp = credit_list_import(actor=city["admin"], data=data, file_name="C:\\lists\\2026-06.csv")
    assert (imp.file_name, imp.rows_total, imp.rows_imported) == ("2026-06.csv", 4, 2)
    assert imp.imported_by == city["admin"]
    assert [(r["row"], r["ok"], r["code"]) for r in imp.report] == [
        (3, False, "credit_code_format"),
        (5, False, "duplicate_row"),
    ]
    assert imp.report[1]["message"] == "This row repeats row 4."
    entries = CreditListEntry.objects.order_by("id")
    assert [(e.list_type, e.credit_code, e.expiry_date, e.imported_in_id) for e in entries] == [
        ("dishonest_judgment", c1, None, imp.pk),
        ("tax_violation", c2, date(2027, 1, 31), imp.pk),
    ]
    assert import_summary(imp) == {
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "faults": 2,
        "flags_raised": 0,
    }
    event = Event.objects.get(object_type="suppliers.creditlistimport", object_id=str(imp.pk))
    assert (event.action, event.actor_id, event.organisation_id) == (
        "credit_list.imported",
        city["admin"].pk,
        city["admin"].organisation_id,
    )


def test_a_structural_fault_after_many_good_rows_imports_nothing(city, monkeypatch):
    monkeypatch.setattr(services_credit, "BATCH", 2)  # good rows are flushed before the fault
    supplier, _admin = make_supplier()
    rows = [row(supplier.credit_code)] + [row(code()) for _ in range(6)] + ["a,b,c"]
    before = database_fingerprint()
    with pytest.raises(DomainError) as caught:
        credit_list_import(actor=city["admin"], data=csv_bytes(*rows), file_name="bad.csv")
    assert (caught.value.code, caught.value.details["line"]) == ("csv_column_count", 9)
    assert database_fingerprint() == before


def test_reimporting_updates_the_same_entry_and_reports_it(city):
    c = code()
    first = credit_list_import(actor=city["admin"], data=csv_bytes(row(c)), file_name="a.csv")
    again = csv_bytes(row(c, expiry="2026-12-31"), row(code()))
    second = credit_list_import(actor=city["admin"], data=again, file_name="b.csv")
    assert CreditListEntry.objects.filter(credit_code=c).count() == 1
    entry = CreditListEntry.objects.get(credit_code=c)
    assert (entry.expiry_date, entry.imported_in_id) == (date(2026, 12, 31), first.pk)
    assert second.report == [
        {
            "row": 2,
            "ok": True,
            "code": "updated",
            "message": "Already listed; updated expiry_date: — → 2026-12-31.",
        }
    ]
    assert import_summary(second) == {
        "created": 1,
        "updated": 1,
        "unchanged": 0,
        "faults": 0,
        "flags_raised": 0,
    }
    third = credit_list_import(actor=city["admin"], data=again, file_name="b.csv")
    assert import_summary(third)["unchanged"] == 2 and third.report == []


def test_rescreen_flags_active_suppliers_on_in_force_entries_only(city):
    hit, hit_admin = make_supplier()
    pending, _ = make_supplier(status="pending")
    expired, _ = make_supplier()
    future, _ = make_supplier()
    clean, _ = make_supplier()
    data = csv_bytes(
        row(hit.credit_code, listed="2026-05-31", expiry="2026-06-01"),  # last day today
        row(hit.credit_code, list_type="tax_violation", listed="2025-01-01"),
        row(pending.credit_code),
        row(expired.credit_code, listed="2025-01-01", expiry="2026-05-31"),
        row(future.credit_code, listed="2026-06-02"),
    )
    imp = credit_list_import(actor=city["admin"], data=data, file_name="lists.csv")
    flags = CreditFlag.objects.order_by("entry__list_type")
    assert [(f.supplier_id, f.entry.list_type) for f in flags] == [
        (hit.pk, "dishonest_judgment"),
        (hit.pk, "tax_violation"),
    ]
    assert all(f.raised_at == flags[0].raised_at and f.resolved_at is None for f in flags)
    assert import_summary(imp)["flags_raised"] == 2
    assert has_open_flag(hit) and not has_open_flag(clean) and not has_open_flag(expired)
    assert ("credit_flag_open", "A credit-list hit awaits the operator's resolution.") in (
        trading_blockers(hit)
    )
    assert trading_blockers(clean) == []
    # every new flag has its first audit event, by the importer, on the supplier's trail
    for flag in flags:
        event = Event.objects.get(object_type="suppliers.creditflag", object_id=str(flag.pk))
        assert (event.seq, event.action, event.actor_id, event.organisation_id) == (
            1,
            "credit_flag.raised",
            city["admin"].pk,
            hit.organisation_id,
        )
        assert event.after["credit_code"] == hit.credit_code
        assert (flag.audit_head, flag.audit_length) == (event.hash, 1)
    assert verify().ok
    # notifications: the supplier admin once, each user of the owning operator once
    notes = Notification.objects.filter(verb="credit_flag.raised").order_by("recipient_id")
    assert [n.recipient_id for n in notes] == sorted(
        [hit_admin.pk, city["admin"].pk, city["reviewer"].pk]
    )
    by_user = {n.recipient_id: n for n in notes}
    assert by_user[city["reviewer"].pk].message == (
        "2 new credit-list hits on suppliers you own await resolution."
    )
    assert by_user[city["reviewer"].pk].link == "/suppliers/credit/"
    assert by_user[hit_admin.pk].message.startswith(
        "Your organisation was found on the credit list(s) Dishonest judgment debtors"
    )


def test_reimport_and_rescreen_raise_nothing_twice_and_resolved_stays_resolved(city):
    supplier, _ = make_supplier()
    data = csv_bytes(row(supplier.credit_code))
    credit_list_import(actor=city["admin"], data=data, file_name="a.csv")
    flag = CreditFlag.objects.get()
    notes = Notification.objects.count()
    assert rescreen_active_suppliers() == 0
    credit_flag_resolve(actor=city["reviewer"], flag_id=flag.pk, resolution="已核实为同名企业")
    second = credit_list_import(actor=city["admin"], data=data, file_name="a.csv")
    assert import_summary(second)["flags_raised"] == 0
    flag = CreditFlag.objects.get()
    assert flag.resolved_by == city["reviewer"] and flag.resolution == "已核实为同名企业"
    assert not has_open_flag(supplier)
    assert Notification.objects.filter(verb="credit_flag.raised").count() == notes


def test_a_supplier_activated_later_is_flagged_by_the_next_rescreen(city):
    supplier, _ = make_supplier(status="pending")
    credit_list_import(
        actor=city["admin"], data=csv_bytes(row(supplier.credit_code)), file_name="a.csv"
    )
    assert CreditFlag.objects.count() == 0
    type(supplier).objects.filter(pk=supplier.pk).update(status="active")
    assert rescreen_active_suppliers() == 1
    event = Event.objects.get(object_type="suppliers.creditflag")
    assert (event.actor_id, event.actor_label) == (None, "system")


def _flagged_suppliers(n):
    org = make_org(OrgKind.OPERATOR, division="150000")
    make_user(Role.OPERATOR_REVIEWER, org=org)
    suppliers = [make_supplier()[0] for _ in range(n)]
    data = csv_bytes(*[row(s.credit_code) for s in suppliers])
    credit_list_import(actor=None, data=data, file_name="x.csv")
    CreditFlag.objects.all().delete()  # keep the entries; screen again from scratch
    Event.objects.filter(object_type="suppliers.creditflag").delete()
    Notification.objects.all().delete()


@pytest.mark.parametrize("n", [2, 15])
def test_rescreen_query_count_does_not_grow_with_the_suppliers(n, django_assert_max_num_queries):
    _flagged_suppliers(n)
    with django_assert_max_num_queries(12), CaptureQueriesContext(connection) as ctx:
        assert rescreen_active_suppliers() == n
    # savepoint, insert…select, fetch flags, events, heads, supplier admins, owner lookup (2),
    # operator users, notifications per distinct message (supplier admins, operator users)
    assert len(ctx.captured_queries) == 11


def test_import_permissions():
    supplier, supplier_admin = make_supplier()
    data = csv_bytes(row(supplier.credit_code))
    refused = {
        "reviewer": make_user(Role.OPERATOR_REVIEWER, division="150200"),
        "supplier admin": supplier_admin,
        "buyer": make_user(Role.BUYER),
    }
    for label, actor in refused.items():
        before = database_fingerprint()
        with pytest.raises(DomainError) as caught:
            credit_list_import(actor=actor, data=data, file_name="a.csv")
        assert caught.value.status == 403, label
        assert database_fingerprint() == before, label
    for actor in (
        make_user(Role.OPERATOR_ADMIN, division="150100"),
        make_user(Role.REGULATOR, division="150000"),
        None,
    ):
        imp = credit_list_import(actor=actor, data=data, file_name="a.csv")
        assert imp.rows_imported == 1
    assert CreditListImport.objects.count() == 3 and CreditFlag.objects.count() == 1


def _one_flag(division="150202"):
    supplier, admin = make_supplier(division=division)
    credit_list_import(actor=None, data=csv_bytes(row(supplier.credit_code)), file_name="a.csv")
    return supplier, admin, CreditFlag.objects.get(supplier=supplier)


def test_resolving_records_the_reason_and_notifies_the_supplier_admin(city):
    supplier, admin, flag = _one_flag()
    resolved = credit_flag_resolve(
        actor=city["admin"], flag_id=flag.pk, resolution="  信用修复完成 "
    )
    assert (resolved.resolved_by, resolved.resolution) == (city["admin"], "信用修复完成")
    event = Event.objects.filter(object_type="suppliers.creditflag").order_by("seq").last()
    assert (event.seq, event.action, event.before, event.after["resolution"]) == (
        2,
        "credit_flag.resolved",
        {"resolved_at": None},
        "信用修复完成",
    )
    note = Notification.objects.get(verb="credit_flag.resolved")
    assert note.recipient == admin
    assert note.message.endswith(": 信用修复完成")
    assert trading_blockers(supplier) == []
    assert verify().ok


@pytest.mark.parametrize(
    ("resolution", "code_", "status"),
    [("   ", "resolution_required", 400), ("因" * 501, "resolution_too_long", 400)],
)
def test_resolution_reason_is_required_and_bounded(city, resolution, code_, status):
    _s, _a, flag = _one_flag()
    before = database_fingerprint()
    with pytest.raises(DomainError) as caught:
        credit_flag_resolve(actor=city["admin"], flag_id=flag.pk, resolution=resolution)
    assert (caught.value.code, caught.value.status, caught.value.field) == (
        code_,
        status,
        "resolution",
    )
    assert database_fingerprint() == before


def test_resolving_twice_is_an_invalid_transition(city):
    _s, _a, flag = _one_flag()
    credit_flag_resolve(actor=city["admin"], flag_id=flag.pk, resolution="核实")
    before = database_fingerprint()
    with pytest.raises(DomainError) as caught:
        credit_flag_resolve(actor=city["reviewer"], flag_id=flag.pk, resolution="再次")
    assert (caught.value.code, caught.value.status) == ("invalid_transition", 409)
    assert database_fingerprint() == before


def test_resolve_jurisdiction(city):
    _s, _a, flag = _one_flag(division="150202")  # 包头市 昆都仑区
    other_city = make_user(Role.OPERATOR_ADMIN, division="150100")  # 呼和浩特
    regional = make_user(Role.OPERATOR_REVIEWER, division="150000")
    regulator = make_user(Role.REGULATOR, division="150200")
    for actor, status in ((other_city, 404), (regulator, 403)):
        with pytest.raises(DomainError) as caught:
            credit_flag_resolve(actor=actor, flag_id=flag.pk, resolution="x")
        assert caught.value.status == status
    with pytest.raises(DomainError) as caught:
        credit_flag_resolve(actor=city["admin"], flag_id=10**12, resolution="x")
    assert caught.value.status == 404
    credit_flag_resolve(actor=regional, flag_id=flag.pk, resolution="自治区中心核实")
    assert CreditFlag.objects.get().resolved_by == regional


def test_out_of_region_suppliers_are_owned_by_the_regional_centre():
    regional = make_org(OrgKind.OPERATOR, division="150000", name="自治区公共资源交易中心")
    reviewer = make_user(Role.OPERATOR_REVIEWER, org=regional)
    make_user(Role.OPERATOR_ADMIN, division="150200")  # a city operator: not the owner
    supplier, _admin = make_supplier(division="110101")  # 北京市东城区
    credit_list_import(actor=None, data=csv_bytes(row(supplier.credit_code)), file_name="a.csv")
    note = Notification.objects.get(recipient=reviewer)
    assert note.message == "1 new credit-list hit on a supplier you own awaits resolution."
