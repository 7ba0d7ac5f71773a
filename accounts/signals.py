"""What voids the cached signed-in people (accounts.user_cache): any change to a user row or to who holds
which permission."""

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db.models.signals import m2m_changed, post_delete, post_save

from accounts.user_cache import forget_roles, forget_user

ROLE_CHANGES = {"post_add", "post_remove", "post_clear"}


def user_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    if settings.HINDSIGHT_USER_CACHE:
        forget_user(instance.pk)


def roles_changed(sender: Any, **kwargs: Any) -> None:
    if settings.HINDSIGHT_USER_CACHE:
        forget_roles()


def membership_changed(sender: Any, action: str, **kwargs: Any) -> None:
    if action in ROLE_CHANGES:
        roles_changed(sender)


def connect() -> None:
    user_model = get_user_model()
    for name, signal in (("saved", post_save), ("deleted", post_delete)):
        signal.connect(user_changed, sender=user_model, dispatch_uid=f"signed-in-user-{name}")
        for model in (Group, Permission):
            signal.connect(
                roles_changed, sender=model, dispatch_uid=f"signed-in-roles-{model._meta.label}-{name}"
            )
    for through in (
        user_model.groups.through,
        user_model.user_permissions.through,
        Group.permissions.through,
    ):
        m2m_changed.connect(
            membership_changed, sender=through, dispatch_uid=f"signed-in-roles-{through._meta.label}"
        )
