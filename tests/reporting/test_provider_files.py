"""Issue 22: the files providers already have (MedBiquitous ActivityReport XML, an Excel
template built for Excel) and outcomes that say at once what reached no physician."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from passport.models import Completion, Upload
from passport.reporting.outcomes import iter_upload_rows, match_counts
from passport.reporting.parsers import FileRefused
from passport.reporting.records import MEDBIQ_ELEMENTS
from tests.api.conftest import credentials, oauth_client  # noqa: F401 - fixtures
from tests.conftest import sign_in_as
from tests.reporting.helpers import (
    csv_bytes,
    medbiq_bytes,
    medbiq_report,
    row,
    xlsx_bytes,
    xml_bytes,
)
from tests.reporting.test_pipeline import upload_file

# One of each outcome that matters, with one learner not on the roster and one whose
# date of birth differs (both stored, both not matched).
SAME_RECORDS = [
    row(),  # created, matched
    row(license_or_npi="A999999", first_name="Ann", last_name="Nobody"),  # not on the roster
    row(license_or_npi="20A12345", last_name="O'Brien-Núñez Jr.", date_of_birth="02/28"),
    row(credits="0.3", license_or_npi="1234567893"),  # rejected: not a quarter hour
    row(activity_id="NOT-OURS"),  # rejected: unknown activity
]


def _summary(db_session, upload):
    return [
        (o.outcome, o.match_status, sorted(e["field"] for e in o.errors or []))
        for o in iter_upload_rows(db_session, upload.id)
    ]


def _api_records(world):
    records = []
    for values in SAME_RECORDS:
        identifier = values["license_or_npi"]
        is_npi = identifier.isdigit() and len(identifier) == 10
        month, day, year = values["completion_date"].split("/")
        records.append(
            {
                "activity_id": values["activity_id"],
                "completion_date": f"{year}-{month}-{day}",
                "first_name": values["first_name"],
                "last_name": values["last_name"],
                "date_of_birth": "--" + values["date_of_birth"].replace("/", "-"),
                "licensing_state": None if is_npi else "CA",
                "license_number": None if is_npi else identifier,
                "npi": identifier if is_npi else None,
                "credits": values["credits"],
                "credit_type": values["credit_type"],
            }
        )
    return records


def test_every_way_in_gives_the_same_outcomes(app, db_session, world, tmp_path, credentials):  # noqa: F811
    expected = [
        ("created", "matched", []),
        ("created", "no_such_license", []),
        ("created", "identity_mismatch", []),
        ("rejected", None, ["credits"]),
        ("rejected", None, ["activity_id"]),
    ]
    results = {}
    for name, builder in (
        ("a.xlsx", xlsx_bytes),
        ("a.csv", csv_bytes),
        ("a.xml", xml_bytes),
        ("m.xml", medbiq_bytes),
    ):
        upload, _ = upload_file(db_session, world, tmp_path, name, builder(SAME_RECORDS))
        results[name] = _summary(db_session, upload)
        db_session.execute(sa.delete(Completion))  # each format starts afresh
        db_session.commit()
    with oauth_client(app, credentials) as api:
        body = {"permission_attested": True, "records": _api_records(world)}
        answer = api.post("/api/v1/completions", json=body).json()
        results["api"] = [
            (r["outcome"], r["match_status"], sorted(e["field"] for e in r["errors"]))
            for r in answer["records"]
        ]
        assert answer["counts"]["not_matched"] == 2
        assert answer["unmatched_url"].endswith("/api/v1/completions?unmatched=true")
        db_session.execute(sa.delete(Completion))
        db_session.commit()
        xml = api.post(
            "/api/v1/completions?permission_attested=true&permission_scope=year",
            content=medbiq_bytes(SAME_RECORDS),
            headers={"Content-Type": "application/xml"},
        ).json()
        field_of = {path: field.value for field, path in MEDBIQ_ELEMENTS.items()}
        results["api-medbiq"] = [
            (r["outcome"], r["match_status"], sorted(field_of[e["field"]] for e in r["errors"]))
            for r in xml["records"]
        ]
    for name, outcome in results.items():
        assert outcome == expected, name


def _medbiq(db_session, world, tmp_path, content, name="m.xml"):
    upload, counts = upload_file(db_session, world, tmp_path, name, content)
    return upload, counts, list(iter_upload_rows(db_session, upload.id))


def test_medbiquitous_adds_and_deletes(db_session, world, tmp_path):
    _medbiq(db_session, world, tmp_path, medbiq_bytes([row()]))
    upload, counts, rows = _medbiq(
        db_session, world, tmp_path, medbiq_bytes([row(record_action="Delete")]), "d.xml"
    )
    assert (counts.deleted, rows[0].outcome) == (1, "deleted")
    assert upload.file_format == "medbiq"
    assert db_session.scalar(sa.select(Completion.deleted_at)) is not None


@pytest.mark.parametrize(
    ("domain", "identifier", "column", "value"),
    [
        ("idd:accme.org:CA", "A123456", "license_number", "A123456"),
        ("idd:mbc.ca.gov:license:ca", "a123456", "license_number", "A123456"),
        ("idd:accme.org:NPI", "1234567893", "npi", "1234567893"),
        ("idd:cms.gov:npi", "1234567893", "npi", "1234567893"),
    ],
)
def test_medbiquitous_license_and_npi_domains(
    db_session, world, tmp_path, domain, identifier, column, value
):
    report = medbiq_report(row(license_or_npi=identifier), domain=domain)
    _, counts, rows = _medbiq(db_session, world, tmp_path, medbiq_bytes([], [report]))
    assert counts.created == 1 and rows[0].match_status == "matched"
    completion = db_session.scalar(sa.select(Completion))
    assert getattr(completion, column) == value and completion.licensee_id == world.jane.id
    assert (completion.dob_month, completion.dob_day) == (4, 12)  # the year 1900 is not kept


def test_medbiquitous_problems_name_the_record_and_element(app, db_session, world, tmp_path):
    reports = [
        medbiq_report(row(date_of_birth="13/45")),  # a bad date of birth
        medbiq_report(row(credits="1.3")),  # not a quarter hour
        medbiq_report(row(activity_id="NOPE")),  # an activity the provider does not have
        medbiq_report(row(), domain="idd:provider.example:learner"),  # no license or NPI
    ]
    upload, counts, rows = _medbiq(db_session, world, tmp_path, medbiq_bytes([], reports))
    assert counts.rejected == 4 and [r.row_number for r in rows] == [1, 2, 3, 4]
    client = sign_in_as(app.test_client(), world.staff)
    page = client.get(f"/provider/uploads/{upload.id}").get_data(as_text=True)
    assert "Member/PersonalInfo/BirthDate" in page and "(sent: “13/45”)" in page
    assert "CreditCertificate/CreditReceived/numberOfCredits" in page
    assert "Module/ModuleName@moduleID" in page and "NOPE" in page
    assert "idd:provider.example:learner" in page
    assert "1900" not in page  # the year of birth is never shown nor kept


@pytest.mark.parametrize(
    "prolog",
    [
        "<!DOCTYPE ActivityReports [<!ENTITY x 'boom'>]>",
        "<!DOCTYPE ActivityReports [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>",
        "<!DOCTYPE ActivityReports SYSTEM 'http://127.0.0.1:1/evil.dtd'>",
    ],
)
def test_medbiquitous_with_a_dtd_is_refused_unexpanded(db_session, world, tmp_path, prolog):
    content = medbiq_bytes([row(first_name="&x;")], prolog=prolog).replace(b"&amp;x;", b"&x;")
    with pytest.raises(FileRefused, match="DTD"):
        upload_file(db_session, world, tmp_path, "m.xml", content)
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Completion)) == 0


def test_counts_and_reports_with_unmatched_rows(app, db_session, world, tmp_path):
    upload, _ = upload_file(db_session, world, tmp_path, "a.csv", csv_bytes(SAME_RECORDS))
    counts = match_counts(db_session, [upload.id])[upload.id]
    assert (counts.matched, counts.not_matched, counts.waiting) == (1, 2, 0)
    client = sign_in_as(app.test_client(), world.staff)
    page = client.get(f"/provider/uploads/{upload.id}").get_data(as_text=True)
    assert "4 learners will not appear on a transcript" in page
    assert f"/provider/unmatched?upload={upload.id}" in page
    assert "No licensee with this licence number" in page
    assert "Number of CME Credits" in page and "(sent: “0.3”)" in page  # the file's title
    only = client.get(f"/provider/uploads/{upload.id}?outcome=not_matched").get_data(as_text=True)
    assert only.count("outcome-unmatched") == 2
    summary = upload.problem_summary
    assert {(e["field"], e["count"]) for e in summary} == {("credits", 1), ("activity_id", 1)}
    report = client.get(f"/provider/uploads/{upload.id}/report.xlsx")
    workbook = load_workbook(io.BytesIO(report.data), read_only=True)
    rows = list(workbook["Outcomes"].iter_rows(values_only=True))
    assert rows[0][:5] == ("Row", "Outcome", "Problems", "Match", "Match reason")
    assert [r[3] for r in rows[1:]] == ["Matched", "Not matched", "Not matched", None, None]
    assert "unmatched queue" in rows[2][4]
    problems = list(workbook["Problems"].iter_rows(values_only=True))
    assert problems[0] == ("Field", "Problem", "Rows", "First rows", "Values sent")
    assert len(problems) == 3
    queue = client.get(f"/provider/unmatched?upload={upload.id}").get_data(as_text=True)
    assert "Nobody" in queue and "O&#39;Brien" in queue
    listed = client.get("/provider/uploads").get_data(as_text=True)
    assert f'/provider/unmatched?upload={upload.id}">2</a>' in listed
    progress = client.get(f"/provider/uploads/{upload.id}/progress").get_json()
    assert progress["status"] == "done" and "2 not matched" in progress["notice"]


def test_a_file_with_the_same_mistake_everywhere_reads_as_one_line(db_session, world, tmp_path):
    rows = [row(date_of_birth="13/04", license_or_npi=f"A{100000 + i}") for i in range(300)]
    upload, counts = upload_file(db_session, world, tmp_path, "a.csv", csv_bytes(rows))
    assert counts.rejected == 300
    (line,) = upload.problem_summary
    assert line["field"] == "date_of_birth" and line["count"] == 300
    assert "day first (DD/MM): write the month first, 04/13" in line["message"]
    assert line["rows"] == [2, 3, 4, 5, 6] and line["values"] == ["13/04"]


def test_hints_for_a_birthday_excel_turned_into_a_date(db_session, world, tmp_path):
    rows = [row(date_of_birth="45759"), row(date_of_birth="12-Apr", license_or_npi="A100001")]
    upload, _ = upload_file(db_session, world, tmp_path, "a.csv", csv_bytes(rows))
    messages = " ".join(e["message"] for e in upload.problem_summary)
    assert "45759 is 04/12/2025" in messages and "format the column as Text" in messages
    day_first = row(completion_date="25/04/2026", license_or_npi="A100002")
    upload, _ = upload_file(db_session, world, tmp_path, "b.csv", csv_bytes([day_first]))
    assert "write 04/25/2026" in upload.problem_summary[0]["message"]


def test_the_template_is_built_for_excel(app, world):
    client = sign_in_as(app.test_client(), world.staff)
    response = client.get("/provider/uploads/template.xlsx")
    workbook = load_workbook(io.BytesIO(response.data))
    sheet = workbook["Completions"]
    header = [cell.value for cell in sheet[1]]
    assert header[:2] == ["Record Action", "Activity ID"] and "Licensing ID or NPI" in header
    column = {title: cell.column_letter for title, cell in zip(header, sheet[1], strict=True)}
    assert sheet.freeze_panes == "A2"
    for title in ("Date of Birth (MM/DD)", "Licensing ID or NPI"):
        assert sheet.column_dimensions[column[title]].number_format == "@"
        assert sheet[f"{column[title]}2"].number_format == "@"
    assert sheet[f"{column['Date of Birth (MM/DD)']}2"].value == "04/12"  # text, not a date
    assert sheet[f"{column['Completion Date']}2"].is_date
    assert sheet.column_dimensions[column["Credit Type"]].width >= 25
    rules = {str(v.sqref).split(":")[0]: v for v in sheet.data_validations.dataValidation}
    lists = workbook["Lists"]
    assert lists.sheet_state == "hidden"

    def choices(title):
        rule = rules[f"{column[title]}2"]
        assert rule.type == "list" and str(rule.sqref).endswith("10001")
        cells = rule.formula1.split("!")[1].replace("$", "").split(":")
        return [c.value for r in lists[cells[0] : cells[1]] for c in r]

    assert choices("Record Action") == ["Add", "Delete"]
    assert choices("Licensing State") == ["CA"]
    assert "AMA PRA Category 1 Credit" in choices("Credit Type")
    assert workbook["Instructions"]["A1"].value.startswith("How to fill in")


def test_the_web_form_answers_in_one_pass_and_keeps_the_activity(app, db_session, world):
    from tests.reporting.helpers import completion_form

    client = sign_in_as(app.test_client(), world.staff)
    form = completion_form(date_of_birth="02/30", permission_attested="")
    page = client.post("/provider/completions/new", data=form).get_data(as_text=True)
    assert "confirm the learner" in page and "Not a real month and day" in page
    assert page.index('name="permission_attested"') < page.index('name="record_action"')
    response = client.post("/provider/completions/new", data=completion_form(last_name="Dough"))
    assert response.status_code == 302 and "activity=ACT-1" in response.headers["Location"]
    follow = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Record created. Not matched: A licensee with this licence number exists" in follow
    assert 'href="/provider/unmatched"' in follow
    assert '<option selected value="ACT-1">' in follow or 'value="ACT-1" selected' in follow
    assert date.today().strftime("%m/%d/%Y") in follow


def test_check_learners_counts_filters_and_downloads(app, db_session, world):
    client = sign_in_as(app.test_client(), world.staff)
    content = (
        b"First Name,Last Name,Date of Birth (MM/DD),Licensing State,Licensing ID or NPI\n"
        b"Jane,Doe,04/12,CA,A123456\nJane,Smith,04/12,CA,A123456\nAl,Bo,13/01,CA,A1\n"
    )
    response = client.post(
        "/provider/prevalidate",
        data={"file": (io.BytesIO(content), "l.csv")},
        content_type="multipart/form-data",
    )
    results = response.headers["Location"]
    only = client.get(results + "?result=not_matched").get_data(as_text=True)
    assert only.count('class="check-not_matched"') == 1 and "Smith" in only and "Bo<" not in only
    sheet = load_workbook(io.BytesIO(client.get(results + "/learners.xlsx").data)).active
    assert [r[3] for r in sheet.iter_rows(min_row=2, values_only=True)] == [
        "Matched",
        "Not matched",
        "Fix first",
    ]
    other = factories_staff()
    assert sign_in_as(app.test_client(), other).get(results).status_code == 403


def factories_staff():
    from tests import factories

    return factories.ProviderStaffFactory()


def test_activities_list_counts_and_every_completion_exports(app, db_session, world, tmp_path):
    upload_file(db_session, world, tmp_path, "a.csv", csv_bytes(SAME_RECORDS))
    client = sign_in_as(app.test_client(), world.staff)
    page = client.get("/provider/activities").get_data(as_text=True)
    assert ">3</td>" in page and ">2</a>" in page and "current" in page
    sheet = load_workbook(io.BytesIO(client.get("/provider/completions/export.xlsx").data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Record Action", "Activity ID") and rows[0][-1] == "Match"
    assert len(rows) == 4 and sorted(r[-1] for r in rows[1:]) == [
        "Matched",
        "Not matched",
        "Not matched",
    ]
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Upload)) == 1
    assert all(r[5] in ("04/12", "02/28") for r in rows[1:])  # month and day, as text
    assert rows[1][2].date() <= date.today() - timedelta(days=1)
