from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import render

from .backends import search_documents, snippet_html
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
        page = Paginator(search_documents(parsed, kind=kind, service=service), settings.HINDSIGHT_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        results = list(page.object_list.prefetch_related("services"))
        for result in results:
            result.snippet = snippet_html(result.snippet_source)
        context.update(
            page_obj=page,
            groups=group_by_kind(results),
            kind_counts=count_by_kind(parsed, service),
            selected_kind=kind,
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


def count_by_kind(parsed, service):
    """How many matches each kind has, ignoring the kind filter: for the 'narrow by kind' links."""
    counts = dict(
        search_documents(parsed, service=service).order_by().values_list("kind").annotate(n=Count("id"))
    )
    return [(kind, counts.get(kind.name, 0)) for kind in all_kinds()]
