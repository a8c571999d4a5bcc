"""/api/v1/ endpoints of trading: fulfilment."""

from ninja import Router

router = Router(tags=["trading: fulfilment"])
