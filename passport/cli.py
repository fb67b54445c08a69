"""Flask commands: ``create-user``, ``create-provider``, ``seed-demo``, ``demo-code``,
``refresh-standings``, ``run-scheduled``."""

from __future__ import annotations

import time

import click
import sqlalchemy as sa
from flask import Flask, current_app

from passport.accounts.permissions import Role
from passport.errors import DomainError
from passport.extensions import db


def register(app: Flask) -> None:
    app.cli.add_command(create_user_command)
    app.cli.add_command(create_provider_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(demo_code_command)
    app.cli.add_command(refresh_standings_command)
    app.cli.add_command(run_scheduled_command)


@click.command("run-scheduled")
@click.argument(
    "task", type=click.Choice(["daily", "reminders", "housekeeping", "deliveries"]), default="daily"
)
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), help="Run as if on this date.")
def run_scheduled_command(task: str, today) -> None:  # noqa: ANN001 - a datetime or None
    """Run the scheduled work now: what the daily and every-minute periodic tasks do."""
    from passport.jobs import run_scheduled

    done = run_scheduled(task, today.date() if today else None)
    for name, count in done.items():
        click.echo(f"{name}: {count}")


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--first-name", required=True)
@click.option("--last-name", required=True)
@click.option("--role", type=click.Choice([role.value for role in Role]), required=True)
@click.option("--provider", "provider_accme_id", help="ACCME provider ID, for provider staff.")
@click.option("--board", "board_code", help="Board code such as CA-MBC, for board staff.")
@click.password_option(
    "--password", envvar="PASSPORT_NEW_USER_PASSWORD", help="Prompted for when not given."
)
def create_user_command(
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    provider_accme_id: str | None,
    board_code: str | None,
    password: str,
) -> None:
    """Create an account: staff accounts name the provider or board they serve."""
    from passport.accounts.services import create_user

    try:
        user = create_user(
            db.session,
            email=email,
            first_name=first_name,
            last_name=last_name,
            password=password,
            role=Role(role),
            provider_accme_id=provider_accme_id,
            board_code=board_code,
        )
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Created {user.role} account {user.email} (id {user.id}).")


@click.command("create-provider")
@click.option("--accme-id", required=True, help="The provider's ACCME provider ID.")
@click.option("--name", required=True)
@click.option("--contact-name")
@click.option("--contact-email")
@click.option("--contact-phone")
def create_provider_command(
    accme_id: str,
    name: str,
    contact_name: str | None,
    contact_email: str | None,
    contact_phone: str | None,
) -> None:
    """Bring a CME provider on (then: create-user --role provider --provider ACCME-ID, or
    an invitation from its admin page)."""
    from passport.reporting.providers import ProviderDetails, create_provider

    try:
        provider = create_provider(
            db.session,
            ProviderDetails(accme_id, name, contact_name, contact_email, contact_phone),
            actor_user_id=None,
        )
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Created provider {provider.accme_id} {provider.name} (id {provider.id}).")


@click.command("seed-demo")
def seed_demo_command() -> None:
    """Fill a realistic synthetic world (idempotent: a second run changes nothing)."""
    from passport.demo import DEMO_ACCOUNTS, DEMO_TOTP_SECRET, seed_demo

    started = time.perf_counter()
    report = seed_demo(db.session, current_app.config["SECRET_KEY"])
    db.session.commit()
    elapsed = time.perf_counter() - started
    click.echo(report.summary() + f" ({elapsed:.1f} s)")
    click.echo("Demo accounts (email / password):")
    for account in DEMO_ACCOUNTS:
        click.echo(f"  {account.role:<10} {account.email:<32} {account.password}")
    click.echo(
        f"Board and admin accounts also ask for a two-factor code: authenticator key "
        f"{DEMO_TOTP_SECRET}, or run `flask --app passport demo-code` for the current code."
    )


@click.command("demo-code")
def demo_code_command() -> None:
    """Print the current two-factor code of the demo board and admin accounts."""
    import pyotp

    from passport.demo import DEMO_TOTP_SECRET

    click.echo(pyotp.TOTP(DEMO_TOTP_SECRET).now())


@click.command("refresh-standings")
def refresh_standings_command() -> None:
    """Evaluate the audit standings that wait for it: after a release that changed a
    requirement set, every licensee of that board (run it at deploy, so no auditor's page
    waits for it)."""
    from passport.compliance.standings import refresh_standings
    from passport.roster.models import Board

    for board in db.session.scalars(sa.select(Board).order_by(Board.code)).all():
        started = time.perf_counter()
        evaluated = refresh_standings(db.session, board.id)
        db.session.commit()
        seconds = time.perf_counter() - started
        click.echo(f"{board.code}: {evaluated:,} standings evaluated in {seconds:.1f} s")
