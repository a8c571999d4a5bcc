"""Direct-purchase orders: the verbs other areas call, gathered in one place.

The code lives by purpose: `services_order_place` (placing, idempotent), `services_order_steps`
(approval, cancellation, the supplier's confirmation or refusal), `services_order_jobs` (the
confirmation timeout and deadline recompute) and `services_cart` (cart and checkout).
"""

from govmall.trading.services_cart import (
    cart_add,
    cart_checkout,
    cart_remove,
    cart_set,
)
from govmall.trading.services_order_jobs import (
    confirm_timeout_job,
    recompute_confirm_deadlines,
    unconfirmed_overdue,
)
from govmall.trading.services_order_place import Placed, order_place, order_place_result
from govmall.trading.services_order_steps import (
    order_approve,
    order_cancel,
    order_confirm,
    order_decline,
    order_reject,
    release_all,
)

__all__ = [
    "Placed",
    "cart_add",
    "cart_checkout",
    "cart_remove",
    "cart_set",
    "confirm_timeout_job",
    "order_approve",
    "order_cancel",
    "order_confirm",
    "order_decline",
    "order_place",
    "order_place_result",
    "order_reject",
    "recompute_confirm_deadlines",
    "release_all",
    "unconfirmed_overdue",
]
