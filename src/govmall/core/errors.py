"""One domain error type with stable codes; the API and the UI both render it."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A refused business action. `code` is stable (clients match on it); `message` is for people.

    `status` is the HTTP status the API answers with; `field` names the input at fault, so forms
    can show the message at that field.
    """

    status = 400

    def __init__(
        self,
        code: str,
        message: str,
        *,
        status: int | None = None,
        field: str | None = None,
        **details: Any,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = str(message)
        if status is not None:
            self.status = status
        self.field = field
        if field is not None:
            details.setdefault("field", field)
        self.details = details

    def as_dict(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}


class NotFound(DomainError):
    """Missing and not-yours look the same: a 404 with code `not_found`."""

    def __init__(self, message: str = "Not found.", **details: Any) -> None:
        super().__init__("not_found", message, status=404, **details)


class PermissionDenied(DomainError):
    def __init__(self, message: str = "You may not do this.", **details: Any) -> None:
        super().__init__("forbidden", message, status=403, **details)


class InvalidTransition(DomainError):
    def __init__(self, message: str, **details: Any) -> None:
        super().__init__("invalid_transition", message, status=409, **details)


def error_body(code: str, message: str, **details: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": str(message), "details": details}}
