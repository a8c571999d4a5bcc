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


@pytest.fixture(autouse=True)
def _divisions_present(request):
    """Transactional tests (live server, browser) flush every table after they run, including
    the reference data that data migrations load; put it back for whoever runs next."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        yield
        return
    request.getfixturevalue("_django_db_helper")
    from govmall.core.reference import ensure_reference_data

    ensure_reference_data()
    yield


@pytest.fixture
def english(monkeypatch):
    """Assert messages in English (the msgids), whatever the catalogues say: the test thread
    and every test client request (Accept-Language: en unless the test sends its own)."""
    from django.test.client import RequestFactory
    from django.utils import translation

    base_environ = RequestFactory._base_environ

    def environ(self, **request):
        env = base_environ(self, **request)
        env.setdefault("HTTP_ACCEPT_LANGUAGE", "en")
        return env

    monkeypatch.setattr(RequestFactory, "_base_environ", environ)
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _calendar_copy_forgotten():
    """Each test's calendar rows are rolled back with it; a later test could bring the calendar
    back to the same version with other rows, so the process's copy starts empty each time."""
    from govmall.core.calendar import clear_cache

    clear_cache()
    yield
