"""Accounts API: who am I, organisations, users, personal API tokens."""

from ninja import Router

router = Router(tags=["accounts"])
