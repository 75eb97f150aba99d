"""Domain errors raised by services; the API and the pages turn them into 4xx answers.

Each carries a stable machine-readable `code`, a human message (translatable) and,
where one field is at fault, that field's name.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status = 400
    code = "invalid"
    retry_after: int | None = None  # seconds, for an answer the caller may repeat later (Retry-After)

    def __init__(self, message: Any, *, code: str | None = None, field: str | None = None,
                 details: Any = None) -> None:
        super().__init__(str(message))
        self.message = message
        if code:
            self.code = code
        self.field = field
        self.details = details

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": str(self.message), "field": self.field}
        if self.details is not None:
            body["details"] = self.details
        return body


class ValidationFailed(DomainError):
    """Input that breaks a rule (422)."""

    status = 422
    code = "validation_error"


class PermissionDenied(DomainError):
    """The actor's role or segregation of duties forbids the action (403)."""

    status = 403
    code = "permission_denied"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class InvalidTransition(DomainError):
    """The move is not allowed from the object's current state (409)."""

    status = 409
    code = "invalid_transition"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class Unavailable(DomainError):
    """The server, as it is configured, cannot do it now (503): not the caller's fault, so the caller may retry
    once the administrator has put it right (encryption keys that do not open a stored secret)."""

    status = 503
    code = "unavailable"
    retry_after = 300  # seconds: the answer's Retry-After
