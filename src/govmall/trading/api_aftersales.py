"""/api/v1/ endpoints of trading: aftersales."""

from ninja import Router

router = Router(tags=["trading: aftersales"])
