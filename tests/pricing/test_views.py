"""The reference price pages: who sees what, search, upload and the per-row report."""

from __future__ import annotations

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from govmall.accounts.roles import OrgKind, Role
from govmall.pricing.models import ReferenceImport, ReferencePrice
from govmall.pricing.services import reference_import
from tests.factories import make_org, make_supplier, make_user, regional_operator_admin
from tests.permissions import client_for, database_fingerprint
from tests.pricing.helpers import GOOD_LINE, NOW, csv_bytes, ref_row

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock(english):
    with time_machine.travel(NOW, tick=False):
        yield


def city_operator_admin():
    return make_user(Role.OPERATOR_ADMIN, org=make_org(OrgKind.OPERATOR, division="150200"))


def upload(client, data: bytes, name: str = "prices.csv"):
    return client.post("/pricing/import/", {"file": SimpleUploadedFile(name, data, "text/csv")})


@pytest.fixture
def imp():
    return reference_import(actor=None, rows=[ref_row(), ref_row(price="x")], channel="api")


def test_anonymous_is_sent_to_log_in(imp):
    for path in ("/pricing/", "/pricing/import/", f"/pricing/imports/{imp.pk}/"):
        response = client_for(None).get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    ("make_actor", "search", "import_page", "detail"),
    [
        (lambda: make_supplier()[1], 403, 403, 403),
        (lambda: make_user(Role.BUYER), 403, 403, 403),
        (city_operator_admin, 200, 403, 200),
        (lambda: make_user(Role.REGULATOR), 200, 403, 200),
        (regional_operator_admin, 200, 200, 200),
    ],
)
def test_who_sees_which_page(imp, make_actor, search, import_page, detail):
    client = client_for(make_actor())
    assert client.get("/pricing/").status_code == search
    assert client.get("/pricing/import/").status_code == import_page
    assert client.get(f"/pricing/imports/{imp.pk}/").status_code == detail


def test_a_city_operator_cannot_upload():
    client = client_for(city_operator_admin())
    before = database_fingerprint()
    assert upload(client, csv_bytes(GOOD_LINE)).status_code == 403
    assert database_fingerprint() == before


def test_search_page_matches_spellings_and_shows_the_lowest():
    reference_import(
        actor=None,
        rows=[
            ref_row(brand="ＨＰ", model="M 404-dn", price="1999"),
            ref_row(brand="HP", model="M404dn", price="1899.5", source="tmall"),
            ref_row(brand="Canon", model="LBP2900", price="999", url=""),
        ],
        channel="api",
    )
    client = client_for(make_user(Role.REGULATOR))
    page = client.get("/pricing/", {"brand": "hp", "model": "m404DN"}).content.decode()
    table = page.split('data-testid="references"')[1].split("</table>")[0]
    assert table.count("<tr>") == 3  # header + 2 rows
    assert "¥1,999.00" in page and "¥1,899.50" in page and "LBP2900" not in page
    assert 'data-testid="lowest"' in page and "¥1,899.50 (Tmall flagship store" in page
    assert "https://item.jd.com/100001.html" in page
    everything = client.get("/pricing/").content.decode()
    assert "LBP2900" in everything and "Latest references" in everything
    none = client.get("/pricing/", {"brand": "Epson", "model": "L3210"}).content.decode()
    assert "No reference price matches." in none
    assert "No reference captured within the last 7 days" in none
    assert 'data-testid="import-link"' not in everything


def test_import_link_for_regional_admins():
    page = client_for(regional_operator_admin()).get("/pricing/").content.decode()
    assert 'href="/pricing/import/"' in page


def test_upload_shows_counts_and_the_report_at_the_row():
    client = client_for(regional_operator_admin())
    data = csv_bytes(GOOD_LINE, GOOD_LINE, "jd,HP,M404dn,abc,2026-05-30 10:00,", bom=True)
    response = upload(client, data, name="jd-0530.csv")
    imp = ReferenceImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/pricing/imports/{imp.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Imported 1 of 3 rows from jd-0530.csv." in page
    for testid, value in (("rows-total", 3), ("rows-imported", 1), ("rows-duplicate", 1)):
        assert f'data-testid="{testid}">{value}<' in page
    assert 'data-testid="rows-failed">1<' in page
    assert 'id="row-4" data-row="4"' in page and "invalid_price" in page
    assert "The price abc is not an amount in yuan" in page
    assert 'id="row-3" data-row="3"' in page and "duplicate_in_file" in page
    assert ReferencePrice.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (csv_bytes(GOOD_LINE, header="source,brand,price,captured_at"), "no column model"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not a text CSV file"),
        (b"", "The submitted file is empty."),
    ],
)
def test_a_bad_file_is_refused_at_the_field(data, message):
    client = client_for(regional_operator_admin())
    before = database_fingerprint()
    response = upload(client, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert database_fingerprint() == before


def test_too_many_rows(monkeypatch):
    from govmall.pricing import views

    monkeypatch.setitem(views.LIMITS, "csv", 1)
    response = upload(client_for(regional_operator_admin()), csv_bytes(GOOD_LINE, GOOD_LINE))
    assert response.status_code == 400
    assert "At most 1 rows may be imported at once" in response.content.decode()
    assert ReferenceImport.objects.count() == 0


def test_missing_import_is_404():
    client = client_for(make_user(Role.REGULATOR))
    assert client.get("/pricing/imports/999999/").status_code == 404


def test_report_of_an_api_import(imp):
    page = client_for(make_user(Role.REGULATOR)).get(f"/pricing/imports/{imp.pk}/")
    text = page.content.decode()
    assert "Row numbers are positions in the submitted list, from 1." in text
    assert "invalid_price" in text and "API" in text


def test_clean_import_says_so():
    done = reference_import(actor=None, rows=[ref_row()], channel="api")
    page = client_for(make_user(Role.REGULATOR)).get(f"/pricing/imports/{done.pk}/")
    assert "Every row was imported." in page.content.decode()


def test_default_language_page_renders():
    reference_import(actor=None, rows=[ref_row()], channel="api")
    client = client_for(make_user(Role.REGULATOR))
    response = client.get("/pricing/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert "M404dn" in response.content.decode()
