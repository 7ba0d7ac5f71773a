"""Run axe-core (bundled by axe-playwright-python) on the page a browser test is looking at.

Only the WCAG 2.0, 2.1 and 2.2 level A and AA rules run: those are the site's promise (README, Accessibility).
A failure lists every violation on one line each: rule, impact, the element's selector and axe's summary.
"""

from axe_playwright_python.base import AXE_SCRIPT
from playwright.sync_api import BrowserContext, Page

WCAG_A_AND_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
# Two best-practice rules the site holds itself to as well: one <h1> per page, and repeated landmarks
# (sections, navigation, scroll regions) told apart by their names.
EXTRA_RULES = {"page-has-heading-one": {"enabled": True}, "landmark-unique": {"enabled": True}}
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": WCAG_A_AND_AA},
    "rules": EXTRA_RULES,
    "resultTypes": ["violations"],
}


def load_axe_on_every_page(context: BrowserContext) -> None:
    """Have the browser load axe with each page (cheaper than sending the script after every navigation)."""
    context.add_init_script(script=AXE_SCRIPT)


def describe_node(rule: dict, node: dict) -> str:
    target = " ".join(" >> ".join(part) if isinstance(part, list) else part for part in node["target"])
    summary = " ".join(node.get("failureSummary", rule["help"]).split())
    return f"  {rule['id']} ({rule['impact']}) at {target}: {summary}"


def axe_violations(page: Page) -> list[str]:
    """One readable line per element on the current page that breaks a WCAG A/AA rule (or an extra rule)."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE_SCRIPT)
    results = page.evaluate("options => window.axe.run(document, options)", AXE_OPTIONS)
    found = [describe_node(rule, node) for rule in results["violations"] for node in rule["nodes"]]
    headings = page.locator("h1").count()
    if headings > 1:
        found.append(f"  one-h1: the page has {headings} <h1> elements; it should have exactly one")
    return found


def assert_accessible(page: Page, label: str = "") -> None:
    violations = axe_violations(page)
    where = label or page.url
    assert not violations, f"{len(violations)} WCAG A/AA violation(s) on {where}:\n" + "\n".join(violations)
