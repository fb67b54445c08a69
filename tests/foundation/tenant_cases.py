"""For each guarded route that takes an object id: who to sign in as, and the id of an
object that belongs to another tenant. ``test_role_guard`` expects 403.

Each case is a function ``(session) -> (actor, url_values, method)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

TenantCase = Callable[[Any], tuple[Any, dict[str, Any], str]]

TENANT_CASES: dict[str, TenantCase] = {}
