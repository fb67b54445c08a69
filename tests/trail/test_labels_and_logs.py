"""The logs a person can read (issue 21, item 6): every action the code writes has words
in ``trail.labels``; the access log and the audit trail show them, with details as
sentences, filter by who, what, which licensee and when, and export as .csv."""

from __future__ import annotations

import ast
import csv
import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from passport.audit import documentation
from passport.models import AccessLogEntry, DiscrepancyMessage
from passport.trail.labels import ACTION_LABELS, describe_detail
from passport.trail.queries import LogFilters, access_log_page
from passport.trail.services import record_event
from tests import factories
from tests.conftest import sign_in_as

PACKAGE = Path(__file__).resolve().parents[2] / "passport"

# Calls whose positional argument (by index) is an action code.
ACTION_ARGUMENTS = {"record_own_action": 2, "_set_password": 3, "log_look": 0}


def _discrepancy_events() -> list[str]:
    check = next(
        c
        for c in DiscrepancyMessage.__table__.constraints
        if "event IN" in str(getattr(c, "sqltext", ""))
    )
    return re.findall(r"'(\w+)'", str(check.sqltext))


# Actions built at run time: the f-string's fixed start, and every value it can end with.
DYNAMIC_ACTIONS = {
    "discrepancy.": _discrepancy_events(),
    "documentation.": list(documentation.DECISIONS),
}


def _strings(node: ast.AST, where: str, dynamic: set[str]) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _strings(node.body, where, dynamic) + _strings(node.orelse, where, dynamic)
    if isinstance(node, ast.JoinedStr):
        prefix = node.values[0].value if isinstance(node.values[0], ast.Constant) else ""
        dynamic.add(prefix)
        return [prefix + end for end in DYNAMIC_ACTIONS.get(prefix, [f"<{where}>"])]
    return []  # a name passed through (a wrapper's parameter): its callers are walked


def _written_actions() -> tuple[set[str], set[str]]:
    """Every action string the source writes, read with ``ast``, and the dynamic starts."""
    found: set[str] = set()
    dynamic: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        where = str(path.relative_to(PACKAGE))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                for keyword in node.keywords:
                    if keyword.arg == "action":
                        found.update(_strings(keyword.value, where, dynamic))
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                index = ACTION_ARGUMENTS.get(name)
                if index is not None and len(node.args) > index:
                    found.update(_strings(node.args[index], where, dynamic))
            # ``for action, objects in (("licensee.created", ...), ...)`` (the roster import)
            if (
                isinstance(node, ast.For)
                and isinstance(node.target, ast.Tuple)
                and getattr(node.target.elts[0], "id", "") == "action"
                and isinstance(node.iter, ast.Tuple)
            ):
                for element in node.iter.elts:
                    if isinstance(element, ast.Tuple):
                        found.update(_strings(element.elts[0], where, dynamic))
    # Completion versions' own ``action`` column ("add", "update", "delete") is not the trail.
    return {action for action in found if "." in action}, dynamic


def test_the_walk_finds_the_known_actions():
    actions, _ = _written_actions()
    for known in (
        "licensee.view",  # log_board_access(action=...)
        "audit.export",  # log_look("...")
        "user.password_reset",  # _set_password(..., "...")
        "user.two_factor_enabled",  # record_own_action(...)
        "licensee.deactivated",  # the roster import's loop
        "discrepancy.withdrawn",  # f"discrepancy.{event}"
        "documentation.rejected",  # f"documentation.{decision}"
    ):
        assert known in actions


def test_every_action_the_code_writes_has_a_label():
    actions, dynamic = _written_actions()
    assert dynamic <= set(DYNAMIC_ACTIONS), "a new f-string action: list its values above"
    assert sorted(actions - set(ACTION_LABELS)) == []


def test_details_read_as_sentences():
    assert describe_detail({"status": "failed", "bulk": True}) == (
        "Status failed; for several cases at once."
    )
    assert describe_detail({"seed": 7, "population": 20, "count": 3}) == (
        "Seed 7; drawn from 20; licensees drawn 3."
    )
    assert describe_detail({"requirements": ["pain_eol", "total"]}) == (
        "Requirements pain_eol, total."
    )
    assert describe_detail({"sha256": "a" * 64}) == "File digest aaaaaaaaaaaa…."
    assert describe_detail(None) == "" and describe_detail("already words") == "already words"


def _entry(db_session, user, licensee, action, days_ago=0, detail=None):
    entry = AccessLogEntry(
        user_id=user.id,
        board_id=user.board_id,
        licensee_id=licensee.id if licensee else None,
        action=action,
        detail=detail,
        accessed_at=datetime.now(UTC) - timedelta(days=days_ago),
    )
    db_session.add(entry)
    db_session.commit()
    return entry


@pytest.fixture
def access_log(db_session, board_user):
    colleague = factories.BoardStaffFactory(first_name="Casey", last_name="Colleague")
    first, second = factories.LicenseeFactory(), factories.LicenseeFactory()
    return {
        "mine_old": _entry(db_session, board_user, first, "licensee.view", days_ago=40),
        "mine_new": _entry(db_session, board_user, second, "licensee.transcript_pdf"),
        "colleague": _entry(db_session, colleague, first, "audit.export", detail="3 licensees"),
        "first": first,
        "colleague_user": colleague,
    }


def _ids(db_session, board_user, **args) -> set[int]:
    from passport.audit.logs import resolve

    filters = LogFilters.from_args(args)
    ids = resolve(db_session, filters, board_id=board_user.board_id)
    return {
        entry.id for entry in access_log_page(db_session, board_user.board_id, filters, ids).items
    }


def test_the_access_log_filters(db_session, board_user, access_log):
    old, new, colleague = access_log["mine_old"], access_log["mine_new"], access_log["colleague"]
    assert _ids(db_session, board_user) == {old.id, new.id, colleague.id}
    assert _ids(db_session, board_user, who="casey") == {colleague.id}
    assert _ids(db_session, board_user, who=access_log["colleague_user"].email) == {colleague.id}
    assert _ids(db_session, board_user, action="licensee.view") == {old.id}
    number = access_log["first"].license_number.lower()
    assert _ids(db_session, board_user, licensee=number) == {old.id, colleague.id}
    since = (datetime.now(UTC) - timedelta(days=10)).date().isoformat()
    assert _ids(db_session, board_user, **{"from": since}) == {new.id, colleague.id}
    until = (datetime.now(UTC) - timedelta(days=30)).date().isoformat()
    assert _ids(db_session, board_user, to=until) == {old.id}
    assert _ids(db_session, board_user, who="nobody-at-all") == set()


def test_the_access_log_in_words_and_its_export(app, db_session, board_user, access_log):
    client = sign_in_as(app.test_client(), board_user)
    page = client.get("/board/access-log").get_data(as_text=True)
    rows = page.split("<tbody>")[1]
    assert "Opened a licensee&#39;s record" in rows and "Exported the audit worklist" in rows
    assert "licensee.view" not in rows
    filtered = client.get("/board/access-log?action=audit.export").get_data(as_text=True)
    assert "Exported the audit worklist" in filtered.split("<tbody>")[1]
    assert "Downloaded a licensee" not in filtered.split("<tbody>")[1]
    export = client.get("/board/access-log.csv?who=casey")
    assert export.status_code == 200 and export.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(export.data.decode("utf-8-sig"))))
    assert [row["What"] for row in rows] == ["Exported the audit worklist"]
    assert rows[0]["Detail"] == "3 licensees"


def test_a_worklist_export_is_logged_in_words(app, board_user):
    client = sign_in_as(app.test_client(), board_user)
    client.get("/board/audit.csv?status=short")
    rows = client.get("/board/access-log").get_data(as_text=True).split("<tbody>")[1]
    assert "licensees as .csv, expiring" in rows and "status Short" in rows
    assert "{" not in rows  # no Python dict


def test_the_audit_trail_filters_and_exports_in_words(admin_client, db_session, admin_user):
    licensee = factories.LicenseeFactory()
    record_event(
        db_session,
        actor_user_id=admin_user.id,
        action="audit_sample.drawn",
        object_type="audit_sample",
        object_id=5,
        detail={"seed": 7, "population": 20, "count": 3},
    )
    record_event(
        db_session,
        actor_user_id=None,
        action="licensee.updated",
        object_type="licensee",
        object_id=licensee.id,
        detail={"license_number": licensee.license_number},
    )
    db_session.commit()
    rows = admin_client.get("/admin/audit-trail").get_data(as_text=True).split("<tbody>")[1]
    assert "Audit sample drawn" in rows and "Seed 7; drawn from 20; licensees drawn 3." in rows
    assert "{&#39;seed&#39;" not in rows and "audit_sample.drawn" not in rows
    by_licensee = admin_client.get(f"/admin/audit-trail?licensee={licensee.license_number}")
    rows = by_licensee.get_data(as_text=True).split("<tbody>")[1]
    assert "Licensee updated from the roster" in rows and "Audit sample drawn" not in rows
    by_who = admin_client.get(f"/admin/audit-trail?who={admin_user.email}")
    assert "Licensee updated" not in by_who.get_data(as_text=True).split("<tbody>")[1]
    tomorrow = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()
    later = admin_client.get(f"/admin/audit-trail?from={tomorrow}").get_data(as_text=True)
    assert "No entry matches these filters" in later
    export = admin_client.get("/admin/audit-trail.csv?action=audit_sample.")
    rows = list(csv.DictReader(io.StringIO(export.data.decode("utf-8-sig"))))
    assert [(row["Action"], row["Object"], row["Detail"]) for row in rows] == [
        ("Audit sample drawn", "Audit sample", "Seed 7; drawn from 20; licensees drawn 3.")
    ]
