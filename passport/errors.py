"""Domain errors shared by every feature.

A ``DomainError`` is something a user can cause; views catch it and show its message
kindly. Anything else is a developer's error and is allowed to fail loudly.
"""

from __future__ import annotations


class ConfigurationError(RuntimeError):
    """The deployment is misconfigured; the app refuses to start."""


class DomainError(Exception):
    """A rule of the domain refused the request; ``str(error)`` is safe to show the user."""


class ValidationError(DomainError):
    """Input does not satisfy a rule; ``field`` names the form field when there is one."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotFound(DomainError):
    """The object does not exist."""


class Forbidden(DomainError):
    """The actor may not see or change this object."""


class Conflict(DomainError):
    """The change clashes with existing data (duplicate, already claimed)."""
