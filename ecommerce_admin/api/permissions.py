"""Route → Django permission mapping (API.md §2).

Each view names the permission of each action in `required_permissions`; an action that is not
listed is refused, so a new route cannot be left open by accident. Unlike DRF's
`DjangoModelPermissions`, reads need their `view_*` permission too. Superusers pass (Django's
`has_perm` says so for active superusers).
"""

from rest_framework.permissions import BasePermission


def required_permission(view, request) -> str | None:
    mapping: dict[str, str] = getattr(view, "required_permissions", {})
    action = getattr(view, "action", None)
    if action and action in mapping:
        return mapping[action]
    return mapping.get(request.method.lower())


class RoutePermission(BasePermission):
    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if getattr(view, "public", False):
            return True
        permission = required_permission(view, request)
        if permission is None:
            return False
        return user.has_perm(permission)
