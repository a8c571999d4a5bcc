"""Quotation pages: the request form (errors at the field, the category's attributes over htmx),
lists per role, the supplier's quote form, the buyer's decisions, the public result pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from govmall.trading.models import Quotation, QuotationState, Quote, QuoteState
from tests.factories import make_org, make_user
from tests.permissions import client_for
from tests.trading.test_quotations_support import (
    AFTER_CLOSE,
    T0,
    close,
    make_market,
    opened_market,
    publish,
    request_fields,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _form(market, **overrides):
    fields = request_fields(market, **overrides)
    attrs = fields.pop("required_attributes")
    fields["closes_at"] = "2026-11-19T10:00"
    return {**fields, **{f"attr_{k}": v for k, v in attrs.items()}}


def test_the_form_publishes_and_redirects_to_the_detail() -> None:
    market = make_market(3)
    client = client_for(market.unit.buyer)
    with time_machine.travel(T0, tick=False):
        page = client.get("/trading/quotations/new/")
        assert page.status_code == 200
        assert 'value="2026-11-19T10:00"' in page.content.decode()  # suggested closing
        response = client.post("/trading/quotations/new/", _form(market))
    quotation = Quotation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/trading/quotations/{quotation.number}/"
    assert quotation.required_attributes == {"cpu": "8核", "ram_gb": "16"}


@pytest.mark.parametrize(
    ("overrides", "testid", "text"),
    [
        ({"ceiling_total": "4000000"}, "error-ceiling_total", "public-tender threshold"),
        ({"closes_at": "2026-11-17T10:00"}, "error-closes_at", "at least 2 working days"),
        ({"title": ""}, "error-title", "required"),
        ({"attr_ram_gb": "many"}, "error-attr-ram_gb", "must be a number"),
    ],
)
def test_refusals_show_at_the_field_and_write_nothing(overrides, testid, text) -> None:
    market = make_market(1)
    client = client_for(market.unit.buyer)
    with time_machine.travel(T0, tick=False):
        response = client.post("/trading/quotations/new/", {**_form(market), **overrides})
    html = response.content.decode()
    assert response.status_code == 200
    assert f'data-testid="{testid}"' in html and text in html
    assert Quotation.objects.count() == 0


def test_attribute_fields_follow_the_category() -> None:
    market = make_market(1)
    client = client_for(market.unit.buyer)
    html = client.get(
        "/trading/quotations/attributes/", {"category_code": market.category.code}
    ).content.decode()
    assert 'name="attr_cpu"' in html and 'name="attr_ram_gb"' in html
    empty = client.get("/trading/quotations/attributes/", {"category_code": "x"}).content.decode()
    assert "attr_" not in empty


def test_only_buyers_open_the_form() -> None:
    market = make_market(1)
    for user in (market.unit.approver, market.sellers[0].admin):
        assert client_for(user).get("/trading/quotations/new/").status_code == 403


def test_lists_per_role() -> None:
    market = make_market(2)
    quotation = publish(market)
    operator = make_user("operator_reviewer", org=make_org("operator", division="150200"))
    far = make_user("operator_admin", org=make_org("operator", division="150100"))
    for user, present in ((market.unit.buyer, True), (operator, True), (far, False)):
        html = client_for(user).get("/trading/quotations/").content.decode()
        assert (quotation.number in html) is present
    supplier = client_for(market.sellers[0].admin)
    assert supplier.get("/trading/quotations/")["Location"] == "/trading/quotations/invitations/"
    html = supplier.get("/trading/quotations/invitations/").content.decode()
    assert quotation.number in html and "Not quoted" in html


def test_the_quote_form_records_and_shows_refusals_at_the_field() -> None:
    market = make_market(3)
    quotation = publish(market)
    seller = market.sellers[0]
    client = client_for(seller.admin)
    url = f"/trading/quotations/{quotation.number}/quote/"
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        refused = client.post(url, {"unit_price": "7000", "listing_number": seller.listing.number})
        assert refused.status_code == 400
        assert 'data-testid="error-unit_price"' in refused.content.decode()
        assert Quote.objects.count() == 0
        ok = client.post(url, {"unit_price": "5000", "listing_number": seller.listing.number})
        assert ok.status_code == 302
        html = client.get(f"/trading/quotations/{quotation.number}/").content.decode()
    assert "¥5000.00" in html and 'data-testid="my-revision">1<' in html
    assert Quote.objects.get().state == QuoteState.SEALED


def test_buyer_awards_and_disqualifies_from_the_page_and_winner_confirms() -> None:
    market, quotation, quotes = opened_market(["5000.00", "4500.00", "4800.00"])
    buyer = client_for(market.unit.buyer)
    base = f"/trading/quotations/{quotation.number}"
    with time_machine.travel(AFTER_CLOSE + timedelta(hours=1), tick=False):
        html = buyer.get(f"{base}/").content.decode()
        assert html.count('data-testid="ranking-row"') == 3 and 'data-testid="award"' in html
        buyer.post(f"{base}/disqualify/", {"quote_id": quotes[1].pk, "reasons": "参数不符"})
        assert Quote.objects.get(pk=quotes[1].pk).state == QuoteState.DISQUALIFIED
        buyer.post(f"{base}/award/")
        assert Quote.objects.get(pk=quotes[2].pk).state == QuoteState.AWARDED
        winner = client_for(market.sellers[2].admin)
        assert 'data-testid="award-offer"' in winner.get(f"{base}/").content.decode()
        winner.post(f"{base}/confirm-award/")
    quotation.refresh_from_db()
    assert quotation.state == QuotationState.AWARDED
    public = client_for(None).get(f"/public/quotations/{quotation.number}/").content.decode()
    assert market.sellers[2].supplier.organisation.name in public and "48000.00" in public
    listing = client_for(None).get("/public/quotations/").content.decode()
    assert quotation.number in listing


def test_public_pages_show_only_published_results() -> None:
    market = make_market(3)
    open_one = publish(market)
    anonymous = client_for(None)
    assert anonymous.get(f"/public/quotations/{open_one.number}/").status_code == 404
    assert open_one.number not in anonymous.get("/public/quotations/").content.decode()
    failed = close(publish(market))
    html = anonymous.get(f"/public/quotations/{failed.number}/").content.decode()
    assert 'data-testid="failed"' in html


def test_failed_quotation_offers_relaunch_on_the_page() -> None:
    market = make_market(3)
    failed = close(publish(market))
    buyer = client_for(market.unit.buyer)
    with time_machine.travel(AFTER_CLOSE + timedelta(hours=1), tick=False):
        html = buyer.get(f"/trading/quotations/{failed.number}/").content.decode()
        assert 'data-testid="relaunch-form"' in html
        response = buyer.post(
            f"/trading/quotations/{failed.number}/relaunch/",
            {"closes_at": "2026-11-26T10:00", "delivery_date": "2026-12-10"},
        )
    new = Quotation.objects.get(relaunch_of=failed)
    assert response["Location"] == f"/trading/quotations/{new.number}/"
