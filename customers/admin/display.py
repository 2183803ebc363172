"""How customers and groups look in the admin's lists.

Group colours reach the page as classes of a small stylesheet (`group_colours_view`), not as
style attributes: the Content Security Policy allows no inline style anywhere in the admin.
"""

from django import forms
from django.http import HttpResponse
from django.urls import reverse
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
    return format_html(
        '<span class="group-badge {}">{}</span>', group_colour_class(group.pk), group.name
    )


def group_colour_class(group_id: int) -> str:
    return f"group-colour-{int(group_id)}"


def group_colours_view(request) -> HttpResponse:
    """`.group-colour-<id>` rules for every group: its colour and a readable text colour.

    Only values the colour rule accepts (#RGB / #RRGGBB) are written, so no stored text can
    break out of a rule. Groups are few; the sheet is rebuilt on each request so a changed colour
    shows at once.
    """
    lines = []
    for pk, code in CustomerGroup.objects.order_by("pk").values_list("pk", "color_code"):
        colour = code if rules.is_colour(code) else "#777777"
        text = readable_text_colour(colour)
        lines.append(f".{group_colour_class(pk)} {{ background-color: {colour}; color: {text}; }}")
    response = HttpResponse("\n".join(lines) + "\n", content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "private, no-cache"
    return response


class GroupColoursMedia:
    """For a ModelAdmin that shows group badges or swatches: links the colours stylesheet."""

    @property
    def media(self):
        sheet = reverse("admin:customers_customergroup_colours")
        return super().media + forms.Media(css={"all": [sheet]})
