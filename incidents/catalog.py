"""Writes to the catalog of services and categories: create, rename, aliases, merge.

Renaming reaches the search index through the search app's dependents (search.kinds: a service's or category's
save re-indexes what names it); a merge moves rows without signals and so re-indexes what it moved itself.
"""

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower

from postmortems.models import ActionItem, Postmortem
from runbooks.models import Runbook
from search.indexing import index_objects_in_bulk

from .models import Category, Incident, Service, ServiceAlias


def clean_alias_names(names: list[str], *, service: Service | None = None) -> list[str]:
    """Lower-cased, de-duplicated alias names; an error naming any that another service uses (or that is a
    service's own name)."""
    wanted = sorted({name.strip().lower() for name in names if name.strip()})
    taken = ServiceAlias.objects.filter(name__in=wanted)
    if service is not None and service.pk:
        taken = taken.exclude(service=service)
    clashes = sorted(taken.values_list("name", flat=True))
    if clashes:
        raise ValidationError({"aliases": f"Already an alias of another service: {', '.join(clashes)}."})
    return wanted


@transaction.atomic
def save_service(
    *,
    service: Service,
    by: User | None,
    aliases: list[str] | None = None,
) -> Service:
    """Create or update a service (a rename included) and, when given, replace its aliases."""
    service.full_clean()
    names = clean_alias_names(aliases, service=service) if aliases is not None else None
    service.save()  # the search app re-indexes what names it (search.kinds)
    if names is not None:
        service.aliases.exclude(name__in=names).delete()
        existing = set(service.aliases.values_list("name", flat=True))
        ServiceAlias.objects.bulk_create(
            ServiceAlias(service=service, name=n) for n in names if n not in existing
        )
    return service


@transaction.atomic
def merge_services(*, source: Service, into: Service, by: User | None) -> Service:
    """Move everything of `source` onto `into` and delete `source`. Its incidents (and so their postmortems and
    action items) and runbooks move; its aliases move, and its name becomes one, so alerts still find it."""
    if source.pk == into.pk:
        raise ValidationError({"into": "Choose another service to merge into."})
    incident_ids = _move_m2m(Incident.services.through, "service_id", source.pk, into.pk, "incident_id")
    runbook_ids = _move_m2m(Runbook.services.through, "service_id", source.pk, into.pk, "runbook_id")
    source.aliases.exclude(name__in=into.aliases.values("name")).update(service=into)
    old_name = source.name.strip().lower()
    source.delete()
    if old_name != into.name.lower() and not ServiceAlias.objects.filter(name=old_name).exists():
        ServiceAlias.objects.create(service=into, name=old_name)
    _reindex(incident_ids, runbook_ids)
    return into


@transaction.atomic
def save_category(*, category: Category, by: User | None) -> Category:
    category.full_clean()
    category.save()  # re-indexes its incidents (search.kinds)
    return category


@transaction.atomic
def merge_categories(*, source: Category, into: Category, by: User | None) -> Category:
    """Label `source`'s incidents with `into` instead, then delete `source`."""
    if source.pk == into.pk:
        raise ValidationError({"into": "Choose another category to merge into."})
    incident_ids = _move_m2m(Incident.categories.through, "category_id", source.pk, into.pk, "incident_id")
    source.delete()
    _reindex(incident_ids, [])
    return into


def find_service_named(name: str, *, exclude: Service | None = None) -> Service | None:
    """The service called `name`, case-blind ("GitHub" and "Github" are one service)."""
    services = Service.objects.annotate(lower=Lower("name")).filter(lower=name.strip().lower())
    if exclude is not None:
        services = services.exclude(pk=exclude.pk)
    return services.first()


def _move_m2m(through, field: str, source_pk: int, target_pk: int, other: str) -> list[int]:
    """Point `source`'s rows of a many-to-many table at `target`, dropping those `target` already has. Returns
    the ids on the other side that were touched."""
    rows = through.objects.filter(**{field: source_pk})
    moved = list(rows.values_list(other, flat=True))
    already = through.objects.filter(**{field: target_pk, f"{other}__in": moved}).values_list(
        other, flat=True
    )
    rows.filter(**{f"{other}__in": list(already)}).delete()
    rows.update(**{field: target_pk})
    return moved


def _reindex(incident_ids: list[int], runbook_ids: list[int]) -> None:
    index_objects_in_bulk(Incident, incident_ids)
    index_objects_in_bulk(
        Postmortem, Postmortem.objects.filter(incident__in=incident_ids).values_list("pk", flat=True)
    )
    index_objects_in_bulk(
        ActionItem,
        ActionItem.objects.filter(postmortem__incident__in=incident_ids).values_list("pk", flat=True),
    )
    index_objects_in_bulk(Runbook, runbook_ids)
