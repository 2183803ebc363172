"""How customers and groups look in the admin's lists."""

from django.utils.html import format_html

from customers import rules
from customers.models import CustomerGroup


def readable_text_colour(colour: str) -> str:
    """Black or white, whichever reads better on `colour` (#RGB / #RRGGBB)."""
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    red, green, blue = (int(digits[i : i + 2], 16) for i in (0, 2, 4))
    return "#000" if (0.299 * red + 0.587 * green + 0.114 * blue) > 150 else "#fff"


def group_colour(group: CustomerGroup) -> str:
    """The group's colour, or a neutral grey when the stored value is not a colour."""
    return group.color_code if rules.is_colour(group.color_code) else "#777777"


def group_badge(group: CustomerGroup | None):
    if group is None:
        return "—"
    colour = group_colour(group)
    return format_html(
        '<span class="group-badge" style="background-color: {}; color: {}">{}</span>',
        colour,
        readable_text_colour(colour),
        group.name,
    )
