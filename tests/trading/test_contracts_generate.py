"""Contract generation: number, terms from config, text with amounts in capitals, SHA-256 of the
exact text, public text without contacts, state, event and notifications."""

from __future__ import annotations

import hashlib
import re
from decimal import Decimal

import pytest
from django.test import override_settings

from govmall.audit.models import Event
from govmall.core.errors import DomainError, InvalidTransition
from govmall.core.models import Notification
from govmall.trading.contract_text import STANDARD_AFTER_SALES, amount_in_words
from govmall.trading.models import Contract, ContractState, OrderState
from govmall.trading.services_contracts import contract_generate
from tests.trading.factories import make_order, make_seller, make_unit

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("12300.00", "壹万贰仟叁佰元整"),
        ("10005.50", "壹万零伍元伍角"),
        ("100010.01", "壹拾万零壹拾元零壹分"),
        ("1000.00", "壹仟元整"),
        ("0.05", "伍分"),
    ],
)
def test_amount_in_capitals(amount: str, words: str) -> None:
    assert amount_in_words(Decimal(amount)) == words


def _confirmed(price: str = "1230.00", qty: int = 10):
    unit = make_unit()
    seller = make_seller(price=price, stock=100)
    order = make_order(unit, [(seller.listing, qty)], state=OrderState.CONFIRMED)
    return unit, seller, order


def test_generate_from_confirmed_order() -> None:
    unit, seller, order = _confirmed()
    contract = contract_generate(order=order, actor=seller.admin)
    contract.refresh_from_db()
    assert re.fullmatch(r"CON-\d{4}-\d{6}", contract.number)
    assert contract.state == ContractState.AWAITING_SIGNATURES
    assert contract.total == Decimal("12300.00")
    assert contract.total_in_words == "壹万贰仟叁佰元整"
    assert (contract.delivery_days, contract.acceptance_working_days) == (15, 5)
    assert (contract.payment_condition, contract.payment_days) == ("delivery", 30)
    assert contract.after_sales_terms == STANDARD_AFTER_SALES
    assert contract.text_sha256 == hashlib.sha256(contract.text.encode("utf-8")).hexdigest()
    text = contract.text
    for part in (
        contract.number,
        order.number,
        unit.org.name,
        seller.supplier.organisation.name,
        seller.supplier.credit_code,
        "李四",
        "0472-1234567",
        "王五",
        "0472-7654321",
        "昆都仑区钢铁大街 1 号",
        seller.listing.title,
        "数量：10",
        "单价：¥1,230.00",
        "金额：¥12,300.00",
        "人民币¥12,300.00（大写：壹万贰仟叁佰元整）",
        "合同签订之日起15日内交货",
        "5个工作日内组织验收",
        "保障中小企业款项支付条例",
        "甲方应自乙方交付货物之日起30日内支付合同价款",
        "小型企业",
        "采购方式：直购",
    ):
        assert part in text, part
    public = contract.public_text
    for secret in ("李四", "0472-1234567", "王五", "0472-7654321", "钢铁大街", "张三", "收款账户"):
        assert secret not in public, secret
        assert secret in text, secret
    assert "人民币¥12,300.00（大写：壹万贰仟叁佰元整）" in public
    assert seller.supplier.credit_code in public
    event = Event.objects.get(object_type="trading.contract", object_id=str(contract.pk))
    assert event.action == "contract.generated"
    assert event.after["text_sha256"] == contract.text_sha256
    recipients = set(
        Notification.objects.filter(verb="contract.generated").values_list(
            "recipient_id", flat=True
        )
    )
    assert recipients == {unit.buyer.pk, unit.admin.pk, seller.admin.pk}


def test_after_sales_from_snapshot() -> None:
    _unit, _seller, order = _confirmed()
    line = order.lines.get()
    line.snapshot = {**line.snapshot, "after_sales": "整机保修三年，4小时响应。"}
    line.save()
    contract = contract_generate(order=order, actor=None)
    assert contract.after_sales_terms == "整机保修三年，4小时响应。"
    assert "六、售后服务\n整机保修三年，4小时响应。\n" in contract.text


def test_non_sme_has_no_sme_clause() -> None:
    _unit, _seller, order = _confirmed()
    order.sme_declaration = {"size": "large", "declared": False}
    order.save()
    contract = contract_generate(order=order, actor=None)
    assert "保障中小企业款项支付条例" not in contract.text
    assert "乙方未作中小企业声明（登记规模：大型企业）。" in contract.text


@override_settings(GOVMALL_TRADING={"PAYMENT_DAYS": 90, "ACCEPTANCE_WORKING_DAYS": 7})
def test_payment_days_capped_by_statutory_maximum() -> None:
    _unit, _seller, order = _confirmed()
    contract = contract_generate(order=order, actor=None)
    assert (contract.payment_days, contract.acceptance_working_days) == (60, 7)


@pytest.mark.parametrize("state", [OrderState.PLACED, OrderState.CONTRACTED])
def test_only_confirmed_orders(state: str) -> None:
    unit = make_unit()
    seller = make_seller()
    order = make_order(unit, [(seller.listing, 1)], state=state)
    with pytest.raises(InvalidTransition):
        contract_generate(order=order, actor=None)
    assert not Contract.objects.exists()


def test_one_contract_per_order() -> None:
    _unit, _seller, order = _confirmed()
    contract_generate(order=order, actor=None)
    events = Event.objects.count()
    with pytest.raises(DomainError) as exc:
        contract_generate(order=order, actor=None)
    assert exc.value.code == "contract_exists"
    assert Contract.objects.count() == 1 and Event.objects.count() == events
