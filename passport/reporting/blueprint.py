"""The provider pages' blueprint, shared by the modules that add routes to it (``views``,
``upload_views``, ``entry_views``) so that none imports another."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("reporting", __name__, url_prefix="/provider")
schemas_bp = Blueprint("schemas", __name__)
