from django.core.management.base import BaseCommand, CommandError

from search.indexing import rebuild_index
from search.registry import all_kinds, get_kind


class Command(BaseCommand):
    help = (
        "Re-index everything searchable (or only the given kinds) and drop index rows whose object is gone."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "kinds", nargs="*", help="Kinds to rebuild: " + ", ".join(k.name for k in all_kinds())
        )

    def handle(self, *args, **options):
        kinds = []
        for name in options["kinds"]:
            kind = get_kind(name)
            if kind is None:
                raise CommandError(
                    f"Unknown kind {name!r}; choose from {', '.join(k.name for k in all_kinds())}."
                )
            kinds.append(kind)
        count = rebuild_index(kinds or None)
        self.stdout.write(self.style.SUCCESS(f"Indexed {count} document(s)."))
