"""What a page that manages a tenant's staff shows: its accounts, its invitations and
the forms that act on them. The admin's board and provider pages, the admin's own
"Administrators" list and a staff administrator's "Colleagues" page all render the same
panel (``templates/staff/_panel.html``) from this."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from passport.accounts.forms import InvitationForm, StaffActionForm, StaffAdminForm
from passport.accounts.invitations import INVITATION_STATUS_LABELS, invitations_of
from passport.accounts.staff import Tenant, staff_of
from passport.db import utcnow


def staff_panel(session: Session, tenant: Tenant, back_to: str) -> dict[str, Any]:
    """The panel's values; ``back_to`` is the path every form returns to."""
    invite_form = InvitationForm(
        formdata=None,
        role=tenant.role.value,
        board_id=tenant.board_id or "",
        provider_id=tenant.provider_id or "",
        next=back_to,
    )
    return {
        "tenant": tenant,
        "staff": staff_of(session, tenant),
        "invitations": invitations_of(session, tenant),
        "invite_form": invite_form,
        "action_form": StaffActionForm(formdata=None, next=back_to),
        "admin_form": StaffAdminForm(formdata=None, next=back_to),
        "back_to": back_to,
        "now": utcnow(),
        "invitation_labels": INVITATION_STATUS_LABELS,
        "may_be_staff_admin": tenant.role.value in ("provider", "board"),
    }
