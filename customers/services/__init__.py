"""Every write to customers and groups: one rule, one place (API views, the admin, commands).

Callers use this package's names (`services.customer_create`, `services.INVALID_GROUP`); the
modules behind them are `customers` (customer writes), `groups` (group writes) and `messages`
(the contract's refusals).
"""

from .common import UNSET
from .customers import (
    AUDITED_CUSTOMER_FIELDS,
    customer_create,
    customer_soft_delete,
    customer_update,
    customers_bulk_set_status,
    customers_bulk_soft_delete,
    customers_move_to_group,
    customers_restore,
)
from .groups import AUDITED_GROUP_FIELDS, group_create, group_delete, group_update
from .messages import (
    BULK_INVALID_CUSTOMER,
    BULK_VENDOR_HAS_PRODUCTS,
    CUSTOMER_NO_TAKEN,
    DEFAULT_GROUP_PROTECTED,
    EMAIL_TAKEN_ON_ADD,
    EMAIL_TAKEN_ON_UPDATE,
    FIELD_OF_MESSAGE,
    GROUP_EXISTS,
    GROUP_IN_USE,
    INVALID_CUSTOMER,
    INVALID_CUSTOMER_ON_UPDATE,
    INVALID_GROUP,
    INVALID_GROUP_ID,
    PASSWORD_MISMATCH,
    VENDOR_HAS_PRODUCTS,
)

__all__ = [
    "AUDITED_CUSTOMER_FIELDS",
    "AUDITED_GROUP_FIELDS",
    "BULK_INVALID_CUSTOMER",
    "BULK_VENDOR_HAS_PRODUCTS",
    "CUSTOMER_NO_TAKEN",
    "DEFAULT_GROUP_PROTECTED",
    "EMAIL_TAKEN_ON_ADD",
    "EMAIL_TAKEN_ON_UPDATE",
    "FIELD_OF_MESSAGE",
    "GROUP_EXISTS",
    "GROUP_IN_USE",
    "INVALID_CUSTOMER",
    "INVALID_CUSTOMER_ON_UPDATE",
    "INVALID_GROUP",
    "INVALID_GROUP_ID",
    "PASSWORD_MISMATCH",
    "UNSET",
    "VENDOR_HAS_PRODUCTS",
    "customer_create",
    "customer_soft_delete",
    "customer_update",
    "customers_bulk_set_status",
    "customers_bulk_soft_delete",
    "customers_move_to_group",
    "customers_restore",
    "group_create",
    "group_delete",
    "group_update",
]
