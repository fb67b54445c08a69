"""An administrator brings a provider on, invites its first staff member (who accepts
from the e-mailed link), and later takes the leaver off: all from the web."""

from __future__ import annotations

import re


def test_admin_brings_a_provider_on_and_takes_a_leaver_off(visit, browser, live_server):
    page = visit.page
    visit.sign_in("admin")
    page.get_by_role("link", name="Add a provider").click()
    visit.page_done()
    page.get_by_label("ACCME provider ID").fill("BROWSER-01")
    page.get_by_label("Name", exact=True).fill("Browser Test CME")
    page.get_by_label("Contact name").fill("Casey Contact")
    page.get_by_label("Contact e-mail").fill("casey@browser-cme.example")
    page.get_by_role("button", name="Add the provider").click()
    visit.page_done("provider-page")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Browser Test CME")

    page.get_by_label("Email").fill("first.staff@browser-cme.example")
    page.get_by_label("First name").fill("Frankie")
    page.get_by_label("Last name").fill("First")
    page.get_by_label(re.compile("Staff administrator")).check()
    page.get_by_role("button", name="Send the invitation").click()
    visit.page_done("invitation-sent")
    assert page.get_by_text("Invitation sent to first.staff@browser-cme.example").is_visible()

    link = live_server.mailed_link("first.staff@browser-cme.example", "/invitations/")
    invitee = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    invitee.goto(live_server.url + link)
    invitee.get_by_label("New password", exact=True).fill("a long browser passphrase")
    invitee.get_by_label("Repeat new password").fill("a long browser passphrase")
    invitee.get_by_role("button", name="Create my account").click()
    invitee.wait_for_load_state("networkidle")
    assert invitee.get_by_role("link", name="Colleagues").is_visible()  # a staff administrator

    page.reload()
    row = page.locator("tr", has_text="first.staff@browser-cme.example")
    row.get_by_text("Disable…").click()  # opens the confirmation (<details>, no script)
    visit.page_done("confirm-disable")
    row.get_by_role("button", name="Disable the account").click()
    visit.page_done("disabled")
    assert page.get_by_text("signed out everywhere").is_visible()
    invitee.reload()
    assert "/sign-in" in invitee.url  # the leaver's session ended at once

    # A board's page shows when reporting began (in the same walk: an admin's code is
    # accepted once, so a second sign-in within the same 30 seconds would be refused).
    visit.go("/admin/")
    page.get_by_role("link", name="Medical Board of California", exact=True).first.click()
    visit.page_done("board-page")
    assert page.get_by_text("When reporting began").is_visible()
    assert page.get_by_text(re.compile(r"11/01/2023")).first.is_visible()
    assert page.get_by_label("Requirement set").input_value() == "CA-MBC"
