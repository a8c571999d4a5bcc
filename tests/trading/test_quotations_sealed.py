"""Sealed quotes across every surface: before closing nobody but the quoting supplier sees a
price or even how many quotes exist — API, pages, timelines, notifications, the trail, the back
office; after closing the same surfaces show prices and the ranking."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib import admin

from govmall.audit.models import Event
from govmall.core.models import Notification
from govmall.trading import sealing, services_quotes
from govmall.trading.models import Quotation, QuotationInvitation, Quote
from tests.factories import make_org, make_user
from tests.permissions import client_for
from tests.trading.test_quotations_support import AFTER_CLOSE, T0, make_market, publish, quote_at

pytestmark = pytest.mark.django_db

PRICES = ["4321.98", "4477.31", "4599.07"]
SECRETS = ["4321.98", "43219.80", "4477.31", "44773.10", "4599.07", "45990.70", "43,219", "4,321"]
LOOK = T0 + timedelta(hours=5)
CSRF = re.compile(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+')


def _setup():
    market = make_market(4)
    quotation = publish(market)
    quoting = market.sellers[:3]
    watcher = market.sellers[3]  # invited, has not quoted
    operator = make_user("operator_admin", org=make_org("operator", division="150200"))
    regulator = make_user("regulator", org=make_org("regulator", division="150200"))
    viewers = {
        "buyer": market.unit.buyer,
        "unit_admin": market.unit.admin,
        "approver": market.unit.approver,
        "operator": operator,
        "regulator": regulator,
        "invited_supplier": watcher.admin,
    }
    return market, quotation, quoting, viewers


def _quote_all(quotation, quoting):
    return [
        quote_at(T0 + timedelta(hours=1 + i), seller, quotation, price)
        for i, (seller, price) in enumerate(zip(quoting, PRICES, strict=True))
    ]


def _surfaces(user, quotation: Quotation) -> dict[str, str]:
    """Everything the user can read about the quotation, as text (CSRF tokens blanked)."""
    client = client_for(user)
    out = {}
    for name, url in {
        "api_detail": f"/api/v1/quotations/{quotation.number}",
        "api_list": "/api/v1/quotations",
        "page_detail": f"/trading/quotations/{quotation.number}/",
        "page_list": "/trading/quotations/",
        "quotation_timeline_api": f"/api/v1/audit/timeline/trading.quotation/{quotation.pk}",
        "quotation_timeline_page": f"/audit/timeline/trading.quotation/{quotation.pk}/",
        "home": "/home/",
        "notifications": "/notifications/",
    }.items():
        response = client.get(url, follow=True)
        out[name] = f"{response.status_code}:" + CSRF.sub(r"\1", response.content.decode())
    return out


def _no_secret(text: str, where: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"{secret} leaked in {where}"


def test_before_closing_no_surface_shows_a_price_or_a_count() -> None:
    _market, quotation, quoting, viewers = _setup()
    with time_machine.travel(LOOK, tick=False):
        empty = {label: _surfaces(user, quotation) for label, user in viewers.items()}
    quotes = _quote_all(quotation, quoting)
    with time_machine.travel(LOOK, tick=False):
        for label, user in viewers.items():
            seen = _surfaces(user, quotation)
            for name in ("api_detail", "page_detail", "page_list", "quotation_timeline_page"):
                assert seen[name].startswith("200:"), f"{label} {name}: {seen[name][:80]}"
            for name, text in seen.items():
                _no_secret(text, f"{label} {name}")
                # Identical to what the same person saw before any quote existed: no count,
                # no "N quotes received", nothing that moves with the quotes.
                assert text == empty[label][name], f"{label} {name} changed when quotes arrived"
            client = client_for(user)
            detail = client.get(f"/api/v1/quotations/{quotation.number}").json()
            assert detail["quotes"] is None and detail["valid_quotes"] is None
            for quote in quotes:
                for url in (
                    f"/api/v1/audit/timeline/trading.quote/{quote.pk}",
                    f"/audit/timeline/trading.quote/{quote.pk}/",
                ):
                    assert client.get(url).status_code == 404, f"{label} read {url}"
            mine = client.get(f"/api/v1/quotations/{quotation.number}/my-quote")
            assert mine.status_code in (403, 404)
            _no_secret(mine.content.decode(), f"{label} my-quote")


def test_the_quoting_supplier_sees_only_its_own_quote() -> None:
    _market, quotation, quoting, _viewers = _setup()
    quotes = _quote_all(quotation, quoting)
    own, others = quoting[0], ["4477.31", "44773.10", "4599.07", "45990.70"]
    client = client_for(own.admin)
    with time_machine.travel(LOOK, tick=False):
        mine = client.get(f"/api/v1/quotations/{quotation.number}/my-quote").json()
        assert (mine["unit_price"], mine["total"], mine["revision"]) == ("4321.98", "43219.80", 1)
        timeline = client.get(f"/api/v1/audit/timeline/trading.quote/{quotes[0].pk}")
        assert timeline.status_code == 200
        assert [e["action"] for e in timeline.json()["events"]] == ["quote.submitted"]
        _no_secret(timeline.content.decode(), "own timeline")  # commitment only, even to itself
        for url in (
            f"/trading/quotations/{quotation.number}/",
            f"/api/v1/quotations/{quotation.number}",
            "/trading/quotations/invitations/",
        ):
            text = client.get(url).content.decode()
            for secret in others:
                assert secret not in text, f"another's price in {url}"
        page = client.get(f"/trading/quotations/{quotation.number}/").content.decode()
        assert "4321.98" in page  # its own quote, on its own page
        for quote in quotes[1:]:
            response = client.get(f"/api/v1/audit/timeline/trading.quote/{quote.pk}")
            assert response.status_code == 404


def test_the_trail_notifications_and_back_office_hold_no_price_before_opening() -> None:
    _market, quotation, quoting, _viewers = _setup()
    quotes = _quote_all(quotation, quoting)
    for event in Event.objects.all():
        _no_secret(f"{event.before}{event.after}", f"event {event.action}")
    for note in Notification.objects.all():
        _no_secret(note.message, f"notification {note.verb}")
    # Trading models are not in the Django admin; the event list helper hides sealed quotes.
    for model in (Quote, Quotation, QuotationInvitation):
        assert not admin.site.is_registered(model)
    visible = sealing.hide_sealed_events(Event.objects.all())
    assert not visible.filter(object_type="trading.quote").exists()
    assert visible.filter(object_type="trading.quotation").exists()
    assert Event.objects.filter(object_type="trading.quote").count() == 3
    with time_machine.travel(AFTER_CLOSE, tick=False):
        services_quotes.quotation_close_job()
    shown = sealing.hide_sealed_events(Event.objects.all()).filter(object_type="trading.quote")
    assert shown.count() == 6  # submitted + opened, for each of the three
    assert {q.pk for q in quotes} == {int(pk) for pk in shown.values_list("object_id", flat=True)}


def test_after_closing_the_same_surfaces_show_prices_and_the_ranking() -> None:
    _market, quotation, quoting, viewers = _setup()
    quotes = _quote_all(quotation, quoting)
    with time_machine.travel(AFTER_CLOSE, tick=False):
        services_quotes.quotation_close_job()
    with time_machine.travel(AFTER_CLOSE + timedelta(hours=1), tick=False):
        for label, user in viewers.items():
            client = client_for(user)
            detail = client.get(f"/api/v1/quotations/{quotation.number}").json()
            assert detail["valid_quotes"] == 3, label
            assert [(q["rank"], q["unit_price"]) for q in detail["quotes"]] == [
                (1, "4321.98"),
                (2, "4477.31"),
                (3, "4599.07"),
            ], label
            page = client.get(f"/trading/quotations/{quotation.number}/").content.decode()
            for price in ("4321.98", "4477.31", "4599.07"):
                assert price in page, f"{label} page lacks {price}"
            assert page.count('data-testid="ranking-row"') == 3
            response = client.get(f"/api/v1/audit/timeline/trading.quote/{quotes[0].pk}")
            assert response.status_code == 200, label
            actions = [e["action"] for e in response.json()["events"]]
            assert actions == ["quote.submitted", "quote.valid"]
            assert response.json()["events"][1]["after"]["unit_price"] == "4321.98"
