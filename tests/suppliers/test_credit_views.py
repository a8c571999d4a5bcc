"""The operator credit-list page, an import's report page, resolving from the page."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from govmall.accounts.roles import OrgKind, Role
from govmall.suppliers.models import CreditFlag, CreditListImport
from govmall.suppliers.services_credit import credit_list_import
from tests.factories import make_org, make_supplier, make_user
from tests.permissions import check_matrix, client_for, database_fingerprint
from tests.suppliers.credit_helpers import code, csv_bytes, english, row

pytestmark = pytest.mark.django_db
PAGE = "/suppliers/credit/"


@pytest.fixture(autouse=True)
def _frozen_day():
    with (
        time_machine.travel(datetime(2026, 6, 1, 2, 0, tzinfo=UTC), tick=True),
        translation.override("en"),
    ):
        yield


@pytest.fixture
def city():
    return make_org(OrgKind.OPERATOR, division="150200", name="包头市公共资源交易中心")


def test_page_matrix(city):
    _s, supplier_admin = make_supplier()
    actors = {
        "anonymous": None,
        "supplier admin": supplier_admin,
        "buyer": make_user(Role.BUYER),
        "operator reviewer": make_user(Role.OPERATOR_REVIEWER, org=city),
        "operator admin": make_user(Role.OPERATOR_ADMIN, org=city),
        "regulator": make_user(Role.REGULATOR, division="150200"),
    }
    expected = {
        "anonymous": 302,
        "supplier admin": 403,
        "buyer": 403,
        "operator reviewer": 200,
        "operator admin": 200,
        "regulator": 200,
    }
    pages = check_matrix(lambda c: c.get(PAGE), actors, expected)
    assert pages["anonymous"]["Location"].startswith("/accounts/login/")
    assert b'data-testid="upload-form"' not in pages["operator reviewer"].content
    assert b'data-testid="upload-form"' in pages["operator admin"].content
    assert b'data-testid="upload-form"' in pages["regulator"].content
    posts = check_matrix(
        lambda c: c.post(PAGE, {"file": SimpleUploadedFile("a.csv", csv_bytes(row(code())))}),
        {k: actors[k] for k in ("anonymous", "buyer", "operator reviewer")},
        {"anonymous": 302, "buyer": 403, "operator reviewer": 403},
    )
    assert posts["operator reviewer"].status_code == 403


def test_upload_shows_the_report(city):
    admin = make_user(Role.OPERATOR_ADMIN, org=city)
    supplier, _ = make_supplier()
    data = csv_bytes(row(supplier.credit_code), row(code(), listed="2026-13-01"))
    client = english(client_for(admin))
    response = client.post(PAGE, {"file": SimpleUploadedFile("六月名单.csv", data)})
    imp = CreditListImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/suppliers/credit/imports/{imp.pk}/"
    detail = client.get(response["Location"])
    html = detail.content.decode()
    assert detail.status_code == 200
    assert "Imported 1 of 2 rows from 六月名单.csv." in html
    assert '<dd data-testid="rows-total">2</dd>' in html
    assert '<dd data-testid="faults">1</dd>' in html
    assert "listed_date 2026-13-01 is not a date of the form YYYY-MM-DD." in html
    assert "1 new flag was raised on an active supplier." in html
    page = client.get(PAGE).content.decode()
    assert f'id="flag-{CreditFlag.objects.get().pk}"' in page
    assert "六月名单.csv" in page


def test_a_structurally_bad_upload_shows_why_at_the_file_field(city):
    client = english(client_for(make_user(Role.OPERATOR_ADMIN, org=city)))
    before = database_fingerprint()
    response = client.post(PAGE, {"file": SimpleUploadedFile("x.csv", b"list_type,credit_code\n")})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="error-file"' in html and "missing columns: name, reason, source" in html
    assert database_fingerprint() == before


def test_resolving_from_the_page(city):
    reviewer = make_user(Role.OPERATOR_REVIEWER, org=city)
    supplier, _ = make_supplier()
    credit_list_import(actor=None, data=csv_bytes(row(supplier.credit_code)), file_name="a.csv")
    flag = CreditFlag.objects.get()
    url = f"/suppliers/credit/flags/{flag.pk}/resolve/"
    client = english(client_for(reviewer))
    before = database_fingerprint()
    empty = client.post(url, {"resolution": ""})
    assert empty.status_code == 400
    assert 'id="error-resolution"' in empty.content.decode()
    assert database_fingerprint() == before
    outsider = client_for(make_user(Role.OPERATOR_ADMIN, division="150100"))
    regulator = client_for(make_user(Role.REGULATOR, division="150200"))
    before = database_fingerprint()
    assert outsider.post(url, {"resolution": "x"}).status_code == 404
    assert regulator.post(url, {"resolution": "x"}).status_code == 403
    assert database_fingerprint() == before
    done = client.post(url, {"resolution": "同名不同主体，已核实"})
    assert done.status_code == 302 and done["Location"] == PAGE
    flag.refresh_from_db()
    assert (flag.resolved_by, flag.resolution) == (reviewer, "同名不同主体，已核实")
    page = client.get(PAGE).content.decode()
    assert "The flag is resolved." in page and 'id="no-flags"' in page


def test_lookup_box(city):
    reviewer = make_user(Role.OPERATOR_REVIEWER, org=city)
    listed, clean = code(), code()
    credit_list_import(actor=None, data=csv_bytes(row(listed)), file_name="a.csv")
    client = english(client_for(reviewer))
    hit = client.get(PAGE, {"credit_code": listed}).content.decode()
    assert f"{listed} is on a credit list:" in hit
    assert "Dishonest judgment debtors (失信被执行人)" in hit
    ok = client.get(PAGE, {"credit_code": clean}).content.decode()
    assert f"{clean} is valid and on no credit list in force today." in ok
    bad = client.get(PAGE, {"credit_code": "123"}).content.decode()
    assert 'id="error-credit_code"' in bad


def test_import_detail_needs_a_viewer(city):
    imp = credit_list_import(actor=None, data=csv_bytes(row(code())), file_name="a.csv")
    url = f"/suppliers/credit/imports/{imp.pk}/"
    assert client_for(make_user(Role.BUYER)).get(url).status_code == 403
    assert client_for(make_user(Role.REGULATOR)).get(url).status_code == 200
    reviewer = client_for(make_user(Role.OPERATOR_REVIEWER, org=city))
    assert reviewer.get("/suppliers/credit/imports/999999/").status_code == 404
