"""After signing: publication and filing (purchaser acts, audited, regulators told), the overdue
queries and the once-only notifications of `tick`, recomputation on calendar changes, and the
end states other areas drive."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import time_machine

from govmall.accounts.roles import Role
from govmall.audit.models import Event
from govmall.core.calendar import TZ
from govmall.core.errors import DomainError, InvalidTransition
from govmall.core.models import CalendarOverride, Notification
from govmall.trading import selectors_contracts as sel
from govmall.trading.contract_deadlines import (
    PUBLISH_ACTION,
    contract_overdue_job,
    recompute_contract_deadlines,
)
from govmall.trading.models import ContractState
from govmall.trading.services_contracts import (
    contract_complete,
    contract_file,
    contract_publish,
    contract_terminate,
)
from tests.factories import make_user
from tests.trading.test_contracts_support import make_deal, trading_state

pytestmark = pytest.mark.django_db

SIGNED_AT = datetime(2026, 9, 30, 10, 0, tzinfo=TZ)
PUBLISH_DUE = datetime(2026, 10, 9, 23, 59, 59, tzinfo=TZ)
FILE_DUE = datetime(2026, 10, 15, 23, 59, 59, tzinfo=TZ)


def _events(contract, action: str) -> list[Event]:
    return list(
        Event.objects.filter(
            object_type="trading.contract", object_id=str(contract.pk), action=action
        )
    )


def _refused(call, code: str) -> None:
    before = trading_state()
    with pytest.raises(DomainError) as exc:
        call()
    assert exc.value.code == code
    assert trading_state() == before


def test_publish_and_file() -> None:
    with time_machine.travel(SIGNED_AT, tick=False):
        deal = make_deal(signed=True)
    regulator = make_user(Role.REGULATOR)  # 150200, over the unit's 150202
    far_regulator = make_user(Role.REGULATOR, division="150100")
    published = datetime(2026, 10, 9, 9, 0, tzinfo=TZ)
    with time_machine.travel(published, tick=False):
        contract_publish(actor=deal.unit.buyer, number=deal.contract.number)
    with time_machine.travel(FILE_DUE + timedelta(hours=1), tick=False):
        contract_file(actor=deal.unit.admin, number=deal.contract.number)
    deal.refresh()
    c = deal.contract
    assert (c.published_at, c.published_by_id) == (published, deal.unit.buyer.pk)
    assert (c.filed_at, c.filed_by_id) == (FILE_DUE + timedelta(hours=1), deal.unit.admin.pk)
    [pub] = _events(c, "contract.published")
    assert pub.after["on_time"] is True
    [filed] = _events(c, "contract.filed")
    assert filed.after["on_time"] is False
    notified = set(
        Notification.objects.filter(verb="contract.filed").values_list("recipient_id", flat=True)
    )
    assert regulator.pk in notified and far_regulator.pk not in notified
    _refused(lambda: contract_publish(actor=deal.unit.buyer, number=c.number), "already_published")
    _refused(lambda: contract_file(actor=deal.unit.buyer, number=c.number), "already_filed")


def test_publish_and_file_refusals() -> None:
    deal = make_deal()
    number = deal.contract.number
    for verb in (contract_publish, contract_file):
        _refused(lambda v=verb: v(actor=deal.unit.buyer, number=number), "invalid_transition")
    signed = make_deal(signed=True)
    number = signed.contract.number
    other = make_deal()
    regulator = make_user(Role.REGULATOR)
    for verb in (contract_publish, contract_file):
        _refused(lambda v=verb: v(actor=signed.unit.approver, number=number), "forbidden")
        _refused(lambda v=verb: v(actor=signed.seller.admin, number=number), "forbidden")
        _refused(lambda v=verb: v(actor=regulator, number=number), "forbidden")
        _refused(lambda v=verb: v(actor=other.unit.buyer, number=number), "not_found")
        _refused(lambda v=verb: v(actor=signed.unit.buyer, number="CON-2026-999999"), "not_found")


def test_overdue_is_a_query_and_notified_once() -> None:
    with time_machine.travel(SIGNED_AT, tick=False):
        late = make_deal(signed=True)
        on_time = make_deal(signed=True)
        unsigned = make_deal()
    regulator = make_user(Role.REGULATOR)
    with time_machine.travel(SIGNED_AT + timedelta(days=1), tick=False):
        contract_publish(actor=on_time.unit.buyer, number=on_time.contract.number)
    with time_machine.travel(PUBLISH_DUE, tick=False):
        assert list(sel.publish_overdue()) == []
        assert contract_overdue_job().startswith("contracts: 0 publication(s) and 0 filing(s)")
    with time_machine.travel(PUBLISH_DUE + timedelta(seconds=1), tick=False):
        assert [c.number for c in sel.publish_overdue()] == [late.contract.number]
        assert sel.is_publish_overdue(late.refresh().contract)
        assert not sel.is_publish_overdue(unsigned.contract)
        assert contract_overdue_job().startswith("contracts: 1 publication(s) and 0 filing(s)")
        assert contract_overdue_job().startswith("contracts: 0 publication(s) and 0 filing(s)")
    [event] = _events(late.contract, PUBLISH_ACTION)
    assert event.after["deadline"] == "2026-10-09T15:59:59Z"
    publish_note = Notification.objects.filter(verb="contract.publish_overdue")
    assert set(publish_note.values_list("recipient_id", flat=True)) == {
        late.unit.buyer.pk,
        late.unit.admin.pk,
    }
    with time_machine.travel(FILE_DUE + timedelta(seconds=1), tick=False):
        overdue = {c.number for c in sel.file_overdue()}
        assert overdue == {late.contract.number, on_time.contract.number}
        assert contract_overdue_job().startswith("contracts: 0 publication(s) and 2 filing(s)")
        assert contract_overdue_job().startswith("contracts: 0 publication(s) and 0 filing(s)")
        contract_file(actor=late.unit.buyer, number=late.contract.number)
        assert {c.number for c in sel.file_overdue()} == {on_time.contract.number}
    assert len(_events(late.contract, PUBLISH_ACTION)) == 1
    assert len(_events(on_time.contract, PUBLISH_ACTION)) == 0
    file_note = Notification.objects.filter(verb="contract.file_overdue")
    assert set(file_note.values_list("recipient_id", flat=True)) == {
        late.unit.buyer.pk,
        late.unit.admin.pk,
        on_time.unit.buyer.pk,
        on_time.unit.admin.pk,
        regulator.pk,
    }
    assert file_note.filter(recipient=regulator).count() == 2


def test_recompute_after_calendar_change() -> None:
    with time_machine.travel(SIGNED_AT, tick=False):
        deal = make_deal(signed=True)
        done = make_deal(signed=True)
        contract_publish(actor=done.unit.buyer, number=done.contract.number)
        contract_file(actor=done.unit.buyer, number=done.contract.number)
    admin = make_user(Role.OPERATOR_ADMIN)
    CalendarOverride.objects.create(date=date(2026, 10, 9), is_working=False, note="停工")
    assert recompute_contract_deadlines({2025}, admin) == 0
    assert recompute_contract_deadlines({2026}, admin) == 1
    deal.refresh()
    assert deal.contract.publish_deadline == datetime(2026, 10, 10, 23, 59, 59, tzinfo=TZ)
    assert deal.contract.file_deadline == datetime(2026, 10, 16, 23, 59, 59, tzinfo=TZ)
    [event] = _events(deal.contract, "contract.deadlines_recomputed")
    assert event.actor_id == admin.pk
    assert event.before["publish_deadline"] == "2026-10-09T15:59:59Z"
    assert event.after["calendar_known"] is True
    assert recompute_contract_deadlines({2026}, admin) == 0


def test_complete_and_terminate() -> None:
    deal = make_deal()
    _refused(lambda: contract_complete(contract=deal.contract, actor=None), "invalid_transition")
    _refused(
        lambda: contract_terminate(contract=deal.contract, actor=None, reason=" "),
        "invalid_reason",
    )
    signed = make_deal(signed=True)
    contract_complete(contract=signed.contract, actor=signed.unit.buyer)
    signed.refresh()
    assert signed.contract.state == ContractState.COMPLETED
    assert signed.contract.ended_at is not None
    with pytest.raises(InvalidTransition):
        contract_terminate(contract=signed.contract, actor=None, reason="资金调整")
    assert signed.refresh().contract.state == ContractState.COMPLETED
    # A completed contract still has its publication and filing duties.
    contract_publish(actor=signed.unit.buyer, number=signed.contract.number)
    other = make_deal(signed=True)
    contract_terminate(contract=other.contract, actor=other.unit.admin, reason="需求变化")
    other.refresh()
    assert other.contract.state == ContractState.TERMINATED
    [event] = _events(other.contract, "contract.terminated")
    assert event.after["reason"] == "需求变化"
    _refused(
        lambda: contract_publish(actor=other.unit.buyer, number=other.contract.number),
        "invalid_transition",
    )
