"""Supplier documents API."""

from ninja import Router

router = Router(tags=["suppliers"])
