"""Keep references current: rewrite a document's Reference rows whenever its text is saved."""

from django.db.models.signals import post_save, pre_save

from runbooks.models import Runbook

from .services import SOURCES, record_references, remember_old_names


def _record(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw:
        return
    _, text_fields = SOURCES[sender]
    if update_fields is not None and not set(text_fields) & set(update_fields):
        return  # a status change, a publication: the text did not change
    record_references(source=instance)


def _remember_old_names(sender, instance, raw=False, **kwargs):
    if not raw:
        remember_old_names(runbook=instance)


def connect_signals():
    for model in SOURCES:
        post_save.connect(_record, sender=model, dispatch_uid=f"references:{model._meta.label}")
    pre_save.connect(_remember_old_names, sender=Runbook, dispatch_uid="references:runbook_names")
