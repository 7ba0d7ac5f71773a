from collections import defaultdict

from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from core import freshness
from core.freshness import Fresh
from dashboard.visibility import cached_for_viewer, permissions_digest

from .backends import page_documents, restricted_documents, run_search, snippet_for, snippet_html
from .forms import SearchForm
from .query import ParsedQuery
from .registry import HitFacts, all_kinds, get_kind


def search(request):
    """One box across incidents, postmortems, action items and runbooks: ranked, grouped by kind, paginated. The
    options and results are rendered once per write generation for everyone who may see the same documents
    (dashboard.visibility.cached_for_viewer): nothing on them moves with the clock."""
    now = timezone.now()
    parts = [request.get_full_path(), permissions_digest(request.user)]
    shown = cached_for_viewer("search", request.user, parts, lambda: Fresh(_search_results(request)), now=now)
    return render(
        request,
        "search/search.html",
        {"results": freshness.with_csrf_token(shown["html"], request), "searched_text": shown["text"]},
    )


def _search_results(request):
    """{"html": the options and results, "text": what was searched for}."""
    form = SearchForm(request.GET or None)
    parsed, kind, service = ParsedQuery(), "", None
    if form.is_bound and form.is_valid():
        parsed = getattr(form, "parsed_query", ParsedQuery())
        kind, service = form.cleaned_data["kind"], form.cleaned_data["service"]
    context = {
        "form": form,
        "parsed": parsed,
        "searched": parsed.is_searchable,
        "csrf_token": freshness.CSRF_SLOT,
    }
    if parsed.is_searchable:
        found = run_search(parsed, kind=kind, service=service, hidden=restricted_documents(request.user))
        page = KnownCountPaginator(found.documents, settings.HINDSIGHT_PAGE_SIZE, count=found.count).get_page(
            request.GET.get("page")
        )
        results = page_documents(parsed, list(page.object_list))
        for result in results:
            result.title_html = snippet_html(result.title_source or result.title)
            result.snippet = snippet_for(result, parsed)
        attach_hit_facts(results)
        context.update(
            page_obj=page,
            groups=group_by_kind(nest_postmortems_under_incidents(results)),
            kind_counts=[(k, found.kind_counts.get(k.name, 0)) for k in all_kinds()],
            selected_kind=kind,
            capped=found.capped,
            candidate_limit=found.limit,
        )
    return {"html": render_to_string("search/_results.html", context, request=request), "text": parsed.text}


def attach_hit_facts(results):
    """Give every hit the facts its kind shows (reference, severity, status, start …): a query per kind."""
    by_kind = defaultdict(list)
    for result in results:
        by_kind[result.kind].append(result)
    for kind_name, hits in by_kind.items():
        kind = get_kind(kind_name)
        facts = kind.hit_facts([hit.object_id for hit in hits]) if kind and kind.hit_facts else {}
        for hit in hits:
            hit.facts = facts.get(hit.object_id, HitFacts())


def nest_postmortems_under_incidents(results):
    """A postmortem found with its own incident is shown inside the incident's hit, not as a result of its
    own."""
    incident_hits = {r.facts.incident_id: r for r in results if r.kind == "incident" and r.facts.incident_id}
    shown = []
    for result in results:
        result.related = getattr(result, "related", [])
        owner = incident_hits.get(result.facts.incident_id) if result.kind == "postmortem" else None
        if owner is None:
            shown.append(result)
        else:
            owner.related = [*getattr(owner, "related", []), result]
    return shown


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
