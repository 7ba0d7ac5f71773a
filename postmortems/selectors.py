"""Reads about postmortems and action items that are more than one queryset method."""

from .models import Postmortem


def default_team(postmortem: Postmortem) -> str:
    """The team an action item belongs to when nobody says: the owner of the incident's first service."""
    service = postmortem.incident.services.order_by("name").first()
    return service.team if service else ""
