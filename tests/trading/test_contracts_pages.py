"""Contract pages: detail with the sign button for the viewer's side (posting the hash shown),
publish/file buttons, the print view, the lists with overdue highlighting, the regulator's
filing list, the order-page panel and the public portal (published only, no contacts)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from django.test import RequestFactory
from django.urls import reverse

from govmall.accounts.roles import Role
from govmall.core.calendar import TZ
from govmall.trading.models import ContractState
from govmall.trading.views_contracts import order_panel
from tests.factories import make_user
from tests.permissions import client_for
from tests.trading.factories import make_order, make_seller, make_unit
from tests.trading.test_contracts_support import make_deal, trading_state

pytestmark = pytest.mark.django_db

SIGNED_AT = datetime(2026, 9, 30, 10, 0, tzinfo=TZ)


def test_detail_sign_buttons_and_signing_through_the_page() -> None:
    deal = make_deal()
    number = deal.contract.number
    url = reverse("trading:contract_detail", args=[number])
    buyer = client_for(deal.unit.buyer)
    html = buyer.get(url).content.decode()
    assert deal.contract.text_sha256 in html
    assert 'data-testid="sign-contract"' in html
    assert f'name="text_sha256" value="{deal.contract.text_sha256}"' in html
    assert "壹万贰仟叁佰元整" in html and "李四" in html
    approver_html = client_for(deal.unit.approver).get(url).content.decode()
    assert 'data-testid="sign-contract"' not in approver_html
    sign = reverse("trading:contract_sign", args=[number])
    before = trading_state()
    response = buyer.post(sign, {"text_sha256": "f" * 64})
    assert response.status_code == 302 and trading_state() == before
    response = buyer.post(sign, {"text_sha256": deal.contract.text_sha256}, follow=True)
    html = response.content.decode()
    assert 'data-testid="awaiting-other"' in html
    assert 'data-testid="signature"' in html
    client_for(deal.seller.admin).post(sign, {"text_sha256": deal.contract.text_sha256})
    assert deal.refresh().contract.state == ContractState.SIGNED
    html = buyer.get(url).content.decode()
    assert 'data-testid="publish-contract"' in html and 'data-testid="file-contract"' in html
    supplier_html = client_for(deal.seller.admin).get(url).content.decode()
    assert 'data-testid="publish-contract"' not in supplier_html


def test_strangers_get_404_and_anonymous_the_login() -> None:
    deal = make_deal()
    number = deal.contract.number
    for name in ("contract_detail", "contract_print"):
        url = reverse(f"trading:{name}", args=[number])
        assert client_for(make_unit().buyer).get(url).status_code == 404
        assert client_for(None).get(url).status_code == 302
    stranger = client_for(make_seller().admin)
    for name in ("contract_sign", "contract_publish", "contract_file"):
        url = reverse(f"trading:{name}", args=[number])
        before = trading_state()
        assert stranger.post(url).status_code == 404
        assert trading_state() == before


def test_print_view() -> None:
    deal = make_deal(signed=True)
    html = (
        client_for(deal.seller.admin)
        .get(reverse("trading:contract_print", args=[deal.contract.number]))
        .content.decode()
    )
    assert "@page { size: A4" in html
    assert deal.contract.text_sha256 in html
    assert html.count('data-testid="print-signature"') == 2
    assert "合同总价：人民币¥12,300.00（大写：壹万贰仟叁佰元整）" in html


def test_lists_highlight_overdue() -> None:
    with time_machine.travel(SIGNED_AT, tick=False):
        late = make_deal(signed=True)
    regulator = make_user(Role.REGULATOR)
    with time_machine.travel(SIGNED_AT + timedelta(days=20), tick=False):
        html = client_for(late.unit.buyer).get(reverse("trading:contracts")).content.decode()
        assert 'data-testid="publish-overdue"' in html and 'class="is-overdue"' in html
        assert late.contract.number in html
        filed = reverse("trading:filed_contracts")
        html = client_for(regulator).get(filed).content.decode()
        assert late.contract.number in html and 'data-testid="file-overdue"' in html
        assert 'data-testid="overdue-count"' in html
        html = client_for(regulator).get(filed + "?show=filed").content.decode()
        assert late.contract.number not in html
        assert client_for(late.unit.buyer).get(filed).status_code == 403
        far = make_user(Role.REGULATOR, division="150100")
        assert late.contract.number not in client_for(far).get(filed).content.decode()


def test_order_panel() -> None:
    deal = make_deal()
    request = RequestFactory().get(f"/trading/orders/{deal.order.number}/")
    request.user = deal.seller.admin
    context = order_panel(request, deal.order)
    assert context is not None
    assert (context["contract"].number, context["side"], context["may_sign"]) == (
        deal.contract.number,
        "supplier",
        True,
    )
    unit = make_unit()
    bare = make_order(unit, [(make_seller().listing, 1)])
    request.user = unit.buyer
    assert order_panel(request, bare) is None


def test_public_pages() -> None:
    deal = make_deal(signed=True)
    number = deal.contract.number
    anonymous = client_for(None)
    detail = reverse("trading_public:contract", args=[number])
    assert anonymous.get(detail).status_code == 404
    client_for(deal.unit.buyer).post(reverse("trading:contract_publish", args=[number]))
    html = anonymous.get(detail).content.decode()
    assert "壹万贰仟叁佰元整" in html and deal.seller.supplier.credit_code in html
    for secret in ("李四", "0472-1234567", "王五", "0472-7654321", "钢铁大街", "张三"):
        assert secret not in html
    listing = anonymous.get(reverse("trading_public:contracts")).content.decode()
    assert number in listing
