from tests.browser.test_accessibility import *  # noqa: F403
from tests.browser.test_accessibility import PHONE, violations_on


def test_meeting_pages_axe(browser_page, site):
    pages = [p for p in site.logged_in_pages if p.startswith("/meetings/")]
    print(pages)
    report = violations_on(browser_page, site.url, pages)
    browser_page.set_viewport_size(PHONE)
    report += violations_on(browser_page, site.url, pages)
    browser_page.emulate_media(color_scheme="dark")
    report += violations_on(browser_page, site.url, pages)
    assert not report, "\n".join(report)
