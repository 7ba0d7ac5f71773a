"""How much text each kind of field holds: generous for writing, bounded so no request's cost is unbounded.

A TextField's max_length only reaches its form field; the validators here make `full_clean()` (the admin, the
API, imports) refuse the same lengths with the same clear message.
"""

from typing import Any

from django.core.validators import MaxLengthValidator

MAX_BODY_LENGTH = 200_000  # a postmortem or runbook
MAX_SUMMARY_LENGTH = 20_000  # an incident's summary or customer impact
MAX_ENTRY_LENGTH = 5_000  # a timeline entry, status update, action-item description, description of a label


def text_limit(length: int) -> dict[str, Any]:
    """Keyword arguments for a TextField bounded at `length` characters (form and model alike)."""
    return {"max_length": length, "validators": [MaxLengthValidator(length)]}
