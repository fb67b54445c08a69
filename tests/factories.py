"""factory_boy factories bound to whatever session the current test uses."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

import factory
import sqlalchemy as sa
from factory.alchemy import SQLAlchemyModelFactory

from passport.accounts.passwords import hash_password
from passport.accounts.two_factor import encrypt_secret
from passport.db import utcnow
from passport.extensions import db
from passport.models import (
    Activity,
    Board,
    Completion,
    CompletionVersion,
    Discrepancy,
    DiscrepancyMessage,
    Licensee,
    LicenseLink,
    Provider,
    SelfReportedCredit,
    User,
)

_PASSWORD_HASH: dict[str, str] = {}


def password_hash() -> str:
    """Hash the shared test password once per run (argon2 is slow on purpose)."""
    if "value" not in _PASSWORD_HASH:
        _PASSWORD_HASH["value"] = hash_password("correct horse battery staple")
    return _PASSWORD_HASH["value"]


def board(code: str = "CA-MBC") -> Board:
    return db.session.scalar(sa.select(Board).where(Board.code == code))


class _Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731 - the per-test session
        sqlalchemy_session_persistence = "commit"


class ProviderFactory(_Base):
    class Meta:
        model = Provider

    accme_id = factory.Sequence(lambda n: f"P{n:05d}")
    name = factory.Sequence(lambda n: f"Provider number {n}")


class UserFactory(_Base):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@passport.example")
    first_name = "Pat"
    last_name = factory.Sequence(lambda n: f"Tester{n}")
    role = "physician"
    password_hash = factory.LazyFunction(password_hash)
    email_verified_at = factory.LazyFunction(utcnow)  # the owner opened the confirmation link


class ProviderStaffFactory(UserFactory):
    role = "provider"
    provider = factory.SubFactory(ProviderFactory)


# Board staff and admins must sign in with two factors: the factories enrol them with
# one known TOTP secret, so tests can compute a code (``pyotp.TOTP(TEST_TOTP_SECRET)``).
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
TEST_SECRET_KEY = "test-secret-key-not-for-production"  # the test app's SECRET_KEY


def _enrolled_totp_secret() -> str:
    return encrypt_secret(TEST_TOTP_SECRET, TEST_SECRET_KEY)


class BoardStaffFactory(UserFactory):
    role = "board"
    board = factory.LazyFunction(board)
    totp_secret = factory.LazyFunction(_enrolled_totp_secret)
    totp_enabled_at = factory.LazyFunction(utcnow)


class AdminFactory(UserFactory):
    role = "admin"
    totp_secret = factory.LazyFunction(_enrolled_totp_secret)
    totp_enabled_at = factory.LazyFunction(utcnow)


_license_numbers = itertools.count(500000)


class LicenseeFactory(_Base):
    class Meta:
        model = Licensee

    board = factory.LazyFunction(board)
    license_number = factory.LazyFunction(lambda: f"A{next(_license_numbers)}")
    first_name = "Jane"
    last_name = "Doe"
    dob_month = 4
    dob_day = 12
    first_issued_on = date(2010, 4, 1)
    expires_on = factory.LazyFunction(lambda: date.today() + timedelta(days=200))
    specialty = "Internal Medicine"


class ActivityFactory(_Base):
    class Meta:
        model = Activity

    provider = factory.SubFactory(ProviderFactory)
    activity_code = factory.Sequence(lambda n: f"ACT-{n:05d}")
    title = factory.Sequence(lambda n: f"Grand rounds {n}")
    activity_type = "live"
    starts_on = factory.LazyFunction(lambda: date.today() - timedelta(days=300))
    ends_on = factory.LazyFunction(lambda: date.today() + timedelta(days=30))
    max_credits = Decimal("10.00")


class CompletionFactory(_Base):
    class Meta:
        model = Completion

    activity = factory.SubFactory(ActivityFactory)
    licensee = factory.SubFactory(LicenseeFactory)
    learner_key = factory.LazyAttribute(lambda o: f"CA:{o.licensee.license_number}")
    first_name = factory.LazyAttribute(lambda o: o.licensee.first_name)
    last_name = factory.LazyAttribute(lambda o: o.licensee.last_name)
    dob_month = factory.LazyAttribute(lambda o: o.licensee.dob_month)
    dob_day = factory.LazyAttribute(lambda o: o.licensee.dob_day)
    license_state = "CA"
    license_number = factory.LazyAttribute(lambda o: o.licensee.license_number)
    completed_on = factory.LazyFunction(lambda: date.today() - timedelta(days=10))
    credits = Decimal("2.00")
    credit_type_code = "AMA_PRA_1"
    consent_basis = "year"
    match_status = "matched"

    @factory.post_generation
    def first_version(obj, create, extracted, **kwargs):  # noqa: N805 - factory_boy hook
        if create:
            db.session.add(
                CompletionVersion(
                    completion_id=obj.id,
                    version=1,
                    action="add",
                    first_name=obj.first_name,
                    last_name=obj.last_name,
                    dob_month=obj.dob_month,
                    dob_day=obj.dob_day,
                    completed_on=obj.completed_on,
                    credits=obj.credits,
                    credit_type_code=obj.credit_type_code,
                )
            )
            db.session.commit()


class LicenseLinkFactory(_Base):
    """A physician with a verified link to a licence."""

    class Meta:
        model = LicenseLink

    user = factory.SubFactory(UserFactory)
    licensee = factory.SubFactory(LicenseeFactory)


class DiscrepancyFactory(_Base):
    """An open "credits wrong" flag on a completion, raised by the licence's physician."""

    class Meta:
        model = Discrepancy

    completion = factory.SubFactory(CompletionFactory)
    licensee = factory.LazyAttribute(lambda o: o.completion.licensee)
    activity = factory.LazyAttribute(lambda o: o.completion.activity)
    raised_by_user_id = factory.LazyAttribute(lambda o: o.raised_by.id)
    kind = "credits_wrong"
    status = "open"
    claimed_credits = Decimal("3.00")

    class Params:
        # The physician who linked the licence (a new one unless given).
        raised_by = factory.LazyAttribute(lambda o: LicenseLinkFactory(licensee=o.licensee).user)

    @factory.post_generation
    def raised_message(obj, create, extracted, **kwargs):  # noqa: N805 - factory_boy hook
        if create:
            db.session.add(
                DiscrepancyMessage(
                    discrepancy_id=obj.id,
                    author_user_id=obj.raised_by_user_id,
                    event="raised",
                    body="Please check.",
                )
            )
            db.session.commit()


class SelfReportedCreditFactory(_Base):
    class Meta:
        model = SelfReportedCredit

    user = factory.SubFactory(UserFactory)
    title = "Journal club"
    provider_name = "County medical society"
    completed_on = factory.LazyFunction(lambda: date.today() - timedelta(days=20))
    credits = Decimal("1.50")
    credit_type_code = "SELF_REPORTED"
    certificate_sha256 = "0" * 64
    certificate_media_type = "application/pdf"
    certificate_filename = "certificate.pdf"
    certificate_size = 100
