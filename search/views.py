from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render

from .backends import run_search, snippet_for
from .forms import SearchForm
from .query import ParsedQuery
from .registry import all_kinds


def search(request):
    """One box across incidents, postmortems, action items and runbooks: ranked, grouped by kind, paginated."""
    form = SearchForm(request.GET or None)
    parsed, kind, service = ParsedQuery(), "", None
    if form.is_bound and form.is_valid():
        parsed = getattr(form, "parsed_query", ParsedQuery())
        kind, service = form.cleaned_data["kind"], form.cleaned_data["service"]
    context = {"form": form, "parsed": parsed, "searched": parsed.is_searchable}
    if parsed.is_searchable:
        found = run_search(parsed, kind=kind, service=service)
        page = KnownCountPaginator(found.documents, settings.HINDSIGHT_PAGE_SIZE, count=found.count).get_page(
            request.GET.get("page")
        )
        results = list(page.object_list.prefetch_related("services"))
        for result in results:
            result.snippet = snippet_for(result, parsed)
        context.update(
            page_obj=page,
            groups=group_by_kind(results),
            kind_counts=[(k, found.kind_counts.get(k.name, 0)) for k in all_kinds()],
            selected_kind=kind,
            capped=found.capped,
            candidate_limit=found.limit,
        )
    return render(request, "search/search.html", context)


def group_by_kind(results):
    """The page's results under their kind's heading, kinds in registry order, ranking kept within each."""
    groups = []
    for kind in all_kinds():
        members = [r for r in results if r.kind == kind.name]
        if members:
            groups.append((kind, members))
    return groups



class KnownCountPaginator(Paginator):
    """A paginator told the count (the search already knows it) instead of asking the database again."""

    def __init__(self, object_list, per_page, count, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count = count
