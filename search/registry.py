"""What can be searched: each kind says how one of its objects reads as a SearchDocument.

Adding a kind is a few lines in `search.kinds`: a `SearchKind` naming the model, how to describe one object,
which related models' changes must re-index it, and which many-to-many fields feed it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps


@dataclass(frozen=True)
class IndexedText:
    title: str
    body: str = ""
    keywords: str = ""
    url: str = ""
    updated_at: object = None
    service_ids: tuple = ()


@dataclass(frozen=True)
class HitFacts:
    """What a responder needs to see on a search hit besides its title and snippet."""

    reference: str = ""  # the incident the hit is about: "INC-123"
    severity: int | None = None
    severity_label: str = ""
    status: str = ""  # a status value, for styling
    status_label: str = ""
    started_at: object = None  # when the incident started
    incident_id: int | None = None  # an incident's hit and its postmortem's hit sit together
    detail: str = ""  # a short line of its own ("Postmortem · Published", "Reviewed 3 Jan 2026")


@dataclass(frozen=True)
class SearchKind:
    name: str  # stored in SearchDocument.kind and used in ?kind=
    label: str  # plural, shown as the group heading
    model_label: str  # "app_label.ModelName"
    describe: Callable  # object -> IndexedText
    rebuild_queryset: Callable | None = None  # model -> queryset with what `describe` needs prefetched
    # (model label, function giving the indexed object(s) affected when an instance of that model changes)
    dependents: tuple = ()
    m2m_fields: tuple = ()  # many-to-many fields on the model itself whose changes re-index it
    order: int = 100
    # object ids -> {object id: HitFacts}, in one query: what the results page shows under each hit
    hit_facts: Callable | None = None

    @property
    def model(self):
        return apps.get_model(self.model_label)

    def objects_for_rebuild(self):
        queryset = self.model._default_manager.all()
        return self.rebuild_queryset(queryset) if self.rebuild_queryset else queryset


_kinds: dict[str, SearchKind] = {}
_by_model_label: dict[str, SearchKind] = {}


def register(kind):
    _kinds[kind.name] = kind
    _by_model_label[kind.model_label.lower()] = kind
    return kind


def all_kinds():
    return sorted(_kinds.values(), key=lambda kind: kind.order)


def get_kind(name):
    return _kinds.get(name)


def kind_for_model(model):
    return _by_model_label.get(model._meta.label_lower)
