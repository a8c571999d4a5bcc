"""/api/v1/ endpoints of trading: quotations."""

from ninja import Router

router = Router(tags=["trading: quotations"])
