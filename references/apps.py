from django.apps import AppConfig


class ReferencesConfig(AppConfig):
    name = "references"
    verbose_name = "References and backlinks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .signals import connect_signals

        connect_signals()
