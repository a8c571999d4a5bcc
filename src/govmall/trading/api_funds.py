"""/api/v1/ endpoints of trading: funds."""

from ninja import Router

router = Router(tags=["trading: funds"])
