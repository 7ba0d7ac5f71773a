from django.apps import AppConfig


class PerfConfig(AppConfig):
    """Performance and production operation: scale data, benchmarks, load tests, database-outage handling."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "perf"
    verbose_name = "Performance"
