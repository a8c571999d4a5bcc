from __future__ import annotations

import os

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM is still used
# synchronously there, which is safe in tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def api_client(client):
    """Django's test client; JSON helpers come from the client itself (content_type=...)."""
    return client
