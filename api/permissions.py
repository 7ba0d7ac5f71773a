"""The API allows what the person's role allows on the site (accounts/roles.py): each view names the
permission each of its actions needs."""

from rest_framework.permissions import BasePermission


class RolePermission(BasePermission):
    message = "Your role does not allow this."

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        needed = view.action_permissions.get(getattr(view, "action", None) or request.method.lower())
        if needed is None:
            return False  # an action nobody listed is refused, not allowed by default
        return request.user.has_perm(needed)
