"""The customer back office (Django admin), registered when Django autodiscovers this package."""

from . import customers  # noqa: F401 - registers the customer, group and export log admins
