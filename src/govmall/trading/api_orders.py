"""/api/v1/ endpoints of trading: orders."""

from ninja import Router

router = Router(tags=["trading: orders"])
