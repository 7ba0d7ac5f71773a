"""The pages the benchmark measures, each a name and a function building its URL from sample objects.

A page whose sample object the data set lacks (no published postmortem, say) is reported as skipped.
Adding a page is one line in `BENCH_PAGES`; a new kind of sample object is one entry in `SAMPLES`.
"""

from django.urls import reverse

from incidents.models import Incident, Service
from postmortems.models import Postmortem
from runbooks.models import Runbook

from .bench_urls import BENCH_FLOOR_PATH, BENCH_HELLO_PATH
from .scale import SEEDER_USERNAME

HELLO = "hello (logged in, all middleware)"
# In-process (`manage.py bench`), every page is reported as a multiple of this one's p50 (perf.views.floor_list):
# the floor's query and template inside Hindsight's own stack.
FLOOR = "floor (Hindsight's stack)"
# Over HTTP (`manage.py bench_http`), the floors are a bare Django project's (perf/bare/), served beside Hindsight.
BARE_FLOOR = "floor: bare 50-row list"
BARE_HELLO = "floor: bare hello"


# Sample objects for pages that show one thing: typical rows of the scale data set where there are any.
SAMPLES = {
    "incident": lambda: (
        Incident.objects.filter(created_by__username=SEEDER_USERNAME).order_by("pk").first()
        or Incident.objects.order_by("pk").first()
    ),
    "service": lambda: Service.objects.order_by("pk").first(),
    "postmortem": lambda: Postmortem.objects.published().order_by("-pk").first(),
    "draft_postmortem": lambda: (  # published ones are read-only
        Postmortem.objects.filter(status=Postmortem.Status.DRAFT).order_by("-pk").first()
    ),
    "runbook": lambda: Runbook.objects.order_by("-pk").first(),
}


def load_samples():
    return {name: find() for name, find in SAMPLES.items()}


def _incident_filters(s):
    return f"?severity=1&severity=2&status=resolved&service={s['service'].pk}&sort=-severity"


BENCH_PAGES = [
    (HELLO, lambda s: f"/{BENCH_HELLO_PATH}"),
    (FLOOR, lambda s: f"/{BENCH_FLOOR_PATH}"),
    ("home", lambda s: reverse("home")),
    ("incident list", lambda s: reverse("incidents:list")),
    ("incident list, filtered", lambda s: reverse("incidents:list") + _incident_filters(s)),
    ("incident list, title search", lambda s: reverse("incidents:list") + "?q=rollback"),
    ("incident detail", lambda s: s["incident"].get_absolute_url()),
    ("postmortem list", lambda s: reverse("postmortems:list")),
    ("postmortem read", lambda s: s["postmortem"].get_absolute_url()),
    ("postmortem edit", lambda s: reverse("postmortems:edit", args=[s["draft_postmortem"].pk])),
    ("action-item review", lambda s: reverse("actions:review")),
    ("runbook list", lambda s: reverse("runbooks:list")),
    ("runbook page", lambda s: s["runbook"].get_absolute_url()),
    ("search", lambda s: reverse("search:search") + "?q=rollback"),
    ("insights", lambda s: reverse("insights:index")),
    ("status page", lambda s: reverse("status:page")),
]


def bench_urls(samples):
    """[(name, url or None when the data set has no sample object for it)] in BENCH_PAGES order."""
    urls = []
    for name, build in BENCH_PAGES:
        try:
            urls.append((name, build(samples)))
        except AttributeError:  # the sample object is None
            urls.append((name, None))
    return urls
