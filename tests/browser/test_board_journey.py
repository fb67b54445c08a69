"""Board staff: open the audit, drill into a licensee, draw a sample, export."""

from __future__ import annotations

import re


def test_board_audits_drills_down_samples_and_exports(visit):
    page = visit.page
    visit.sign_in("board")
    page.get_by_role("navigation", name="Board").get_by_role("link", name="Audit").click()
    visit.page_done()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Licensees renewing")

    first_licensee = page.locator("table.data tbody tr td a").first
    license_number = first_licensee.inner_text()
    first_licensee.click()
    visit.page_done()
    assert license_number in page.content()
    assert page.get_by_text(re.compile("Requirement|requirement")).first.is_visible()

    page.get_by_role("navigation", name="Board").get_by_role("link", name="Audit").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Export .csv").click()
    exported = download.value.path().read_text(encoding="utf-8-sig")  # a BOM, for Excel
    assert exported.splitlines()[0].lower().startswith("licen")
    assert license_number in exported

    page.get_by_role("navigation", name="Board").get_by_role("link", name="Samples").click()
    visit.page_done()
    page.get_by_label("Name").fill("Browser test audit")
    page.get_by_label("Size").fill("5")
    page.get_by_role("button", name="Draw").click()
    visit.page_done()
    assert page.get_by_role("heading", name=re.compile("Browser test audit")).is_visible()
    assert page.locator("table tbody tr").count() == 5

    # Work the sample without leaving it (issue 21): status and hours on each case, one
    # verdict for two selected cases, the count of decided cases, the place kept.
    assert page.get_by_text("0 of 5 cases decided").is_visible()
    rows = page.locator("table tbody tr")
    assert re.search(r"\d+\.\d\d / \d+\.\d\d", rows.first.inner_text())
    for index in (0, 1):
        rows.nth(index).get_by_role("checkbox").check()
    page.get_by_label("Verdict for the selected cases", exact=True).select_option("passed")
    page.get_by_role("button", name="Save for selected").click()
    visit.page_done()
    assert page.get_by_text("2 of 5 cases decided").is_visible()
    assert re.search(r"#case-\d+$", page.url)

    # Find any licensee of the board, whatever its expiry.
    page.get_by_role("navigation", name="Board").get_by_role("link", name="Find a licensee").click()
    page.get_by_label("License number or name").fill(license_number.lower())
    page.get_by_role("button", name="Search").click()
    visit.page_done()
    assert page.get_by_role("link", name=license_number).first.is_visible()

    # The access log reads in words.
    page.get_by_role("navigation", name="Board").get_by_role("link", name="Access log").click()
    visit.page_done()
    logged = page.locator("table tbody").inner_text()
    assert "Opened a licensee's record" in logged and "licensee.view" not in logged
