"""A realistic synthetic world for demos and manual testing (``flask seed-demo``).

Deterministic (a fixed random seed) and idempotent: if the demo providers exist the world
is left alone, and demo accounts are only created when missing. Everything is inserted in
bulk (a few statements per table), so it takes a few seconds, not minutes.
"""

from __future__ import annotations

import calendar
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from passport.accounts import two_factor
from passport.accounts.models import User
from passport.accounts.permissions import Role
from passport.accounts.services import create_user
from passport.db import utcnow
from passport.reporting.models import (
    ACTIVITY_TYPES,
    Activity,
    Completion,
    CompletionVersion,
    ConsentBasis,
    MatchStatus,
    Provider,
    Upload,
    UploadMethod,
    activity_credit_types,
    activity_topics,
)
from passport.roster.identifiers import npi_check_digit
from passport.roster.models import Board, Licensee, LicenseLink
from passport.transcripts.models import Discrepancy, DiscrepancyMessage

SEED = 2026
MBC_LICENSEES = 1750
OMBC_LICENSEES = 350
PROVIDERS = 12
ACTIVITIES = 320
COMPLETIONS = 30_000
UNMATCHED = 40

FIRST_NAMES = [
    "James",
    "Maria",
    "Robert",
    "Linda",
    "Michael",
    "Priya",
    "Wei",
    "José",
    "Fatima",
    "Daniel",
    "Sarah",
    "Ahmed",
    "Elena",
    "Kenji",
    "Aisha",
    "Thomas",
    "Nguyen",
    "Sofía",
    "Olivia",
    "Rafael",
    "Chloé",
    "Hannah",
    "Samuel",
    "Grace",
    "Omar",
    "Mei",
    "Lucas",
    "Zoë",
    "Isabel",
    "Arjun",
    "Noah",
    "Leila",
    "Gabriel",
    "Ana",
    "Benjamin",
    "Yuki",
    "Karen",
    "David",
    "Renée",
    "Mateo",
    "Chioma",
    "Ethan",
]
LAST_NAMES = [
    "Smith",
    "Garcia",
    "Nguyen",
    "Chen",
    "Patel",
    "Johnson",
    "Rodríguez",
    "Kim",
    "Williams",
    "Martinez",
    "O'Brien",
    "Lee",
    "Hernández",
    "Brown",
    "Singh",
    "Davis",
    "López",
    "Wong",
    "Wilson",
    "Anderson",
    "Müller",
    "Tanaka",
    "Okafor",
    "Cohen",
    "Nguyen-Tran",
    "Rossi",
    "Ivanova",
    "Haddad",
    "D'Angelo",
    "Park",
    "Shah",
    "Murphy",
    "Silva",
    "Goldberg",
    "Kowalski",
    "St.",
    "John",
    "Abramson",
    "Yamamoto",
    "Fernández",
    "Baker",
    "Khan",
    "Novak",
    "MacDonald",
]
SPECIALTIES = (
    ["Internal Medicine"] * 6
    + ["Family Medicine"] * 5
    + ["Pediatrics"] * 3
    + [
        "Psychiatry",
        "Emergency Medicine",
        "Anesthesiology",
        "General Surgery",
        "Cardiology",
        "Obstetrics and Gynecology",
        "Pathology",
        "Radiology",
        "Neurology",
        "Dermatology",
    ]
)
PROVIDER_NAMES = [
    "California Medical Association",
    "Stanford Center for Continuing Medical Education",
    "UCSF Office of CME",
    "UCLA Health Continuing Education",
    "Kaiser Permanente Southern CME",
    "Cedars-Sinai Medical Education",
    "Sutter Health Institute for Learning",
    "American Academy of Family Physicians",
    "Pacific Pain Society",
    "Golden State Geriatrics",
    "Western Osteopathic Education Council",
    "Bay Area Hospitalist Collaborative",
]
TITLE_SUBJECTS = {
    "pain_eol": [
        "Pain Management in Primary Care",
        "Palliative Care Conversations",
        "End-of-Life Care: Hospice Essentials",
        "Safe Opioid Tapering",
    ],
    "geriatrics": [
        "Falls Prevention in Older Adults",
        "Dementia Care Update",
        "Polypharmacy in the Elderly",
        "Geriatric Assessment",
    ],
    "substance_use": ["Buprenorphine in Practice", "Screening for Substance Use Disorders"],
    "ethics": ["Medical Ethics Grand Rounds", "Professional Responsibility and Boundaries"],
    "practice_management": ["Running a Sustainable Practice", "Coding and Documentation"],
    None: [
        "Hypertension Update",
        "Diabetes Management",
        "Sepsis Recognition",
        "Antibiotic Stewardship",
        "Heart Failure Therapies",
        "Asthma Across Ages",
        "Depression in Primary Care",
        "Stroke Prevention",
        "Imaging Appropriateness",
        "Wound Care",
        "Thyroid Disorders",
        "Advances in Oncology",
    ],
}


@dataclass(frozen=True)
class DemoAccount:
    role: str
    email: str
    password: str
    first_name: str
    last_name: str
    provider_accme_id: str | None = None
    board_code: str | None = None


DEMO_PROVIDER_ID = "DEMO-0001"
# Board staff and admins must sign in with two factors: the demo accounts of those roles
# come enrolled with this published key. `flask --app passport demo-code` prints its
# current code; any authenticator app accepts the key too. Demo data only.
DEMO_TOTP_SECRET = "PASSPORTDEMOKEY2PASSPORTDEMOKEY2"  # noqa: S105 - published on purpose
DEMO_ACCOUNTS = (
    DemoAccount(
        "physician", "physician@passport.example", "physician demo lantern 2026", "Maria", "Garcia"
    ),
    DemoAccount(
        "provider",
        "provider@passport.example",
        "provider demo harbor 2026",
        "Paul",
        "Provider",
        provider_accme_id=DEMO_PROVIDER_ID,
    ),
    DemoAccount(
        "board",
        "board@passport.example",
        "board demo meadow 2026",
        "Beth",
        "Auditor",
        board_code="CA-MBC",
    ),
    DemoAccount("admin", "admin@passport.example", "admin demo granite 2026", "Ada", "Admin"),
)


@dataclass
class SeedReport:
    created_world: bool = False
    counts: dict[str, int] = field(default_factory=dict)
    accounts_created: int = 0

    def summary(self) -> str:
        if not self.created_world:
            world = "Demo world already present: nothing changed"
        else:
            world = "Seeded " + ", ".join(f"{n:,} {name}" for name, n in self.counts.items())
        return f"{world}; {self.accounts_created} demo account(s) created."


def seed_demo(session: Session, secret_key: str, today: date | None = None) -> SeedReport:
    """Create the demo world once, then the demo accounts that are missing. ``secret_key``
    (the app's) encrypts the demo staff's two-factor key."""
    today = today or date.today()
    report = SeedReport()
    exists = session.scalar(sa.select(Provider.id).where(Provider.accme_id == DEMO_PROVIDER_ID))
    if exists is None:
        report.counts = _seed_world(session, random.Random(SEED), today)
        report.created_world = True
    for account in DEMO_ACCOUNTS:
        if session.scalar(sa.select(User.id).where(User.email == account.email)) is None:
            user = create_user(
                session,
                email=account.email,
                first_name=account.first_name,
                last_name=account.last_name,
                password=account.password,
                role=Role(account.role),
                provider_accme_id=account.provider_accme_id,
                board_code=account.board_code,
            )
            if two_factor.is_required_for(user):
                user.totp_secret = two_factor.encrypt_secret(DEMO_TOTP_SECRET, secret_key)
                user.totp_enabled_at = utcnow()
            report.accounts_created += 1
    if report.created_world or report.accounts_created:
        _link_demo_physician(session, today)
    session.flush()
    return report


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _roster_rows(rng: random.Random, board: Board, count: int, today: date) -> list[dict]:
    rows, used = [], set()
    for _ in range(count):
        while True:
            if board.code == "CA-OMBC":
                number = f"20A{rng.randint(1000, 99999)}"
            else:
                number = f"{rng.choice('AAAACG')}{rng.randint(10000, 199999)}"
            if number not in used:
                used.add(number)
                break
        month = rng.randint(1, 12)
        day = rng.randint(1, calendar.monthrange(2024, month)[1])  # 2024: 02/29 is possible
        # MBC licences expire on the last day of the birth month; spread over 24 months.
        expires = _last_day(today.year, month)
        while expires < today:
            expires = _last_day(expires.year + 1, month)
        if rng.random() < 0.5:
            expires = _last_day(expires.year + 1, month)
        first_issued = date(rng.randint(1980, today.year - 1), month, 1)
        if rng.random() < 0.06:  # recently licensed: first cycle shorter than 13 months
            first_issued = today - timedelta(days=rng.randint(30, 300))
        specialty = rng.choice(SPECIALTIES)
        npi = None
        if rng.random() < 0.6:
            first_nine = f"1{rng.randint(0, 99_999_999):08d}"
            npi = first_nine + str(npi_check_digit(first_nine))
        rows.append(
            {
                "board_id": board.id,
                "license_number": number,
                "npi": npi,
                "first_name": rng.choice(FIRST_NAMES),
                "last_name": rng.choice(LAST_NAMES),
                "dob_month": month,
                "dob_day": day,
                "license_type": "Osteopathic Physician and Surgeon"
                if board.code == "CA-OMBC"
                else "Physician and Surgeon",
                "first_issued_on": first_issued,
                "expires_on": expires,
                "status": "active",
                "specialty": specialty,
                "attests_geriatric_patients": specialty in ("Internal Medicine", "Family Medicine")
                and rng.random() < 0.3,
                "cme_waiver_on_file": rng.random() < 0.01,
            }
        )
    return rows


def _activity_rows(rng: random.Random, provider_ids: list[int], today: date):
    activities, credit_links, topic_links = [], [], []
    for number in range(ACTIVITIES):
        provider_id = provider_ids[number % len(provider_ids)]
        topic = rng.choice(
            [
                "pain_eol",
                "geriatrics",
                None,
                None,
                None,
                "substance_use",
                "ethics",
                "practice_management",
                None,
            ]
        )
        title = rng.choice(TITLE_SUBJECTS[topic]) + f" {2023 + number % 4}"
        activity_type = rng.choice(list(ACTIVITY_TYPES)[:4])
        starts = today - timedelta(days=rng.randint(40, 1100))
        span = rng.randint(0, 3) if activity_type == "live" else rng.randint(30, 720)
        ends = min(starts + timedelta(days=span), today + timedelta(days=180))
        max_credits = Decimal(rng.choice([1, 1, 1.5, 2, 3, 4, 6, 8, 12, 20])).quantize(
            Decimal("0.25")
        )
        activities.append(
            {
                "provider_id": provider_id,
                "activity_code": f"{number + 1:05d}-{rng.randint(100, 999)}",
                "title": title,
                "activity_type": activity_type,
                "starts_on": starts,
                "ends_on": ends,
                "max_credits": max_credits,
            }
        )
        credit_types = ["AMA_PRA_1"]
        if rng.random() < 0.2:
            credit_types.append("AAFP_PRESCRIBED")
        if rng.random() < 0.15:
            credit_types.append("AOA_1A")
        credit_links.append(credit_types)
        topic_links.append([topic] if topic else [])
    return activities, credit_links, topic_links


def _seed_world(session: Session, rng: random.Random, today: date) -> dict[str, int]:
    boards = {b.code: b for b in session.scalars(sa.select(Board))}
    roster = _roster_rows(rng, boards["CA-MBC"], MBC_LICENSEES, today) + _roster_rows(
        rng, boards["CA-OMBC"], OMBC_LICENSEES, today
    )
    licensee_ids = list(
        session.scalars(
            sa.insert(Licensee).returning(Licensee.id, sort_by_parameter_order=True), roster
        )
    )

    providers = [
        {"accme_id": DEMO_PROVIDER_ID if i == 0 else f"DEMO-{i + 1:04d}", "name": name}
        for i, name in enumerate(PROVIDER_NAMES[:PROVIDERS])
    ]
    provider_ids = list(
        session.scalars(
            sa.insert(Provider).returning(Provider.id, sort_by_parameter_order=True), providers
        )
    )
    activities, credit_links, topic_links = _activity_rows(rng, provider_ids, today)
    activity_ids = list(
        session.scalars(
            sa.insert(Activity).returning(Activity.id, sort_by_parameter_order=True), activities
        )
    )
    session.execute(
        sa.insert(activity_credit_types),
        [
            {"activity_id": a, "credit_type_code": c}
            for a, codes in zip(activity_ids, credit_links, strict=True)
            for c in codes
        ],
    )
    topic_rows = [
        {"activity_id": a, "topic_code": t}
        for a, codes in zip(activity_ids, topic_links, strict=True)
        for t in codes
    ]
    if topic_rows:
        session.execute(sa.insert(activity_topics), topic_rows)

    uploads = {
        provider_id: session.scalar(
            sa.insert(Upload).returning(Upload.id),
            {
                "provider_id": provider_id,
                "method": UploadMethod.SEED,
                "status": "done",
                "permission_attested": True,
                "consent_basis": ConsentBasis.YEAR,
            },
        )
        for provider_id in provider_ids
    }
    completions = _completion_rows(
        rng, roster, licensee_ids, activities, activity_ids, credit_links, uploads, today
    )
    completion_ids = list(
        session.scalars(
            sa.insert(Completion).returning(Completion.id, sort_by_parameter_order=True),
            completions,
        )
    )
    session.execute(
        sa.insert(CompletionVersion),
        [
            {
                "completion_id": cid,
                "version": 1,
                "action": "add",
                "first_name": c["first_name"],
                "last_name": c["last_name"],
                "dob_month": c["dob_month"],
                "dob_day": c["dob_day"],
                "completed_on": c["completed_on"],
                "credits": c["credits"],
                "credit_type_code": c["credit_type_code"],
                "upload_id": c["last_upload_id"],
            }
            for cid, c in zip(completion_ids, completions, strict=True)
        ],
    )
    per_upload: dict[int, int] = {}
    for c in completions:
        per_upload[c["last_upload_id"]] = per_upload.get(c["last_upload_id"], 0) + 1
    for upload_id, count in per_upload.items():
        session.execute(
            sa.update(Upload)
            .where(Upload.id == upload_id)
            .values(total_rows=count, processed_rows=count, created_count=count)
        )
    return {
        "licensees": len(roster),
        "providers": len(providers),
        "activities": len(activities),
        "completions": len(completions),
        "unmatched": sum(1 for c in completions if c["match_status"] != MatchStatus.MATCHED),
    }


def _completion_rows(
    rng, roster, licensee_ids, activities, activity_ids, credit_links, uploads, today
):
    rows, keys = [], set()
    state = "CA"
    while len(rows) < COMPLETIONS:
        index = rng.randrange(len(activities))
        activity = activities[index]
        who = rng.randrange(len(roster))
        person = roster[who]
        key = f"{state}:{person['license_number']}"
        if (index, key) in keys:
            continue
        keys.add((index, key))
        last_day = min(activity["ends_on"], today)
        span = (last_day - activity["starts_on"]).days
        completed_on = activity["starts_on"] + timedelta(days=rng.randint(0, max(span, 0)))
        quarters = int(activity["max_credits"] * 4)
        credits = Decimal(rng.randint(max(1, quarters // 2), quarters)) / 4
        row = {
            "activity_id": activity_ids[index],
            "learner_key": key,
            "first_name": person["first_name"],
            "last_name": person["last_name"],
            "dob_month": person["dob_month"],
            "dob_day": person["dob_day"],
            "license_state": state,
            "license_number": person["license_number"],
            "board_id": person["board_id"],
            "completed_on": completed_on,
            "credits": credits,
            "credit_type_code": credit_links[index][-1] if rng.random() < 0.1 else "AMA_PRA_1",
            "consent_basis": rng.choice(list(ConsentBasis)).value,
            "licensee_id": licensee_ids[who],
            "match_status": MatchStatus.MATCHED.value,
            "last_upload_id": uploads[activity["provider_id"]],
        }
        if len(rows) < UNMATCHED:  # a few records that do not match the roster
            if len(rows) % 2:
                # A well-formed number that is on no roster (demo numbers stay below 200000).
                prefix = (
                    "20A" if row["license_number"].startswith("20A") else row["license_number"][0]
                )
                row["license_number"] = f"{prefix}{999000 + len(rows)}"
                row["learner_key"] = f"{state}:{row['license_number']}"
                row["match_status"] = MatchStatus.NO_SUCH_LICENSE.value
            else:
                row["last_name"] = row["last_name"] + "son"
                row["match_status"] = MatchStatus.IDENTITY_MISMATCH.value
            row["licensee_id"] = None
            if (index, row["learner_key"]) in keys and row["learner_key"] != key:
                continue
            keys.add((index, row["learner_key"]))
        rows.append(row)
    return rows


def _link_demo_physician(session: Session, today: date) -> None:
    """Link the demo physician to a licence with credits, and raise a few discrepancies."""
    physician = session.scalar(sa.select(User).where(User.email == DEMO_ACCOUNTS[0].email))
    if physician is None or session.scalar(
        sa.select(LicenseLink.id).where(LicenseLink.user_id == physician.id)
    ):
        return
    # The MBC licensee with the most matched credits from the demo provider becomes Dr. Garcia.
    demo_provider_id = session.scalar(
        sa.select(Provider.id).where(Provider.accme_id == DEMO_PROVIDER_ID)
    )
    licensee_id = session.scalar(
        sa.select(Completion.licensee_id)
        .join(Activity, Completion.activity_id == Activity.id)
        .join(Licensee, Completion.licensee_id == Licensee.id)
        .join(Board, Licensee.board_id == Board.id)
        .where(Board.code == "CA-MBC", Activity.provider_id == demo_provider_id)
        .group_by(Completion.licensee_id)
        .order_by(sa.func.count().desc(), Completion.licensee_id)
        .limit(1)
    )
    if licensee_id is None:
        return
    licensee = session.get(Licensee, licensee_id)
    # The demo account takes the roster's name, as a real physician's account would.
    physician.first_name, physician.last_name = licensee.first_name, licensee.last_name
    session.add(LicenseLink(user_id=physician.id, licensee_id=licensee_id))
    completions = list(
        session.scalars(
            sa.select(Completion)
            .join(Activity, Completion.activity_id == Activity.id)
            .where(Completion.licensee_id == licensee_id, Activity.provider_id == demo_provider_id)
            .order_by(Completion.completed_on.desc())
            .limit(2)
        )
    )
    for completion, kind, note in zip(
        completions,
        ("credits_wrong", "date_wrong"),
        (
            "I attended the full day; the certificate says 2 more hours.",
            "I completed this the week before the date shown.",
        ),
        strict=False,
    ):
        discrepancy = Discrepancy(
            licensee_id=licensee_id,
            raised_by_user_id=physician.id,
            completion_id=completion.id,
            activity_id=completion.activity_id,
            kind=kind,
            claimed_credits=completion.credits + 2 if kind == "credits_wrong" else None,
            claimed_completed_on=completion.completed_on - timedelta(days=7)
            if kind == "date_wrong"
            else None,
        )
        session.add(discrepancy)
        session.flush()
        session.add(
            DiscrepancyMessage(
                discrepancy_id=discrepancy.id,
                author_user_id=physician.id,
                event="raised",
                body=note,
            )
        )
