"""Provider staff upload an .xlsx with some bad rows, read the outcome report, fix an
unmatched record and answer a physician's discrepancy."""

from __future__ import annotations

import re
from datetime import date

from openpyxl import Workbook

from passport.demo import DEMO_PROVIDER_ID
from passport.reporting.records import COLUMN_TITLES, Field


def _learner_file(live_server, path) -> tuple[str, str]:
    """Three good rows, one whose last name disagrees with the roster, two bad rows.
    Returns the mismatched learner's licence number and their real last name."""
    code, starts_on = live_server.query(
        """SELECT a.activity_code, a.starts_on FROM activities a
             JOIN providers p ON p.id = a.provider_id
             JOIN activity_credit_types t
               ON t.activity_id = a.id AND t.credit_type_code = 'AMA_PRA_1'
            WHERE p.accme_id = ? AND a.starts_on <= date('now', '-10 days')
              AND a.ends_on >= a.starts_on AND a.max_credits_hundredths >= 200
            ORDER BY a.id LIMIT 1""",
        DEMO_PROVIDER_ID,
    )[0]
    learners = live_server.query(
        """SELECT l.license_number, l.first_name, l.last_name, l.dob_month, l.dob_day
             FROM licensees l JOIN boards b ON b.id = l.board_id
            WHERE b.code = 'CA-MBC' AND NOT EXISTS (
                  SELECT 1 FROM completions c JOIN activities a ON a.id = c.activity_id
                   WHERE c.licensee_id = l.id AND a.activity_code = ?)
            ORDER BY l.id DESC LIMIT 4""",
        code,
    )
    completed = date.fromisoformat(starts_on).strftime("%m/%d/%Y")
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([COLUMN_TITLES[field] for field in list(Field)[:10]])
    for number, (license_number, first, last, month, day) in enumerate(learners):
        surname = "Wrongname" if number == 3 else last
        sheet.append(
            [
                "Add",
                code,
                completed,
                first,
                surname,
                f"{month:02d}/{day:02d}",
                "CA",
                license_number,
                1,
                "AMA PRA Category 1",
            ]
        )
    sheet.append(
        ["Add", code, completed, "Bad", "Credits", "04/12", "CA", "A100", 0.3, "AMA PRA Category 1"]
    )
    sheet.append(
        [
            "Add",
            code,
            "01/01/2999",
            "Future",
            "Date",
            "13/40",
            "CA",
            "A101",
            1,
            "AMA PRA Category 1",
        ]
    )
    workbook.save(path)
    return learners[3][0], learners[3][2]


def test_provider_uploads_reads_outcomes_fixes_unmatched_and_answers(visit, live_server, tmp_path):
    page = visit.page
    upload = tmp_path / "learners.xlsx"
    license_number, real_last_name = _learner_file(live_server, upload)
    visit.sign_in("provider")

    nav = page.get_by_role("navigation", name="Provider")
    nav.get_by_role("link", name="Upload a file").click()
    visit.page_done()
    page.get_by_label("File (.xlsx, .csv or .xml)").set_input_files(str(upload))
    page.get_by_label(re.compile("I confirm every learner")).check()
    page.get_by_role("button", name=re.compile("Upload")).click()
    # The job runs; the page follows it without reloading and ends with a notice and a link
    # to the outcomes (unless the job was done before the page was first shown).
    page.wait_for_selector("section.stats, #progress-notice a", timeout=60_000)
    if page.locator("#progress-notice a").count():
        assert "not matched" in page.locator("#progress-notice").inner_text()
        visit.page_done("upload-finished-notice")
        page.get_by_role("link", name="Show the outcomes").click()
        page.wait_for_selector("section.stats")
    visit.page_done("upload-outcome")
    assert "will not appear on a transcript" in page.locator("#outcome-notice").inner_text()
    stats = page.get_by_role("region", name="Outcome")
    assert re.search(r"4\s*created", stats.inner_text())
    assert re.search(r"2\s*rejected", stats.inner_text())

    stats.get_by_role("link", name=re.compile("rejected")).click()
    visit.page_done("rejected-rows")
    problems = page.get_by_role("table", name="Rejected rows").locator("tbody").inner_text()
    assert "quarter-hour" in problems and "future" in problems.lower()
    assert "Not a real month and day" in problems
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the outcome report (.xlsx)").click()
    assert download.value.suggested_filename.endswith("-outcomes.xlsx")

    nav.get_by_role("link", name="Unmatched records").click()
    visit.page_done()
    page.get_by_role("row", name=re.compile(license_number)).get_by_role(
        "link", name="Correct"
    ).click()
    visit.page_done()
    page.get_by_label("Last name").fill(real_last_name)
    page.get_by_role("button", name="Save and match again").click()
    visit.page_done("corrected")
    assert page.get_by_text(re.compile("[Mm]atched")).first.is_visible()

    nav.get_by_role("link", name="Discrepancies").click()
    visit.page_done()
    page.locator("table tbody tr td a").first.click()
    visit.page_done()
    page.get_by_label("Message").fill(
        "We are checking the sign-in sheet and will correct it this week."
    )
    page.get_by_role("button", name="Send reply").click()
    visit.page_done("replied")
    assert page.get_by_text("We are checking the sign-in sheet").is_visible()
