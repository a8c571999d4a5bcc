"""Audit API: checkpoints (public) and object timelines."""

from ninja import Router

router = Router(tags=["audit"])
