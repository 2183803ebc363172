"""Job kinds run by other apps (API.md §11/§12).

jobs runs exports and imports itself; an app built over jobs (privacy's personal-data export)
registers the handler of its kind from its AppConfig.ready(), so that jobs never imports it.
A handler is called as `handler(job, monitor)` inside the runner (claimed job, audit source set)
and ends the job with `services.finish` or `services.fail`, as the built-in kinds do.
"""

from collections.abc import Callable

_handlers: dict[str, Callable] = {}


def register_kind(kind: str, handler: Callable) -> None:
    _handlers[kind] = handler


def handler_for(kind: str) -> Callable | None:
    return _handlers.get(kind)
