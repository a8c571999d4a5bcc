"""Trading models, one module per area; import them from here."""

from govmall.trading.models.changes import (
    ChangeKind,
    ChangeReason,
    ChangeRequest,
    ChangeRequestLine,
)
from govmall.trading.models.contracts import Contract, ContractSignature, PaymentCondition
from govmall.trading.models.fulfilment import (
    Acceptance,
    AcceptanceResult,
    Delivery,
    DeliveryKind,
    Evaluation,
    Invoice,
    Payment,
    PaymentKind,
    Ticket,
    TicketKind,
)
from govmall.trading.models.funds import FundingSource, FundMovement, MovementKind, PurchasingPolicy
from govmall.trading.models.orders import CartLine, Order, OrderLine, OrderSource
from govmall.trading.models.quotations import Quotation, QuotationInvitation, Quote
from govmall.trading.states import (
    ChangeState,
    ContractState,
    OrderState,
    QuotationState,
    QuoteState,
    TicketState,
)

__all__ = [
    "Acceptance",
    "AcceptanceResult",
    "CartLine",
    "ChangeKind",
    "ChangeReason",
    "ChangeRequest",
    "ChangeRequestLine",
    "ChangeState",
    "Contract",
    "ContractSignature",
    "ContractState",
    "Delivery",
    "DeliveryKind",
    "Evaluation",
    "FundMovement",
    "FundingSource",
    "Invoice",
    "MovementKind",
    "Order",
    "OrderLine",
    "OrderSource",
    "OrderState",
    "Payment",
    "PaymentCondition",
    "PaymentKind",
    "PurchasingPolicy",
    "Quotation",
    "QuotationInvitation",
    "QuotationState",
    "Quote",
    "QuoteState",
    "Ticket",
    "TicketKind",
    "TicketState",
]
