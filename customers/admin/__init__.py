"""The customer back office (Django admin), registered when Django autodiscovers this package.

One module per admin page, each writing through `customers.services` like the API does; what the
pages of several apps share lives in the toolkit, `ecommerce_admin.admin`.
"""

from . import addresses, customers, export_log, groups  # noqa: F401 - each registers its ModelAdmin
