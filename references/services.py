"""Writing references: the rows behind "Mentioned in", and the old names of renamed runbooks."""

from django.db import transaction
from django.db.models import Model

from documents.markdown import find_references
from incidents.models import Incident, TimelineEntry
from postmortems.models import ActionItem, Postmortem
from runbooks.models import Runbook

from .models import Reference, RunbookAlias

# model → (the Reference field naming it as a source, its Markdown fields)
SOURCES: dict[type[Model], tuple[str, tuple[str, ...]]] = {
    Incident: ("source_incident", ("summary", "customer_impact")),
    TimelineEntry: ("source_timeline_entry", ("text",)),
    Postmortem: ("source_postmortem", ("body",)),
    ActionItem: ("source_action_item", ("description",)),
    Runbook: ("source_runbook", ("body",)),
}
TARGET_FIELD_FOR_KIND = {
    "incident": "target_incident",
    "runbook": "target_runbook",
    "person": "target_person",
}


def _itself(source: Model) -> tuple[str, int | None]:
    """The target a source would point at by naming its own incident or runbook: not worth a backlink."""
    if isinstance(source, Incident):
        return "target_incident", source.pk
    if isinstance(source, TimelineEntry | Postmortem):
        return "target_incident", source.incident_id
    if isinstance(source, ActionItem):
        return "target_incident", source.postmortem.incident_id
    return "target_runbook", source.pk


@transaction.atomic
def record_references(*, source: Model) -> None:
    """Make the source's Reference rows match its text: one per thing it mentions, with the first sentence.

    Rows that did not change are kept (with the time they were first written), so "newest first" means the
    newest mentions, not the most recently saved documents.
    """
    source_field, text_fields = SOURCES[type(source)]
    itself = _itself(source)
    wanted: dict[tuple[str, int], tuple[str, str]] = {}
    for field in text_fields:
        for mention in find_references(getattr(source, field)):
            if mention.link is None:
                continue
            target = (TARGET_FIELD_FOR_KIND[mention.link.kind], mention.link.target.pk)
            if target != itself:
                wanted.setdefault(target, (mention.ref.written[:220], mention.sentence[:320]))
    stale = []
    for row in Reference.objects.filter(**{source_field: source}):
        target = next(
            (field, getattr(row, f"{field}_id"))
            for field in TARGET_FIELD_FOR_KIND.values()
            if getattr(row, f"{field}_id") is not None
        )
        if wanted.get(target) == (row.written_as, row.sentence):
            del wanted[target]
        else:
            stale.append(row.pk)
    if stale:
        Reference.objects.filter(pk__in=stale).delete()
    Reference.objects.bulk_create(
        Reference(**{source_field: source, f"{field}_id": pk}, written_as=written, sentence=sentence)
        for (field, pk), (written, sentence) in wanted.items()
    )


def rerender_mentions_of(*, incident: Incident) -> None:
    """After an incident was restricted (or lifted): the documents whose stored HTML mentions it render again, so
    the reference becomes plain text for every reader (or a link again). Their text, and updated_at, stay."""
    mentions = Reference.objects.filter(target_incident=incident)
    for source in Incident.objects.filter(pk__in=mentions.values("source_incident")):
        source.save(update_fields=["summary", "customer_impact"])
    for document in (
        *Postmortem.objects.filter(pk__in=mentions.values("source_postmortem")),
        *Runbook.objects.filter(pk__in=mentions.values("source_runbook")),
    ):
        document.save(update_fields=["body", "rendered_body"])


def remember_old_names(*, runbook: Runbook) -> None:
    """Before a rename is saved: keep the title and slug the runbook had, so references to them still work."""
    if runbook.pk is None:
        return
    old = Runbook.objects.filter(pk=runbook.pk).values("title", "slug").first()
    if old is None:
        return
    old_title = " ".join(old["title"].split()).lower()
    if old_title != " ".join(runbook.title.split()).lower():
        RunbookAlias.objects.get_or_create(runbook=runbook, title=old_title, slug="")
    if old["slug"] != runbook.slug:
        RunbookAlias.objects.get_or_create(runbook=runbook, title="", slug=old["slug"])
