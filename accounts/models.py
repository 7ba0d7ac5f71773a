"""Accounts has no tables of its own: roles are Django groups (see roles.py)."""
