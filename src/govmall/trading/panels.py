"""The order page is shared by every trading area: each area contributes a panel (template +
context function) showing its part of the order and the actions the viewer may take there.

A context function takes (request, order) and returns a dict for its template, or None to show
nothing. Panels render in this order on `trading:order_detail`.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.http import HttpRequest

from govmall.trading.models import Order

PANELS: list[tuple[str, str]] = [
    # (template, "module.function")
    ("trading/orders/_panel_approval.html", "govmall.trading.views_orders.approval_panel"),
    ("trading/contracts/_order_panel.html", "govmall.trading.views_contracts.order_panel"),
    ("trading/fulfilment/_order_panel.html", "govmall.trading.views_fulfilment.order_panel"),
    ("trading/aftersales/_order_panel.html", "govmall.trading.views_aftersales.order_panel"),
    ("trading/changes/_order_panel.html", "govmall.trading.views_changes.order_panel"),
]


def panels_for(request: HttpRequest, order: Order) -> list[tuple[str, dict[str, Any]]]:
    """(template, context) of every panel that has something to show."""
    shown = []
    for template, path in PANELS:
        module, _, name = path.rpartition(".")
        function = getattr(import_module(module), name)
        context = function(request, order)
        if context is not None:
            shown.append((template, {"order": order, **context}))
    return shown
