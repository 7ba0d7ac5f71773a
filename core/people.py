"""People as others know them: one rule for every page, export, message and calendar."""

from django.contrib.auth.models import AbstractBaseUser


def display_name(user: AbstractBaseUser | None, empty: str = "") -> str:
    """Full name, else username; `empty` when there is nobody."""
    if user is None:
        return empty
    full_name: str = user.get_full_name()  # type: ignore[attr-defined]
    return full_name or user.get_username()
