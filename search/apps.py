from django.apps import AppConfig


class SearchConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "search"

    def ready(self):
        from .kinds import register_kinds
        from .signals import connect_migrate_signal, connect_signals

        register_kinds()
        connect_signals()
        connect_migrate_signal(self)
