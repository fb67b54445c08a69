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
