"""A physician signs up, links a licence, filters the transcript, flags a record and
downloads the PDF transcript."""

from __future__ import annotations

import re


def _unlinked_licensee_with_credit(live_server) -> tuple[str, str, str, str]:
    """A demo MBC licensee nobody has linked yet, with credits from several activities."""
    number, first, last, month, day = live_server.query(
        """SELECT l.license_number, l.first_name, l.last_name, l.dob_month, l.dob_day
             FROM licensees l JOIN boards b ON b.id = l.board_id
            WHERE b.code = 'CA-MBC'
              AND NOT EXISTS (SELECT 1 FROM license_links k WHERE k.licensee_id = l.id)
              AND (SELECT count(*) FROM completions c
                    WHERE c.licensee_id = l.id AND c.deleted_at IS NULL) >= 3
            ORDER BY l.id LIMIT 1"""
    )[0]
    return number, first, last, f"{month:02d}/{day:02d}"


def test_physician_signs_up_links_filters_flags_and_downloads(visit, live_server):
    page = visit.page
    number, first, last, dob = _unlinked_licensee_with_credit(live_server)

    visit.go("/sign-up")
    page.get_by_label("Email").fill(f"dr.{number.lower()}@clinic.example")
    page.get_by_label("First name").fill(first)
    page.get_by_label("Last name").fill(last)
    page.get_by_label("Password", exact=True).fill("violet harbor lantern 2026")
    page.get_by_label("Repeat password").fill("violet harbor lantern 2026")
    page.get_by_role("button", name="Create account").click()
    visit.page_done("after-sign-up")
    visit.go(live_server.mailed_link(f"dr.{number.lower()}@clinic.example", "/confirm-email/"))
    visit.page_done("e-mail-confirmed")
    # Sign-up signs no one in: its answer is the same whether or not the address had an
    # account (issue 20), so the new physician signs in now.
    visit.go("/sign-in")
    page.get_by_label("Email").fill(f"dr.{number.lower()}@clinic.example")
    page.get_by_label("Password").fill("violet harbor lantern 2026")
    page.get_by_role("button", name="Sign in").click()
    visit.page_done("signed-in")

    page.get_by_role("navigation", name="Physician").get_by_role(
        "link", name="Link a license"
    ).click()
    visit.page_done()
    (board_id,) = live_server.query("SELECT id FROM boards WHERE code = 'CA-MBC'")[0]
    page.get_by_label("Board").select_option(str(board_id))
    page.get_by_label("License number").fill(number.lower())  # as people type it
    page.get_by_label("Last name").fill(last.upper())
    page.get_by_label("Date of birth (month and day)").fill(dob)
    page.get_by_role("button", name="Link license").click()
    visit.page_done("linked")
    assert number in page.content()

    page.get_by_role("navigation", name="Physician").get_by_role("link", name="Transcript").click()
    visit.page_done()
    page.get_by_label("Period").select_option("all")
    page.get_by_role("button", name="Apply").click()
    visit.page_done("transcript-all-dates")
    assert "cycle=all" in page.url
    rows = page.locator("table.data tbody tr")
    assert rows.count() >= 3

    page.get_by_role("link", name=re.compile("^Flag ")).first.click()
    visit.page_done()
    page.get_by_label("The credits are wrong").check()
    page.get_by_label("The right number of credits").fill("3.25")
    page.get_by_label("Note to the provider").fill("My certificate says 3.25 hours.")
    page.get_by_role("button", name="Send to the provider").click()
    visit.page_done("flagged")
    assert page.get_by_text("My certificate says 3.25 hours.").is_visible()

    page.get_by_role("navigation", name="Physician").get_by_role("link", name="Transcript").click()
    visit.page_done()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download PDF").click()
    pdf = download.value.path().read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 5_000
