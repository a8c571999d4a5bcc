"""/api/v1/ endpoints of trading: contracts."""

from ninja import Router

router = Router(tags=["trading: contracts"])
