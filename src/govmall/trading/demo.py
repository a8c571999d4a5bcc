"""Demo trading: funds of the demo school, orders in every state, a closed (awarded) quotation,
a failed one and an open one with sealed quotes.

Everything goes through the services, so the trail is real. Steps in the past are replayed at
their own time (the clock is moved with `at(...)`), so deadlines, overdue lists and the
timelines read like a few weeks of use. Idempotent: a second run finds the demo unit's orders
and does nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from unittest import mock

from django.utils import timezone

from govmall.accounts.models import Organisation, User
from govmall.accounts.roles import OrgKind, Role
from govmall.catalog.models import Category, Listing, ListingState
from govmall.core.calendar import add_working_days
from govmall.suppliers.gate import may_trade
from govmall.suppliers.models import Supplier
from govmall.trading.models import FundingSource, Order, Quotation

UNIT_NAME = "包头市第一中学"
ADDRESS = "包头市青山区幸福路 7 号 包头市第一中学 总务处"
_REAL_NOW = timezone.now


@contextmanager
def at(moment: datetime) -> Iterator[None]:
    """Run services as if it were `moment` (events, deadlines and stamps all read this time)."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


class _Demo:
    def __init__(self, say: Callable[[str], None]) -> None:
        self.say = say
        self.now = _REAL_NOW()
        self.unit = Organisation.objects.get(kind=OrgKind.PURCHASER, name=UNIT_NAME)
        self.buyer = User.objects.get(username="buyer")
        self.approver = User.objects.get(username="approver")
        self.unit_admin = User.objects.get(username="unit-admin")
        self.regulator = User.objects.get(username="regulator")
        self.reviewer = User.objects.get(username="op-reviewer")
        self.seller = User.objects.get(username="supplier-admin")
        assert self.seller.organisation is not None
        self.supplier = Supplier.objects.get(organisation=self.seller.organisation)
        self.listings = list(
            Listing.objects.filter(supplier=self.supplier, state=ListingState.LISTED, stock__gt=20)
            .order_by("price", "pk")
            .select_related("category")
        )
        self.source: FundingSource | None = None
        self._pick = 0

    def ago(self, days: float, hours: float = 0) -> datetime:
        return self.now - timedelta(days=days, hours=hours)

    def listing(self) -> Listing:
        listing = self.listings[self._pick % len(self.listings)]
        self._pick += 1
        return listing

    # ---- funds ------------------------------------------------------------------------

    def funds(self) -> None:
        from govmall.trading.services_funds import funding_source_create
        from govmall.trading.services_policy import policy_set_limit

        with at(self.ago(30)):
            self.source = funding_source_create(
                actor=self.regulator,
                unit_id=self.unit.pk,
                fiscal_year=self.now.year,
                budget_line="2050201-01",
                name="普通教育 办公设备购置",
                amount=Decimal("3000000.00"),
            )
            funding_source_create(
                actor=self.regulator,
                unit_id=self.unit.pk,
                fiscal_year=self.now.year,
                budget_line="2050201-02",
                name="普通教育 教学耗材",
                amount=Decimal("200000.00"),
            )
            policy_set_limit(actor=self.unit_admin, limit=Decimal("50000.00"))
        self.say("demo funds: 2 budget lines, approval limit ¥50,000")

    # ---- direct orders ------------------------------------------------------------------

    def place(self, when: datetime, lines: list[tuple[Listing, int]], note: str = "") -> Order:
        from govmall.trading.services_orders import order_place

        assert self.source is not None
        with at(when):
            return order_place(
                actor=self.buyer,
                lines=[(listing.number, qty) for listing, qty in lines],
                funding_source_id=self.source.pk,
                delivery_division=self.unit.division_id,
                delivery_address=ADDRESS,
                delivery_contact="王老师",
                delivery_phone="0472-5123456",
                note=note,
            )

    def step(self, when: datetime, fn: Callable[..., Any], **kwargs: Any) -> Any:
        with at(when):
            return fn(**kwargs)

    def to_contracted(self, order: Order, start: datetime) -> None:
        from govmall.trading.services_contracts import contract_sign
        from govmall.trading.services_orders import order_confirm

        self.step(start + timedelta(hours=3), order_confirm, actor=self.seller, number=order.number)
        order.refresh_from_db()
        contract = order.contract
        for hours, user in ((5, self.buyer), (7, self.seller)):
            self.step(
                start + timedelta(hours=hours),
                contract_sign,
                actor=user,
                number=contract.number,
                text_sha256=contract.text_sha256,
                ip="10.15.2.8",
                user_agent="GovMall demo",
            )

    def publish_and_file(self, order: Order, start: datetime) -> None:
        from govmall.trading.services_contracts import contract_file, contract_publish

        number = order.contract.number
        self.step(start + timedelta(days=1), contract_publish, actor=self.buyer, number=number)
        self.step(start + timedelta(days=2), contract_file, actor=self.buyer, number=number)

    def ship_deliver(self, order: Order, start: datetime, *, deliver: bool = True) -> None:
        from govmall.trading.services_fulfilment import order_deliver, order_ship

        self.step(start, order_ship, actor=self.seller, number=order.number, note_number="")
        if deliver:
            self.step(
                start + timedelta(days=1),
                order_deliver,
                actor=self.seller,
                number=order.number,
                note_number=f"SH{order.pk:06d}",
                note="货已送达总务处，签收人：王老师",
            )

    def accept(self, order: Order, when: datetime) -> None:
        from govmall.trading.services_fulfilment import order_accept

        self.step(when, order_accept, actor=self.buyer, number=order.number, passed=True)

    def pay(self, order: Order, when: datetime) -> None:
        from govmall.trading.services_payments import invoice_record, payment_record

        order.refresh_from_db()
        self.step(
            when,
            invoice_record,
            actor=self.buyer,
            number=order.number,
            invoice_number=f"1502{order.pk:08d}",
            amount=order.total,
            issued_on=when.date(),
        )
        self.step(
            when + timedelta(hours=2),
            payment_record,
            actor=self.buyer,
            number=order.number,
            amount=order.total,
            paid_on=when.date(),
            voucher=f"GK{order.pk:08d}",
        )

    def rate_and_ticket(self, order: Order, when: datetime) -> None:
        from govmall.trading.services_evaluations import evaluation_submit
        from govmall.trading.services_tickets import ticket_open, ticket_respond

        self.step(
            when,
            evaluation_submit,
            actor=self.buyer,
            number=order.number,
            quality=5,
            delivery=4,
            service=5,
            comment="送货及时，安装调试到位。",
        )
        ticket = self.step(
            when + timedelta(days=1),
            ticket_open,
            actor=self.buyer,
            number=order.number,
            kind="repair",
            description="一台设备开机偶发报错，请上门检查。",
        )
        self.step(
            when + timedelta(days=1, hours=4),
            ticket_respond,
            actor=self.seller,
            number=ticket.number,
            response="已安排工程师明日上午上门检测。",
        )

    def orders(self) -> int:
        from govmall.trading.services_changes import (
            change_agree,
            change_approve,
            change_object,
            change_request,
        )
        from govmall.trading.services_order_jobs import confirm_timeout_job
        from govmall.trading.services_orders import (
            order_cancel,
            order_decline,
            order_reject,
        )

        made = 0
        # Completed, rated, with an after-sales ticket answered.
        start = self.ago(24)
        done = self.place(start, [(self.listing(), 2), (self.listing(), 1)], "新学期办公设备")
        self.to_contracted(done, start)
        self.publish_and_file(done, start)
        self.ship_deliver(done, start + timedelta(days=3))
        self.accept(done, start + timedelta(days=5))
        self.pay(done, start + timedelta(days=8))
        self.rate_and_ticket(done, start + timedelta(days=9))
        made += 1
        # Accepted, awaiting payment; delivered, awaiting acceptance; shipped; contracted.
        for days, last in ((14, "accepted"), (9, "delivered"), (6, "shipped"), (4, "contracted")):
            start = self.ago(days)
            order = self.place(start, [(self.listing(), 1)])
            self.to_contracted(order, start)
            self.publish_and_file(order, start)
            if last != "contracted":
                self.ship_deliver(order, start + timedelta(days=2), deliver=last != "shipped")
            if last == "accepted":
                self.accept(order, start + timedelta(days=4))
            made += 1
        # Confirmed, contract awaiting signatures.
        from govmall.trading.services_orders import order_confirm

        order = self.place(self.ago(1), [(self.listing(), 1)])
        self.step(self.ago(0, 20), order_confirm, actor=self.seller, number=order.number)
        # Placed (awaiting the supplier) and waiting for internal approval.
        self.place(self.ago(0, 5), [(self.listing(), 1)], "教研室打印设备")
        big = self.listings[-1]
        qty = max(1, int(Decimal("60000") / big.price) + 1)
        self.place(self.ago(0, 3), [(big, qty)], "多媒体教室改造")
        # Rejected by the approver, declined by the supplier, cancelled by the buyer, and one
        # the supplier never confirmed (cancelled by tick).
        rejected = self.place(self.ago(11), [(big, qty)])
        self.step(
            self.ago(10, 20),
            order_reject,
            actor=self.approver,
            number=rejected.number,
            reason="超出本学期预算安排，下学期再议",
        )
        declined = self.place(self.ago(8), [(self.listing(), 1)])
        self.step(
            self.ago(7, 20),
            order_decline,
            actor=self.seller,
            number=declined.number,
            reason="该型号厂家停产，无法供货",
        )
        cancelled = self.place(self.ago(5), [(self.listing(), 1)])
        self.step(
            self.ago(5, -2),
            order_cancel,
            actor=self.buyer,
            number=cancelled.number,
            reason="重复下单",
        )
        self.place(self.ago(7), [(self.listing(), 1)], "无人确认的订单")
        with at(self.now):
            confirm_timeout_job()
        made += 8
        # Returns and terminations: a whole return and a termination approved, a partial return
        # approved, one awaiting the operator, one disputed.
        for kind, lines, days in (
            ("return", None, 12),
            ("terminate", None, 11),
            ("partial", True, 10),
            ("pending", None, 3),
            ("disputed", None, 3),
        ):
            start = self.ago(days)
            order = self.place(start, [(self.listing(), 3), (self.listing(), 2)])
            self.to_contracted(order, start)
            self.publish_and_file(order, start)
            asked = start + timedelta(days=1, hours=2)
            line_ids = None
            if lines:
                first = order.lines.order_by("id").first()
                assert first is not None
                line_ids = [(first.pk, 1)]
            change = self.step(
                asked,
                change_request,
                actor=self.buyer,
                number=order.number,
                kind="terminate" if kind == "terminate" else "return",
                reason="need_changed" if kind != "terminate" else "funds_adjusted",
                reason_text="",
                lines=line_ids,
            )
            if kind == "disputed":
                self.step(
                    asked + timedelta(hours=3),
                    change_object,
                    actor=self.seller,
                    number=change.number,
                    objection="货物已按合同备齐，不同意退回",
                )
                continue
            self.step(
                asked + timedelta(hours=3), change_agree, actor=self.seller, number=change.number
            )
            if kind != "pending":
                self.step(
                    asked + timedelta(hours=6),
                    change_approve,
                    actor=self.reviewer,
                    number=change.number,
                    reasons="双方协商一致，材料齐全",
                )
            made += 1
        return made

    # ---- quotations ---------------------------------------------------------------------

    def quoting_field(self) -> tuple[Category, list[tuple[User, Listing]]] | None:
        """The deepest category under which at least three trading suppliers list products,
        with each one's cheapest product there and a user to quote with."""
        listed = (
            Listing.objects.filter(state=ListingState.LISTED)
            .select_related("category", "supplier")
            .order_by("price", "pk")
        )
        by_supplier: dict[int, list[Listing]] = {}
        for listing in listed:
            by_supplier.setdefault(listing.supplier_id, []).append(listing)
        users: dict[int, User] = {}
        for supplier_id, rows in by_supplier.items():
            supplier = rows[0].supplier
            user = (
                User.objects.filter(
                    organisation_id=supplier.organisation_id, roles__role=Role.SUPPLIER_ADMIN
                )
                .order_by("pk")
                .first()
            )
            if user is not None and may_trade(supplier):
                users[supplier_id] = user
        best: tuple[int, Category, list[tuple[User, Listing]]] | None = None
        for category in Category.objects.filter(is_active=True).order_by("path"):
            chosen: list[tuple[User, Listing]] = []
            for supplier_id, user in users.items():
                under = [
                    r for r in by_supplier[supplier_id] if r.category.path.startswith(category.path)
                ]
                if under:
                    chosen.append((user, under[0]))
            if len(chosen) >= 3 and (best is None or category.depth > best[0]):
                best = (category.depth, category, chosen[:4])
        return (best[1], best[2]) if best else None

    def quotation(
        self, published: datetime, field: tuple[Category, list[tuple[User, Listing]]], title: str
    ) -> Quotation:
        from govmall.trading.services_quotations import quotation_publish

        category, offers = field
        top = max(listing.price for _u, listing in offers)
        closes = add_working_days(published, 3).deadline - timedelta(hours=6)
        assert self.source is not None
        with at(published):
            return quotation_publish(
                actor=self.buyer,
                title=title,
                category_code=category.code,
                requirements="全新原厂正品，含送货上门、安装调试及三年质保；交货时提供出厂合格证。",
                required_attributes={},
                quantity=10,
                unit=offers[0][1].unit,
                ceiling_total=(top * 10 * Decimal("1.10")).quantize(Decimal("0.01")),
                funding_source_id=self.source.pk,
                delivery_division=self.unit.division_id,
                delivery_address=ADDRESS,
                delivery_date=(closes + timedelta(days=15)).date(),
                closes_at=closes,
            )

    def quote(self, when: datetime, q: Quotation, user: User, listing: Listing, f: str) -> None:
        from govmall.trading.services_quotes import quote_submit

        price = (listing.price * Decimal(f)).quantize(Decimal("0.01"))
        self.step(
            when,
            quote_submit,
            actor=user,
            number=q.number,
            unit_price=price,
            listing_number=listing.number,
            note="含运输、安装调试，质保三年。",
        )

    def close(self, q: Quotation) -> None:
        from govmall.trading.services_quotes import quotation_close

        q.refresh_from_db()
        assert q.closes_at is not None
        with at(q.closes_at + timedelta(minutes=1)):
            quotation_close(q.pk)

    def quotations(self) -> int:
        from govmall.trading.services_awards import quote_award, quote_confirm_award

        field = self.quoting_field()
        if field is None:
            self.say("demo quotations: fewer than three trading suppliers share a category")
            return 0
        offers = field[1]
        # Closed and awarded: three quotes (one revised), the lowest wins and confirms.
        start = self.ago(20)
        awarded = self.quotation(start, field, "多媒体教室设备采购（竞价）")
        for i, (user, listing) in enumerate(offers[:3]):
            self.quote(
                start + timedelta(hours=2 + i), awarded, user, listing, ("0.96", "0.98", "0.99")[i]
            )
        user, listing = offers[1]
        self.quote(start + timedelta(hours=8), awarded, user, listing, "0.94")
        self.close(awarded)
        awarded.refresh_from_db()
        assert awarded.closes_at is not None
        self.step(
            awarded.closes_at + timedelta(hours=2),
            quote_award,
            actor=self.buyer,
            number=awarded.number,
        )
        self.step(
            awarded.closes_at + timedelta(hours=5),
            quote_confirm_award,
            actor=user,
            number=awarded.number,
        )
        # Failed (流标): only two quotes.
        start = self.ago(12)
        failed = self.quotation(start, field, "学生机房显示器采购（竞价）")
        for i, (user, listing) in enumerate(offers[:2]):
            self.quote(start + timedelta(hours=3 + i), failed, user, listing, "0.97")
        self.close(failed)
        # Open: two sealed quotes so far.
        start = self.ago(0, 4)
        open_q = self.quotation(start, field, "图书馆办公设备采购（竞价）")
        for i, (user, listing) in enumerate(offers[:2]):
            self.quote(start + timedelta(hours=1 + i), open_q, user, listing, "0.98")
        return 3


def load_demo_trading(*, progress: Callable[[str], None] = print) -> dict[str, int]:
    """Funds, orders and quotations of the demo school (see the module docstring)."""
    demo = _Demo(progress)
    if Order.objects.filter(purchaser=demo.unit).exists():
        progress("demo trading: already loaded")
        return {"orders": 0, "quotations": 0}
    if not demo.listings:
        progress("demo trading: the demo supplier has no listed products; skipped")
        return {"orders": 0, "quotations": 0}
    demo.funds()
    quotations = demo.quotations()
    orders = demo.orders()
    progress(
        f"demo trading: {Order.objects.filter(purchaser=demo.unit).count()} orders, "
        f"{quotations} quotations"
    )
    return {"orders": orders, "quotations": quotations}
