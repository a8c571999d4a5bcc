"""Form helpers shared by every app's pages."""

from __future__ import annotations

from django import forms

from govmall.core.errors import DomainError


def add_domain_error(form: forms.Form, exc: DomainError) -> None:
    """Show a service's refusal at the field it names, or above the form."""
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)
