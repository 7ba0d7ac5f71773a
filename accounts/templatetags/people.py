from django import template
from django.contrib.auth.models import AbstractBaseUser

from core.people import display_name

register = template.Library()


@register.filter
def person(user: AbstractBaseUser | None, empty: str = "Unassigned") -> str:
    """A user as people know them: full name, else username; `empty` when there is nobody."""
    return display_name(user, empty)
