from django.apps import AppConfig


class TransferConfig(AppConfig):
    """Incident history in and out: the documented CSV/JSON format, its import and its export."""

    name = "transfer"
    verbose_name = "Import and export"
