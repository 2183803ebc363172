"""Small template helpers of the back office's own pages."""

import datetime
import decimal

from django import template

register = template.Library()


@register.filter
def cell_class(value) -> str:
    """A CSS class for a table cell by its value's type: dates and numbers never wrap."""
    if isinstance(value, (datetime.date, datetime.time)):
        return "panel-date"
    if isinstance(value, (int, float, decimal.Decimal)) and not isinstance(value, bool):
        return "panel-number"
    return ""
