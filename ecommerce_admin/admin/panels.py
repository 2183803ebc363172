"""Panels on an admin change page, contributed by other apps.

A page shows data of apps its own app must not import (the customer page shows analytics'
activity and audit's change history, though analytics is built over customers). So the page asks
this registry, and each app registers its panels from its own admin module:

    @register_change_panel("customers.customer", order=100)
    def change_history(request, object_id) -> Panel | None: ...

A provider returns None when the user may not see its panel. Panels are shown by `order`.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

#: Rows each panel shows.
PANEL_ROWS = 10


@dataclass(frozen=True)
class Panel:
    title: str
    headers: Sequence[str]
    rows: Sequence[Sequence[Any]]

    def as_context(self) -> dict[str, Any]:
        return {"title": self.title, "headers": list(self.headers), "rows": list(self.rows)}


PanelProvider = Callable[[HttpRequest, int], Panel | None]

_providers: dict[str, list[tuple[int, PanelProvider]]] = {}


def register_change_panel(model_label: str, *, order: int = 0):
    """Decorator: show the provider's panel on the change page of `model_label` ("app.model")."""

    def register(provider: PanelProvider) -> PanelProvider:
        providers = _providers.setdefault(model_label.lower(), [])
        if all(existing is not provider for _, existing in providers):
            providers.append((order, provider))
            providers.sort(key=lambda entry: entry[0])
        return provider

    return register


def change_panels(model_label: str, request: HttpRequest, object_id: int) -> list[dict[str, Any]]:
    """The template context of every panel `request.user` may see on this object's page."""
    panels = []
    for _, provider in _providers.get(model_label.lower(), []):
        panel = provider(request, object_id)
        if panel is not None:
            panels.append(panel.as_context())
    return panels
