"""The one guard every view uses.

Each view is marked either ``@public`` or ``@requires(permission, ...)``. An unmarked view
is refused at run time (fail closed), and the role-guard test walks the URL map so a new
route without a rule fails CI. Tenant checks (own provider, own board, own licences)
happen where objects are loaded, through ``ensure_provider`` / ``ensure_board``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, current_app, request
from flask_login import current_user

from passport.accounts.permissions import Permission
from passport.errors import Forbidden

F = TypeVar("F", bound=Callable[..., Any])
PUBLIC = "public"


def public(view: F) -> F:
    """Mark a view as open to everyone, signed in or not."""
    view.access_rule = PUBLIC  # type: ignore[attr-defined]
    return view


def requires(*permissions: Permission) -> Callable[[F], F]:
    """Require a signed-in user whose role grants every one of ``permissions``."""

    def decorate(view: F) -> F:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
            if not all(current_user.can(permission) for permission in permissions):
                abort(403)
            return view(*args, **kwargs)

        guarded.access_rule = frozenset(permissions)  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return decorate


def is_static_endpoint(endpoint: str | None) -> bool:
    """Flask's views for public files: the app's static/ folder and Bootstrap-Flask's
    copy of Bootstrap (``bootstrap.static``)."""
    return endpoint is not None and (endpoint == "static" or endpoint.endswith(".static"))


def refuse_unmarked_views() -> None:
    """``before_request`` hook: a view with no access rule is a developer's mistake."""
    if is_static_endpoint(request.endpoint):
        return
    view = current_app.view_functions.get(request.endpoint or "")
    if view is not None and not hasattr(view, "access_rule"):
        abort(403)


def ensure_provider(user: Any, provider_id: int) -> None:
    """Refuse unless ``user`` is staff of the provider that owns the object."""
    if user.provider_id is None or user.provider_id != provider_id:
        raise Forbidden("This record belongs to another provider.")


def ensure_board(user: Any, board_id: int) -> None:
    """Refuse unless ``user`` is staff of the board that owns the object."""
    if user.board_id is None or user.board_id != board_id:
        raise Forbidden("This licensee belongs to another board.")


def client_ip() -> str | None:
    return request.remote_addr
