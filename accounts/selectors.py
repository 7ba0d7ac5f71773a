"""Reads about people that more than one app needs."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.db.models import QuerySet
from django.db.models.functions import Lower


def people() -> QuerySet[AbstractUser]:
    """Everyone who can hold a role, own an item or write a postmortem, in the order lists show them."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .order_by(Lower("first_name"), Lower("last_name"), Lower("username"))
    )


def known_people_names() -> list[str]:
    """Everyone's first name, surname and username, so the blameless check can spot a person named as a cause."""
    rows = get_user_model().objects.filter(is_active=True).values_list("first_name", "last_name", "username")
    return [name for row in rows for name in row if name]
