"""§12's routes need two permissions each (API.md §12), where RoutePermission checks one."""

from rest_framework.permissions import BasePermission


class AllRoutePermissions(BasePermission):
    """The view's `required_permissions[action]` is a tuple: the user needs every one of them
    (superusers pass, as Django's `has_perms` says)."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        needed = getattr(view, "required_permissions", {}).get(getattr(view, "action", None))
        return bool(needed) and user.has_perms(needed)
