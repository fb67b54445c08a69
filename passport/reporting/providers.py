"""Bringing a provider on, changing its details and contact, and taking it off
(deactivating, never deleting).

Plain functions taking a session, the acting administrator and values; they flush and
write the audit trail, the caller commits once. A deactivated provider keeps every
activity, upload and completion it reported; its staff cannot sign in and their sessions
end at once, and its API clients get no token and their tokens stop working
(``api.oauth``), so it can no longer report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from sqlalchemy.orm import Session

from passport.accounts.models import User
from passport.accounts.staff import set_organization_active
from passport.errors import Conflict, ValidationError
from passport.reporting.models import Provider
from passport.trail.services import record_event

_ACCME_ID = re.compile(r"[A-Z0-9][A-Z0-9-]{0,19}")


@dataclass(frozen=True)
class ProviderDetails:
    """What an administrator types about a provider."""

    accme_id: str
    name: str
    contact_name: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None


def _checked(details: ProviderDetails) -> ProviderDetails:
    accme_id = details.accme_id.strip().upper()
    if not _ACCME_ID.fullmatch(accme_id):
        raise ValidationError(
            "An ACCME provider ID is letters, digits and hyphens (up to 20).", "accme_id"
        )
    if not details.name.strip():
        raise ValidationError("Please give the provider's name.", "name")
    email = (details.contact_email or "").strip() or None
    if email is not None:
        try:
            email = validate_email(email, check_deliverability=False).normalized.lower()
        except EmailNotValidError as error:
            raise ValidationError(
                f"That contact address is not valid: {error}", "contact_email"
            ) from error
    return ProviderDetails(
        accme_id=accme_id,
        name=details.name.strip(),
        contact_name=(details.contact_name or "").strip() or None,
        contact_email=email,
        contact_phone=(details.contact_phone or "").strip() or None,
    )


def _ensure_id_free(session: Session, accme_id: str, provider_id: int | None = None) -> None:
    clash = session.scalar(sa.select(Provider.id).where(Provider.accme_id == accme_id))
    if clash is not None and clash != provider_id:
        raise Conflict(f"Another provider already has the ACCME provider ID {accme_id}.")


def create_provider(
    session: Session,
    details: ProviderDetails,
    *,
    actor_user_id: int | None,
    ip_address: str | None = None,
) -> Provider:
    """A new provider; ``actor_user_id`` is ``None`` from the command line."""
    details = _checked(details)
    _ensure_id_free(session, details.accme_id)
    provider = Provider(active=True, **details.__dict__)
    session.add(provider)
    session.flush()
    record_event(
        session,
        actor_user_id=actor_user_id,
        action="provider.created",
        object_type="provider",
        object_id=provider.id,
        detail={"accme_id": provider.accme_id},
        ip_address=ip_address,
    )
    return provider


def update_provider(
    session: Session,
    provider: Provider,
    details: ProviderDetails,
    *,
    actor_user_id: int,
    ip_address: str | None = None,
) -> dict[str, str]:
    """Change the provider; return what changed (empty when nothing did)."""
    details = _checked(details)
    _ensure_id_free(session, details.accme_id, provider.id)
    changed = {
        name: f"{getattr(provider, name) or 'none'} → {new or 'none'}"
        for name, new in details.__dict__.items()
        if getattr(provider, name) != new
    }
    if not changed:
        return changed
    for name, new in details.__dict__.items():
        setattr(provider, name, new)
    record_event(
        session,
        actor_user_id=actor_user_id,
        action="provider.updated",
        object_type="provider",
        object_id=provider.id,
        detail=changed,
        ip_address=ip_address,
    )
    session.flush()
    return changed


def set_provider_active(
    session: Session,
    provider: Provider,
    active: bool,
    *,
    actor_user_id: int,
    ip_address: str | None = None,
) -> None:
    """Deactivate (its staff's sessions end now) or reactivate a provider."""
    set_organization_active(
        session,
        provider,
        active,
        object_type="provider",
        action="provider.reactivated" if active else "provider.deactivated",
        staff=User.provider_id == provider.id,
        actor_user_id=actor_user_id,
        ip_address=ip_address,
    )
