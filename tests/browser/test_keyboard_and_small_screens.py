"""The main journeys with the keyboard alone, and every main page at 320 px wide."""

from __future__ import annotations

import pytest

from tests.browser.conftest import ACCOUNTS


def _tab_to(page, predicate: str, limit: int = 60) -> None:
    """Press Tab until the focused element satisfies the JavaScript ``predicate(el)``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(el => {predicate})(document.activeElement)"):
            return
    raise AssertionError(f"Tab never reached an element where {predicate}")


def test_sign_in_and_flag_a_record_with_the_keyboard_alone(visit):
    page = visit.page
    account = ACCOUNTS["physician"]
    visit.go("/sign-in")
    page.keyboard.press("Tab")  # the first stop is the skip link
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    _tab_to(page, "el.id === 'email'")
    page.keyboard.type(account.email)
    page.keyboard.press("Tab")
    page.keyboard.type(account.password)
    page.keyboard.press("Enter")
    page.wait_for_url("**/physician/**")
    visit.page_done("signed-in-by-keyboard")

    _tab_to(page, "el.tagName === 'A' && el.textContent.trim() === 'Transcript'")
    page.keyboard.press("Enter")
    page.wait_for_url("**/physician/transcript**")
    visit.page_done()
    _tab_to(
        page, "el.tagName === 'A' && (el.getAttribute('aria-label') || '').startsWith('Flag ')", 400
    )
    page.keyboard.press("Enter")
    page.wait_for_url("**/flag")
    visit.page_done()
    _tab_to(page, "el.type === 'radio'")
    page.keyboard.press("ArrowDown")  # the second choice: the date is wrong
    assert page.evaluate("document.activeElement.value") == "date_wrong"
    _tab_to(page, "el.id === 'note'")
    page.keyboard.type("Typed without a mouse.")
    _tab_to(page, "el.tagName === 'BUTTON' && el.textContent.includes('Send to the provider')")
    with page.expect_navigation():  # wait for the POST's answer, not just an idle network:
        page.keyboard.press("Enter")  # a screenshot taken mid-navigation can hang
    visit.page_done("flag-sent-by-keyboard")
    assert page.get_by_text("Typed without a mouse.").is_visible()


def test_form_errors_are_summarised_at_the_top_and_linked_to_fields(visit):
    page = visit.page
    visit.go("/sign-up")
    page.get_by_role("button", name="Create account").click()
    visit.page_done("sign-up-errors")
    summary = page.get_by_role("alert")
    assert "Please fix the following" in summary.inner_text()
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "email"


PAGES = {
    "physician": ["/physician/", "/physician/transcript", "/physician/link-license"],
    "provider": [
        "/provider/",
        "/provider/uploads",
        "/provider/unmatched",
        "/provider/api-clients/",
    ],
    "board": ["/board/", "/board/audit", "/board/samples"],
}


@pytest.mark.parametrize("role", sorted(PAGES))
def test_main_pages_fit_a_320_pixel_screen(visit, role):
    page = visit.page
    page.set_viewport_size({"width": 320, "height": 640})
    visit.sign_in(role)
    for path in PAGES[role]:
        visit.go(path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        wide = page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                .filter(el => el.getBoundingClientRect().right > 321)
                .slice(0, 5).map(el => el.tagName + '.' + el.className)"""
        )
        assert overflow <= 1, f"{path} is {overflow}px wider than a 320px screen: {wide}"
