from django.apps import AppConfig
from django.core.signals import request_finished
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"

    def ready(self):
        from accounts import signals, user_cache
        from accounts.roles import sync_role_groups

        signals.connect()
        request_finished.connect(user_cache.forget_prefetched, dispatch_uid="signed-in-forget-prefetched")

        # accounts is the last app in INSTALLED_APPS, so every app's permissions exist by now.
        post_migrate.connect(sync_role_groups, sender=self, dispatch_uid="accounts-sync-role-groups")
