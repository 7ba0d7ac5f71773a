"""Who may see what, as part of a cache key: readers who may see the same incidents share cached dashboards."""

import hashlib
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from django.template.response import TemplateResponse
from django.utils import timezone

from core import freshness
from incidents.models import Incident, visible_q

from . import live


def viewer_scope(user) -> str:
    """The restricted incidents `user` may see, as a short string. Everybody sees every unrestricted incident, so
    two readers with the same scope see exactly the same rows and may share cached figures. Cached per reader until
    the next write: restricting an incident, a role on one, a group membership are all writes."""
    if not getattr(user, "is_authenticated", False):
        return "public"  # visible_q: no restricted incident at all
    return freshness.cached("scope", [user.pk], lambda: freshness.Fresh(_scope(user)))


def _scope(user) -> str:
    restricted = Incident.objects.filter(restricted=True).filter(visible_q(user)).order_by("pk")
    ids = ",".join(str(pk) for pk in restricted.values_list("pk", flat=True))
    return hashlib.sha256(ids.encode()).hexdigest()


def cached_for_viewer(
    namespace: str, user, parts: Iterable[object], compute: Callable[[], freshness.Fresh], *, now: datetime
) -> Any:
    """freshness.cached, shared by every reader who may see what `user` may see (compute for `user`)."""
    if not freshness.enabled():
        return compute().value
    return freshness.cached(namespace, [viewer_scope(user), *parts], compute, now=now)


def permissions_digest(user) -> str:
    """What `user` may do, as a short string: readers with the same rights see the same buttons and forms."""
    if not getattr(user, "is_authenticated", False):
        return "anonymous"
    rights = sorted(user.get_all_permissions())
    return hashlib.sha256(repr((user.is_superuser, rights)).encode()).hexdigest()


class CachedResultsMixin:
    """A list page's results (the filter form, the rows, the page links) rendered once per write generation from
    `results_template_name` and shared by every reader who may see the same rows with the same rights and the same
    address (cached_for_viewer); the page around them — heading, buttons, layout, messages — is rendered for each
    request from `template_name`, with the results in `{{ results }}`.

    For a ListView or FilterView: their `get()` renders the results template once per generation. Times that move
    with the clock are `dashboard.live` slots in the results, filled per request; `results_until(now)` returns
    when the rows themselves next change with the clock alone (None: only a write changes them). Forms in the
    results get this reader's CSRF token."""

    results_template_name = ""
    rendering_results = False

    def get(self, request, *args, **kwargs):
        now = timezone.now()
        self.now = now

        def compute() -> freshness.Fresh:
            self.rendering_results = True
            try:
                response = super(CachedResultsMixin, self).get(request, *args, **kwargs)  # type: ignore[misc]
                html = str(response.rendered_content)
            finally:
                self.rendering_results = False
            return freshness.Fresh(html, until=self.results_until(now))

        parts = [self.results_template_name, request.get_full_path(), permissions_digest(request.user)]
        html = cached_for_viewer("results", request.user, parts, compute, now=now)
        context = {
            "view": self,
            "results": live.fill(freshness.with_csrf_token(html, request), now),
            **self.get_page_context(),
        }
        return TemplateResponse(request, self.template_name, context)

    def get_template_names(self) -> list[str]:
        if self.rendering_results:
            return [self.results_template_name]
        return super().get_template_names()  # type: ignore[misc]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["csrf_token"] = freshness.CSRF_SLOT
        return context

    def get_page_context(self) -> dict[str, Any]:
        """What the page around the results shows: computed for every request, so keep it free of queries."""
        return {}

    def results_until(self, now: datetime) -> datetime | None:
        return None
