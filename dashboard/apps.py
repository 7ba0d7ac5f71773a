from django.apps import AppConfig


class DashboardConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dashboard"

    def ready(self):
        from core import freshness

        freshness.watch_writes()  # Home and the review page are cached (dashboard.figures)
