"""The original admin's permission map (API.md §9.5): its 15 keys from our Django permissions.

The client hides menus and buttons from `data.permission` of the login answer. It is only a
display hint: every route still checks its own Django permission.
"""

CLIENT_PERMISSIONS: dict[str, str] = {
    "list-buyer": "customers.view_customer",
    "view-buyer": "customers.view_customer",
    "create-buyer": "customers.add_customer",
    "edit-buyer": "customers.change_customer",
    "update-buyer": "customers.change_customer",
    "delete-buyer": "customers.delete_customer",
    "export-buyer": "customers.export_customer",
    "buyer-address-list": "customers.view_address",
    "add-buyer-address": "customers.add_address",
    "update-buyer-address": "customers.change_address",
    "delete-buyer-address": "customers.delete_address",
    "list-customer-group": "customers.view_customergroup",
    "create-customer-group": "customers.add_customergroup",
    "edit-customer-group": "customers.change_customergroup",
    "delete-customer-group": "customers.delete_customergroup",
}


def permission_map(user) -> dict[str, bool]:
    """Every key, always: the client takes an empty object as "no information" and then shows
    every page and button."""
    granted = user.get_all_permissions()
    if user.is_active and user.is_superuser:
        return dict.fromkeys(CLIENT_PERMISSIONS, True)
    return {key: permission in granted for key, permission in CLIENT_PERMISSIONS.items()}
