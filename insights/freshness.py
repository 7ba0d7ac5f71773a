"""Insights' figures, cached through core.freshness: one generation for every dashboard, moved by every write.

Only user-independent figures are cached: the view still decides, per reader, which restricted incidents may be
named.
"""

from core import freshness

# The import and the seeder call this after writing behind the ORM's back.
bump = freshness.bump


def cached_figures(query_string: str, compute, now=None):
    """`compute()` for these filters, once per generation, local day and time zone (quarters are local)."""
    return freshness.cached("insights", [query_string], lambda: freshness.Fresh(compute()), now=now)


def cached_page(query_string: str, compute, now=None):
    """The page's HTML for these filters (`compute()`), cached like the figures it is rendered from."""
    return freshness.cached("insights-page", [query_string], lambda: freshness.Fresh(compute()), now=now)
