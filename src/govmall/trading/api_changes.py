"""/api/v1/ endpoints of trading: changes."""

from ninja import Router

router = Router(tags=["trading: changes"])
