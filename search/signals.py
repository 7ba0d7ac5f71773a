"""Signals that keep the search index current when indexed objects (or what they are made of) change."""

from collections.abc import Callable

from django.apps import apps
from django.db.models import QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

from .indexing import index_object, index_objects_in_bulk, remove_object
from .registry import all_kinds
from .schema import ensure_fulltext_schema


def _reindex_instance(sender, instance, raw=False, **kwargs):
    if not raw:
        index_object(instance)


def _remove_instance(sender, instance, **kwargs):
    remove_object(instance)


def _reindex_after_m2m(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        index_object(instance)
    elif pk_set:  # changed from the other side, e.g. service.incidents.add(...)
        for obj in model._default_manager.filter(pk__in=pk_set):
            index_object(obj)


def _dependent_handler(find_indexed):
    def reindex_owner(sender, instance, raw=False, **kwargs):
        if raw:
            return
        owners = find_indexed(instance)
        if isinstance(owners, QuerySet):  # possibly many (a service's incidents): a few queries per batch
            if instance.pk is not None:
                index_objects_in_bulk(owners.model, owners.values_list("pk", flat=True))
            return
        for owner in owners:
            if owner is not None and type(owner)._default_manager.filter(pk=owner.pk).exists():
                index_object(owner)

    return reindex_owner


_handlers: list[
    Callable[..., None]
] = []  # signal receivers are weak references by default; keep closures alive


def connect_signals():
    for kind in all_kinds():
        model = kind.model
        uid = f"search:{kind.name}"
        post_save.connect(_reindex_instance, sender=model, dispatch_uid=f"{uid}:save")
        post_delete.connect(_remove_instance, sender=model, dispatch_uid=f"{uid}:delete")
        for field_name in kind.m2m_fields:
            through = getattr(model, field_name).through
            m2m_changed.connect(_reindex_after_m2m, sender=through, dispatch_uid=f"{uid}:{field_name}")
        for dependent_label, find_indexed in kind.dependents:
            handler = _dependent_handler(find_indexed)
            _handlers.append(handler)
            dependent = apps.get_model(dependent_label)
            post_save.connect(handler, sender=dependent, dispatch_uid=f"{uid}:{dependent_label}:save")
            post_delete.connect(handler, sender=dependent, dispatch_uid=f"{uid}:{dependent_label}:delete")


def ensure_schema_after_migrate(sender, using, **kwargs):
    from django.db import connections

    ensure_fulltext_schema(connections[using])


def connect_migrate_signal(app_config):
    post_migrate.connect(ensure_schema_after_migrate, sender=app_config, dispatch_uid="search:ensure_schema")
