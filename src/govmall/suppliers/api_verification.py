"""Supplier verification API."""

from ninja import Router

router = Router(tags=["suppliers"])
